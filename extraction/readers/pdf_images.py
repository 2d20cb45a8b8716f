"""Text printed inside images on PDF pages that do have a text layer.

Many invoices carry the seller's letterhead (name, address, IBAN, VAT id) as a picture above a
body typed as text. ``read_pdf`` reads the text layer; this module finds the page's images that
are large enough to hold lines of text, renders only their regions, and OCRs them. The words it
adds are those that fall on no text-layer word and are set in body-size type: a logo's display
letters are several times taller than the page's text and are dropped, so a brand's stylised
name cannot become the seller's name.

Skipped, so a text PDF pays nothing unless it shows a large picture: pages turned by /Rotate
(their object and text boxes live in different spaces), images smaller than
``MIN_AREA_SHARE`` of the page or narrower/shorter than ``MIN_WIDTH``/``MIN_HEIGHT``, and images
under invisible text (a scan whose text layer is already its OCR). At most ``MAX_IMAGES`` images a
page, never more pixels than rendering the whole page once for OCR would cost, and at most
``MAX_DOCUMENT_READINGS`` OCR calls a document; a picture repeated on every page is read once.

Measured on the corpus (README.md, "Text inside images"): of its 54 text PDFs, 10 show an image
this large (12 images on 11 pages): eleven logos cost 0.01-0.15 CPU-s each and add no word (one
tagline set at body size is added and changes no field), the one letterhead image
(invoice2data/saeco.pdf, 0.6 CPU-s) gives the seller's name, IBAN and address. Looking for images
costs 0.19 ms a page on the others (reading the text layer: 2.4 ms). ``tools/image_letterheads.py``
measures letterheads and footers drawn at 8-12 pt beside a logo.
"""

from __future__ import annotations

import ctypes
import hashlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from statistics import median

import pypdfium2
import pypdfium2.raw as pdfium_c
from PIL import Image

from extraction.document import Word
from extraction.types import EngineOptions

MIN_AREA_SHARE = 0.007  # of the page: two short lines at 8 pt (120 x 30 pt), not an icon
MIN_WIDTH = 60.0  # points: a short word at body size
MIN_HEIGHT = 12.0  # points: one line of body text
MAX_IMAGES = 4  # per page, largest first
MAX_DOCUMENT_READINGS = 8  # OCR calls a document: a letterhead is on its first pages
#: OCR words taller than this many times the text layer's median word height are display type
#: (logos, slogans): the corpus's logos measured 2.2-3.8 times, its letterhead lines 1.0-1.3
MAX_HEIGHT_RATIO = 2.0
MIN_BODY_WORDS = 10  # text-layer words needed to tell body-size type
MAX_FORM_DEPTH = 15  # nested form XObjects looked into (pypdfium2's own default)
OVERLAP = 0.3  # share of an OCR word's box on a text-layer word above which it is a duplicate


@dataclass(frozen=True)
class Region:
    """An image's box on the page, in points with the origin top-left (like ``Word``)."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def area(self) -> float:
        return max(0.0, self.x1 - self.x0) * max(0.0, self.y1 - self.y0)

    def holds(self, x: float, y: float) -> bool:
        return self.x0 <= x <= self.x1 and self.y0 <= y <= self.y1


@dataclass
class Crop:
    """A rendered region to OCR, and the pixels per point it was rendered at."""

    region: Region
    image: Image.Image
    scale: float


Matrix = tuple[float, float, float, float, float, float]  # a, b, c, d, e, f as in PDF
Box = tuple[float, float, float, float]  # left, bottom, right, top in PDF space


def _objects(parent: object, kinds: set[int], form: bool = False, depth: int = 0) -> Iterator:
    """(raw object, enclosing forms' matrices, innermost first) of the given kinds, through form
    XObjects. pdfium's raw calls: wrapping each of a page's thousands of glyph runs in a Python
    object cost more than the rest of this module."""
    count = pdfium_c.FPDFFormObj_CountObjects if form else pdfium_c.FPDFPage_CountObjects
    get = pdfium_c.FPDFFormObj_GetObject if form else pdfium_c.FPDFPage_GetObject
    for i in range(max(0, count(parent))):
        obj = get(parent, i)
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind in kinds:
            yield obj, []
        elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
            matrix = pdfium_c.FS_MATRIX()
            if not pdfium_c.FPDFPageObj_GetMatrix(obj, matrix):
                continue
            m = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            for inner, chain in _objects(obj, kinds, True, depth + 1):
                yield inner, [*chain, m]


def _page_box(obj: object, chain: list[Matrix], box: Box) -> Region | None:
    """The object's bounds on the page: pdfium gives a form XObject's contents in the form's own
    space, so each enclosing form's matrix is applied on the way out; then measured from the
    page box's top-left corner (which need not be the origin of PDF space)."""
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
        return None
    corners = [(x.value, y.value) for x in (left, right) for y in (bottom, top)]
    for a, b, c, d, e, f in chain:
        corners = [(a * x + c * y + e, b * x + d * y + f) for x, y in corners]
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    left, top = box[0], box[3]
    return Region(min(xs) - left, top - max(ys), max(xs) - left, top - min(ys))


def _invisible_text(page: pypdfium2.PdfPage, box: Box) -> list[Region]:
    """Boxes of text drawn invisibly: what OCR software lays over a scanned picture."""
    boxes = []
    for obj, chain in _objects(page, {pdfium_c.FPDF_PAGEOBJ_TEXT}):
        mode = pdfium_c.FPDFTextObj_GetTextRenderMode(obj)
        region = _page_box(obj, chain, box)
        if mode == pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE and region is not None:
            boxes.append(region)
    return boxes


def image_regions(page: pypdfium2.PdfPage, width: float, height: float) -> list[Region]:
    """The page's images that may hold lines of text, largest first (call under PDFIUM_LOCK)."""
    if page.get_rotation():
        return []
    page_area = width * height
    page_box = page.get_bbox()
    found: list[Region] = []
    for obj, chain in _objects(page, {pdfium_c.FPDF_PAGEOBJ_IMAGE}):
        box = _page_box(obj, chain, page_box)
        if box is None:
            continue
        box = Region(max(0.0, box.x0), max(0.0, box.y0), min(width, box.x1), min(height, box.y1))
        if (
            box.x1 - box.x0 >= MIN_WIDTH
            and box.y1 - box.y0 >= MIN_HEIGHT
            and box.area >= MIN_AREA_SHARE * page_area
        ):
            found.append(box)
    if not found:
        return []
    hidden = _invisible_text(page, page_box)
    found = [
        r for r in found if not any(r.holds((h.x0 + h.x1) / 2, (h.y0 + h.y1) / 2) for h in hidden)
    ]
    return sorted(found, key=lambda r: -r.area)[:MAX_IMAGES]


def render_regions(
    page: pypdfium2.PdfPage,
    width: float,
    height: float,
    regions: list[Region],
    dpi: int,
    options: EngineOptions,
) -> list[Crop]:
    """Each region rendered at ``dpi``, within one whole-page render's pixels (under the lock)."""
    scale = dpi / 72
    budget = min(options.max_image_pixels, width * height * scale * scale)
    crops: list[Crop] = []
    for r in regions:
        pixels = r.area * scale * scale
        if pixels > budget:
            continue  # a smaller one may still fit
        budget -= pixels
        crop = (r.x0, height - r.y1, width - r.x1, r.y0)  # left, bottom, right, top cut off
        crops.append(Crop(r, page.render(scale=scale, crop=crop).to_pil(), scale))
    return crops


def _overlap(a: Word, b: Word) -> float:
    w = min(a.x1, b.x1) - max(a.x0, b.x0)
    h = min(a.y1, b.y1) - max(a.y0, b.y0)
    return w * h if w > 0 and h > 0 else 0.0


def body_height(text_words: list[Word]) -> float:
    """The text layer's median word height: what body-size type measures on this page. A few
    typed words (a stamp on a scanned page) say nothing about the size of the picture's text:
    then no word is display type."""
    heights = [w.height for w in text_words if w.height > 0]
    return median(heights) if len(heights) >= MIN_BODY_WORDS else float("inf")


def place_words(crop: Crop, ocr: list[Word], words: list[Word], body: float) -> list[Word]:
    """OCR words moved to page points, without display type (taller than ``MAX_HEIGHT_RATIO``
    times ``body``) and without those lying on ``words`` already on the page."""
    r, s = crop.region, crop.scale
    inside = [w for w in words if w.x1 > r.x0 and w.x0 < r.x1 and w.y1 > r.y0 and w.y0 < r.y1]
    kept: list[Word] = []
    for w in ocr:
        word = Word(
            w.text, r.x0 + w.x0 / s, r.y0 + w.y0 / s, r.x0 + w.x1 / s, r.y0 + w.y1 / s, w.conf
        )
        area = max(1e-6, (word.x1 - word.x0) * word.height)
        if word.height > MAX_HEIGHT_RATIO * body:
            continue
        if any(_overlap(word, t) > OVERLAP * area for t in inside):
            continue
        kept.append(word)
    return kept


class PictureReader:
    """The OCR of one document's pictures: a picture repeated on every page (a logo, a footer)
    is read once, and at most ``MAX_DOCUMENT_READINGS`` pictures are read a document."""

    def __init__(self, ocr: Callable[[Image.Image], list[Word]]) -> None:
        self.ocr = ocr
        self.seconds = 0.0  # spent in OCR, for Document.ocr_seconds
        self.readings = 0
        self._seen: dict[bytes, list[Word]] = {}

    def _read(self, image: Image.Image) -> list[Word]:
        key = hashlib.blake2b(image.tobytes(), digest_size=16).digest() + repr(image.size).encode()
        if key not in self._seen:
            if self.readings >= MAX_DOCUMENT_READINGS:
                return []
            started = time.perf_counter()
            self._seen[key] = self.ocr(image)
            self.seconds += time.perf_counter() - started
            self.readings += 1
        return self._seen[key]

    def add_words(self, crops: list[Crop], words: list[Word]) -> list[Word]:
        """The page's words with those read from its pictures (call outside PDFIUM_LOCK)."""
        body = body_height(words) if crops else 0.0
        for crop in crops:
            words = words + place_words(crop, self._read(crop.image), words, body)
        return words
