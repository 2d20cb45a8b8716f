"""html, pdf, docx and text exports read back by independent parsers
(lxml.html, pypdfium2, python-docx, plain str)."""

from __future__ import annotations

import ctypes
import io
import re
import unicodedata

import docx
import lxml.html
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from exporters.fmt_text import width
from exporters.registry import render_whole
from tests.exporters.conftest import CHINESE, EMOJI, FRENCH, GERMAN, MULTILINE, QUOTED, THAI

HOSTILE = [QUOTED, GERMAN, FRENCH, THAI, CHINESE, "1st total/€", 'receipt "one", <1>.pdf']


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


# ------------------------------------------------------------------ html


def test_html_escaped_standalone_report(batch):
    data = render_whole(batch, "html")
    text = data.decode("utf-8")
    assert "<b>bold</b>" not in text and "&lt;b&gt;bold&lt;/b&gt;" in text  # escaped
    assert "<batch>" not in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", text)  # nothing fetched
    assert "<link" not in text and "<script" not in text
    tree = lxml.html.fromstring(data)
    assert tree.findtext(".//h1") == batch.name
    body = tree.text_content()
    for s in HOSTILE + [EMOJI, "2024-05-01T09:30:15.250Z", batch.id]:
        assert s in body, s
    sections = tree.xpath("//section[@class='doc']")
    assert [s.get("data-file-id") for s in sections] == [
        "file_hostile01",
        "file_hostile02",
        "file_hostile03",
    ]
    cells = {
        th.text_content(): th.getnext().text_content()
        for th in sections[0].xpath(".//table[@class='fields']//th")
        if th.getnext() is not None
    }
    assert cells["seller_name"] == QUOTED
    assert cells["notes"] == MULTILINE
    assert cells["1st total/€"] == "1234.5"
    items = sections[0].xpath(".//table[@data-field='line_items']/tbody/tr")
    assert [r.xpath("./td")[1].text_content() for r in items] == [
        THAI,
        f"{CHINESE} {EMOJI}",
        "+SUM(A1)",
    ]
    assert "thead" in {e.tag for e in sections[0].iter()}
    fail = tree.xpath("//table[@class='failures']//td[@class='reason']")[0].text_content()
    assert fail == 'unreadable: The file could not be read: "corrupt" <xref> & trailer'
    assert not tree.xpath("//*[@id='in-progress']") and not tree.xpath("//*[@id='pending']")


def test_html_in_progress(partial_batch):
    tree = lxml.html.fromstring(render_whole(partial_batch, "html"))
    assert "PARTIAL EXPORT" in tree.get_element_by_id("in-progress").text_content()
    pending = tree.xpath("//table[@class='pending']//tbody/tr")
    assert [r.xpath("./td")[1].text_content() for r in pending] == ["later-1.pdf", "later-2.pdf"]


# ------------------------------------------------------------------ pdf


def _pdf_text(data: bytes) -> tuple[pdfium.PdfDocument, str]:
    pdf = pdfium.PdfDocument(data)
    return pdf, "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def _font_of(textpage, index: int) -> str:
    buf = ctypes.create_string_buffer(256)
    flags = ctypes.c_int(0)
    n = pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, buf, 256, ctypes.byref(flags))
    return buf.raw[: max(0, n - 1)].decode("utf-8", "replace")


@pytest.fixture(scope="module")
def pdf_partial():
    from tests.exporters.conftest import make_batch

    return _pdf_text(render_whole(make_batch(in_progress=True), "pdf"))


def test_pdf_text_reads_back(pdf_partial):
    _pdf, text = pdf_partial
    flat = _norm(text)
    for s in HOSTILE + [
        "PARTIAL EXPORT",
        "later-1.pdf",
        "later-2.pdf",
        "Failed files (1)",
        "The file could not be read",
        "INV-001",
        "1234.5",
        "2024-05-01T09:30:15.250Z",
    ]:
        assert _norm(s) in flat, s
    for line in MULTILINE.split("\n"):
        assert line in text
    assert "Page 1 of" in text


def test_pdf_thai_and_chinese_use_real_fonts(pdf_partial):
    """Each Thai / Chinese character is drawn with a font that has the script, not a fallback
    box."""
    pdf, _ = pdf_partial
    page = pdf[0]
    tp = page.get_textpage()
    fonts = {}
    for i in range(tp.count_chars()):
        ch = chr(pdfium_c.FPDFText_GetUnicode(tp.raw, i))
        if ch in ("ใ", "发"):
            fonts.setdefault(ch, set()).add(_font_of(tp, i))
    assert fonts.get("ใ") and all("Thai" in f for f in fonts["ใ"]), fonts
    assert fonts.get("发") and all("CJK" in f for f in fonts["发"]), fonts


# ------------------------------------------------------------------ docx


def _docx(batch):
    return docx.Document(io.BytesIO(render_whole(batch, "docx")))


def _table_rows(table):
    return [[c.text for c in row.cells] for row in table.rows]


def test_docx_heading_summary_and_tables(batch):
    d = _docx(batch)
    heads = [p.text for p in d.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert heads[0] == batch.name
    assert "Summary" in heads and any(h.startswith("Results") for h in heads)
    assert "Failed files (1)" in heads and not any(h.startswith("Pending") for h in heads)
    summary = dict(_table_rows(d.tables[0]))
    assert summary["Batch"] == batch.name and summary["Batch ID"] == batch.id
    assert summary["Created"] == "2024-05-01T09:30:15.250Z" and summary["Completed"] == "3"
    results = _table_rows(d.tables[1])
    header = results[0]
    assert header[:2] == ["#", "File"] and "1st total/€" in header
    assert header[2:] == [n for n in batch.templateSchema["properties"] if n != "line_items"]
    col = {name: i for i, name in enumerate(header)}
    assert results[1][col["seller_name"]] == QUOTED
    assert results[1][col["notes"]] == MULTILINE
    assert results[1][col["1st total/€"]] == "1234.5"
    assert results[2][col["seller_name"]] == GERMAN and results[2][col["notes"]] == FRENCH
    assert results[1][1].startswith('receipt "one", <1>.pdf')
    assert d.tables[1].rows[0]._tr.trPr.xpath("./w:tblHeader")  # header row repeats
    items = _table_rows(d.tables[2])
    assert items[0] == ["File", "#", "description", "quantity", "amount"]
    assert [r[2] for r in items[1:4]] == [THAI, f"{CHINESE} {EMOJI}", "+SUM(A1)"]
    failures = _table_rows(d.tables[3])
    assert failures[1][1] == "broken & <bad>.pdf"
    assert failures[1][3] == 'unreadable: The file could not be read: "corrupt" <xref> & trailer'


def test_docx_in_progress_and_wide_template(partial_batch):
    d = _docx(partial_batch)
    text = "\n".join(p.text for p in d.paragraphs)
    assert "PARTIAL EXPORT" in text and "Pending files (2)" in text
    pending = _table_rows(d.tables[-1])
    assert [r[1] for r in pending[1:]] == ["later-1.pdf", "later-2.pdf"]

    many = {f"field {i}": {"type": "string"} for i in range(20)}
    b = partial_batch.model_copy(update={"templateSchema": {"type": "object", "properties": many}})
    b.results[0].fields.update({f"field {i}": f"value {i}" for i in range(20)})
    d = _docx(b)
    assert d.sections[0].page_width > d.sections[0].page_height  # landscape
    parts = [
        t for t in d.tables if _table_rows(t)[0][2:3] and _table_rows(t)[0][2].startswith("field ")
    ]
    assert len(parts) == 3  # 8 + 8 + 4 field columns
    assert sum(len(t.columns) - 2 for t in parts) == 20
    assert _table_rows(parts[2])[1][-1] == "value 19"


# ------------------------------------------------------------------ text


def test_text_aligned_and_complete(partial_batch):
    text = render_whole(partial_batch, "text").decode("utf-8")
    for s in HOSTILE + [
        EMOJI,
        "PARTIAL EXPORT",
        "later-2.pdf",
        "FAILED FILES (1)",
        "PENDING FILES (2)",
    ]:
        assert s in text, s
    lines = text.splitlines()
    # multi-line value: continuation lines are indented under the first one
    i = next(
        k for k, line in enumerate(lines) if line.strip().startswith("notes") and "line one" in line
    )
    assert lines[i + 1].strip() == "line two, with comma"
    assert lines[i + 1].index("line two") == lines[i].index("line one")
    # summary labels aligned: the ':' in the same column
    summary = [line for line in lines[:25] if " : " in line]
    assert len({line.index(" : ") for line in summary}) == 1
    # line-item table: every row as wide as the header, by display width (Thai, CJK, emoji)
    j = next(k for k, line in enumerate(lines) if "description" in line and "quantity" in line)
    rows = lines[j : j + 5]
    ends = {width(r) for r in rows}
    assert len(ends) == 1, [(r, width(r)) for r in rows]


def test_text_display_width():
    assert width("abc") == 3
    assert width(CHINESE) == 4
    assert width(THAI) == 11  # 14 code points, 3 combining marks
    assert width("✅") == 2
