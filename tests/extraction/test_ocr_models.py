"""The 8-bit OCR models: made from the wheel's own files, once per cache, the same every time,
run by the default engine, and reading the fixture receipt as the float models do."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import pytest
from PIL import Image

from extraction import ocr, ocr_models
from extraction.ocr import DEFAULT, Setup, get_engine


def _ops(path: str) -> Counter[str]:
    return Counter(node.op_type for node in onnx.load(path).graph.node)


def _wheel_model(task: str) -> str:
    engine = get_engine(DEFAULT)
    cfg = engine.cfg[task]
    return ocr._model_file(engine, cfg)


def _fixture(fixtures: Path) -> Image.Image:
    with Image.open(fixtures / "receipt.png") as im:
        return im.convert("RGB")


def test_default_models_are_8_bit_versions_of_the_wheels() -> None:
    assert DEFAULT.det_int8 and DEFAULT.rec_int8
    det = ocr_models.quantised_detector(_wheel_model("Det"))
    rec = ocr_models.quantised_recogniser(_wheel_model("Rec"), convs=True)
    assert Path(det).parent == ocr_models.CACHE and Path(rec).parent == ocr_models.CACHE
    det_ops, rec_ops = _ops(det), _ops(rec)
    # every convolution of the detector reads 8-bit input
    assert det_ops["DequantizeLinear"] > det_ops["Conv"] > 0
    # the recogniser's matrix products are 8-bit, and so are its convolutions but the stem's and
    # the depthwise ones; its Gelus are single nodes (the Q/DQ pairs would stop their fusion)
    assert rec_ops["DynamicQuantizeLinear"] > 0 and rec_ops["MatMulInteger"] > 0
    assert rec_ops["Conv"] == _ops(_wheel_model("Rec"))["Conv"]
    assert rec_ops["Gelu"] > 0 and rec_ops["Erf"] == 0
    quantised, float_ = _rec_convs(rec)
    assert quantised and float_
    assert all(name.startswith("Conv.") for name in float_)
    assert {"Conv.0", "Conv.5"} <= set(float_)  # the first (stem), the first depthwise
    # the recogniser keeps its character list (rapidocr reads it from the model's metadata)
    assert any(p.key == "character" for p in onnx.load(rec).metadata_props)


def _rec_convs(path: str) -> tuple[list[str], list[str]]:
    """The recogniser's convolutions whose weights are 8-bit, and those kept in float."""
    model = onnx.load(path)
    dequantised = {n.output[0] for n in model.graph.node if n.op_type == "DequantizeLinear"}
    convs = [n for n in model.graph.node if n.op_type == "Conv"]
    return (
        [n.name for n in convs if n.input[1] in dequantised],
        [n.name for n in convs if n.input[1] not in dequantised],
    )


def test_the_matrix_product_only_recogniser_stays_switchable() -> None:
    rec = ocr_models.quantised_recogniser(_wheel_model("Rec"), convs=False)
    ops = _ops(rec)
    assert ops["MatMulInteger"] > 0 and ops["DequantizeLinear"] == 0
    assert ops["Conv"] == _ops(_wheel_model("Rec"))["Conv"]


def test_the_8_bit_convolutions_only_on_request_and_with_vnni(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # fields came out slightly worse with them: on request only, and only on the VNNI CPUs they
    # were measured on; the OCR cache key says which recogniser read the words
    assert ("-rec8conv" in ocr.OCR_VERSION) == DEFAULT.rec_conv8
    monkeypatch.delenv("DOCBATCH_OCR_REC_CONV8", raising=False)
    monkeypatch.setattr(ocr_models, "has_vnni", lambda: True)
    assert Setup().rec_conv8 is False
    monkeypatch.setenv("DOCBATCH_OCR_REC_CONV8", "1")
    assert Setup().rec_conv8 is True
    monkeypatch.setattr(ocr_models, "has_vnni", lambda: False)
    assert Setup().rec_conv8 is False


def test_calibration_lines_are_seeded_recogniser_inputs() -> None:
    import random

    a = ocr_models.synthetic_line(random.Random(1), np.random.default_rng(1))
    b = ocr_models.synthetic_line(random.Random(1), np.random.default_rng(1))
    assert np.array_equal(a, b) and a.ndim == 3 and a.shape[2] == 3
    assert a.min() < 100 < a.max()  # dark text on light paper
    batch = ocr_models._calibration_lines(count=6)[0]
    assert batch.shape[:3] == (3, 3, 48) and batch.shape[3] >= 160
    assert -1.0 <= batch.min() < batch.max() <= 1.0


def test_models_are_made_once_and_the_same_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = ocr_models.quantised_detector(_wheel_model("Det"))
    monkeypatch.setattr(ocr_models, "CACHE", tmp_path)
    made = ocr_models.quantised_detector(_wheel_model("Det"))
    assert Path(made).parent == tmp_path
    assert Path(made).read_bytes() == Path(shared).read_bytes()  # reproducible
    stamp = Path(made).stat().st_mtime_ns
    assert ocr_models.quantised_detector(_wheel_model("Det")) == made
    assert Path(made).stat().st_mtime_ns == stamp  # reused, not made again
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".onnx"] == [Path(made).name]


def test_the_recogniser_is_the_same_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its activation ranges come from histograms of every value, not from a random subsample
    (which made each build differ and moved the exact-line rate by up to 0.6 points)."""
    shared = ocr_models.quantised_recogniser(_wheel_model("Rec"), convs=True)
    monkeypatch.setattr(ocr_models, "CACHE", tmp_path)
    made = ocr_models.quantised_recogniser(_wheel_model("Rec"), convs=True)
    assert Path(made).read_bytes() == Path(shared).read_bytes()


def test_calibration_pages_are_seeded_and_detector_sized() -> None:
    a, b = ocr_models.synthetic_page(3), ocr_models.synthetic_page(3)
    assert np.array_equal(np.asarray(a), np.asarray(b))
    assert not np.array_equal(np.asarray(a), np.asarray(ocr_models.synthetic_page(4)))
    assert a.width % 32 == 0 and a.height % 32 == 0
    assert np.asarray(a).min() < 100 < np.asarray(a).max()  # dark text on light paper


def test_8_bit_models_read_the_receipt_as_the_float_ones(fixtures: Path) -> None:
    image = _fixture(fixtures)
    quantised = [w.text for w in ocr.ocr_words(image, DEFAULT)]
    float_ = [w.text for w in ocr.ocr_words(image, Setup(det_int8=False, rec_int8=False))]
    text = " ".join(quantised).upper()
    for expected in ("SUNRISE MART", "43300", "25/12/2018", "16.80", "THANK YOU"):
        assert expected in text
    same = sum((Counter(quantised) & Counter(float_)).values())
    assert same >= 0.9 * len(float_)


_FRESH_MACHINE = """
import sys
from pathlib import Path

from extraction.builtin_templates import BUILTIN_TEMPLATES
from extraction.child import ChildPool, Limits
from extraction.templates import template_from_dict
from extraction.types import EngineOptions

pool = ChildPool(1, Limits(memory_mb=2000, timeout_s=300), preload_ocr=True)
try:
    found = pool.extract(
        Path(sys.argv[1]), template_from_dict(BUILTIN_TEMPLATES["receipt"]), EngineOptions()
    )
    print(sorted(k for k, v in found.values().items() if v not in (None, "")))
finally:
    pool.close()
"""


def test_limited_children_find_the_models_made_outside_their_limit(
    tmp_path: Path, fixtures: Path
) -> None:
    """On a fresh machine no 8-bit model exists yet, and making the detector's peaks far above an
    extraction child's memory limit: the pool makes them first, in a process of its own, so a
    child limited to 2000 MB reads a scanned receipt (without that step the maker it starts
    inherits the limit and fails)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DOCBATCH_MODEL_CACHE": str(tmp_path / "models")}
    done = subprocess.run(
        [sys.executable, "-c", _FRESH_MACHINE, str(fixtures / "receipt.png")],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "total" in done.stdout, done.stdout + done.stderr[-3000:]
    assert any((tmp_path / "models").glob("ready-*"))
