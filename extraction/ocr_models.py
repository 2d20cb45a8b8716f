"""8-bit versions of the OCR models, made from the rapidocr wheel's own files on first use.

Measured with ``tools/ocr_compare.py`` (figures in README.md): the detector quantised to 8 bits
throughout (weights per channel, activations calibrated) reads the same lines at about half the
CPU and a third less peak memory; the recogniser keeps its convolutions in float (quantised, they
cost 3 points of exact lines) and only its matrix products are quantised, dynamically (no
calibration), which is cheaper at the same accuracy.

The detector's activation ranges are calibrated on synthetic pages drawn here (seeded text in
Pillow's built-in font on grey, noisy paper), not on any corpus document, so the result depends on
nothing but the wheel's model, this code and the installed onnxruntime/onnx versions. The files are
written once per such combination into ``DOCBATCH_MODEL_CACHE`` (default
``~/.cache/docbatch/models``), atomically and under a lock, so worker processes share them.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

RECIPE = "1"  # change when the quantisation below changes: the cache keys on it


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
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "u8"
    vnni = ("avx512_vnni", "avx_vnni", "amx_int8")
    return "s8" if any(f" {flag}" in flags for flag in vnni) else "u8"


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


def quantised_recogniser(source: str) -> str:
    """Path of the recogniser with 8-bit matrix products made from ``source``."""
    return _cached(source, "rec")


def _cached(source: str, kind: str) -> str:
    import onnx
    import onnxruntime

    digest = hashlib.sha256(Path(source).read_bytes()).hexdigest()[:16]
    versions = f"{RECIPE}-ort{onnxruntime.__version__}-onnx{onnx.__version__}"
    precision = f"int8{detector_weights()}" if kind == "det" else "int8"
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
    """Write the 8-bit ``kind`` ('det' or 'rec') model made from ``source`` to ``out``."""
    work = out.parent / f"{kind}-work"
    work.mkdir(exist_ok=True)
    (_make_detector if kind == "det" else _make_recogniser)(source, out, work)


def _make_recogniser(source: str, out: Path, _tmp: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(source, out, op_types_to_quantize=["MatMul"], weight_type=QuantType.QInt8)


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


def _make_detector(source: str, out: Path, tmp: Path) -> None:
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    upgraded, prepared = tmp / "opset17.onnx", tmp / "prepared.onnx"
    # per-channel weights need opset 13 or later; the wheel's model is opset 11
    onnx.save(version_converter.convert_version(onnx.load(source), 17), upgraded)
    quant_pre_process(str(upgraded), str(prepared), skip_symbolic_shape=True)

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
