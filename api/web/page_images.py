"""A stored document's page as a PNG, so the file view can draw the found values' boxes over it."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from fastapi import APIRouter
from fastapi.responses import Response
from PIL import Image, ImageSequence
from starlette.concurrency import run_in_threadpool

from api.deps import SessionDep, SessionReader, SettingsDep
from api.errors import ApiError
from api.routes.history import load_file
from core.storage import Storage, open_storage
from extraction.readers.pdf import PDFIUM_LOCK

router = APIRouter(include_in_schema=False)

#: Longest side of the PNG: enough to read a page on a laptop screen, small enough to send quickly.
MAX_SIDE = 1400


class NoPageImage(Exception):
    """The document is not a PDF or an image (text, DOCX), or has no such page."""


def _png(image: Image.Image) -> bytes:
    image = image.convert("RGB") if image.mode not in ("RGB", "L") else image
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False)
    return out.getvalue()


def render_page(path: Path, number: int) -> bytes:
    """PNG of page ``number`` (1-based) of a PDF or an image file (TIFF pages too)."""
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" in head:
        with PDFIUM_LOCK:  # pdfium is not thread-safe; the worker's readers share this lock
            return _render_pdf_page(path, number)
    try:
        with Image.open(path) as image:
            frames = ImageSequence.Iterator(image)
            for index, frame in enumerate(frames, 1):
                if index == number:
                    return _png(frame.copy())
    except (OSError, Image.DecompressionBombError) as exc:
        raise NoPageImage(
            "This kind of document has no page image (only PDFs and images do)."
        ) from exc
    raise NoPageImage(f"The image has no page {number}.")


def _render_pdf_page(path: Path, number: int) -> bytes:
    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        raise NoPageImage("The PDF cannot be opened (damaged or encrypted).") from exc
    try:
        if not 1 <= number <= len(pdf):
            raise NoPageImage(
                f"The document has {len(pdf)} page(s); there is no page {number}."
            )
        page = pdf[number - 1]
        width, height = page.get_size()
        scale = min(2.0, MAX_SIDE / max(width, height, 1))
        return _png(page.render(scale=scale).to_pil())
    finally:
        pdf.close()


@router.get("/ui/files/{file_id}/page/{number}.png")
async def page_image(
    file_id: str, number: int, principal: SessionReader, session: SessionDep, settings: SettingsDep
) -> Response:
    """Page ``number`` of an uploaded file, for the caller's organization only."""
    row = load_file(session, principal, file_id)
    storage = open_storage(settings)
    if not await run_in_threadpool(storage.exists, row.storage_key):
        raise ApiError(404, f"The stored document of file {file_id} is gone.")
    try:
        png = await run_in_threadpool(_render_stored, storage, row.storage_key, number)
    except NoPageImage as exc:
        raise ApiError(404, str(exc)) from exc
    return Response(
        png,
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=600", "X-Content-Type-Options": "nosniff"},
    )


def _render_stored(storage: Storage, key: str, number: int) -> bytes:
    """Render from a local path (a temporary copy when the store is S3)."""
    with storage.local_copy(key) as path:
        return render_page(path, number)
