"""Format name -> exporter (media type, file extension, render function)."""

from __future__ import annotations

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
    _load_all()
    return EXPORTERS.get(fmt.lower())


def available_formats() -> list[str]:
    """Every registered format name, sorted (for the 400 that lists the valid ones)."""
    _load_all()
    return sorted(EXPORTERS)


def _load_all() -> None:
    """Import the format modules so they register themselves.

    Guarded by its own flag, not by ``EXPORTERS`` being empty: importing one format module
    directly (``exporters.fmt_csv``) must not hide the others.
    """
    global _LOADED
    if _LOADED:
        return
    import importlib
    import pkgutil

    import exporters

    for mod in pkgutil.iter_modules(exporters.__path__):
        if mod.name.startswith("fmt_"):
            importlib.import_module(f"exporters.{mod.name}")
    _LOADED = True


def render_whole(batch: ExportBatch, fmt: str, **options: object) -> bytes:
    exporter = get_exporter(fmt)
    if exporter is None:
        raise KeyError(fmt)
    return b"".join(exporter.render(batch, **options))


RenderFn = Callable[[ExportBatch], Iterator[bytes]]
