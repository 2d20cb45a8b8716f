"""Images (JPG, PNG, WebP, BMP, TIFF incl. multi-page): checked for bombs, then OCRed."""

from __future__ import annotations

import io
import time
import warnings

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

from extraction.document import Document, Page
from extraction.types import EngineOptions, ExtractionError, PageCallback

REDUCE_ABOVE = 4000  # px: JPEGs larger than this are decoded at a fraction of their size


def decode_reduced(img: Image.Image) -> None:
    """Ask the JPEG decoder for a reduced image when the scan is far larger than OCR needs (the
    OCR reads at most 2000 px a side): a 600 dpi A4 scan decodes at a quarter of the memory."""
    side = max(img.size)
    if img.format == "JPEG" and side > REDUCE_ABOVE:
        k = REDUCE_ABOVE / 2 / side
        img.draft("RGB", (max(1, int(img.width * k)), max(1, int(img.height * k))))


def read_image(
    data: bytes, options: EngineOptions, on_page: PageCallback | None = None
) -> Document:
    from extraction.ocr import ocr_upright

    # WeasyPrint (the PDF export) turns this Pillow switch on for the whole process when it is
    # imported; with it on, a truncated image decodes as grey instead of failing as corrupt.
    ImageFile.LOAD_TRUNCATED_IMAGES = False

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))  # lazy: reads the header only
    except (UnidentifiedImageError, OSError) as exc:
        raise ExtractionError("CorruptFile", f"The image cannot be read: {exc}.") from exc
    except Image.DecompressionBombError as exc:
        raise ExtractionError(
            "ImageTooLarge", f"The image is too large to process: {exc}."
        ) from exc
    frames = getattr(img, "n_frames", 1) or 1
    if frames > options.max_pages:
        raise ExtractionError(
            "TooManyPages", f"The image has {frames} pages; the limit is {options.max_pages}."
        )
    pages: list[Page] = []
    ocr_seconds = 0.0
    for i in range(frames):
        try:
            img.seek(i)
        except EOFError:
            break
        w, h = img.size
        if w * h > options.max_image_pixels:
            raise ExtractionError(
                "ImageTooLarge",
                f"The image is {w} x {h} pixels ({w * h / 1e6:.0f} megapixels); "
                f"the limit is {options.max_image_pixels / 1e6:.0f} megapixels.",
            )
        if w == 0 or h == 0:
            raise ExtractionError("CorruptFile", "The image has no pixels.")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", Image.DecompressionBombWarning)
                frame = img.copy() if frames > 1 else img
                if frames == 1:
                    decode_reduced(frame)
                frame.load()
                frame = ImageOps.exif_transpose(frame) if frames == 1 else frame
        except Image.DecompressionBombError as exc:
            raise ExtractionError(
                "ImageTooLarge", f"The image is too large to process: {exc}."
            ) from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise ExtractionError(
                "CorruptFile", f"The image is damaged or truncated: {exc}."
            ) from exc
        if frame.mode in ("RGBA", "LA", "P"):
            frame = frame.convert("RGBA")
            bg = Image.new("RGB", frame.size, "white")
            bg.paste(frame, mask=frame.split()[-1])
            frame = bg
        started = time.perf_counter()
        frame, words, _turn = ocr_upright(frame)  # a page photographed sideways is read upright
        ocr_seconds += time.perf_counter() - started
        page = Page(i + 1, float(frame.width), float(frame.height), words, source="ocr")
        page.build_lines()
        pages.append(page)
        if on_page:
            on_page(i + 1)
    return Document(pages, "image", ocr_seconds=ocr_seconds)
