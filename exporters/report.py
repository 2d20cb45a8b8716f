"""The HTML report shared by the html and pdf formats: view models and the Jinja2 environment.

Documents are turned into view models one at a time (``documents()`` is a generator the
template iterates), so rendering never holds a second copy of the results.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from exporters.common import (
    FieldSpec,
    display_text,
    failure_reason,
    field_specs,
    fmt_time,
    in_progress_notice,
    is_numeric,
    item_columns,
    summary_items,
    typed_field,
)
from exporters.model import ExportBatch, ExportFile

TEMPLATES_DIR = Path(__file__).parent / "templates"
EMPTY = "\u2014"  # em dash for a value the engine did not find
INDEX_COL_PCT = 5  # the "#" column of line-item tables


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False
    empty: bool = False

    @property
    def css(self) -> str:
        return " ".join(
            c for c in ("num" if self.numeric else "", "empty" if self.empty else "") if c
        )


def make_cell(value: Any, type_: str = "", format_: str = "") -> Cell:
    if value is None or value == "":
        return Cell(EMPTY, empty=True)
    return Cell(display_text(value, type_, format_), numeric=is_numeric(value, type_))


@dataclass
class ItemsTable:
    name: str
    columns: list[str]
    numeric: list[bool]
    rows: list[list[Cell]]

    @property
    def widths(self) -> list[str]:
        """Column widths (percent) for the fixed table layout: text columns get 3 shares,
        number columns 1 (fixed layout keeps WeasyPrint fast and wraps long text)."""
        shares = [1 if n else 3 for n in self.numeric]
        total = sum(shares) or 1
        return [f"{(100 - INDEX_COL_PCT) * s / total:.2f}%" for s in shares]


@dataclass
class DocView:
    index: int
    file_name: str
    file_id: str
    pages: str
    finished: str
    fields: list[tuple[str, Cell]] = field(default_factory=list)
    tables: list[ItemsTable] = field(default_factory=list)

    @property
    def field_rows(self) -> list[list[tuple[str, Cell]]]:
        """Two fields per table row (name, value, name, value) once there are more than four:
        the report stays short without narrowing any column too much."""
        per_row = 2 if len(self.fields) > 4 else 1
        return [self.fields[i : i + per_row] for i in range(0, len(self.fields), per_row)]

    @property
    def pairs_per_row(self) -> int:
        return 2 if len(self.fields) > 4 else 1


def doc_view(index: int, f: ExportFile, specs: list[FieldSpec]) -> DocView:
    view = DocView(
        index=index,
        file_name=f.fileName,
        file_id=f.fileId,
        pages="" if f.pages is None else str(f.pages),
        finished=fmt_time(f.finishedAt),
    )
    for s in specs:
        raw = f.fields.get(s.name)
        if s.is_line_items and (raw is None or isinstance(raw, list)):
            items = typed_field(s, raw) or []
            cols = item_columns(s, items)
            rows = []
            for it in items:
                if isinstance(it, dict):
                    rows.append([make_cell(it.get(c.name), c.type) for c in cols])
                else:
                    rows.append([make_cell(it)] + [Cell("", empty=True)] * (len(cols) - 1))
            numeric = [c.type in ("number", "integer") for c in cols]
            view.tables.append(ItemsTable(s.name, [c.name for c in cols], numeric, rows))
        else:
            view.fields.append((s.name, make_cell(raw, s.type, s.format)))
    return view


def report_context(batch: ExportBatch, *, for_print: bool) -> dict[str, Any]:
    specs = field_specs(batch.templateSchema)

    def documents() -> Iterator[DocView]:
        for i, f in enumerate(batch.results, start=1):
            yield doc_view(i, f, specs)

    def failures() -> Iterator[tuple[int, ExportFile, str]]:
        for i, f in enumerate(batch.failures, start=1):
            yield i, f, failure_reason(f)

    return {
        "batch": batch,
        "summary": summary_items(batch),
        "notice": in_progress_notice(batch),
        "documents": documents,
        "failures": failures,
        "pending": batch.pending,
        "field_count": len(specs),
        "for_print": for_print,
        "index_col_pct": INDEX_COL_PCT,
        "exported": fmt_time(batch.exportedAt),
    }


_ENV: jinja2.Environment | None = None


def environment() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
            autoescape=True,  # every value is escaped; the template marks nothing safe
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
    return _ENV


def generate_report(batch: ExportBatch, *, for_print: bool = False) -> Iterator[str]:
    """The report as a stream of HTML pieces."""
    template = environment().get_template("report.html.j2")
    return template.generate(**report_context(batch, for_print=for_print))
