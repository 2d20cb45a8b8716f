"""8-bit versions of the OCR models, made from the rapidocr wheel's own files on first use.

Measured with ``tools/ocr_compare.py`` (figures in README.md): the detector quantised to 8 bits
throughout (weights per channel, activations calibrated) reads the same lines at about half the
CPU and a third less peak memory. The recogniser's matrix products are quantised dynamically (no
calibration). Its convolutions can be quantised statically too, except the stem's and the
depthwise ones (``_make_recogniser_convs``, ``quantised_recogniser(source, convs=True)``), but
only on request (``DOCBATCH_OCR_REC_CONV8=1``, on CPUs with VNNI; ``Setup(rec_conv8=True)``):
it reads as many lines exactly at three quarters of the CPU, yet the fields found from those
lines came out slightly worse (below), and the issue asks for an engine that wins on both.

That choice was made on the corpus receipts of half the vendors (vendor_key hashed, 125 receipts)
and reported on the other half (125), on an Intel Xeon with AVX512-VNNI and AMX, one thread, the
machine shared with other jobs (CPU figures +-5 %):
matrix products only: tuning half 0.870 exact, held-out half 0.844, 1.05 / 1.10 CPU-s per receipt,
495 / 530 MB peak; with the convolutions (activation ranges at the 99.99th percentile): 0.869 and
0.845, 0.76 / 0.78 CPU-s, 490 / 516 MB (separate runs; all 250: 0.857 exact both). On ``make
bench``'s 30 receipts, in one run: 0.869 and 0.864 exact, 1.00 and 0.77 CPU-s, 495 and 480 MB.
The choices on the tuning half were made with ranges from a random subsample of the values, which
moved the exact-line rate by up to 0.6 points from one build to the next (0.859-0.865 on those
30): the 99.99th percentile 0.868-0.870, the 99.999th 0.867, min-max ranges 0.863, every
convolution in 8 bits (99.999th) 0.864 at 0.79 CPU-s. Ranges now come from full histograms, the
same in every build.
Fields, vendor-grouped 5-fold on all 250 receipts (``tools/diagnose_fields.py``, the ranker
refitted per fold on each engine's words): company 0.872 -> 0.864, address 0.631 -> 0.618, date
0.972 -> 0.968 (under issue 9's 0.97), total 0.968 both; 11 field misses more and 5 fewer, most
of them single characters of digits or letters ('9' read '8', '2016' read '2015', 'TMN' read
'Tnn'). So the matrix-product-only recogniser stays the default.
All convolutions in 8 bits with min-max ranges lost 2-3 points (a per-layer sweep, one layer
quantised at a time, put the stem, the depthwise convolutions and a few pointwise ones first);
keeping five more pointwise ones float as well gained nothing on the tuning half.

A third recipe, also on request (``DOCBATCH_OCR_REC_DYNCONV=1``, VNNI only;
``Setup(rec_dynconv=True)``, ``extraction/ocr_pointwise.py``): the pointwise convolutions as
matrix products quantised dynamically (each call's own activation range, weights per channel),
the stem's, the depthwise and the squeeze-excite ones float. On an AMD EPYC with AVX512-VNNI, one
thread, in one run each (``tools/ocr_compare.py``): all 250 receipts 0.858 instead of 0.857 exact
(0.902 / 0.901 ignoring spaces), 0.91 instead of 1.37 CPU-s, 570 / 578 MB; ``make bench``'s 30
0.872 / 0.869 exact, 1.01 / 1.49 CPU-s (the static convolutions 0.864 at 0.96). Fields, as above
on the same machine: company 0.872 -> 0.852, address 0.631 -> 0.635, total 0.968 -> 0.972, date 7
-> 8 misses: 5 company receipts lost (3 of them ranking misses of the refitted ranker, 2 readings
of logo or slogan lines), so it is not the default either. Keeping float the four pointwise
convolutions whose output moved most when quantised alone on synthetic lines (Conv.18, .26, .34,
.53) kept 0.857 exact but saved only a fifth (1.18 against 1.46 CPU-s, two processes at once) and
still lost 3 company receipts (address +3, total +2, date +1); ``ConvInteger`` (the quantiser's
own convolutions, unsigned weights per tensor) was slower than float convolutions and read 87 of
120 synthetic lines as the float model against 114.

The activation ranges are calibrated on synthetic inputs drawn here (seeded text in Pillow's
built-in font on grey, noisy paper: pages for the detector, cut-out lines for the recogniser), not
on any corpus document, so the result depends on nothing but the wheel's model, this code and the
installed onnxruntime/onnx versions. The files are
written once per such combination into ``DOCBATCH_MODEL_CACHE`` (default
``~/.cache/docbatch/models``), atomically and under a lock, so worker processes share them.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

RECIPE = "3"  # change when the quantisation below changes: the cache keys on it


def detector_weights() -> str:
    """The 8-bit detector's weight type for this CPU: signed ("s8") where the CPU multiplies
    unsigned by signed bytes in one instruction (AVX-VNNI, AVX512-VNNI, AMX), unsigned ("u8")
    elsewhere.

    Without VNNI, ONNX Runtime's unsigned-by-signed kernel adds byte pairs in 16 bits and can
    saturate (its quantisation guide names the issue): on an AMD EPYC with AVX2 only, the signed
    detector read 0.792 of 40 corpus receipts' lines exactly against 0.847 for the float one,
    while unsigned weights read 0.846 at 537 MB (float: 603 MB). Where VNNI exists the signed
    detector was measured at 0.841 on all 250 receipts with 1.05 CPU-s per receipt.
    """
    override = os.environ.get("DOCBATCH_OCR_DET_WEIGHTS", "")
    if override in ("s8", "u8"):
        return override
    return "s8" if has_vnni() else "u8"


def convolutions_wanted() -> bool:
    """The recogniser's convolutions in 8 bits: asked for (``DOCBATCH_OCR_REC_CONV8=1``) on a
    CPU with VNNI (see the module docstring for why it is not the default)."""
    return os.environ.get("DOCBATCH_OCR_REC_CONV8", "") == "1" and has_vnni()


def dynamic_convolutions_wanted() -> bool:
    """The recogniser's pointwise convolutions as dynamically quantised matrix products
    (``extraction/ocr_pointwise.py``): asked for (``DOCBATCH_OCR_REC_DYNCONV=1``) on a CPU with
    VNNI, the only kind they were measured on."""
    return os.environ.get("DOCBATCH_OCR_REC_DYNCONV", "") == "1" and has_vnni()


def has_vnni() -> bool:
    """Whether the CPU multiplies unsigned by signed bytes in one instruction (AVX-VNNI,
    AVX512-VNNI, AMX). Only there are the recogniser's convolutions run in 8 bits: they were
    measured on such CPUs only, and without VNNI 8-bit kernels gain little and may saturate."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    vnni = ("avx512_vnni", "avx_vnni", "amx_int8")
    return any(f" {flag}" in flags for flag in vnni)


CACHE = Path(os.environ.get("DOCBATCH_MODEL_CACHE", Path.home() / ".cache" / "docbatch" / "models"))

# generic receipt words (English and Malay, the languages of the corpus's receipts, though no
# string from any of them) and random symbols: the calibration needs text-like strokes, not content;
# changing the list changes the detector made (bump RECIPE and measure again)
_WORDS_TEXT = (
    "TOTAL SUBTOTAL CASH CHANGE TAX INVOICE RECEIPT DATE TIME QTY PRICE AMOUNT ITEM NO "
    "THANK YOU PLEASE COME AGAIN ROAD STREET JALAN TEL FAX GST ROUNDING DISCOUNT CARD "
    "Total Subtotal Cash Change Invoice Receipt Date Time Price Amount Member Points"
)
_CHARS = "0123456789.,:-/()&@#%*+"


def quantised_detector(source: str) -> str:
    """Path of the 8-bit detector made from ``source`` (made now if not yet cached)."""
    return _cached(source, "det")


def recogniser_kind(convs: bool, dynamic: bool) -> str:
    """Which 8-bit recogniser is made: ``rec8``, its convolutions in 8 bits too except the stem's
    and the depthwise ones (calibrated ranges; it wins over ``dynamic``); ``recdyn``, its
    pointwise convolutions as dynamically quantised matrix products; ``rec``, only its matrix
    products."""
    return "rec8" if convs else "recdyn" if dynamic else "rec"


_KIND_TAGS = {"rec": "", "rec8": "rec8conv", "recdyn": "recdynconv"}  # in the OCR cache key


def wanted_recogniser_tag() -> str:
    """The OCR cache key's part naming the recogniser the environment asks for ('' for the
    default, matrix products only)."""
    tag = _KIND_TAGS[recogniser_kind(convolutions_wanted(), dynamic_convolutions_wanted())]
    return f"-{tag}{RECIPE}" if tag else ""


def quantised_recogniser(source: str, convs: bool = False, dynamic: bool = False) -> str:
    """Path of the 8-bit recogniser made from ``source`` (``recogniser_kind`` says which)."""
    return _cached(source, recogniser_kind(convs, dynamic))


def _cached(source: str, kind: str) -> str:
    import onnx
    import onnxruntime

    digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()[:16]
    versions = f"{RECIPE}-ort{onnxruntime.__version__}-onnx{onnx.__version__}"
    precision = {
        "det": f"int8{detector_weights()}",
        "rec": "int8",
        "rec8": "int8conv",
        "recdyn": "int8dynconv",
    }[kind]
    target = CACHE / f"{Path(source).stem}-{kind}-{precision}-{digest}-{versions}.onnx"
    if target.exists():
        return str(target)
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one process makes it; the others wait and reuse it
        if not target.exists():
            with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
                out = Path(tmp) / "model.onnx"
                # in a child process: calibrating the detector peaks at several GB once, and
                # the worker that asked for the model should not keep that memory
                done = subprocess.run(
                    [sys.executable, "-m", "extraction.ocr_models", kind, source, str(out)],
                    cwd=Path(__file__).resolve().parent.parent,
                    capture_output=True,
                    text=True,
                )
                if done.returncode != 0:
                    raise RuntimeError(
                        f"making the 8-bit {kind} model failed: {done.stderr[-2000:]}"
                    )
                os.replace(out, target)
    return str(target)


def ensure_default_models() -> None:
    """Make the default OCR set-up's 8-bit models now, in a process of its own.

    Called by a parent before it starts memory-limited extraction children: a child that made
    them itself would pass its RLIMIT_AS on to the maker, and calibrating the detector peaks at
    several GB. The process loads the OCR engine once (which makes any missing model); a marker
    file per OCR version and library versions makes every later call a file check.
    """
    import onnx
    import onnxruntime

    from extraction.ocr import OCR_VERSION

    marker = (
        CACHE / f"ready-{RECIPE}-{OCR_VERSION}-ort{onnxruntime.__version__}-onnx{onnx.__version__}"
    )
    if marker.exists():
        return
    done = subprocess.run(
        [sys.executable, "-c", "from extraction.ocr import get_engine; get_engine()"],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"making the 8-bit OCR models failed: {done.stderr[-2000:]}")
    CACHE.mkdir(parents=True, exist_ok=True)
    marker.touch()


def make(kind: str, source: str, out: Path) -> None:
    """Write the 8-bit ``kind`` ('det', 'rec', 'rec8' or 'recdyn') model made from ``source`` to
    ``out``."""
    from extraction import ocr_pointwise

    work = out.parent / f"{kind}-work"
    work.mkdir(exist_ok=True)
    makers = {
        "det": _make_detector,
        "rec": _make_recogniser,
        "rec8": _make_recogniser_convs,
        "recdyn": ocr_pointwise.make_recogniser,
    }
    makers[kind](source, out, work)


def _make_recogniser(source: str, out: Path, _tmp: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(source, out, op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8)


REC_PERCENTILE = 99.99  # activation ranges: this percentile of the calibration lines' values


def _make_recogniser_convs(source: str, out: Path, tmp: Path) -> None:
    """The recogniser with its convolutions in 8 bits (static QDQ, weights per channel) except
    those that lose lines, then its matrix products dynamically as ``_make_recogniser``.

    Kept in float: the stem (every convolution before the first depthwise one, on the raw
    pixels) and the depthwise convolutions (cheap, and the most sensitive of the rest in a
    per-layer sweep). Activation ranges are the ``REC_PERCENTILE`` percentiles of the values
    seen on synthetic text lines drawn here (``calibration_lines``): ONNX Runtime's min-max
    ranges lost more lines (its own percentile calibrator wants inputs of one shape). Each Gelu
    (``x * 0.5 * (1 + erf(x / sqrt 2))``) is made one node first: with the quantiser's Q/DQ pair
    in front, ONNX Runtime no longer fuses the pattern and its five float ops cost more than the
    8-bit convolutions save.
    """
    import json

    import onnx
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_dynamic,
        quantize_static,
    )

    prepared = _prepared(source, tmp)
    model = onnx.load(prepared)
    _fuse_gelu(model)
    onnx.save(model, prepared)
    keep = _float_convs(model)
    batches = _calibration_lines()

    class Lines(CalibrationDataReader):
        def __init__(self) -> None:
            self.batches = iter(batches)

        def get_next(self) -> dict[str, np.ndarray] | None:
            batch = next(self.batches, None)
            return None if batch is None else {"x": batch}

    ranges, static = tmp / "ranges.json", tmp / "static.onnx"

    def quantise(reader: CalibrationDataReader | None) -> None:
        quantize_static(
            str(prepared),
            str(static),
            reader,
            quant_format=QuantFormat.QDQ,
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            op_types_to_quantize=["Conv"],
            nodes_to_exclude=keep,
            calibrate_method=CalibrationMethod.MinMax,
            calibration_cache_path=str(ranges),
        )

    quantise(Lines())  # min-max: which tensors need a range
    cache = json.loads(ranges.read_text())
    bounds = {
        name: (float(r["lowest"]["data"][0]), float(r["highest"]["data"][0]))
        for name, r in cache["data"].items()
    }
    for name, (low, high) in _percentile_ranges(prepared, bounds, batches).items():
        cache["data"][name]["lowest"]["data"] = [low]
        cache["data"][name]["highest"]["data"] = [high]
    ranges.write_text(json.dumps(cache))
    quantise(None)  # again, from the percentile ranges
    quantize_dynamic(static, out, op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8)


def _float_convs(model: Any) -> list[str]:
    """Names of the convolutions kept in float: the stem's and the depthwise ones."""
    weights = {w.name: w.dims for w in model.graph.initializer}
    keep, stem = [], True
    for node in model.graph.node:
        if node.op_type != "Conv":
            continue
        group = next((a.i for a in node.attribute if a.name == "group"), 1)
        depthwise = group > 1 and group == weights[node.input[1]][0]
        stem = stem and not depthwise
        if stem or depthwise:
            keep.append(node.name)
    return keep


def _fuse_gelu(model: Any) -> int:
    """Each ``Div(x, sqrt 2) -> Erf -> Add 1 -> Mul x -> Mul 0.5`` as one com.microsoft Gelu."""
    from onnx import helper, numpy_helper

    graph = model.graph
    consts = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    users: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            users.setdefault(name, []).append(node)
    maker = {out: node for node in graph.node for out in node.output}

    def const(node: Any, value: float) -> bool:
        c = consts.get(node.input[1])
        return c is not None and c.size == 1 and abs(float(c.ravel()[0]) - value) < 1e-5

    def only_user(node: Any, op: str) -> Any:
        found = users.get(node.output[0], [])
        return found[0] if len(found) == 1 and found[0].op_type == op else None

    gone: set[int] = set()
    fused: dict[int, Any] = {}
    for erf in [n for n in graph.node if n.op_type == "Erf"]:
        div = maker.get(erf.input[0])
        if div is None or div.op_type != "Div" or not const(div, 2**0.5):
            continue
        add = only_user(erf, "Add")
        mul = add is not None and const(add, 1.0) and only_user(add, "Mul")
        half = mul and div.input[0] in mul.input and only_user(mul, "Mul")
        if not half or not const(half, 0.5):
            continue
        gone |= {id(div), id(erf), id(add), id(mul)}
        fused[id(half)] = helper.make_node(
            "Gelu",
            [div.input[0]],
            [half.output[0]],
            name=f"{erf.name}_gelu",
            domain="com.microsoft",
        )
    nodes = [fused.get(id(n), n) for n in graph.node if id(n) not in gone]
    del graph.node[:]
    graph.node.extend(nodes)
    if fused and not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    return len(fused)


def _percentile_ranges(
    model_path: Path, bounds: dict[str, tuple[float, float]], batches: list[np.ndarray]
) -> dict[str, tuple[float, float]]:
    """Each tensor's (low, high) percentile range over the batches (always including 0), from a
    histogram of all its values between its min-max ``bounds``: exact to a 65536th of the span
    and the same in every process (a random subsample of the values moved ranges by 1-2 % from
    one run to the next, and the exact-line rate with them)."""
    import onnx
    import onnxruntime as ort

    bins = 65536
    model = onnx.load(model_path)
    outputs = {o.name for o in model.graph.output}
    for name in sorted(bounds):
        if name not in outputs:
            model.graph.output.append(
                onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None)
            )
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    opts.log_severity_level = 4
    opts.intra_op_num_threads = 1
    session = ort.InferenceSession(
        model.SerializeToString(), opts, providers=["CPUExecutionProvider"]
    )
    wanted = [o.name for o in session.get_outputs() if o.name in bounds]
    counts = {name: np.zeros(bins, np.int64) for name in wanted}
    for batch in batches:
        for name, value in zip(wanted, session.run(wanted, {"x": batch})):
            low, high = bounds[name]
            if high > low:
                counts[name] += np.histogram(value, bins=bins, range=(low, high))[0]
    out = {}
    for name, hist in counts.items():
        low, high = bounds[name]
        total = int(hist.sum())
        if total == 0:
            continue
        step = (high - low) / bins
        cdf = np.cumsum(hist)
        tail = total * (100 - REC_PERCENTILE) / 100
        first = int(np.searchsorted(cdf, tail, side="right"))  # the bin holding the low percentile
        last = int(np.searchsorted(cdf, total - tail, side="left"))  # and the high one
        out[name] = (min(0.0, low + first * step), max(0.0, low + (last + 1) * step))
    return out


# every operator of the detector that has an 8-bit kernel or passes 8-bit data through: keeping
# the data in 8 bits between them is what makes it cheaper (quantising only the convolutions
# surrounds each with conversions and saves nothing)
_DET_OPS = [
    "Conv",
    "ConvTranspose",
    "Add",
    "Mul",
    "Relu",
    "Resize",
    "GlobalAveragePool",
    "MaxPool",
    "Concat",
    "HardSigmoid",
    "Sigmoid",
]


def _prepared(source: str, tmp: Path) -> Path:
    """``source`` at opset 17 (per-channel weights need 13 or later; the wheel's models are 11),
    with the shapes ONNX Runtime's quantiser wants inferred."""
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization.shape_inference import quant_pre_process

    upgraded, prepared = tmp / "opset17.onnx", tmp / "prepared.onnx"
    onnx.save(version_converter.convert_version(onnx.load(source), 17), upgraded)
    quant_pre_process(str(upgraded), str(prepared), skip_symbolic_shape=True)
    return prepared


def _make_detector(source: str, out: Path, tmp: Path) -> None:
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )

    prepared = _prepared(source, tmp)

    class Pages(CalibrationDataReader):
        def __init__(self) -> None:
            self.pages = _calibration_inputs()

        def get_next(self) -> dict[str, np.ndarray] | None:
            page = next(self.pages, None)
            return None if page is None else {"x": page}

    quantize_static(
        str(prepared),
        str(out),
        Pages(),
        quant_format=QuantFormat.QDQ,
        per_channel=True,
        activation_type=QuantType.QUInt8,
        weight_type=QuantType.QInt8 if detector_weights() == "s8" else QuantType.QUInt8,
        op_types_to_quantize=_DET_OPS,
        calibrate_method=CalibrationMethod.MinMax,
    )


def _calibration_inputs(count: int = 6) -> Iterator[np.ndarray]:
    """Detector inputs (normalised as rapidocr does) of synthetic receipt-like pages."""
    for seed in range(count):
        page = np.asarray(synthetic_page(seed), dtype=np.float32)
        x = (page / 255.0 - 0.5) / 0.5
        yield x.transpose(2, 0, 1)[np.newaxis].copy()


def _calibration_lines(count: int = 180, batch: int = 3) -> list[np.ndarray]:
    """Recogniser inputs of synthetic text lines, batched in order of width as rapidocr does."""
    rng, noise = random.Random(0), np.random.default_rng(0)
    lines = sorted(
        (synthetic_line(rng, noise) for _ in range(count)), key=lambda a: a.shape[1] / a.shape[0]
    )
    return recogniser_batches(lines, batch)


def recogniser_batches(lines: list[np.ndarray], batch: int = 3) -> list[np.ndarray]:
    """Line crops as recogniser inputs: normalised and padded as rapidocr does, at least 160 px
    wide as ``extraction.ocr`` asks, ``batch`` lines a call in the order given."""
    import cv2

    out = []
    for start in range(0, len(lines), batch):
        crops = lines[start : start + batch]
        ratios = [c.shape[1] / c.shape[0] for c in crops]
        width = int(48 * max(160 / 48, max(ratios)))
        x = np.zeros((len(crops), 3, 48, width), np.float32)
        for i, crop in enumerate(crops):
            w = min(width, math.ceil(48 * ratios[i]))
            pixels = cv2.resize(crop, (w, 48)).astype(np.float32).transpose(2, 0, 1) / 255
            x[i, :, :, :w] = (pixels - 0.5) / 0.5
        out.append(x)
    return out


def synthetic_line(rng: random.Random, noise: np.random.Generator) -> np.ndarray:
    """A text line cut out as the detector's crops are (BGR): receipt words and symbols in
    Pillow's built-in font, sizes, greys, paper tint, blur, low resolution and noise varying."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    size = rng.randint(14, 44)
    font = ImageFont.load_default(size=size)
    vocabulary = _WORDS_TEXT.split()
    text = " ".join(
        rng.choice(vocabulary)
        if rng.random() < 0.55
        else "".join(rng.choices(_CHARS, k=rng.randint(2, 8)))
        for _ in range(rng.randint(1, 7))
    )
    paper, ink = rng.randint(150, 255), rng.randint(0, 120)
    stroke = 1 if rng.random() < 0.25 else 0  # bold
    left, top, right, bottom = font.getbbox(text, stroke_width=stroke)
    padx, pady = rng.randint(2, 12), rng.randint(1, max(2, size // 3))
    w, h = right - left + 2 * padx, bottom - top + 2 * pady
    image = Image.new("RGB", (w, h), (paper, paper, max(0, paper - rng.randint(0, 25))))
    ImageDraw.Draw(image).text(
        (padx - left, pady - top),
        text,
        fill=(ink, ink, ink),
        font=font,
        stroke_width=stroke,
        stroke_fill=(ink, ink, ink),
    )
    if rng.random() < 0.5:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 1.2)))
    if rng.random() < 0.3:  # a low-resolution scan, enlarged again by the recogniser's resize
        f = rng.uniform(0.4, 0.8)
        image = image.resize((max(1, int(w * f)), max(1, int(h * f))), Image.Resampling.BILINEAR)
    pixels = np.asarray(image).astype(np.float32)
    pixels += noise.normal(0, rng.uniform(1, 10), (image.height, image.width, 1))
    return np.clip(pixels, 0, 255).astype(np.uint8)[:, :, ::-1]


def synthetic_page(seed: int) -> Any:
    """A seeded page of receipt-like lines: sizes, greys, paper tint and noise vary by seed;
    its sides are multiples of 32, as the detector's inputs are."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    rng = random.Random(seed)
    width, height = rng.choice([(640, 1280), (736, 1280), (960, 1280), (1280, 960)])
    paper = rng.randint(170, 255)
    image = Image.new("RGB", (width, height), (paper, paper, max(0, paper - rng.randint(0, 25))))
    draw = ImageDraw.Draw(image)
    vocabulary = _WORDS_TEXT.split()
    y = rng.randint(10, 40)
    while y < height - 40:
        size = rng.randint(12, 40)
        font = ImageFont.load_default(size=size)
        words = [
            rng.choice(vocabulary) if rng.random() < 0.6 else "".join(rng.choices(_CHARS, k=5))
            for _ in range(rng.randint(1, 6))
        ]
        ink = rng.randint(0, 110)
        draw.text((rng.randint(5, width // 3), y), " ".join(words), fill=(ink, ink, ink), font=font)
        y += int(size * rng.uniform(1.2, 2.2))
    if seed % 2:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.2)))
    noise = np.random.default_rng(seed).normal(0, rng.uniform(2, 12), (height, width, 1))
    return Image.fromarray(np.clip(np.asarray(image) + noise, 0, 255).astype(np.uint8))


if __name__ == "__main__":  # the child process of _cached
    make(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
