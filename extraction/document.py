"""The engine's view of a document: pages of positioned words, grouped into lines and segments.

Every reader (PDF text layer, OCR, DOCX, plain text) produces the same structure so the field
finders never care where the text came from. Coordinates have their origin
top-left, in page units (PDF points or image pixels); ``Page.fraction`` turns a box into
fractions of the page for the UI.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from statistics import median
from typing import NamedTuple


@dataclass
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    conf: float = 1.0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Segment:
    """Words on one line with no wide gap between them: a cell, a label, a value."""

    words: list[Word]
    page: int

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> list[float]:
        return _union(self.words)

    @property
    def conf(self) -> float:
        return min(w.conf for w in self.words) if self.words else 0.0


@dataclass
class Line:
    segments: list[Segment]
    page: int
    index: int = 0  # position among the page's lines, top to bottom

    @property
    def words(self) -> list[Word]:
        return [w for s in self.segments for w in s.words]

    @property
    def text(self) -> str:
        """Segments joined by a wide separator, so patterns do not run across columns."""
        return "   ".join(s.text for s in self.segments)

    @property
    def box(self) -> list[float]:
        return _union(self.words)


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word]
    source: str = "text"  # text, ocr, docx, plain
    geometric: bool = True  # False when positions are synthetic (DOCX, plain text)
    lines: list[Line] = field(default_factory=list)

    def build_lines(self, gap_factor: float = 1.2) -> None:
        self.lines = group_lines(self.words, self.number, gap_factor)
        if self.source == "text":
            split_at_columns(self.lines)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def fraction(self, box: list[float]) -> list[float] | None:
        """A box as fractions of the page, or None when positions are synthetic."""
        if not self.geometric or not self.width or not self.height:
            return None
        x0, y0, x1, y1 = box
        w, h = self.width, self.height
        return [round(max(0.0, min(1.0, v)), 4) for v in (x0 / w, y0 / h, x1 / w, y1 / h)]


@dataclass
class Document:
    pages: list[Page]
    kind: str  # pdf, image, docx, text
    attachments: dict[str, bytes] = field(default_factory=dict)
    ocr_seconds: float = 0.0  # wall time spent in OCR while reading (for the worker's metrics)

    @property
    def lines(self) -> list[Line]:
        return [line for page in self.pages for line in page.lines]

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.pages)


def union_box(boxes: list[list[float]]) -> list[float]:
    """The smallest box holding every box (x0, y0, x1, y1)."""
    return [
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    ]


def _union(words: list[Word]) -> list[float]:
    if not words:
        return [0.0, 0.0, 0.0, 0.0]
    return [
        min(w.x0 for w in words),
        min(w.y0 for w in words),
        max(w.x1 for w in words),
        max(w.y1 for w in words),
    ]


MIN_SKEW = 0.004  # slope (about 0.25 degrees) below which a page is taken as level
SPREAD = 4  # line heights the measured lines must span before the lean may change down the page


@dataclass(frozen=True)
class Skew:
    """How much a photographed page's lines lean (dy per dx) at each height on it: a photo taken
    at an angle leans more at one end than at the other, so the lean is a straight line in the
    height, held at the first and last lines measured. Level by default."""

    at_top: float = 0.0  # the lean at height ``top``
    per_px: float = 0.0  # how it changes per pixel down the page
    top: float = 0.0
    bottom: float = 0.0

    def at(self, y: float) -> float:
        return self.at_top + self.per_px * (min(max(y, self.top), self.bottom) - self.top)


LEVEL = Skew()


class Run(NamedTuple):
    """One detected line's words: how far down the page they sit, the slope fitted through their
    centres, how many neighbour pairs they make and how tall they are."""

    y: float
    slope: float
    pairs: int
    height: float


def page_skew(words: list[Word]) -> Skew:
    """A page's lean, from the OCR's own words: words come one detected line after another, each
    at its height on that line, so a run of neighbours moving right along one line gives its
    slope, fitted over the whole run (short words such as 'SUB TOTAL' or '$1.86' are too close
    together for one pair to tell a slope from the rounding of their boxes). The runs' slopes
    are fitted as a straight line in the height (weighted least squares, once more without the
    runs far off it); level for a level page or too little evidence."""
    runs: list[Run] = []
    run: list[Word] = []
    for word in [*words, None]:
        if run and (word is None or not _along(run[-1], word)):
            measured = _run_slope(run)
            if measured is not None:
                runs.append(measured)
            run = []
        if word is not None:
            run.append(word)
    if sum(r.pairs for r in runs) < 8:
        return LEVEL
    fit = _fit_lean(runs)
    off = [abs(r.slope - fit.at(r.y)) for r in runs]
    near = [r for r, d in zip(runs, off, strict=True) if d <= max(0.01, 3 * median(off))]
    if len(near) >= 2 and sum(r.pairs for r in near) >= 8:
        fit = _fit_lean(near)
    if max(abs(fit.at(fit.top)), abs(fit.at(fit.bottom))) < MIN_SKEW:
        return LEVEL
    return fit


def _fit_lean(runs: list[Run]) -> Skew:
    """Weighted least squares of slope on height (each run weighs its neighbour pairs: a long
    line is more evidence than a short one); one lean for the page when the runs lie within a
    few line heights of each other, too close together to tell a change."""
    total = sum(r.pairs for r in runs)
    my = sum(r.y * r.pairs for r in runs) / total
    ms = sum(r.slope * r.pairs for r in runs) / total
    syy = sum(r.pairs * (r.y - my) ** 2 for r in runs)
    top, bottom = min(r.y for r in runs), max(r.y for r in runs)
    if bottom - top < SPREAD * median(r.height for r in runs) or syy == 0:
        return Skew(median([r.slope for r in runs for _ in range(r.pairs)]), 0.0, top, bottom)
    per_px = sum(r.pairs * (r.y - my) * (r.slope - ms) for r in runs) / syy
    return Skew(ms + per_px * (top - my), per_px, top, bottom)


def _along(a: Word, b: Word) -> bool:
    """``b`` follows ``a`` on the same detected line: just right of it, at its height."""
    h = min(a.height, b.height)
    return (
        h > 0
        and -0.2 * h <= b.x0 - a.x1 < 2 * h
        and abs(a.height - b.height) <= 0.2 * h
        and abs(b.yc - a.yc) <= 0.5 * h
    )


def _run_slope(run: list[Word]) -> Run | None:
    """The least-squares slope of a run's word centres, when the run spans two heights or more."""
    if len(run) < 2:
        return None
    xs = [(w.x0 + w.x1) / 2 for w in run]
    height = min(w.height for w in run)
    if xs[-1] - xs[0] < 2 * height:
        return None
    mx, my = sum(xs) / len(xs), sum(w.yc for w in run) / len(run)
    sxx = sum((x - mx) ** 2 for x in xs)
    slope = sum((x - mx) * (w.yc - my) for x, w in zip(xs, run, strict=True)) / sxx
    return Run(my, slope, len(run) - 1, height)


def group_lines(words: list[Word], page: int, gap_factor: float = 1.2) -> list[Line]:
    """Cluster words into lines by vertical overlap, then split each line at wide gaps. On a
    leaning photo the words are compared at their height levelled by the page's skew, so a price
    at the right end of an item line stays on that line."""
    if not words:
        return []
    skew = page_skew(words)

    def level(w: Word) -> float:
        return w.yc - skew.at(w.yc) * (w.x0 + w.x1) / 2

    ordered = sorted(words, key=lambda w: (level(w), w.x0))
    rows: list[list[Word]] = []
    centers: list[float] = []
    heights: list[float] = []
    for w in ordered:
        h = max(w.height, 1e-6)
        if (
            rows
            and abs(level(w) - centers[-1]) <= 0.5 * min(h, heights[-1])
            and not _stacked(w, rows[-1], level)
        ):
            rows[-1].append(w)
            n = len(rows[-1])
            centers[-1] += (level(w) - centers[-1]) / n
            heights[-1] = max(heights[-1], h) if n < 3 else median(x.height for x in rows[-1])
        else:
            rows.append([w])
            centers.append(level(w))
            heights.append(h)
    lines = []
    for idx, row in enumerate(rows):
        row.sort(key=lambda w: w.x0)
        h = median(w.height for w in row)
        segments: list[Segment] = []
        current: list[Word] = []
        for w in row:
            if current and w.x0 - current[-1].x1 > gap_factor * h * _tracking(current[-1], w):
                segments.append(Segment(current, page))
                current = []
            current.append(w)
        if current:
            segments.append(Segment(current, page))
        lines.append(Line(segments, page, idx))
    return lines


def _tracking(left: Word, right: Word) -> float:
    """2 between two letter-spaced words ('G L E N B U R Y   C O F F E E' in a receipt's
    heading: each letter as wide as the line is tall), whose word gaps are as wide as their
    letters spread them; 1 otherwise. Letters of plain text, monospaced too, take at most
    0.6 of the height."""
    spread = all(
        len(w.text) >= 3 and (w.x1 - w.x0) / len(w.text) > 0.9 * max(w.height, 1e-6)
        for w in (left, right)
    )
    return 2.0 if spread else 1.0


def _stacked(word: Word, row: list[Word], level: Callable[[Word], float]) -> bool:
    """A word under (or over) one already in the row, not beside it: most of the narrower one's
    width shared and their middles apart ('Destinataire' in small print over 'SAS Tovlotec',
    joined into one row through the taller line of the column beside them)."""
    for other in row:
        shared = min(word.x1, other.x1) - max(word.x0, other.x0)
        narrower = min(word.x1 - word.x0, other.x1 - other.x0)
        apart = abs(level(word) - level(other)) > 0.4 * min(word.height, other.height)
        if narrower > 0 and shared > 0.5 * narrower and apart:
            return True
    return False


WIDE_GAP = 0.4  # a gap between words, in line heights, wider than a space (about 0.25-0.3)


def split_at_columns(lines: list[Line]) -> None:
    """Split a segment where one of its words starts a column that the lines right above and
    right below also start a segment at ('Tel … · accounts@stanfieldmarfo.com' run into the
    town line of the block beside it). Text layers only: a long left column's text can come
    closer to the next column than the gap that splits segments. A word after a gap wider
    than a space that starts where a heading of the line right above starts is split off too
    (a grid's last value row: '24 de febrero de 2018 FV 036077' under 'Fecha de operación' and
    'Número de factura')."""
    for i, line in enumerate(lines):
        near = [ln for ln in lines[max(0, i - 2) : i + 3] if ln is not line]
        above = [s.box[0] for ln in near if ln.index < line.index for s in ln.segments[1:]]
        below = [s.box[0] for ln in near if ln.index > line.index for s in ln.segments[1:]]
        heads = [s.box[0] for s in lines[i - 1].segments[1:]] if i else []
        if not heads and (not above or not below):
            continue
        out: list[Segment] = []
        for seg in line.segments:
            h = max(1e-6, median(w.height for w in seg.words))
            start = 0
            for k in range(1, len(seg.words)):
                w, prev = seg.words[k], seg.words[k - 1]
                gap = w.x0 - prev.x1
                if (
                    gap > 0.2 * h
                    # '4 273,06 €', '-1 898,40 €': the thousands of one amount
                    and not (prev.text.lstrip("-−(").isdigit() and w.text[:1].isdigit())
                    and (
                        (
                            any(abs(w.x0 - x) < 0.3 * h for x in above)
                            and any(abs(w.x0 - x) < 0.3 * h for x in below)
                        )
                        or (gap > WIDE_GAP * h and any(abs(w.x0 - x) < 0.1 * h for x in heads))
                    )
                ):
                    out.append(Segment(seg.words[start:k], seg.page))
                    start = k
            out.append(Segment(seg.words[start:], seg.page) if start else seg)
        line.segments = out


MAX_STORED_WORDS = 4000  # per page: the file page's picker needs the words, not a whole book
MAX_STORED_WORDS_TOTAL = 20_000  # per document (about 1 MB of JSON); later pages get none


def stored_words(doc: Document) -> list[dict[str, object]]:
    """The pages' words for the review page's picker: ``[{"page", "words": [[text, x0, y0, x1,
    y1], ...]}]``, boxes as fractions of the page. Pages without real positions are left out."""
    out: list[dict[str, object]] = []
    budget = MAX_STORED_WORDS_TOTAL
    for page in doc.pages:
        words: list[list[object]] = []
        for w in page.words[: min(MAX_STORED_WORDS, budget)]:
            box = page.fraction([w.x0, w.y0, w.x1, w.y1])
            if box is not None and w.text.strip():
                words.append([w.text, *box])
        if words:
            out.append({"page": page.number, "words": words})
            budget -= len(words)
    return out
