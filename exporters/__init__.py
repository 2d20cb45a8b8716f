"""Combined exports: one module per format behind a registry keyed by format name.

Every exporter is a pure function from an ``ExportBatch`` to an iterator of byte chunks, so the
endpoint can stream the formats that allow it.
"""

from exporters.model import ExportBatch, ExportFile
from exporters.registry import EXPORTERS, Exporter, get_exporter

__all__ = ["EXPORTERS", "ExportBatch", "ExportFile", "Exporter", "get_exporter"]
