"""Format name -> exporter (media type, file extension, render function)."""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from exporters.model import ExportBatch


@dataclass(frozen=True)
class Exporter:
    format: str
    media_type: str
    extension: str
    render: Callable[..., Iterator[bytes]]  # render(batch: ExportBatch, **options) -> chunks


EXPORTERS: dict[str, Exporter] = {}
_LOADED = False


def register(exporter: Exporter) -> Exporter:
    EXPORTERS[exporter.format] = exporter
    return exporter


def get_exporter(fmt: str) -> Exporter | None:
    """The exporter for ``fmt``, importing only that format's module on first use.

    Importing every format (pandas for CSV, python-docx, lxml) costs about half a second;
    the first export of a batch must not pay for formats it does not use.
    """
    name = fmt.lower()
    exporter = EXPORTERS.get(name)
    if exporter is None and name in _format_modules():
        importlib.import_module(f"exporters.fmt_{name}")
        exporter = EXPORTERS.get(name)
    if exporter is None and not _LOADED:  # a module that registers under another name
        _load_all()
        exporter = EXPORTERS.get(name)
    return exporter


def available_formats() -> list[str]:
    """Every registered format name, sorted (for the 400 that lists the valid ones)."""
    _load_all()
    return sorted(EXPORTERS)


@functools.cache
def _format_modules() -> frozenset[str]:
    """Format names by module file name (``fmt_csv`` -> ``csv``), without importing them.
    Only these names are ever imported, so a request's ``format`` never names a module."""
    import exporters

    return frozenset(
        m.name[4:] for m in pkgutil.iter_modules(exporters.__path__) if m.name.startswith("fmt_")
    )


def _load_all() -> None:
    """Import the format modules so they register themselves.

    Guarded by its own flag, not by ``EXPORTERS`` being empty: importing one format module
    directly (``exporters.fmt_csv``) must not hide the others.
    """
    global _LOADED
    if _LOADED:
        return
    for name in sorted(_format_modules()):
        importlib.import_module(f"exporters.fmt_{name}")
    _LOADED = True


def render_whole(batch: ExportBatch, fmt: str, **options: object) -> bytes:
    exporter = get_exporter(fmt)
    if exporter is None:
        raise KeyError(fmt)
    return b"".join(exporter.render(batch, **options))
