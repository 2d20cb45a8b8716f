"""Baseline for the benchmark: the DOCX exporter as it was before the fast body rows (issue 13),
kept unchanged so `make bench` can time both in the same run.

DOCX (python-docx): a heading, the summary, a results table for the template, line items,
the failed files and, for a partial export, the pending files.

The results table has one row per document and one column per template field; a template
with many fields is split into several tables of at most ``FIELDS_PER_TABLE`` field columns,
each repeating the file column, on landscape pages. Header rows repeat on every page.
Built whole (python-docx keeps the document in memory), then yielded in chunks.
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from exporters.common import (
    FieldSpec,
    clean_text,
    display_text,
    failure_reason,
    field_specs,
    in_progress_notice,
    is_numeric,
    item_columns,
    summary_items,
    typed_field,
)
from exporters.model import ExportBatch

FIELDS_PER_TABLE = 8
TABLE_FONT = Pt(8.5)
MUTED = RGBColor(0x5B, 0x64, 0x74)
WARN = RGBColor(0x8A, 0x4B, 0x00)
BAD = RGBColor(0xA1, 0x24, 0x2B)


def _repeat_header(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _no_split(row: Any) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:cantSplit")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _write(
    cell: Any,
    text: str,
    *,
    bold: bool = False,
    right: bool = False,
    color: RGBColor | None = None,
    sub: str | None = None,
) -> None:
    p = cell.paragraphs[0]
    run = p.add_run(clean_text(text))
    run.font.size = TABLE_FONT
    run.bold = bold
    if color is not None:
        run.font.color.rgb = color
    if right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if sub:
        r2 = p.add_run("\n" + clean_text(sub))
        r2.font.size = Pt(7)
        r2.font.color.rgb = MUTED


def _table(doc: Any, headers: list[str], numeric: list[bool] | None = None) -> Any:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    hdr = table.rows[0]
    _repeat_header(hdr)
    for i, (cell, h) in enumerate(zip(hdr.cells, headers)):
        _write(cell, h, bold=True, right=bool(numeric and numeric[i]))
        shading = OxmlElement("w:shd")
        shading.set(qn("w:val"), "clear")
        shading.set(qn("w:color"), "auto")
        shading.set(qn("w:fill"), "EEF1F6")
        cell._tc.get_or_add_tcPr().append(shading)
    return table


def _add_row(table: Any, values: list[tuple[str, bool]], **kw: Any) -> Any:
    row = table.add_row()
    _no_split(row)
    for cell, (text, numeric) in zip(row.cells, values):
        _write(cell, text, right=numeric, **kw)
    return row


def _value(value: Any, spec_type: str = "") -> tuple[str, bool]:
    return display_text(value, spec_type), is_numeric(value, spec_type)


def _chunks(specs: list[FieldSpec], n: int) -> list[list[FieldSpec]]:
    return [specs[i : i + n] for i in range(0, len(specs), n)] or [[]]


def build_docx(batch: ExportBatch) -> bytes:
    specs = field_specs(batch.templateSchema)
    scalar = [s for s in specs if not s.is_line_items]
    li_specs = [s for s in specs if s.is_line_items]

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10)
    section = doc.sections[0]
    wide = len(scalar) > 4 or any(len(s.columns) > 5 for s in li_specs)
    if wide:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    doc.core_properties.title = clean_text(f"{batch.name} – docbatch export")[:255]

    doc.add_heading(clean_text(batch.name), level=0)
    sub = doc.add_paragraph()
    r = sub.add_run(clean_text(f"docbatch combined export · template “{batch.templateName}”"))
    r.font.color.rgb = MUTED
    notice = in_progress_notice(batch)
    if notice:
        p = doc.add_paragraph()
        r = p.add_run(notice)
        r.bold = True
        r.font.color.rgb = WARN

    doc.add_heading("Summary", level=1)
    summary = doc.add_table(rows=0, cols=2)
    summary.style = "Table Grid"
    for label, value in summary_items(batch):
        row = summary.add_row()
        _write(row.cells[0], label, bold=True)
        _write(row.cells[1], value)

    doc.add_heading(
        clean_text(f"Results: template “{batch.templateName}” ({len(batch.results)})"), level=1
    )
    if not batch.results:
        doc.add_paragraph("No file has finished yet.")
    else:
        parts = _chunks(scalar, FIELDS_PER_TABLE)
        for n, part in enumerate(parts, start=1):
            if len(parts) > 1:
                doc.add_paragraph(
                    f"Fields {FIELDS_PER_TABLE * (n - 1) + 1}–"
                    f"{FIELDS_PER_TABLE * (n - 1) + len(part)} of {len(scalar)}"
                ).runs[0].italic = True
            headers = ["#", "File"] + [s.name for s in part]
            numeric = [True, False] + [s.type in ("number", "integer") for s in part]
            table = _table(doc, headers, numeric)
            for i, f in enumerate(batch.results, start=1):
                row = table.add_row()
                _no_split(row)
                cells = row.cells
                _write(cells[0], str(i), right=True)
                _write(cells[1], f.fileName, sub=f.fileId)
                for cell, s in zip(cells[2:], part):
                    text, num = _value(f.fields.get(s.name), s.type)
                    _write(cell, text, right=num)
            doc.add_paragraph()

        for s in li_specs:
            doc.add_heading(clean_text(f"Line items: {s.name}"), level=2)
            cols = list(s.columns)
            if not cols:  # no columns in the schema: take the keys found in the items
                seen: list[Any] = []
                for f in batch.results:
                    v = f.fields.get(s.name)
                    if isinstance(v, list):
                        seen.extend(v[:50])
                cols = item_columns(s, seen)
            headers = ["File", "#"] + [c.name for c in cols]
            numeric = [False, True] + [c.type in ("number", "integer") for c in cols]
            table = _table(doc, headers, numeric)
            for f in batch.results:
                items = typed_field(s, f.fields.get(s.name))
                if not isinstance(items, list) or not items:
                    _add_row(table, [(f.fileName, False), ("", False)] + [("", False)] * len(cols))
                    row = table.rows[-1]
                    _write(row.cells[2], "no items", color=MUTED)
                    continue
                for j, it in enumerate(items, start=1):
                    vals = [(f.fileName if j == 1 else "", False), (str(j), True)]
                    if isinstance(it, dict):
                        vals += [_value(it.get(c.name), c.type) for c in cols]
                    else:
                        vals += [_value(it)] + [("", False)] * (len(cols) - 1)
                    _add_row(table, vals)
            doc.add_paragraph()

    doc.add_heading(f"Failed files ({len(batch.failures)})", level=1)
    if batch.failures:
        table = _table(doc, ["#", "File", "File ID", "Reason"], [True, False, False, False])
        for i, f in enumerate(batch.failures, start=1):
            row = table.add_row()
            _no_split(row)
            c = row.cells
            _write(c[0], str(i), right=True)
            _write(c[1], f.fileName)
            _write(c[2], f.fileId)
            _write(c[3], failure_reason(f), color=BAD)
    else:
        doc.add_paragraph("No file failed.")

    if batch.pending:
        doc.add_heading(f"Pending files ({len(batch.pending)})", level=1)
        p = doc.add_paragraph()
        r = p.add_run(
            "These files were not finished when the export was made; "
            "they are not in the results above."
        )
        r.font.color.rgb = WARN
        table = _table(doc, ["#", "File", "File ID", "Status"], [True, False, False, False])
        for i, f in enumerate(batch.pending, start=1):
            _add_row(
                table, [(str(i), True), (f.fileName, False), (f.fileId, False), (f.status, False)]
            )

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
