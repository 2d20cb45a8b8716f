"""Hostile documents made on the fly (a few hundred KB each, so nothing large is committed)."""

from __future__ import annotations

import shutil
import zipfile
import zlib
from pathlib import Path

FIXTURES = Path(__file__).parents[1] / "fixtures" / "extraction"
MB = 1024 * 1024


def deflated_zeros(size: int) -> bytes:
    """``size`` bytes of zeros, deflated (about 1000:1), built a megabyte at a time."""
    comp = zlib.compressobj(9)
    block = b"\0" * MB
    out = [comp.compress(block) for _ in range(size // MB)]
    out.append(comp.flush())
    return b"".join(out)


def zip_bomb_docx(target: Path, inflated: int = 512 * MB) -> Path:
    """The real invoice DOCX plus one member that inflates to ``inflated`` bytes."""
    shutil.copy(FIXTURES / "invoice.docx", target)
    with zipfile.ZipFile(target, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        with package.open("word/media/padding.bin", "w", force_zip64=True) as member:
            block = b"\0" * MB
            for _ in range(inflated // MB):
                member.write(block)
    return target


def pdf_with_attachment(target: Path, inflated: int = 300 * MB, name: str = "factur-x.xml") -> Path:
    """A one-page invoice PDF with an embedded ``name`` that inflates to ``inflated`` bytes."""
    content = b"BT /F1 12 Tf 72 720 Td (Invoice INV-77 Total 10.00 EUR) Tj ET"
    payload = deflated_zeros(inflated)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [("
        + name.encode()
        + b") 5 0 R] >> >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Filespec /F ("
        + name.encode()
        + b") /UF ("
        + name.encode()
        + b") /EF << /F 7 0 R >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode /Length %d >>\nstream\n"
        % len(payload)
        + payload
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    target.write_bytes(bytes(out))
    return target


def _pdf(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def many_pages_pdf(target: Path, pages: int = 10_000) -> Path:
    """``pages`` empty pages sharing one tree node (about 600 KB)."""
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
    ]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * pages
    target.write_bytes(_pdf(objects))
    return target


def deeply_nested_pdf(target: Path, depth: int = 100_000) -> Path:
    """A page whose resources hold an array nested ``depth`` deep."""
    nested = b"[" * depth + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /X "
        + nested
        + b" >> >>",
    ]
    target.write_bytes(_pdf(objects))
    return target


def huge_image(target: Path, size: tuple[int, int] = (7000, 10000)) -> Path:
    """A white page of ``size`` pixels (70 MP: under the pixel cap) with a few lines of text; a
    few hundred KB as PNG, about 200 MB once decoded and far more while it is read."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    for y in range(200, size[1], 400):
        draw.text((300, y), "INVOICE INV-77 TOTAL 10.00 EUR", fill="black")
    image.save(target)
    return target


def many_scanned_pages_pdf(target: Path, pages: int = 40) -> Path:
    """A PDF of ``pages`` scanned receipt pages (images only): every page needs OCR."""
    from PIL import Image

    page = Image.open(FIXTURES / "receipt.png").convert("RGB")
    page.save(target, save_all=True, append_images=[page] * (pages - 1), resolution=150)
    return target
