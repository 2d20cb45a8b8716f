#!/usr/bin/env python3
"""Which OCR set-up reads receipts best, and at what cost: ``python tools/ocr_compare.py``.

For the SROIE receipts in ``../shared/corpus/sroie`` (``*.jpg`` + ``*.ocr-gt.csv``, one
``x1,y1,...,x4,y4,text`` ground-truth line per row) it measures, per OCR configuration:

- exact: the share of ground-truth lines read exactly. The engine's words whose box centre falls
  inside a ground-truth line's quadrilateral (grown by a quarter of the line height on each side)
  are joined in order along the line with single spaces and compared after collapsing whitespace
  and case (the ground truth is all upper case, the receipts are not);
- nospace: the same with all spaces ignored;
- CPU seconds per image: ``time.process_time`` around the OCR call only (model loading and a
  warm-up call excluded), one intra-op thread; and of it the kernel's share ("sys": page faults
  of freshly allocated buffers, mostly);
- peak resident memory (max RSS) of the process that ran the configuration.

Each configuration runs in its own child process, one after the other, so the memory figures do
not mix and only one core is busy. Receipts are taken in a fixed order (sorted by a hash of the
file name, so ``--limit 40`` is a spread sample rather than the first vendor's receipts).
Exits 0 with a message when the corpus is absent.

    python tools/ocr_compare.py --limit 40 --configs current,v6,v6-ov
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "sroie"
TESSDATA = "/usr/share/tesseract-ocr/5/tessdata"

# A word as the scorer sees it: text and box in the image's pixel coordinates.
Box = tuple[str, float, float, float, float]
OcrFn = Callable[[object], list[Box]]


def receipts(
    corpus: Path,
    limit: int | None = None,
    need_gt: bool = True,
    shard: tuple[int, int] = (0, 1),
    skip: int = 0,
) -> list[Path]:
    """Receipt images with ground truth, in a fixed order spread over vendors; ``shard`` (i, n)
    keeps every n-th from the i-th, to measure a set in several processes at once."""
    files = [
        p for p in corpus.glob("*.jpg") if not need_gt or p.with_suffix(".ocr-gt.csv").exists()
    ]
    files.sort(key=lambda p: hashlib.sha1(p.name.encode()).hexdigest())
    files = files[skip:]  # a confirmation set apart from the receipts a scan chose on
    files = files[:limit] if limit else files
    return files[shard[0] :: shard[1]]


# A ground-truth line: its text and quadrilateral (four corners, clockwise from top-left).
Gt = tuple[str, list[tuple[float, float]]]


def load_gt(path: Path) -> list[Gt]:
    """Ground-truth lines with their quadrilaterals."""
    lines: list[Gt] = []
    if not path.exists():  # timing only (the bench without the corpus)
        return lines
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        for row in csv.reader(f):
            if len(row) < 9:
                continue
            try:
                pts = [float(v) for v in row[:8]]
            except ValueError:
                continue
            text = ",".join(row[8:])
            if text.strip():
                lines.append((text, list(zip(pts[0::2], pts[1::2]))))
    return lines


def _norm(text: str) -> str:
    # SROIE's transcriptions are all upper case (not one lower-case letter in 13,179 lines) while
    # the receipts print mixed case: compare case-folded, or every correct 'Total' counts as wrong
    return re.sub(r"\s+", " ", text).strip().upper()


def _inside(quad: list[tuple[float, float]], words: list[Box]) -> list[Box]:
    """Words whose box centre lies in the line's quadrilateral, grown by a quarter of its height,
    ordered along the line. The quadrilateral, not its bounding box: on a leaning receipt the
    bounding box of one line takes in the ends of its neighbours."""
    (ax, ay), (bx, by), _c, (dx, dy) = quad[:4]
    length = math.hypot(bx - ax, by - ay) or 1.0
    ux, uy = (bx - ax) / length, (by - ay) / length  # along the line
    vx, vy = -uy, ux  # down the line
    height = max(1.0, (dx - ax) * vx + (dy - ay) * vy)
    grow = 0.25 * height
    found = []
    for w in words:
        cx, cy = (w[1] + w[3]) / 2 - ax, (w[2] + w[4]) / 2 - ay
        s, t = cx * ux + cy * uy, cx * vx + cy * vy
        if -grow <= s <= length + grow and -grow <= t <= height + grow:
            found.append((s, w))
    return [w for _s, w in sorted(found, key=lambda sw: sw[0])]


def score(words: list[Box], gt: list[Gt]) -> tuple[int, int, int]:
    """(lines read exactly, lines read exactly ignoring spaces, lines)."""
    exact = nospace = 0
    for text, quad in gt:
        read = _norm(" ".join(w[0] for w in _inside(quad, words)))
        want = _norm(text)
        exact += read == want
        nospace += read.replace(" ", "") == want.replace(" ", "")
    return exact, nospace, len(gt)


# --- configurations -------------------------------------------------------------------------


def _from_words(words) -> list[Box]:
    return [(w.text, w.x0, w.y0, w.x1, w.y1) for w in words]


def _previous() -> OcrFn:
    from bench import ocr_previous

    return lambda im: _from_words(ocr_previous.ocr_words(im))


def _engine(**options) -> OcrFn:
    from extraction import ocr

    setup = ocr.Setup(**options)

    def run(im) -> list[Box]:
        upright, words, degrees = ocr.ocr_upright(im, setup)
        if not degrees:
            return _from_words(words)
        return [(t, x, y, x, y) for t, x, y in _turn_back(words, upright, im, degrees)]

    return run


def _turn_back(words, upright, original, degrees: float) -> list[tuple[str, float, float]]:
    """Word centres mapped from a page turned by ``rotate(degrees, expand=True)`` back to the
    original, so turned or deskewed readings are scored against the original ground truth."""
    a = math.radians(degrees)
    out = []
    for w in words:
        px, py = (w.x0 + w.x1) / 2 - upright.width / 2, (w.y0 + w.y1) / 2 - upright.height / 2
        dx, dy = px * math.cos(a) - py * math.sin(a), px * math.sin(a) + py * math.cos(a)
        out.append((w.text, dx + original.width / 2, dy + original.height / 2))
    return out


def _tesseract(psm: int) -> OcrFn:
    import tesserocr

    api = tesserocr.PyTessBaseAPI(path=TESSDATA, lang="eng", psm=psm)

    def run(im) -> list[Box]:
        api.SetImage(im)
        api.Recognize()
        out: list[Box] = []
        it = api.GetIterator()
        level = tesserocr.RIL.WORD
        for w in tesserocr.iterate_level(it, level):
            text = w.GetUTF8Text(level)
            box = w.BoundingBox(level)
            if text and box:
                out.append((text, *map(float, box)))
        return out

    return run


CONFIGS: dict[str, tuple[str, Callable[[], OcrFn]]] = {
    "previous": (
        "rapidocr_onnxruntime PP-OCRv4 + space restoration + fixes (engine before issue 9)",
        _previous,
    ),
    "current": ("the engine as shipped (extraction.ocr defaults)", lambda: _engine()),
    "v6-before": (
        "the rapidocr 3 set-up before: recogniser inputs of at least 320 px, box "
        "threshold 0.5, ONNX Runtime memory patterns on, accents kept",
        lambda: _engine(
            rec_width=320,
            rec_batch=6,
            ort_mem_pattern=True,
            ort_arena=False,
            stray_accents=False,
            box_thresh=0.5,
            det_int8=False,
            rec_int8=False,
        ),
    ),
    "v6-raw": (
        "rapidocr 3 defaults (det short side >= 736, 180-degree classifier), its own words only",
        lambda: _engine(
            det_limit=736,
            det_limit_type="min",
            classify=True,
            respace=False,
            fixes=False,
            rotate=False,
            det_int8=False,
            rec_int8=False,
            ort_arena=False,
        ),
    ),
    "rapidocr-boxes": (
        "current with rapidocr's own line crops and character-box mapping (before "
        "extraction/ocr_boxes.py; the same words)",
        lambda: _engine(fast_boxes=False),
    ),
    "v6-fp32": (
        "current with the wheel's float models (no 8-bit detector or matrix products)",
        lambda: _engine(det_int8=False, rec_int8=False),
    ),
    "v6-det8": (
        "current with only the detector in 8 bits",
        lambda: _engine(rec_int8=False),
    ),
    "v6-rec8": (
        "current with only the recogniser's matrix products in 8 bits",
        lambda: _engine(det_int8=False),
    ),
    "v6-rec-mm": (
        "current with only the recogniser's matrix products in 8 bits (its convolutions float: "
        "the default)",
        lambda: _engine(rec_conv8=False, rec_dynconv=False),
    ),
    "v6-rec-conv8": (
        "current with the recogniser's convolutions in 8 bits too, but the stem's and the "
        "depthwise ones (DOCBATCH_OCR_REC_CONV8=1)",
        lambda: _engine(rec_conv8=True),
    ),
    "v6-rec-dyn": (
        "current with the recogniser's pointwise convolutions as dynamically quantised matrix "
        "products (DOCBATCH_OCR_REC_DYNCONV=1)",
        lambda: _engine(rec_conv8=False, rec_dynconv=True),
    ),
    "v6-ov": ("current through OpenVINO (f32)", lambda: _engine(backend="openvino")),
    "v6-ov-bf16": (
        "current through OpenVINO in bf16 (where the CPU has it)",
        lambda: _engine(backend="openvino", ov_precision="bf16"),
    ),
    "v6-ov-rec": (
        "current, recognition through OpenVINO bf16, detection on ONNX Runtime",
        lambda: _engine(backend="openvino", det_backend="onnxruntime", ov_precision="bf16"),
    ),
    "v6-noarena": (
        "current with ONNX Runtime's memory arena off (every tensor a fresh allocation)",
        lambda: _engine(ort_arena=False),
    ),
    "v6-b1": ("current, one text line per recogniser call", lambda: _engine(rec_batch=1)),
    "v6-b6": (
        "current, six text lines per recogniser call (rapidocr's)",
        lambda: _engine(rec_batch=6),
    ),
    "v6-w320": (
        "current, recogniser inputs padded to 320 px (rapidocr's)",
        lambda: _engine(rec_width=320),
    ),
    "v6-box50": (
        "current, detection box threshold 0.5 (rapidocr's)",
        lambda: _engine(box_thresh=0.5),
    ),
    "v6-nospace": (
        "current without the blank-column space restoration",
        lambda: _engine(respace=False),
    ),
    "v6-fullbox": (
        "current with blank columns looked for over a line's whole box (before: the neighbouring "
        "lines' ink reaching into it hid spaces)",
        lambda: _engine(blank_band=0.0),
    ),
    "v6-nocrop": (
        "current without reading a page again cropped to its text (a receipt lying in a larger "
        "scan or photo is read only in the reduced whole)",
        lambda: _engine(crop_gain=0.0),
    ),
    "v6-nogaps": (
        "current without reading the ink in its rows' gaps (the lone ':' and '1' the detector "
        "passes over)",
        lambda: _engine(read_gaps=False),
    ),
    "v6-before-gaps": (
        "the set-up before the gaps were read and blank columns looked for in a band (the "
        "character fixes as now)",
        lambda: _engine(read_gaps=False, blank_band=0.0),
    ),
    "v6-nofix": ("current without the character fixes", lambda: _engine(fixes=False)),
    "v6-cls": ("current + the per-line 180-degree classifier", lambda: _engine(classify=True)),
    "v6-split": (
        "current + splitting glued '(', '&', 'SDN' (the previous engine needed it)",
        lambda: _engine(split_glued=True),
    ),
    "v6-det960": ("current, detection at long side <= 960", lambda: _engine(det_limit=960)),
    "v6-det736min": (
        "current, detection at short side >= 736 (rapidocr's default)",
        lambda: _engine(det_limit=736, det_limit_type="min"),
    ),
    "v6-upscale": (
        "current with small scans upscaled as the previous engine did",
        lambda: _engine(upscale_small=True),
    ),
    "v6-vote": (
        "current, recognition at two scales (1x, 1.5x), the more confident reading per line",
        lambda: _engine(vote=True),
    ),
    "v6-deskew": (
        "current, deskewed and read again when the lines lean more than 1 degree",
        lambda: _engine(deskew=True),
    ),
    "tess-psm3": (
        "Tesseract 5 LSTM (Debian eng tessdata) via tesserocr, automatic layout",
        lambda: _tesseract(3),
    ),
    "tess-psm6": ("Tesseract 5 via tesserocr, one uniform block", lambda: _tesseract(6)),
}
DEFAULT_CONFIGS = ["previous", "current"]


def _parse_value(text: str) -> object:
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def config(name: str) -> tuple[str, Callable[[], OcrFn]]:
    """A named configuration, or ``engine:key=value+key=value`` for any ``extraction.ocr.Setup``."""
    if name.startswith("engine:"):
        options = dict(kv.split("=", 1) for kv in name[len("engine:") :].split("+") if kv)
        parsed = {k: _parse_value(v) for k, v in options.items()}
        return f"the engine with {parsed}", lambda: _engine(**parsed)
    return CONFIGS[name]


def _load(path: Path):
    """The image as the service's reader hands it to the OCR (huge JPEGs decoded reduced), and
    the factor from its pixels to the original's (the ground truth's)."""
    from PIL import Image

    from extraction.readers.image import decode_reduced

    with Image.open(path) as im:
        width = im.width
        decode_reduced(im)
        im.load()
        image = im if im.mode == "RGB" else im.convert("RGB")
    return image, width / image.width


def _scaled(words: list[Box], factor: float) -> list[Box]:
    if factor == 1.0:
        return words
    return [(t, x0 * factor, y0 * factor, x1 * factor, y1 * factor) for t, x0, y0, x1, y1 in words]


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's ``ru_maxrss`` survives ``exec``: a child
    started from a large parent (``make bench`` after it loaded three OCR engines) reports at
    least the parent's size at the fork, so the kernel's per-address-space ``VmHWM`` is read
    where there is one."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_one(name: str, files: list[Path]) -> dict:
    """Measure one configuration in this process (the child side)."""
    ocr = config(name)[1]()
    ocr(_load(files[0])[0])  # warm-up: lazy model loading is not part of the figures
    exact = nospace = lines = 0
    cpu = system = 0.0
    for f in files:
        image, factor = _load(f)  # decoding is the reader's work, not the OCR's
        t, s = time.process_time(), resource.getrusage(resource.RUSAGE_SELF).ru_stime
        words = ocr(image)
        cpu += time.process_time() - t
        system += resource.getrusage(resource.RUSAGE_SELF).ru_stime - s
        words = _scaled(words, factor)  # back to the ground truth's pixels
        e, n, k = score(words, load_gt(f.with_suffix(".ocr-gt.csv")))
        exact, nospace, lines = exact + e, nospace + n, lines + k
    rss = peak_rss_mb()
    return {
        "config": name,
        "images": len(files),
        "lines": lines,
        "exact": exact / max(1, lines),
        "nospace": nospace / max(1, lines),
        "cpu_s": cpu / max(1, len(files)),
        "sys_s": system / max(1, len(files)),
        "rss_mb": rss,
    }


def measure(
    name: str,
    corpus: Path,
    limit: int | None,
    need_gt: bool = True,
    shard: tuple[int, int] = (0, 1),
    skip: int = 0,
) -> dict:
    """Run one configuration in a child process with one thread everywhere."""
    env = dict(
        os.environ,
        DOCBATCH_OCR_THREADS="1",
        OMP_NUM_THREADS="1",
        OMP_THREAD_LIMIT="1",
        OPENBLAS_NUM_THREADS="1",
    )
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--corpus", str(corpus)]
    if limit:
        cmd += ["--limit", str(limit)]
    if skip:
        cmd += ["--skip", str(skip)]
    if not need_gt:
        cmd.append("--no-gt")
    if shard != (0, 1):
        cmd += ["--shard", f"{shard[0]}/{shard[1]}"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        return {"config": name, "error": (out.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def merge(rows: list[dict]) -> list[dict]:
    """Rows of the same configuration measured on disjoint shards, as one row: rates and CPU
    weighted by lines and images, memory the largest process's."""
    out: dict[str, dict] = {}
    for r in rows:
        if "error" in r:
            out[r["config"]] = r
            continue
        m = out.setdefault(
            r["config"],
            {
                "config": r["config"],
                "images": 0,
                "lines": 0,
                "exact": 0.0,
                "nospace": 0.0,
                "cpu_s": 0.0,
                "sys_s": 0.0,
                "rss_mb": 0.0,
            },
        )
        if "error" in m:
            continue
        lines, images = m["lines"] + r["lines"], m["images"] + r["images"]
        m["exact"] = (m["exact"] * m["lines"] + r["exact"] * r["lines"]) / lines
        m["nospace"] = (m["nospace"] * m["lines"] + r["nospace"] * r["lines"]) / lines
        m["cpu_s"] = (m["cpu_s"] * m["images"] + r["cpu_s"] * r["images"]) / images
        m["sys_s"] = (m["sys_s"] * m["images"] + r.get("sys_s", 0.0) * r["images"]) / images
        m["images"], m["lines"] = images, lines
        m["rss_mb"] = max(m["rss_mb"], r["rss_mb"])
    return list(out.values())


def table(rows: list[dict]) -> str:
    head = (
        f"{'config':<15} {'exact':>6} {'nospace':>7} {'CPU-s/img':>9} {'of it sys':>9} "
        f"{'RSS MB':>7}  set-up"
    )
    out = [head, "-" * len(head)]
    for r in rows:
        if "error" in r:
            out.append(f"{r['config']:<15} failed: {r['error']}")
            continue
        out.append(
            f"{r['config']:<15} {r['exact']:>6.3f} {r['nospace']:>7.3f} {r['cpu_s']:>9.2f} "
            f"{r.get('sys_s', 0.0):>9.2f} {r['rss_mb']:>7.0f}  {config(r['config'])[0]}"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--limit", type=int, default=None, help="first N receipts of the fixed order")
    ap.add_argument("--skip", type=int, default=0, help="leave out the first N of the order first")
    ap.add_argument(
        "--configs",
        default=",".join(DEFAULT_CONFIGS),
        help=f"comma-separated, from: {', '.join(CONFIGS)}, 'all', or "
        "engine:OPTION=VALUE+... for any extraction.ocr.Setup",
    )
    ap.add_argument(
        "--shard",
        default="0/1",
        help="I/N: measure every N-th receipt from the I-th "
        "(print --json rows and merge them with --merge)",
    )
    ap.add_argument("--json", action="store_true", help="print each row as JSON too")
    ap.add_argument("--merge", nargs="+", type=Path, help="files of --json rows: one table")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--no-gt", action="store_true", help=argparse.SUPPRESS)  # timing only
    args = ap.parse_args(argv)
    if args.merge:
        rows = [
            json.loads(line)
            for f in args.merge
            for line in f.read_text().splitlines()
            if line.startswith("{")
        ]
        print(table(merge(rows)))
        return 0
    i, n = (int(v) for v in args.shard.split("/"))
    found = args.corpus.is_dir()
    files = receipts(args.corpus, args.limit, not args.no_gt, (i, n), args.skip) if found else []
    if not files:
        print(f"no receipts with ground truth in {args.corpus}: nothing to compare")
        return 0
    if args.child:
        print(json.dumps(run_one(args.child, files)))
        return 0
    names = (
        list(CONFIGS)
        if args.configs == "all"
        else [c.strip() for c in args.configs.split(",") if c.strip()]
    )
    unknown = [n for n in names if n not in CONFIGS and not n.startswith("engine:")]
    if unknown:
        ap.error(f"unknown configuration(s): {', '.join(unknown)}")
    print(
        f"{len(files)} receipts from {args.corpus}, one configuration at a time, one thread",
        flush=True,
    )
    rows = []
    for name in names:
        rows.append(measure(name, args.corpus, args.limit, shard=(i, n), skip=args.skip))
        print(table(rows[-1:]).splitlines()[-1], flush=True)
        if args.json:
            print(json.dumps(rows[-1]), flush=True)
    print()
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
