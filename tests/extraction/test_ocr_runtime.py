"""How the OCR models run: the measured set-up's sessions, OpenVINO's per-thread requests and
bounded shape cache, and the page-level accent clean-up."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import onnxruntime as ort
from PIL import Image

from extraction import ocr
from extraction.document import Word
from extraction.ocr import DEFAULT, Setup, _drop_stray_accents, _merge_split_numbers, get_engine


def _text(image: Image.Image, setup: Setup) -> str:
    return " ".join(w.text for w in ocr.ocr_words(image, setup))


def _fixture(fixtures: Path) -> Image.Image:
    with Image.open(fixtures / "receipt.png") as im:
        return im.convert("RGB")


def _session(task: object) -> object:
    return task.session.session  # type: ignore[attr-defined]


def test_default_engine_runs_the_measured_sessions(fixtures: Path) -> None:
    engine = get_engine(DEFAULT)
    det, rec = engine._load_det_model(), engine._load_rec_model()
    assert rec.rec_image_shape[2] == DEFAULT.rec_width and rec.rec_batch_num == DEFAULT.rec_batch
    for task, backend in ((det, DEFAULT.det_backend or DEFAULT.backend), (rec, DEFAULT.backend)):
        session = _session(task)
        if backend == "openvino":
            compiled = session.compiled  # type: ignore[attr-defined]
            assert session.properties["CPU_RUNTIME_CACHE_CAPACITY"] == DEFAULT.ov_cache  # type: ignore[attr-defined]
            assert int(compiled.get_property("INFERENCE_NUM_THREADS")) == ocr._threads()
        else:
            assert isinstance(session, ort.InferenceSession)
            options = session.get_session_options()
            assert options.enable_mem_pattern is DEFAULT.ort_mem_pattern
            assert options.enable_cpu_mem_arena is DEFAULT.ort_arena
            assert options.intra_op_num_threads == ocr._threads()
            assert session.get_providers() == ["CPUExecutionProvider"]
    assert "SUNRISE MART" in _text(_fixture(fixtures), DEFAULT).upper()


def test_memory_arena_changes_the_cost_not_the_words(fixtures: Path) -> None:
    image = _fixture(fixtures)
    with_arena = ocr.ocr_words(image, Setup(ort_arena=True))
    without = ocr.ocr_words(image, Setup(ort_arena=False))
    assert with_arena and [(w.text, w.x0, w.y0, w.conf) for w in with_arena] == [
        (w.text, w.x0, w.y0, w.conf) for w in without
    ]
    opened = _session(get_engine(Setup(ort_arena=False))._load_rec_model())
    assert opened.get_session_options().enable_cpu_mem_arena is False  # type: ignore[attr-defined]


def test_openvino_threads_read_in_parallel_with_their_own_requests(fixtures: Path) -> None:
    setup = Setup(backend="openvino", ov_cache=8)
    image = _fixture(fixtures)
    alone = _text(image, setup)
    assert "SUNRISE MART" in alone.upper() and "16.80" in alone
    with ThreadPoolExecutor(3) as pool:
        together = list(pool.map(lambda _i: _text(image, setup), range(6)))
    assert together == [alone] * 6
    rec = _session(get_engine(setup)._load_rec_model())
    assert rec.properties["CPU_RUNTIME_CACHE_CAPACITY"] == 8  # type: ignore[attr-defined]
    assert int(rec.compiled.get_property("INFERENCE_NUM_THREADS")) == ocr._threads()  # type: ignore[attr-defined]
    # each thread made its own request from the one compiled model (a request is not re-entrant)
    requests = {id(rec._request())}  # type: ignore[attr-defined]
    with ThreadPoolExecutor(2) as pool:
        requests |= set(pool.map(lambda _i: id(rec._request()), range(2)))  # type: ignore[attr-defined]
    assert len(requests) >= 2


def test_openvino_detection_can_stay_on_onnxruntime(fixtures: Path) -> None:
    setup = Setup(backend="openvino", det_backend="onnxruntime", ort_mem_pattern=False)
    engine = get_engine(setup)
    assert isinstance(_session(engine._load_det_model()), ort.InferenceSession)
    assert hasattr(_session(engine._load_rec_model()), "compiled")
    assert "16.80" in _text(_fixture(fixtures), setup)


def _words(*texts: str) -> list[Word]:
    return [Word(t, 10.0 * i, 0, 10.0 * i + 8, 10) for i, t in enumerate(texts)]


def test_stray_accents_go_on_a_plain_page_only() -> None:
    plain = _words("TOTAL", "QÚANTITY", "SETIA", "ÁLAM", *["GOODS SOLD ARE NOT RETURNABLE"] * 30)
    assert [w.text for w in _drop_stray_accents(plain)][:4] == [
        "TOTAL",
        "QUANTITY",
        "SETIA",
        "ALAM",
    ]
    french = _words("Société", "Générale", "Désignation", "Quantité", "Prix", "unitaire", "Total")
    assert [w.text for w in _drop_stray_accents(french)] == [w.text for w in french]
    cjk = _words("谢谢", "TOTAL", *["THANK YOU PLEASE COME AGAIN"] * 30)
    assert _drop_stray_accents(cjk)[0].text == "谢谢"  # not a Latin letter: kept


def test_a_page_with_few_accents_keeps_them_when_one_makes_a_common_word() -> None:
    """A short German letter whose only accents are 'für' and the seller's legal form keeps
    them; a stray accent that makes a foreign word whose plain spelling is common English
    ('CAFÉ', 'NÓ') proves nothing."""
    filler = ["Invoice Total Payment Terms Bank Transfer"] * 30
    german = _words("Velsys", "UG", "(haftungsbeschränkt)", "Vielen", "Dank", "für", *filler)
    assert [w.text for w in _drop_stray_accents(german)][2] == "(haftungsbeschränkt)"
    stray = _words("CAFÉ", "NÓ", "12", "JALÁN", "SETIA", "Vilström", "Gorbergås", *filler)
    assert [w.text for w in _drop_stray_accents(stray)][:7] == [
        *("CAFE", "NO", "12", "JALAN", "SETIA"),
        *("Vilström", "Gorbergås"),  # letters the recogniser does not make up
    ]


def test_a_joined_amount_is_checked_again() -> None:
    words = [Word("RMI4.", 0, 0, 40, 20), Word("00", 44, 0, 60, 20)]
    assert [w.text for w in _merge_split_numbers(words)] == ["RM14.00"]
