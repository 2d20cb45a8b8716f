"""CSV (pandas): UTF-8 with BOM, RFC 4180 quoting, formula-injection guard.

Default: one row per document, one column per template field; a line-items field is one
column holding the items as a JSON array string. ``line_items="rows"``: one row per line item,
the document's other fields repeated, ``line_item_index`` (1-based) and the item columns named
``<field>.<column>``. Failed then pending files follow the results as rows of their own
(``status`` column, ``error_code``/``error_message``); completed files say ``needs_review`` and
``reviewed`` (true/false); the batch header is in the ``batch_*``
columns at the end of every row. Rows are written in small pandas frames, so the export streams.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from exporters.common import (
    FieldSpec,
    display_text,
    field_specs,
    fmt_time,
    typed_field,
)
from exporters.model import ExportBatch, ExportFile
from exporters.registry import Exporter, register

BOM = "\ufeff"
ROWS_PER_FRAME = 20
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_AFTER_SEMICOLON = re.compile(
    r"(;\s*)([=+\-@])(?![\d.,]+\s*(?:;|$))"
)  # a plain number stays as it is

LEADING_COLUMNS = ["status", "file_name", "file_id", "pages"]
ERROR_COLUMNS = ["error_code", "error_message"]
REVIEW_COLUMNS = ["needs_review", "reviewed"]  # completed files: true/false (issue 14)
BATCH_COLUMNS = [
    "batch_id",
    "batch_name",
    "template_id",
    "template_name",
    "batch_status",
    "batch_in_progress",
    "batch_created_at",
    "batch_finished_at",
    "exported_at",
    "total_files",
    "completed_files",
    "failed_files",
    "pending_files",
]
LINE_ITEM_INDEX = "line_item_index"


def guard_cell(text: str) -> str:
    """Defuse spreadsheet formulas: a cell starting with = + - @ (or tab/CR) gets a leading '.

    Plain number literals such as ``-12.50`` are left alone: they are values, not formulas.
    """
    if text and ";" in text:  # a spreadsheet in a ';'-separated locale starts a cell after each ';'
        text = _AFTER_SEMICOLON.sub(r"\1'\2", text)
    if text and text.startswith(_FORMULA_START):
        try:
            float(text)
            if text.strip() == text:
                return text
        except ValueError:
            pass
        return "'" + text
    return text


def _unique(names: list[str], reserved: set[str]) -> list[str]:
    """Field column headers that do not clash with the fixed columns or each other."""
    out: list[str] = []
    used = set(reserved)
    for n in names:
        h = n if n not in used else f"field.{n}"
        i = 2
        base = h
        while h in used:
            h = f"{base}#{i}"
            i += 1
        used.add(h)
        out.append(h)
    return out


def _line_items_mode(options: dict[str, object]) -> str:
    mode = options.get("line_items", options.get("lineItems"))
    if mode in (None, "", "document", "documents", "columns", "json"):
        return "document"
    if mode in ("rows", "row"):
        return "rows"
    raise ValueError(f"csv option line_items must be 'rows' or 'document', not {mode!r}")


def _cell(value: Any, spec: FieldSpec | None = None) -> str:
    if spec is not None and spec.is_line_items:
        typed = typed_field(spec, value)
        return "" if typed is None else json.dumps(typed, ensure_ascii=False)
    if spec is not None:
        return display_text(value, spec.type, spec.format)
    return display_text(value)


class _Layout:
    def __init__(self, batch: ExportBatch, mode: str):
        self.batch = batch
        self.mode = mode
        self.specs = field_specs(batch.templateSchema)
        if mode == "rows":
            self.head_specs = [s for s in self.specs if not s.is_line_items]
            self.li_specs = [s for s in self.specs if s.is_line_items]
        else:
            self.head_specs = list(self.specs)
            self.li_specs = []
        self.item_cols: list[tuple[FieldSpec, str | None, str]] = []  # spec, column, header
        for s in self.li_specs:
            if s.columns:
                for c in s.columns:
                    self.item_cols.append((s, c.name, f"{s.name}.{c.name}"))
            else:
                self.item_cols.append((s, None, f"{s.name}.item"))
        fixed = LEADING_COLUMNS + ERROR_COLUMNS + REVIEW_COLUMNS + BATCH_COLUMNS
        if mode == "rows":
            fixed = fixed + [LINE_ITEM_INDEX]
        field_headers = _unique([s.name for s in self.head_specs], set(fixed))
        item_headers = _unique([h for _, _, h in self.item_cols], set(fixed) | set(field_headers))
        self.columns = (
            LEADING_COLUMNS
            + field_headers
            + ([LINE_ITEM_INDEX] + item_headers if mode == "rows" else [])
            + ERROR_COLUMNS
            + REVIEW_COLUMNS
            + BATCH_COLUMNS
        )
        b = batch
        self.batch_cells = [
            b.id,
            b.name,
            b.templateId,
            b.templateName,
            b.status,
            "true" if b.inProgress else "false",
            fmt_time(b.createdAt),
            fmt_time(b.finishedAt),
            fmt_time(b.exportedAt),
            str(b.totalFiles),
            str(b.completedFiles),
            str(b.failedFiles),
            str(len(b.pending)),
        ]
        self.n_item_cells = (1 + len(self.item_cols)) if mode == "rows" else 0

    def _lead(self, f: ExportFile) -> list[str]:
        return [f.status, f.fileName, f.fileId, "" if f.pages is None else str(f.pages)]

    def result_rows(self, f: ExportFile) -> Iterator[list[str]]:
        lead = self._lead(f)
        head = [_cell(f.fields.get(s.name), s) for s in self.head_specs]
        review = ["true" if f.needsReview else "false", "true" if f.reviewed else "false"]
        tail = ["", ""] + review + self.batch_cells
        if self.mode != "rows":
            yield lead + head + tail
            return
        lists = []
        for s in self.li_specs:
            v = typed_field(s, f.fields.get(s.name))
            lists.append(v if isinstance(v, list) else ([] if v is None else [v]))
        n = max((len(x) for x in lists), default=0)
        if n == 0:
            yield lead + head + [""] * self.n_item_cells + tail
            return
        by_spec = {s.name: lst for s, lst in zip(self.li_specs, lists)}
        for i in range(n):
            cells = [str(i + 1)]
            for s, col, _h in self.item_cols:
                lst = by_spec[s.name]
                item = lst[i] if i < len(lst) else None
                if col is None:
                    cells.append("" if item is None else _cell(item))
                elif isinstance(item, dict):
                    cells.append(_cell(item.get(col)))
                else:
                    cells.append("")
            yield lead + head + cells + tail

    def other_row(self, f: ExportFile, failed: bool) -> list[str]:
        errs = [f.errorCode or "", f.errorMessage or ""] if failed else ["", ""]
        if failed and not (f.errorCode or f.errorMessage):
            errs = ["", "failed (no reason recorded)"]
        return (
            self._lead(f)
            + [""] * len(self.head_specs)
            + [""] * self.n_item_cells
            + errs
            + ["", ""]
            + self.batch_cells
        )

    def rows(self) -> Iterator[list[str]]:
        for f in self.batch.results:
            yield from self.result_rows(f)
        for f in self.batch.failures:
            yield self.other_row(f, failed=True)
        for f in self.batch.pending:
            yield self.other_row(f, failed=False)


def _frame_csv(rows: list[list[str]], columns: list[str], header: bool) -> str:
    import pandas as pd  # imported on first CSV export: half a second nobody else should pay

    frame = pd.DataFrame(rows, columns=columns, dtype=object)
    return frame.to_csv(index=False, header=header, lineterminator="\r\n")


def iter_csv(batch: ExportBatch, **options: object) -> Iterator[str]:
    layout = _Layout(batch, _line_items_mode(options))
    columns = [guard_cell(c) for c in layout.columns]
    buf: list[list[str]] = []
    first = True
    for row in layout.rows():
        buf.append([guard_cell(c) for c in row])
        if len(buf) >= ROWS_PER_FRAME:
            yield (BOM if first else "") + _frame_csv(buf, columns, first)
            buf, first = [], False
    if buf or first:
        yield (BOM if first else "") + _frame_csv(buf, columns, first)


def render(batch: ExportBatch, **options: object) -> Iterator[bytes]:
    mode = _line_items_mode(options)  # validate before the first byte is sent
    opts = dict(options)
    opts["line_items"] = mode
    opts.pop("lineItems", None)
    return (chunk.encode("utf-8") for chunk in iter_csv(batch, **opts))


register(
    Exporter(format="csv", media_type="text/csv; charset=utf-8", extension="csv", render=render)
)
