"""The recogniser with dynamically quantised pointwise convolutions: the same file every build,
only the pointwise convolutions turned into matrix products, reading lines as the float model
does, and chosen only on request."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import numpy as np
import onnx
import pytest
from PIL import Image

from extraction import ocr, ocr_models
from extraction.ocr import DEFAULT, Setup, get_engine


def _wheel_rec() -> str:
    engine = get_engine(DEFAULT)
    return ocr._model_file(engine, engine.cfg["Rec"])


def _ops(path: str) -> Counter[str]:
    return Counter(node.op_type for node in onnx.load(path).graph.node)


def test_the_recogniser_is_made_the_same_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = ocr_models.quantised_recogniser(_wheel_rec(), dynamic=True)
    monkeypatch.setattr(ocr_models, "CACHE", tmp_path)
    made = ocr_models.quantised_recogniser(_wheel_rec(), dynamic=True)
    assert Path(made).parent == tmp_path and "-recdyn-" in Path(made).name
    assert Path(made).read_bytes() == Path(shared).read_bytes()


def test_only_the_pointwise_convolutions_become_matrix_products() -> None:
    made = _ops(ocr_models.quantised_recogniser(_wheel_rec(), dynamic=True))
    matrix_products_only = _ops(ocr_models.quantised_recogniser(_wheel_rec()))
    turned = _ops(_wheel_rec())["Conv"] - made["Conv"]
    # 28 pointwise convolutions of the MLP blocks and the head; the stem, the depthwise and the
    # squeeze-excite ones stay float convolutions
    assert turned == 28
    assert made["MatMulInteger"] == matrix_products_only["MatMulInteger"] + turned
    assert made["DequantizeLinear"] == 0  # nothing calibrated: every scale computed per call
    rec = onnx.load(ocr_models.quantised_recogniser(_wheel_rec(), dynamic=True))
    assert any(p.key == "character" for p in rec.metadata_props)


def _lines(count: int) -> list[np.ndarray]:
    """Recogniser inputs of seeded synthetic lines (not the calibration seed), three a batch."""
    rng, noise = random.Random(11), np.random.default_rng(11)
    return ocr_models.recogniser_batches(
        [ocr_models.synthetic_line(rng, noise) for _ in range(count)]
    )


def _read(path: str, batches: list[np.ndarray]) -> list[tuple[int, ...]]:
    """Greedy CTC readings (character indices) of each line."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    session = ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])
    out = []
    for batch in batches:
        for row in session.run(None, {"x": batch})[0].argmax(-1):
            kept = [int(c) for c, prev in zip(row, [-1, *row[:-1]]) if c != prev and c != 0]
            out.append(tuple(kept))
    return out


# Without VNNI the byte kernels add pairs in 16 bits and saturate (21 of 30 lines read as the
# float model does on an AMD EPYC with AVX2 only): the engine never runs this recogniser there.
@pytest.mark.skipif(not ocr_models.has_vnni(), reason="the recogniser is used only with VNNI")
def test_it_reads_synthetic_lines_as_the_float_model() -> None:
    batches = _lines(30)
    float_ = _read(_wheel_rec(), batches)
    dynamic = _read(ocr_models.quantised_recogniser(_wheel_rec(), dynamic=True), batches)
    same = sum(a == b for a, b in zip(float_, dynamic))
    # per-tensor weights read only about two lines in three as the float model does
    assert same >= 0.85 * len(float_)


def test_it_reads_the_receipt_as_the_float_models(fixtures: Path) -> None:
    with Image.open(fixtures / "receipt.png") as im:
        image = im.convert("RGB")
    dynamic = [w.text for w in ocr.ocr_words(image, Setup(rec_conv8=False, rec_dynconv=True))]
    float_ = [w.text for w in ocr.ocr_words(image, Setup(det_int8=False, rec_int8=False))]
    text = " ".join(dynamic).upper()
    for expected in ("SUNRISE MART", "43300", "25/12/2018", "16.80", "THANK YOU"):
        assert expected in text
    assert sum((Counter(dynamic) & Counter(float_)).values()) >= 0.9 * len(float_)


def test_chosen_only_on_request_and_with_vnni(monkeypatch: pytest.MonkeyPatch) -> None:
    assert ("-recdynconv" in ocr.OCR_VERSION) == (DEFAULT.rec_dynconv and not DEFAULT.rec_conv8)
    monkeypatch.delenv("DOCBATCH_OCR_REC_DYNCONV", raising=False)
    monkeypatch.setattr(ocr_models, "has_vnni", lambda: True)
    assert Setup().rec_dynconv is False
    monkeypatch.setenv("DOCBATCH_OCR_REC_DYNCONV", "1")
    assert Setup().rec_dynconv is True
    monkeypatch.setattr(ocr_models, "has_vnni", lambda: False)
    assert Setup().rec_dynconv is False
