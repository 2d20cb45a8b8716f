"""DOCX: body paragraphs and table rows in document order; each table cell is its own segment."""

from __future__ import annotations

import io
import zipfile

from extraction.document import Document, Line, Page, Segment, Word
from extraction.types import ExtractionError


def _iter_blocks(doc):  # paragraphs and tables interleaved as they appear in the body
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in doc.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, doc)
        elif tag == "tbl":
            yield Table(child, doc)


def _rows_of(doc) -> list[list[str]]:
    from docx.table import Table

    rows: list[list[str]] = []
    for block in _iter_blocks(doc):
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:  # merged cells repeat: keep each once
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(
                        " ".join(p.text.strip() for p in cell.paragraphs if p.text.strip())
                    )
                if any(cells):
                    rows.append(cells)
        else:
            for part in block.text.split("\n"):
                if part.strip():
                    rows.append(part.split("\t"))
    return rows


#: A Word package is unpacked whole; a zip bomb (a small file that inflates to gigabytes) is
#: refused from the sizes its members declare, which ``zipfile`` never reads past.
MAX_INFLATED_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 2000


def check_inflated_size(data: bytes) -> None:
    """ResourceLimit when the package would unpack to more than the caps allow."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ExtractionError("CorruptFile", f"The Word document cannot be read: {exc}.") from exc
    if len(members) > MAX_MEMBERS:
        raise ExtractionError(
            "ResourceLimit",
            f"The Word document has {len(members)} parts; the limit is {MAX_MEMBERS}.",
        )
    total = sum(m.file_size for m in members)
    if total > MAX_INFLATED_BYTES:
        raise ExtractionError(
            "ResourceLimit",
            f"The Word document unpacks to {total / 1024 / 1024:.0f} MB; "
            f"the limit is {MAX_INFLATED_BYTES // 1024 // 1024} MB "
            "(remove large embedded files, or export it as PDF).",
        )


def read_docx(data: bytes) -> Document:
    check_inflated_size(data)
    try:
        import docx

        doc = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ExtractionError("CorruptFile", f"The Word document cannot be read: {exc}.") from exc
    except Exception as exc:  # lxml errors inside a damaged package
        raise ExtractionError("CorruptFile", f"The Word document is damaged: {exc}.") from exc
    lines: list[Line] = []
    words_all: list[Word] = []
    rows = _rows_of(doc)
    for r, cells in enumerate(rows):
        segments = []
        for c, cell in enumerate(cells):
            if not cell.strip():
                continue
            x = c * 100.0
            words = [
                Word(t, x + i, r * 2.0, x + i + 1, r * 2.0 + 1.6)
                for i, t in enumerate(cell.split())
            ]
            words_all.extend(words)
            segments.append(Segment(words, 1))
        if segments:
            lines.append(Line(segments, 1, len(lines)))
    page = Page(
        1,
        100.0 * max((len(c) for c in rows), default=1),
        2.0 * max(1, len(lines)),
        words_all,
        source="docx",
        geometric=False,
        lines=lines,
    )
    return Document([page], "docx")
