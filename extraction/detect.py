"""Decide what a file is from its bytes, never from its name."""

from __future__ import annotations

import io
import zipfile

import filetype

from extraction.types import ExtractionError

IMAGE_MIMES = {
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/webp": "webp",
    "image/bmp": "bmp",
    "image/x-ms-bmp": "bmp",
    "image/tiff": "tiff",
}


def detect_kind(data: bytes) -> str:
    """Return one of pdf, image, docx, text; raise EmptyFile or UnsupportedType."""
    if not data:
        raise ExtractionError("EmptyFile", "The file is empty (0 bytes).")
    if b"%PDF-" in data[:1024]:
        return "pdf"
    guess = filetype.guess(data[:8192])
    mime = guess.mime if guess else None
    if mime in IMAGE_MIMES:
        return "image"
    if data[:2] == b"BM" and len(data) > 26:  # filetype misses some BMP variants
        return "image"
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise ExtractionError(
                "CorruptFile", "The file looks like a ZIP/DOCX archive but is damaged."
            ) from exc
        if "word/document.xml" in names:
            return "docx"
        raise ExtractionError(
            "UnsupportedType",
            "The file is a ZIP archive but not a Word (DOCX) document; supported types are PDF, "
            "images (JPG, PNG, WebP, BMP, TIFF), DOCX and plain text.",
        )
    if mime is None and looks_like_text(data):
        return "text"
    what = f"'{mime}'" if mime else "binary data of an unknown kind"
    raise ExtractionError(
        "UnsupportedType",
        f"The file's content is {what}; supported types are PDF, images (JPG, PNG, WebP, BMP, "
        "TIFF), DOCX and plain text.",
    )


def looks_like_text(data: bytes) -> bool:
    sample = data[:65536]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as exc:
        if exc.start > len(sample) - 4:  # a multi-byte character cut by the sample
            return True
    text = sample.decode("latin-1")
    printable = sum(ch.isprintable() or ch in "\r\n\t\f" for ch in text)
    return printable / max(1, len(text)) > 0.95


def decode_text(data: bytes) -> str:
    for enc in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1", errors="replace")
