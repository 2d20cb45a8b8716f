"""DOCX (python-docx): a heading, the summary, a results table for the template, line items,
the failed files and, for a partial export, the pending files.

The results table has one row per document and one column per template field; a template
with many fields is split into several tables of at most ``FIELDS_PER_TABLE`` field columns,
each repeating the file column, on landscape pages. Header rows repeat on every page.
Built whole (python-docx keeps the document in memory), then yielded in chunks.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import oxml_parser as _PARSER
from docx.shared import Emu, Mm, Pt, RGBColor
from lxml import etree

from exporters.common import (
    FieldSpec,
    clean_text,
    display_text,
    failure_reason,
    field_specs,
    in_progress_notice,
    is_numeric,
    item_columns,
    split_bytes,
    summary_items,
    typed_field,
)
from exporters.model import ExportBatch
from exporters.registry import Exporter, register

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


# ---------------------------------------------------------------- fast body rows
# python-docx spends ~1 ms per cell walking and inserting oxml children; a 50-file batch has
# thousands of cells. Body rows are therefore written as one XML fragment per table, with
# exactly the elements python-docx itself writes (tests/exporters compare the two).

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TABLE_SZ = str(round(TABLE_FONT.pt * 2))  # w:sz is in half-points


def _text_xml(text: str) -> str:
    """``run.text = text`` as python-docx writes it: tabs and line breaks as elements."""
    out: list[str] = []
    for part in re.split(r"([\t\r\n])", clean_text(text)):
        if part == "\t":
            out.append("<w:tab/>")
        elif part in ("\r", "\n"):
            out.append("<w:br/>")
        elif part:
            space = ' xml:space="preserve"' if len(part.strip()) < len(part) else ""
            out.append(f"<w:t{space}>{xml_escape(part)}</w:t>")
    return "".join(out)


def _run_xml(
    text: str, *, bold: bool | None = False, color: RGBColor | None = None, size: str = _TABLE_SZ
) -> str:
    props = "" if bold is None else ("<w:b/>" if bold else '<w:b w:val="0"/>')
    if color is not None:
        props += f'<w:color w:val="{color}"/>'
    return f'<w:r><w:rPr>{props}<w:sz w:val="{size}"/></w:rPr>{_text_xml(text)}</w:r>'


def _cell_xml(
    text: str,
    *,
    right: bool = False,
    bold: bool = False,
    color: RGBColor | None = None,
    sub: str | None = None,
    extra_run: str = "",
) -> str:
    """One cell's paragraph, as ``_write`` produces it."""
    ppr = '<w:pPr><w:jc w:val="right"/></w:pPr>' if right else ""
    runs = _run_xml(text, bold=bold, color=color)
    if sub:
        runs += _run_xml("\n" + sub, bold=None, color=MUTED, size="14")
    return f"<w:p>{ppr}{runs}{extra_run}</w:p>"


class _BodyRows:
    """Collects body rows for one python-docx table and appends them in one parse."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.tc_prs = [
            "<w:tcPr/>"
            if g.w is None
            else f'<w:tcPr><w:tcW w:type="dxa" w:w="{Emu(g.w).twips}"/></w:tcPr>'
            for g in table._tbl.tblGrid.gridCol_lst
        ]
        self.rows: list[str] = []

    def add(self, paragraphs: list[str]) -> None:
        cells = "".join(f"<w:tc>{tc_pr}{p}</w:tc>" for tc_pr, p in zip(self.tc_prs, paragraphs))
        self.rows.append(f'<w:tr><w:trPr><w:cantSplit w:val="true"/></w:trPr>{cells}</w:tr>')

    def add_values(self, values: list[tuple[str, bool]], **kw: Any) -> None:
        self.add([_cell_xml(text, right=numeric, **kw) for text, numeric in values])

    def close(self) -> None:
        if not self.rows:
            return
        fragment = etree.fromstring(f'<w:tbl xmlns:w="{_W}">{"".join(self.rows)}</w:tbl>', _PARSER)
        self.table._tbl.extend(list(fragment))
        self.rows = []


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
            rows = _BodyRows(_table(doc, headers, numeric))
            for i, f in enumerate(batch.results, start=1):
                cells = [_cell_xml(str(i), right=True), _cell_xml(f.fileName, sub=f.fileId)]
                for s in part:
                    text, num = _value(f.fields.get(s.name), s.type)
                    cells.append(_cell_xml(text, right=num))
                rows.add(cells)
            rows.close()
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
            rows = _BodyRows(_table(doc, headers, numeric))
            for f in batch.results:
                items = typed_field(s, f.fields.get(s.name))
                if not isinstance(items, list) or not items:
                    cells = [_cell_xml(text) for text in [f.fileName, ""] + [""] * len(cols)]
                    if cols:  # "no items": a second run in the first item column's cell, as before
                        cells[2] = _cell_xml("", extra_run=_run_xml("no items", color=MUTED))
                    rows.add(cells)
                    continue
                for j, it in enumerate(items, start=1):
                    vals = [(f.fileName if j == 1 else "", False), (str(j), True)]
                    if isinstance(it, dict):
                        vals += [_value(it.get(c.name), c.type) for c in cols]
                    else:
                        vals += [_value(it)] + [("", False)] * (len(cols) - 1)
                    rows.add_values(vals)
            rows.close()
            doc.add_paragraph()

    doc.add_heading(f"Failed files ({len(batch.failures)})", level=1)
    if batch.failures:
        rows = _BodyRows(
            _table(doc, ["#", "File", "File ID", "Reason"], [True, False, False, False])
        )
        for i, f in enumerate(batch.failures, start=1):
            rows.add(
                [
                    _cell_xml(str(i), right=True),
                    _cell_xml(f.fileName),
                    _cell_xml(f.fileId),
                    _cell_xml(failure_reason(f), color=BAD),
                ]
            )
        rows.close()
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
        rows = _BodyRows(
            _table(doc, ["#", "File", "File ID", "Status"], [True, False, False, False])
        )
        for i, f in enumerate(batch.pending, start=1):
            rows.add_values(
                [(str(i), True), (f.fileName, False), (f.fileId, False), (f.status, False)]
            )
        rows.close()

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render(batch: ExportBatch, **_options: object) -> Iterator[bytes]:
    yield from split_bytes(build_docx(batch))


register(
    Exporter(
        format="docx",
        media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        extension="docx",
        render=render,
    )
)
