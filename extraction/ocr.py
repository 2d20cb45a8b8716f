"""Local OCR with RapidOCR 3 and the PP-OCRv6 small models shipped inside its wheel.

Chosen by measurement (``tools/ocr_compare.py``, figures in README.md): on the corpus receipts
it reads more ground-truth lines exactly than the previous PP-OCRv4 engine at a fraction of the
CPU time. Nothing is downloaded at run time: the models are the wheel's own files.

One engine per process and set-up, created lazily under a lock; onnxruntime releases the GIL and
its sessions may be run from several threads, so worker threads share it. Intra-op threads come
from ``DOCBATCH_OCR_THREADS`` (default 1: on a 2-core machine two documents in parallel beat one
document using both cores, measured in bench/bench_engine.py).

The defaults of ``Setup`` are the measured winner: ONNX Runtime with its memory arena but without
memory-pattern planning (sessions opened here, so the models load once; without the arena every
intermediate tensor is a fresh allocation whose pages the kernel faults in and zeroes again on each
call: on an AMD EPYC with AVX2, 40 corpus receipts cost 2.89 CPU-s each of which 0.24 in the kernel,
against 2.53 and 0.03 with the arena, 506 against 524 MB peak, the same words), the detector
quantised to 8 bits and the recogniser's matrix products too (``extraction/ocr_models.py`` makes
both from the wheel's files on first use: on the 250 corpus receipts 1.05 instead of 1.31 CPU-s and
469 instead of 614 MB peak at 0.841 instead of 0.843 exact, on a CPU with VNNI; without VNNI the
detector's weights are unsigned bytes, see ``ocr_models.detector_weights``; the recogniser's
convolutions in 8 bits too but the stem's and the depthwise ones, ``DOCBATCH_OCR_REC_CONV8=1``:
on an Intel Xeon with AVX512-VNNI, ``make bench``'s 30 receipts 0.77 instead of 1.00 CPU-s at 0.864
instead of 0.869 exact, 0.857 both on all 250, but the fields found came out slightly worse, so
not the default, see ``ocr_models``; all of them in 8 bits with min-max ranges lost 2-3 points;
the pointwise ones as dynamically quantised matrix products, ``DOCBATCH_OCR_REC_DYNCONV=1``,
``extraction/ocr_pointwise.py``: on an AMD EPYC with AVX512-VNNI all 250 receipts 0.858 instead
of 0.857 exact at 0.91 instead of 1.37 CPU-s, but 5 company fields fewer, so not the default),
detection at a long side of at most 1280 px with a box threshold of 0.35 (0.5 drops short lines such
as a lone '1'), recogniser inputs padded to 160 px rather than rapidocr's 320 (short receipt lines
cost half as much) in batches of 3 lines (6: more memory, 1: fewer lines exact), no per-line
180-degree classifier, the blank-column space restoration (blank columns looked for in the middle 70
% of a line's box: the ascenders and descenders of neighbouring lines reaching into the box hid many
real spaces), the ink the detector passes over in its rows' gaps read again
(``extraction/ocr_gaps.py``: lone ':' and '1'), the character fixes and stray accents dropped on
unaccented pages. With the last three on an AMD EPYC with AVX512-VNNI, all 250 corpus receipts:
0.857 exact (0.901 ignoring spaces), 0.76 CPU-s, 528 MB; before them 0.841 (0.887), 0.74 CPU-s, 528
MB (figures in README.md). The other options lost on accuracy, cost or memory: OpenVINO (bf16 where
the CPU has it: 40 % less CPU, but 800+ MB resident even with its shape cache bounded, also with
detection left on ONNX Runtime), other detection sizes, upscaling, two-scale voting, deskew, growing
detected regions more (unclip ratio 1.8 or 2.0 instead of 1.6: 0.790 and 0.789 instead of 0.792
exact on 40 receipts). Measured on that AMD EPYC (AVX2, no VNNI) and dropped: detection at 1152 px
with recogniser inputs from 112 px (0.856 and 0.848 exact on 40 receipts, alone, but with both 0.842
against 0.844 on 60 others, at 10 % less CPU), batches of 6 with the arena (649 MB), and per model
call: OpenVINO f32 (recogniser 161 against 136 ms, detector 590 against 635 ms, but its memory,
above), the float recogniser (144 ms) and a tanh Gelu (no faster). There the cost is the models'
arithmetic: the recogniser is 3 G multiply-adds per 3 lines of 320 px and its convolutions already
run near the core's float peak; 8-bit kernels without VNNI gain little. They stay switchable so
``tools/ocr_compare.py`` can measure them again.
"""

from __future__ import annotations

import ctypes
import math
import os
import re
import threading
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from PIL import Image

from extraction import ocr_models
from extraction.document import Word
from extraction.ocr_boxes import FastRecBoxes, crop_lines
from extraction.ocr_gaps import gap_lines

# names the words this module produces: caches of OCR output (tools/corpus_docs.py) key on it;
# change it whenever a default below or a fix changes what is read
OCR_VERSION = (
    "rapidocr3-ppocrv6s-int8-det1280max-box35-rec160b3-respace-accents3-gaps-tall-crop24-12"
    + ocr_models.wanted_recogniser_tag()  # the 8-bit recogniser asked for, if not the default
    + f"-det{ocr_models.detector_weights()}"  # the detector's 8-bit kind depends on the CPU
)

_engines: dict[tuple, Any] = {}
_lock = threading.Lock()

SPACE_GAP = float(
    os.environ.get("DOCBATCH_OCR_SPACE_GAP", "0.32")
)  # blank run / line height between words
PUNCT_GAP = float(os.environ.get("DOCBATCH_OCR_PUNCT_GAP", "0.3"))  # the same after , ; :


@dataclass(frozen=True)
class Setup:
    """How the OCR runs; the defaults are the measured winner."""

    backend: str = "onnxruntime"  # recognition (and classifier): or "openvino"
    det_backend: str = ""  # detection: "" for the same as ``backend``
    det_limit: int = 1280  # detection input size (PP-OCR's limit_side_len)
    det_limit_type: str = "max"  # "max": long side at most det_limit; "min": short side at least
    max_side: int = 2000  # larger scans are downscaled first
    # A till roll (a page at least tall_aspect times as long as wide) is not reduced below a
    # short side of keep_short, and is detected with its short side at least tall_det_short
    # (its input up to tall_det_pixels): at max_side and det_limit its text is too small to read
    tall_aspect: float = 3.0
    keep_short: int = 800
    tall_det_short: int = 480
    tall_det_pixels: int = 1_600_000
    upscale_small: bool = False  # upscale scans narrower than 800 px (what the previous engine did)
    respace: bool = True  # put back spaces where the line image shows a wide blank column run
    blank_band: float = 0.15  # respace: share of a line box's height left out at top and bottom
    read_gaps: bool = True  # recognise ink the detector passed over in its rows' gaps
    fixes: bool = (
        True  # NFKC, 0/O and 1/l confusions, date glued to time, split amounts and initials
    )
    split_glued: bool = (
        False  # 'BAKERIES(KL)SDN' -> 'BAKERIES (KL) SDN' (needed by the PP-OCRv4 engine)
    )
    vote: bool = (
        False  # recognise at a second scale too and keep each line's more confident reading
    )
    deskew: bool = False  # straighten pages whose lines lean more than 1 degree, then read again
    # pages leaning more than this are straightened and read again all the same: the line
    # grouping follows a lean of a few degrees, not a photo taken at a slant
    straighten_above: float = 6.0
    rotate: bool = True  # pages turned by 90 or 180 degrees are turned upright (ocr_upright only)
    classify: bool = False  # PP-OCR's per-line 0/180-degree classifier
    # a page whose text fills only a part of the frame (a receipt photographed on a table) is read
    # again cropped to its text when that shows the detector or the recogniser the text at least
    # this many times larger; 0: never
    crop_gain: float = 1.25
    # ... and only when its detected lines are less than this many pixels high as read: taller
    # ones are read well enough already (a receipt on an A4 flatbed scan: 25-32 px, no gain)
    crop_below: float = 24.0
    rec_batch: int = 3  # text lines recognised per model call (6: more memory, 1: fewer exact)
    rec_width: int = 160  # narrowest recogniser input: shorter lines are padded up to it
    ov_cache: int = 64  # OpenVINO: compiled shapes kept (its default, 5000, grows without bound)
    ov_precision: str = "f32"  # OpenVINO inference precision ("bf16" where the CPU has it)
    box_thresh: float = 0.35  # detection: boxes with a lower mean text probability are dropped
    unclip: float = 1.6  # detection: how far a text region is grown into its line box
    fast_boxes: bool = True  # extraction.ocr_boxes' crops and character boxes (same as rapidocr's)
    stray_accents: bool = True  # drop accents from the few letters that have one on a plain page
    text_score: float = 0.5  # lines read with a lower confidence are dropped
    ort_mem_pattern: bool = False  # ONNX Runtime's per-shape memory planning (off: less memory)
    ort_arena: bool = True  # ONNX Runtime's CPU memory arena (off: every tensor from malloc)
    det_int8: bool = True  # ONNX Runtime: the detector quantised to 8 bits (extraction.ocr_models)
    rec_int8: bool = True  # ONNX Runtime: the recogniser with 8-bit matrix products
    # rec_int8: its convolutions in 8 bits too (stem, depthwise: float); on request only (fields
    # came out slightly worse, extraction/ocr_models.py)
    rec_conv8: bool = field(default_factory=ocr_models.convolutions_wanted)
    # rec_int8: its pointwise convolutions as dynamically quantised matrix products (no
    # calibration; rec_conv8 wins if both are set; extraction/ocr_pointwise.py)
    rec_dynconv: bool = field(default_factory=ocr_models.dynamic_convolutions_wanted)
    det_model: str = ""  # ONNX Runtime: a detection model file other than the wheel's
    rec_model: str = ""  # ONNX Runtime: a recognition model file other than the wheel's


DEFAULT = Setup()


def _threads() -> int:
    return max(1, int(os.environ.get("DOCBATCH_OCR_THREADS", "1")))


def get_engine(setup: Setup = DEFAULT) -> Any:
    """The shared engine for a set-up, loaded on first use."""
    key = (
        setup.backend,
        setup.det_backend,
        setup.det_limit,
        setup.det_limit_type,
        setup.max_side,
        setup.keep_short,
        setup.respace,
        setup.classify,
        setup.rec_batch,
        setup.rec_width,
        setup.ov_cache,
        setup.ov_precision,
        setup.ort_mem_pattern,
        setup.ort_arena,
        setup.text_score,
        setup.box_thresh,
        setup.unclip,
        setup.fast_boxes,
        setup.det_int8,
        setup.rec_int8,
        setup.rec_conv8,
        setup.rec_dynconv,
        setup.det_model,
        setup.rec_model,
        setup.tall_aspect,
        setup.tall_det_short,
        setup.tall_det_pixels,
        _threads(),
    )
    engine = _engines.get(key)
    if engine is None:
        with _lock:
            engine = _engines.get(key)
            if engine is None:
                engine = _engines[key] = _build(setup)
    return engine


def _build(setup: Setup) -> Any:
    from rapidocr import EngineType, RapidOCR

    def kind(backend: str) -> Any:
        return EngineType.OPENVINO if backend == "openvino" else EngineType.ONNXRUNTIME

    threads = _threads()
    params = {
        "Global.log_level": "warning",
        "Global.return_word_box": True,
        "Global.return_single_char_box": setup.respace,
        # prepare() reduces large pages itself (not below keep_short): rapidocr must not again
        "Global.max_side_len": setup.max_side if not setup.keep_short else 1_000_000,
        "Det.limit_side_len": setup.det_limit,
        "Det.limit_type": setup.det_limit_type,
        "Det.box_thresh": setup.box_thresh,
        "Det.unclip_ratio": setup.unclip,
        "Global.use_cls": setup.classify,
        "Global.text_score": setup.text_score,
        "Rec.rec_batch_num": setup.rec_batch,
        "Rec.rec_img_shape": [3, 48, setup.rec_width],
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        "EngineConfig.openvino.inference_num_threads": threads,
        "Det.engine_type": kind(setup.det_backend or setup.backend),
        "Cls.engine_type": kind(setup.backend),
        "Rec.engine_type": kind(setup.backend),
    }
    engine = RapidOCR(params=params)
    tasks = {
        "Det": (engine._load_det_model, setup.det_backend or setup.backend),
        "Rec": (engine._load_rec_model, setup.backend),
    }
    if setup.classify:
        tasks["Cls"] = (engine._load_cls_model, setup.backend)
    for task, (load, backend) in tasks.items():
        if backend == "openvino":
            session = load().session
            session.session = _openvino_requests(session.model, setup, threads)
        else:  # handed to rapidocr before it loads the model, so the model is loaded only once
            cfg = engine.cfg[task]
            cfg._set_flag("allow_objects", True)
            path = _model_path(engine, cfg, task, setup)
            cfg.session = _onnxruntime_session(path, setup, threads)
            load()
    _float32_det_input(engine.text_det, setup)
    engine.detect_and_crop = _checked_detection(engine)
    if setup.fast_boxes:  # the same crops and character boxes as rapidocr's, at less cost
        engine.crop_text_regions = crop_lines
        engine.cal_rec_boxes = FastRecBoxes()
    return engine


def _float32_det_input(detector: Any, setup: Setup) -> None:
    """rapidocr normalises the detector's input in float64 (its mean and std are float64 arrays)
    and then converts it to float32: the same in float32 from the start costs a fraction.
    A long, narrow page is detected at a larger size (``Setup.tall_det_short``)."""
    import cv2
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    mean = np.asarray(detector.mean if detector.mean is not None else [0.5] * 3, np.float32)
    std = np.asarray(detector.std if detector.std is not None else [0.5] * 3, np.float32)

    class Float32DetPreProcess(DetPreProcess):
        def resize(self, img: np.ndarray) -> np.ndarray | None:
            h, w = img.shape[:2]
            limit = tall_detection_limit(w, h, self.limit_side_len, setup)
            if self.limit_type != "max" or limit == self.limit_side_len:
                return super().resize(img)
            ratio = limit / max(h, w)
            size = (max(32, round(w * ratio / 32) * 32), max(32, round(h * ratio / 32) * 32))
            return cv2.resize(img, size)

        def normalize(self, img: np.ndarray) -> np.ndarray:
            out = img.astype(np.float32)
            out *= np.float32(1 / 255.0)
            out -= mean
            out /= std
            return out

    detector.get_preprocess = lambda: Float32DetPreProcess(
        detector.limit_side_len, detector.limit_type, detector.mean, detector.std
    )


def tall_detection_limit(width: int, height: int, limit: int, setup: Setup) -> int:
    """The detector's long-side limit for a page: ``limit``, or more for a page so long and
    narrow (a till roll, ``setup.tall_aspect``) that at ``limit`` its short side, and so its
    text, would be too small to find; the detector's input stays under
    ``setup.tall_det_pixels``."""
    long, short = max(width, height), min(width, height)
    if (
        not setup.tall_det_short
        or long <= limit
        or long < setup.tall_aspect * short
        or short * limit / long >= setup.tall_det_short
    ):
        return limit
    wanted = min(short, setup.tall_det_short) * long / short
    cap = (setup.tall_det_pixels * long / short) ** 0.5
    return max(limit, int(min(wanted, cap, long)))


def _openvino_requests(model: Any, setup: Setup, threads: int) -> Any:
    """rapidocr's OpenVINO model compiled again with a bounded shape cache and the chosen
    precision (rapidocr passes neither: every text line width is a new input shape, and with
    OpenVINO's default cache of 5000 compiled shapes a worker's memory grows with each new
    width), with one infer request per thread (a request must not be shared across threads)."""
    import openvino as ov

    props = {
        "INFERENCE_NUM_THREADS": threads,
        "NUM_STREAMS": 1,
        "PERFORMANCE_HINT": "LATENCY",
        "CPU_RUNTIME_CACHE_CAPACITY": setup.ov_cache,
        "INFERENCE_PRECISION_HINT": setup.ov_precision,
    }
    return _PerThreadRequest(ov.Core().compile_model(model, "CPU", props), props)


class _PerThreadRequest:
    """Stands in for rapidocr's single OpenVINO infer request: each thread gets its own from the
    shared compiled model, so worker threads run documents in parallel without a lock."""

    def __init__(self, compiled: Any, properties: dict[str, Any]) -> None:
        self.compiled = compiled
        self.properties = properties  # as compiled (the CPU plugin does not report them all back)
        self._local = threading.local()

    def _request(self) -> Any:
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self.compiled.create_infer_request()
        return request

    def infer(self, *args: Any, **kwargs: Any) -> Any:
        return self._request().infer(*args, **kwargs)

    def get_output_tensor(self, *args: Any) -> Any:
        return self._request().get_output_tensor(*args)


def _model_path(engine: Any, cfg: Any, task: str, setup: Setup) -> str:
    """The model file ONNX Runtime loads for a task: the set-up's own, the wheel's, or an 8-bit
    version made from the wheel's."""
    if task == "Det":
        if setup.det_model:
            return setup.det_model
        if setup.det_int8:
            return ocr_models.quantised_detector(_model_file(engine, cfg))
    if task == "Rec":
        if setup.rec_model:
            return setup.rec_model
        if setup.rec_int8:
            return ocr_models.quantised_recogniser(
                _model_file(engine, cfg), setup.rec_conv8, setup.rec_dynconv
            )
    return _model_file(engine, cfg)


def _model_file(engine: Any, cfg: Any) -> str:
    """The model file rapidocr would load for a task: its wheel's own (nothing is downloaded)."""
    from pathlib import Path

    from rapidocr.inference_engine.base import FileInfo, InferSession

    info = InferSession.get_model_url(
        FileInfo(
            engine_type=cfg.engine_type,
            ocr_version=cfg.ocr_version,
            task_type=cfg.task_type,
            lang_type=cfg.lang_type,
            model_type=cfg.model_type,
        )
    )
    path = Path(engine.cfg.Global.model_root_dir) / Path(info["model_dir"]).name
    if not path.exists():
        raise FileNotFoundError(f"the rapidocr package has no {path.name}: reinstall it")
    return str(path)


def _onnxruntime_session(path: str, setup: Setup, threads: int) -> Any:
    """rapidocr's ONNX Runtime session opened again with the set-up's memory arena choice and, if
    the set-up says so, without memory-pattern planning (rapidocr has no option for it: each new
    input shape keeps its own planned buffers)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.log_severity_level = 4
    opts.enable_cpu_mem_arena = setup.ort_arena
    opts.enable_mem_pattern = setup.ort_mem_pattern
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(path, sess_options=opts, providers=["CPUExecutionProvider"])


def reduction(width: int, height: int, setup: Setup = DEFAULT) -> int:
    """The whole factor a page is reduced by before it is read: 1, or enough to bring its long
    side to ``setup.max_side``, but a till roll not below a short side of ``setup.keep_short``."""
    side = max(width, height)
    factor = math.ceil(side / setup.max_side)
    if setup.keep_short and side >= setup.tall_aspect * min(width, height):
        factor = min(factor, max(1, min(width, height) // setup.keep_short))
    return max(1, factor)


def prepare(image: Image.Image, setup: Setup = DEFAULT) -> tuple[np.ndarray, float]:
    """RGB array, reduced when huge and upscaled when narrow (if the set-up asks); returns the
    scale applied, to map boxes back."""
    if image.mode != "RGB":
        image = image.convert("RGB")
    scale = 1.0
    factor = reduction(image.width, image.height, setup)
    if factor > 1:  # e.g. a 600 dpi A4 scan: same text, a fraction of the memory
        image = image.reduce(factor)
        scale = 1 / factor
    elif setup.upscale_small and min(image.size) < 800 and max(image.size) < setup.max_side:
        scale = max(1.0, min(2.0, 3000 / max(image.size)))
        image = image.resize(
            (max(1, int(image.width * scale)), max(1, int(image.height * scale))),
            Image.Resampling.LANCZOS,
        )
    return np.asarray(image), scale


@dataclass
class Line:
    """One detected text line: its quadrilateral, confidence and words (original coordinates)."""

    quad: list[list[float]]
    score: float
    words: list[Word]


def ocr_lines(image: Image.Image, setup: Setup = DEFAULT) -> list[Line]:
    """Detected lines with their words, in the image's own pixel coordinates."""
    rgb, scale = prepare(image, setup)
    try:
        lines = _read(rgb, scale, setup, image.size)
        region = text_region(line_boxes(lines), image.size, setup)
    except _ReadPart as part:  # found from the detected boxes: nothing recognised in vain
        region = part.region
    if region is not None:
        inner = ocr_lines(image.crop(region), replace(setup, crop_gain=0.0))
        return [_shifted(line, region[0], region[1]) for line in inner]
    if setup.vote:  # the same page at 1.5 x: the recogniser sees each line at another scale
        h, w = rgb.shape[:2]
        bigger = Image.fromarray(rgb).resize((int(w * 1.5), int(h * 1.5)), Image.Resampling.BICUBIC)
        lines = _vote(lines, _read(np.asarray(bigger), scale * 1.5, setup))
    return lines


def _reading_scales(width: int, height: int, setup: Setup) -> tuple[float, float]:
    """How much smaller than in the image the recogniser and the detector see a page's text
    (``prepare``'s reduction, then the detector's long-side limit)."""
    factor = reduction(width, height, setup)
    w, h = width // factor, height // factor
    limit = tall_detection_limit(w, h, setup.det_limit, setup)
    return 1 / factor, min(1.0, limit / max(w, h)) / factor


CROP_AREA = 0.5  # text_region: largest share of the image the text may cover


def text_region(
    boxes: list[tuple[float, float, float, float]], size: tuple[int, int], setup: Setup
) -> tuple[int, int, int, int] | None:
    """The part of the image holding the text boxes found, with a margin, when it is at most half
    the image, its lines are read less than ``setup.crop_below`` pixels high, and reading only
    that part shows the recogniser or the detector the text at least ``setup.crop_gain`` times
    larger (a receipt photographed on a table, the photo reduced for its size); else None.

    On scans and on photos the receipt fills, the text spans most of the frame, is read large
    enough or is read at full size anyway: nothing is read twice."""
    if not setup.crop_gain or len(boxes) < 3:
        return None
    width, height = size
    line_height = float(np.median([b[3] - b[1] for b in boxes]))
    margin = 3 * line_height
    x0 = max(0, int(min(b[0] for b in boxes) - margin))
    y0 = max(0, int(min(b[1] for b in boxes) - margin))
    x1 = min(width, int(max(b[2] for b in boxes) + margin + 1))
    y1 = min(height, int(max(b[3] for b in boxes) + margin + 1))
    if (x1 - x0) * (y1 - y0) > CROP_AREA * width * height:
        return None
    whole = _reading_scales(width, height, setup)
    if line_height * whole[0] >= setup.crop_below:
        return None
    part = _reading_scales(x1 - x0, y1 - y0, setup)
    if max(part[0] / whole[0], part[1] / whole[1]) < setup.crop_gain:
        return None
    return x0, y0, x1, y1


def line_boxes(lines: list[Line]) -> list[tuple[float, float, float, float]]:
    """Each line's upright bounding box (x0, y0, x1, y1)."""
    return [_box(line.quad) for line in lines]


def _shifted(line: Line, dx: float, dy: float) -> Line:
    """A line read from a crop, in the coordinates of the image it was cropped from."""
    return Line(
        [[x + dx, y + dy] for x, y in line.quad],
        line.score,
        [Word(w.text, w.x0 + dx, w.y0 + dy, w.x1 + dx, w.y1 + dy, w.conf) for w in line.words],
    )


class _ReadPart(Exception):
    """Raised from the engine's detection step when only a part of the page is worth reading."""

    def __init__(self, region: tuple[int, int, int, int]) -> None:
        super().__init__(region)
        self.region = region


_detection = threading.local()  # .check: called with each page's detected boxes (this thread)


def _checked_detection(engine: Any) -> Any:
    """The engine's detection step, then this thread's check of the boxes it found (which may
    end the call before any line is recognised)."""
    detect = engine.detect_and_crop

    def detect_and_check(img: np.ndarray, op_record: dict[str, Any]) -> Any:
        crops, found = detect(img, op_record)
        check = getattr(_detection, "check", None)
        if check is not None and found.boxes is not None and len(found.boxes):
            check(found.boxes, op_record)
        return crops, found

    return detect_and_check


def _read(
    rgb: np.ndarray, scale: float, setup: Setup, size: tuple[int, int] | None = None
) -> list[Line]:
    """The page's lines; with ``size`` (the image's, before ``prepare``), raises ``_ReadPart``
    right after detection when the boxes found ask for the page to be read cropped."""
    engine = get_engine(setup)
    if size is not None and setup.crop_gain:

        def check(found: np.ndarray, op_record: dict[str, Any]) -> None:
            from rapidocr.utils.process_img import map_boxes_to_original

            # the detector's boxes are in its own input's pixels: in the page's, as rapidocr does
            quads = map_boxes_to_original(np.array(found, np.float32), op_record, *rgb.shape[:2])
            boxes = [_box([[x / scale, y / scale] for x, y in quad]) for quad in quads]
            region = text_region(boxes, size, setup)
            if region is not None:
                raise _ReadPart(region)

        _detection.check = check
    try:
        out = engine(rgb[:, :, ::-1].copy())  # the engine expects BGR
    finally:
        _detection.check = None
    if out is None or not getattr(out, "txts", None):
        return []
    # three times the grey level, in integers: the blank-column test only compares levels
    gray = rgb.sum(axis=2, dtype=np.uint16) if setup.respace else None
    items = out.word_results if len(out.word_results) == len(out.txts) else [None] * len(out.txts)
    placed: list[tuple[float, Line]] = []
    for i, (quad, text, score, wr) in enumerate(zip(out.boxes, out.txts, out.scores, items)):
        quad = [[float(x), float(y)] for x, y in quad]
        words = _line_words(quad, text, float(score), wr, gray, scale, setup)
        placed.append((i, Line([[x / scale, y / scale] for x, y in quad], float(score), words)))
    if setup.fixes:
        _drop_overlapped_tails([line for _i, line in placed])
    if setup.read_gaps and gray is not None:
        quads = [[[float(x), float(y)] for x, y in q] for q in out.boxes]
        for place, quad, text, score in gap_lines(
            rgb, gray, quads, _recogniser(setup), setup.text_score
        ):
            words = _line_words(quad, text, score, None, gray, scale, setup)
            placed.append((place, Line([[x / scale, y / scale] for x, y in quad], score, words)))
    return [line for _place, line in sorted(placed, key=lambda pl: pl[0])]


def _drop_overlapped_tails(lines: list[Line]) -> None:
    """Two detected lines of one row whose boxes overlap ('COBALT' reaching into the box of
    'PIZZA'): the left line's short last word, when it lies inside the right line's box and
    over the right line's first word, is that word's first glyph read again in part ('COBALT F'
    + 'PIZZA'), so it is dropped."""
    boxes = [_box(line.quad) for line in lines]
    for line, (x0, y0, x1, y1) in zip(lines, boxes):
        if len(line.words) < 2 or len(line.words[-1].text) > 2:
            continue
        h = y1 - y0
        last = line.words[-1]
        for other, (bx0, by0, bx1, by1) in zip(lines, boxes):
            first = other.words[0] if other.words else None
            if (
                first is not None
                and x0 < bx0 < x1 < bx1
                and min(y1, by1) - max(y0, by0) > 0.7 * min(h, by1 - by0)
                and (last.x0 + last.x1) / 2 > bx0 + 0.2 * h
                and min(last.x1, first.x1) > max(last.x0, first.x0)
            ):
                line.words.pop()
                break


def _recogniser(setup: Setup) -> Any:
    """The engine's text recogniser as a function of crops (BGR) to (text, confidence) pairs."""
    from rapidocr.ch_ppocr_rec import TextRecInput

    recogniser = get_engine(setup).text_rec

    def recognise(crops: list[np.ndarray]) -> list[tuple[str, float]]:
        res = recogniser(TextRecInput(img=crops, return_word_box=False))
        return list(zip(res.txts or [], (float(s) for s in res.scores or [])))

    return recognise


def _line_words(
    quad: list,
    text: str,
    score: float,
    items: Any,
    gray: np.ndarray | None,
    scale: float,
    setup: Setup,
) -> list[Word]:
    # the quad's left/right edge midpoints give a tight vertical extent on skewed lines
    h = (abs(quad[3][1] - quad[0][1]) + abs(quad[2][1] - quad[1][1])) / 2
    mid = ((quad[0][1] + quad[3][1]) / 2 + (quad[1][1] + quad[2][1]) / 2) / 2
    tokens: list[tuple[str, float, float, float, float]] = []  # text, x0, x1, y centre, conf
    glyphs = [(t, c, b) for t, c, b in items] if items else []
    if glyphs and "".join(t for t, _c, _b in glyphs) == text.replace(" ", ""):
        if setup.respace:  # glyphs are single characters: group by the recogniser's spaces first
            blank = _line_blank(gray, quad, setup.blank_band) if gray is not None else None
            k = 0
            for token in text.split():
                chunk = glyphs[k : k + len(token)]
                k += len(token)
                spaced = _respace([c for c, _s, _b in chunk], [b for _c, _s, b in chunk], blank)
                pos = 0
                for part in "".join(spaced).split(" "):
                    part_glyphs = chunk[pos : pos + len(part)]
                    pos += len(part)
                    if part_glyphs:
                        ys = [p[1] for _t, _c, b in part_glyphs for p in b]
                        tokens.append(
                            (
                                part,
                                min(min(p[0] for p in b) for _t, _c, b in part_glyphs),
                                max(max(p[0] for p in b) for _t, _c, b in part_glyphs),
                                (min(ys) + max(ys)) / 2,
                                min(c for _t, c, _b in part_glyphs),
                            )
                        )
        else:
            for t, c, b in glyphs:
                ys = [p[1] for p in b]
                tokens.append(
                    (
                        t,
                        min(p[0] for p in b),
                        max(p[0] for p in b),
                        (min(ys) + max(ys)) / 2,
                        float(c),
                    )
                )
    else:  # no usable word boxes: share the line's width by character position
        xs = [p[0] for p in quad]
        x0, x1 = min(xs), max(xs)
        n = max(1, len(text))
        for m in re.finditer(r"\S+", text):
            tokens.append(
                (
                    m.group(),
                    x0 + (x1 - x0) * m.start() / n,
                    x0 + (x1 - x0) * m.end() / n,
                    mid,
                    score,
                )
            )
    words: list[Word] = []
    for token, tx0, tx1, yc, conf in tokens:
        # each word keeps its own height on a leaning line: the line's height, centred on the word
        tx0, tx1, y0, y1 = tx0 / scale, tx1 / scale, (yc - h / 2) / scale, (yc + h / 2) / scale
        if setup.fixes:
            token = normalise_token(token)
        parts = _split_parens(token) if setup.split_glued else [token]
        n = max(1, len(token))
        pos = 0
        for part in parts:  # boxes of split parts by character share
            px0 = tx0 + (tx1 - tx0) * pos / n
            pos += len(part)
            px1 = tx0 + (tx1 - tx0) * pos / n
            words.append(
                Word(fix_confusables(part) if setup.fixes else part, px0, y0, px1, y1, conf=conf)
            )
    return words


def _box(quad: list) -> tuple[float, float, float, float]:
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    return min(xs), min(ys), max(xs), max(ys)


def _iou(a: tuple, b: tuple) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _vote(first: list[Line], second: list[Line]) -> list[Line]:
    """Per line, the reading with the higher confidence of the two scales."""
    out = []
    for line in first:
        a = _box(line.quad)
        best = max(second, key=lambda other: _iou(a, _box(other.quad)), default=None)
        if best is not None and _iou(a, _box(best.quad)) > 0.5 and best.score > line.score:
            out.append(best)
        else:
            out.append(line)
    return out


def _release_memory() -> None:
    """Hand freed heap back to the OS after a page: without it a worker's resident memory creeps
    up with each page's differently sized buffers (glibc keeps them)."""
    global _malloc_trim
    if _malloc_trim is None:
        try:
            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Any = None


def _finish(lines: list[Line], setup: Setup) -> list[Word]:
    _release_memory()
    words = [w for line in lines for w in line.words]
    if setup.fixes and setup.stray_accents:
        words = _drop_stray_accents(words)
    return _merge_initials(_merge_split_numbers(words)) if setup.fixes else words


STRAY_ACCENT_SHARE = 0.005  # accented letters per letter below which a page is taken as unaccented
# languages whose common words prove a page's accents real ('für', 'société', 'número'); their
# small word lists cost about 20 MB, loaded only for a page with a few accents
ACCENT_LANGUAGES = ("de", "fr", "es", "it", "pt")
ACCENT_WORD = re.compile(r"[^\W\d_]{3,}")


def _drop_stray_accents(words: list[Word]) -> list[Word]:
    """'QÚANTITY' -> 'QUANTITY' on a page whose letters are otherwise unaccented: the multilingual
    recogniser now and then puts an accent on a plain letter. A page in a language that uses
    accents has far more of them than the threshold and keeps them all, and so does a page with
    few accents of which one makes a common word of such a language (a short letter in German
    whose only accents are 'für' and a seller's 'haftungsbeschränkt')."""
    letters = accented = 0
    for w in words:
        for c in w.text:
            if c.isalpha():
                letters += 1
                accented += c != _plain(c)
    if not accented or accented > STRAY_ACCENT_SHARE * letters:
        return words
    if any(_real_accents(w.text) for w in words):
        return words
    return [
        Word("".join(_stray_plain(c) for c in w.text), w.x0, w.y0, w.x1, w.y1, w.conf)
        if any(c != _stray_plain(c) for c in w.text)
        else w
        for w in words
    ]


# letters the recogniser does not make up: its stray marks on the corpus receipts are acute and
# grave accents and once an umlaut on 'a' (18 words on 16 of 250 receipts, none with these), while
# Nordic names keep them on an otherwise English page ('Vilström', 'Gorbergås')
NEVER_STRAY = frozenset("åÅöÖ")


def _stray_plain(c: str) -> str:
    return c if c in NEVER_STRAY else _plain(c)


def _real_accents(text: str) -> bool:
    """A word with an accent that is common in a language that writes accents, and far more
    common there than its plain spelling is in English or Malay ('für', not 'café' or 'nó')."""
    from wordfreq import zipf_frequency

    for word in ACCENT_WORD.findall(text.lower()):
        plain = "".join(_plain(c) for c in word)
        if plain == word:
            continue
        own = max(zipf_frequency(word, lang, wordlist="small") for lang in ACCENT_LANGUAGES)
        if own >= 3.0 and own >= 1.0 + max(
            zipf_frequency(plain, lang, wordlist="small") for lang in ("en", "ms")
        ):
            return True
    return False


def _plain(c: str) -> str:
    """A Latin letter without its accent ('Á' -> 'A'); any other character as it is."""
    if c.isascii() or not c.isalpha():
        return c
    base = unicodedata.normalize("NFKD", c)[0]
    return base if base.isascii() and base.isalpha() else c


def ocr_words(image: Image.Image, setup: Setup = DEFAULT) -> list[Word]:
    """OCR an image into words in the image's own pixel coordinates (no turning)."""
    return _finish(ocr_lines(image, setup), setup)


def _tall_share(lines: list[Line]) -> float:
    tall = 0
    for line in lines:
        x0, y0, x1, y1 = _box(line.quad)
        tall += (y1 - y0) > 1.5 * (x1 - x0)
    return tall / len(lines) if lines else 0.0


def _lean_degrees(lines: list[Line]) -> float:
    """Median slope of the longer lines' top edges, in degrees (positive: falling to the right).

    A line is long when its top edge is over three times its left edge: its upright bounding box
    would not do, as a leaning line's box grows taller with its lean."""
    angles = []
    for line in lines:
        (ax, ay), (bx, by), _, (dx, dy) = line.quad[:4]
        if math.hypot(bx - ax, by - ay) > 3 * max(1.0, math.hypot(dx - ax, dy - ay)) and bx > ax:
            angles.append(math.degrees(math.atan2(by - ay, bx - ax)))
    return float(np.median(angles)) if len(angles) >= 3 else 0.0


def _quality(lines: list[Line]) -> float:
    return sum(line.score * sum(len(w.text) for w in line.words) for line in lines)


# Mean line confidence below which a page is also read turned by 180 degrees. Measured on 250
# corpus receipts and 120 generated ones (PP-OCR mobile models): upright pages 0.905-0.99,
# the same pages upside down 0.64-0.77.
UPSIDE_DOWN_BELOW = 0.85


def _mean_score(lines: list[Line]) -> float:
    return sum(line.score for line in lines) / len(lines)


def ocr_upright(
    image: Image.Image, setup: Setup = DEFAULT
) -> tuple[Image.Image, list[Word], float]:
    """OCR a page that may be turned by 90 degrees (or lean, with ``deskew``): returns the page
    as read (upright), its words in that image's coordinates, and the counter-clockwise turn in
    degrees that made it from the input (PIL's ``rotate(degrees, expand=True)``).

    Costs nothing extra on upright pages: only when most detected lines are taller than wide is
    the page turned both ways and read again, keeping the more confident reading; only when the
    reading is unsure overall (an upside-down page) is it read turned by 180 degrees too.
    """
    lines = ocr_lines(image, setup)
    if setup.rotate and len(lines) >= 2 and _tall_share(lines) > 0.5:
        # the recogniser turns tall line crops itself, so the sideways reading can be about as
        # confident as the upright one: the page stays sideways only if both turns read clearly less
        best_score, best = 0.9 * _quality(lines), (image, lines, 0.0)
        for turn, degrees in (
            (Image.Transpose.ROTATE_90, 90.0),
            (Image.Transpose.ROTATE_270, 270.0),
        ):
            turned = image.transpose(turn)
            candidate = ocr_lines(turned, setup)
            if _quality(candidate) > best_score:
                best_score, best = _quality(candidate), (turned, candidate, degrees)
        image, lines, total = best
    else:
        total = 0.0
    if setup.rotate and lines and _mean_score(lines) < UPSIDE_DOWN_BELOW:
        # an upside-down page reads as confident-looking nonsense: its lines are as wide as
        # upright ones, only the recogniser's confidence tells (keep the clearer reading)
        turned = image.transpose(Image.Transpose.ROTATE_180)
        candidate = ocr_lines(turned, setup)
        if _quality(candidate) > _quality(lines):
            image, lines, total = turned, candidate, (total + 180.0) % 360.0
    lean = _lean_degrees(lines)
    if abs(lean) > (1.0 if setup.deskew else setup.straighten_above):
        straight = image.convert("RGB").rotate(
            lean, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(255, 255, 255)
        )
        image, lines, total = straight, ocr_lines(straight, setup), total + lean
    return image, _finish(lines, setup), total


def _blank_columns(gray: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> np.ndarray | None:
    crop = gray[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)]
    if crop.size == 0:
        return None
    lo, hi = np.percentile(crop, (5, 95))
    if hi - lo < 90:  # 30 grey levels (the image holds three times the grey level)
        return None
    return (crop < (lo + hi) / 2).sum(axis=0) == 0


# a line's blank-column mask, its left edge and its height (None: too little contrast to tell)
Blank = tuple[np.ndarray, int, int] | None


def _line_blank(gray: np.ndarray, quad: list, band: float) -> Blank:
    """The columns of a line's bounding box that hold no dark pixel (once per line), looked for
    with ``band`` of the box's height left out at the top and at the bottom."""
    xs = [p[0] for p in quad]
    ys = [p[1] for p in quad]
    x0, x1, y0, y1 = int(min(xs)), int(max(xs)) + 1, int(min(ys)), int(max(ys)) + 1
    cut = int(band * (y1 - y0))  # neighbouring lines' ascenders and descenders reach in
    blank = _blank_columns(gray, x0, y0 + cut, x1, y1 - cut)
    return None if blank is None else (blank, max(0, x0), max(1, y1 - y0))


def _respace(chars: list[str], boxes: list, line: Blank) -> list[str]:
    """Insert ' ' between characters separated by a wide blank run in the line image."""
    if line is None or not chars:
        return chars
    blank, left, h = line
    centers = [(min(p[0] for p in b) + max(p[0] for p in b)) / 2 - left for b in boxes]
    out = [chars[0]]
    for i in range(1, len(chars)):
        if chars[i] != " " and chars[i - 1] != " ":
            a, b = int(centers[i - 1]), int(centers[i])
            run = best = 0
            for c in range(max(0, a), min(len(blank), b)):
                run = run + 1 if blank[c] else 0
                best = max(best, run)
            gap = PUNCT_GAP if chars[i - 1] in ",;:" else SPACE_GAP
            if chars[i - 1].isdigit() and (chars[i].isdigit() or chars[i] in ".,"):
                gap *= 2  # narrow digits ('1') leave wide blanks inside one number
            if best > gap * h:
                out.append(" ")
        out.append(chars[i])
    return out


# ----
_LOOKALIKES = str.maketrans(
    {"×": "x", "。": ".", "・": ".", "—": "-", "–": "-", "‘": "'", "’": "'", "“": '"', "”": '"'}
)
_DATE_TIME = re.compile(
    r"^(.*?(?:\d{4}[-/.]\d{1,2}[-/.]\d{2}|\d{1,2}[-/.]\d{1,2}[-/.](?:\d{4}|\d{2})))"
    r"(\d{1,2}:\d{2}(?::\d{2})?(?:[AaPp][Mm])?)$"
)


# signs of other scripts the recogniser returns for a Latin letter inside a Latin word ('⊂&T'
# for 'C&T', a Cyrillic 'С' in 'СAFE'); a word of those scripts alone keeps them
_LATIN_LOOKALIKES = str.maketrans(
    {
        "⊂": "C",
        **dict(zip("АВЕКМНОРСТХ", "ABEKMHOPCTX", strict=True)),
        **dict(zip("аеорсх", "aeopcx", strict=True)),
    }
)
# an e-mail address whose '@' was read as 'ß' ('infoßtullyshardware.com')
_EMAIL_ESZETT = re.compile(r"^[\w.+-]{3,}ß[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}$")


def normalise_token(token: str) -> str:
    """NFKC with ASCII look-alikes ('：' -> ':', '×' -> 'x', '⊂&T' -> 'C&T', an e-mail's '@'
    read as 'ß'); a date glued to a time gets its space back ('2016-07-3113:48:37' ->
    '2016-07-31 13:48:37')."""
    token = unicodedata.normalize("NFKC", token).translate(_LOOKALIKES)
    if re.search(r"[A-Za-z]", token):
        token = token.translate(_LATIN_LOOKALIKES)
    if _EMAIL_ESZETT.match(token):
        token = token.replace("ß", "@")
    m = _DATE_TIME.match(token)
    return f"{m.group(1)} {m.group(2)}" if m else token


_DIGIT_IN_WORD = re.compile(r"(?<=[A-Za-z])[01](?=[A-Za-z.:,)]|$)|(?<=^)[0](?=[A-Za-z]{2})")


_NUMERIC = re.compile(r"^([-+]?(?:RM|Rs\.?|[$€£])?)([0-9IlO|.,]*\d[0-9IlO|.,]*)$")


# a '0' that starts a percentage and is followed by another digit: no percentage is printed with
# a leading zero ('06%'), but the recogniser reads the '@' of 'GST @6%' as '0'
_AT_PERCENT = re.compile(r"(?<![\d.,])0(?=\d+(?:[.,]\d+)?%)")
# the M of the ringgit's 'RM' read as 'H', alone, after a label's colon or before an amount
_RM_AS_RH = re.compile(r"^(.*:)?RH(?=$|\d+(?:,\d{3})*\.\d{2}$)")
# a minus sign read twice before an amount ('--4.69')
_DOUBLE_MINUS = re.compile(r"^--(?=\d)")


def fix_confusables(word: str) -> str:
    """0/O and 1/l confusions: 'L0T' -> 'LOT', 'Leve1' -> 'Level' in words; 'RMI4.18' -> 'RM14.18',
    '433O0' -> '43300' in numbers; '@' read as '0' before a rate: 'GST06%' -> 'GST@6%'; the
    ringgit's 'RM' read as 'RH' ('RH9.00' -> 'RM9.00'); a doubled minus ('--4.69' -> '-4.69')."""
    word = _DOUBLE_MINUS.sub("-", _RM_AS_RH.sub(r"\1RM", _AT_PERCENT.sub("@", word)))
    m = _NUMERIC.match(word)
    if m and sum(c.isdigit() for c in m.group(2)) >= 2 and re.search(r"[IlO|]", m.group(2)):
        return (m.group(1) or "") + m.group(2).translate(str.maketrans("IlO|", "1101"))
    if not re.search(r"[01]", word) or not re.search(r"[A-Za-z]", word):
        return word
    # whole letter-digit runs only, and none that goes on into decimals: 'RM0.02' keeps its
    # zero, and 'RM13.50' is not cut back to a run 'RM1' whose final '1' would read as 'I'
    return re.sub(r"(?<![A-Za-z0-9])[A-Za-z0-9]+(?![A-Za-z0-9]|[.,]\d)", _fix_token, word)


def _fix_token(m: re.Match[str]) -> str:
    token = m.group()
    letters = sum(c.isalpha() for c in token)
    digits = len(token) - letters
    if letters == 0 or digits > letters:
        return token

    def swap(mm: re.Match[str]) -> str:
        ch = mm.group()
        before = token[mm.start() - 1] if mm.start() > 0 else ""
        if ch == "0":
            return "O" if (before.isupper() or not before) else "o"
        if letters < 2:
            return ch
        return "l" if before.islower() else "I"

    return _DIGIT_IN_WORD.sub(swap, token)


_GLUED_SDN = re.compile(r"(?<=[A-Za-z]{4})(?=SDN\.?(?:BHD)?$)")


def _split_parens(token: str) -> list[str]:
    """'BAKERIES(KL)SDN' -> 'BAKERIES', '(KL)', 'SDN': parentheses after letters start a word."""
    if "(" not in token and ")" not in token and "&" not in token and not _GLUED_SDN.search(token):
        return [token]
    spaced = re.sub(r"(?<=[A-Za-z]{2})\((?=[^)]*\))", " (", token)
    spaced = re.sub(r"\)(?=[A-Za-z]{2})", ") ", spaced)
    spaced = re.sub(
        r"(?<=[A-Za-z]{3})&|&(?=[A-Za-z]{3})", " & ", spaced
    )  # 'HARDWARE&' -> 'HARDWARE &'
    spaced = _GLUED_SDN.sub(
        " ", spaced
    )  # 'INTERNATIONALSDN' -> 'INTERNATIONAL SDN' (Sendirian Berhad)
    return spaced.split()


# ----
_INITIAL = re.compile(r"^\.?[A-Za-z]?\.?$")


def _merge_initials(words: list[Word]) -> list[Word]:
    """'D.' 'I' '.Y.' -> 'D.I.Y.': restored spaces must not break up abbreviations."""
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if (
            prev is not None
            and _INITIAL.match(w.text)
            and _INITIAL.match(prev.text.rsplit(".", 2)[-1] or ".")
            and re.fullmatch(r"[A-Za-z.]+", prev.text)
            and len(re.sub(r"[^A-Za-z]", "", prev.text.split()[-1])) <= 3
            and "." in prev.text + w.text
            and abs(prev.yc - w.yc) < 0.3 * max(1.0, prev.height)
            and w.x0 - prev.x1 < 0.6 * max(1.0, prev.height)
            and _is_initials(prev.text + w.text)
        ):
            out[-1] = Word(
                prev.text + w.text,
                prev.x0,
                min(prev.y0, w.y0),
                w.x1,
                max(prev.y1, w.y1),
                min(prev.conf, w.conf),
            )
            continue
        out.append(w)
    return out


def _is_initials(text: str) -> bool:
    return bool(re.fullmatch(r"\.?(?:[A-Za-z]\.)+[A-Za-z]?\.?|\.?[A-Za-z]\.?", text))


def _merge_split_numbers(words: list[Word]) -> list[Word]:
    """'14.' + '10' -> '14.10': a restored space must not cut an amount in two."""
    out: list[Word] = []
    for w in words:
        prev = out[-1] if out else None
        if (
            prev is not None
            and abs(prev.yc - w.yc) < 0.3 * max(1.0, prev.height)
            and (
                (re.search(r"\d[.,]$", prev.text) and re.fullmatch(r"\d{2}\b.*", w.text))
                or (re.search(r"\d$", prev.text) and re.fullmatch(r"[.,]\d{2}\b.*", w.text))
            )
            and w.x0 - prev.x1 < prev.height
        ):
            # the joined amount is checked again: 'RMI4.' + '00' -> 'RM14.00'
            out[-1] = Word(
                fix_confusables(prev.text + w.text),
                prev.x0,
                min(prev.y0, w.y0),
                w.x1,
                max(prev.y1, w.y1),
                min(prev.conf, w.conf),
            )
            continue
        out.append(w)
    return out
