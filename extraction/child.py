"""Each document's extraction in a long-lived child process with a memory and a time limit.

A hostile file (an image that decodes to gigabytes, a page that takes minutes) then fails alone
with ``ResourceLimit`` and the process that asked lives on. ``ChildPool`` keeps one child per
concurrent extraction (pebble's ProcessPool); each child sets ``RLIMIT_AS`` in its initializer
and may load the OCR model once, before its first document. A task over its time limit, or a
child that dies (a C library aborting when memory runs out), costs only that child: pebble
replaces it.

Children are forked from a forkserver that has already imported the engine, so a replacement
starts in a fraction of a second; the OCR model itself is loaded in the child (onnxruntime's
thread pools do not survive a fork).
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pebble import ProcessExpired, ProcessPool

from extraction.ocr_models import ensure_default_models
from extraction.types import (
    EngineOptions,
    Extraction,
    ExtractionError,
    TemplateSpec,
    TransientExtractionError,
)

RESOURCE_LIMIT = "ResourceLimit"
#: imported once by the forkserver, so every child (and every replacement) starts with them
PRELOAD = ["extraction.warm"]
_POLL_SECONDS = 0.1  # how often a waiting caller checks whether it was cancelled


class ExtractionCancelled(Exception):
    """The caller cancelled while its document was in a child; the child was stopped."""


@dataclass(frozen=True)
class Limits:
    memory_mb: int  # RLIMIT_AS of each child (address space, not resident memory)
    timeout_s: float  # one document, from the moment a child takes it


@dataclass(frozen=True)
class _Outcome:
    """What a child sends back (exceptions with custom constructors do not survive pickling)."""

    result: Extraction | None = None
    code: str = ""
    message: str = ""
    transient: bool = False


def _out_of_memory(exc: BaseException) -> bool:
    """MemoryError, or a native library's allocation failure surfaced as a generic error."""
    if isinstance(exc, MemoryError):
        return True
    text = str(exc).lower()
    return "bad_alloc" in text or "failed to allocate" in text or "cannot allocate memory" in text


def _child_init(memory_bytes: int, ocr_threads: int, preload_ocr: bool) -> None:
    import resource
    import signal

    try:  # die with the forkserver (and so with the worker) even if killed with SIGKILL
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    os.environ["DOCBATCH_OCR_THREADS"] = str(ocr_threads)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if preload_ocr:
        from extraction.ocr import get_engine

        try:
            get_engine()
        except Exception:
            # live (a failing initializer would be restarted for ever); its scans fail instead
            logging.getLogger("docbatch.extract").exception(
                "could not load the OCR model in a child"
            )


def _child_pid() -> int:
    time.sleep(0.05)  # long enough that an idle sibling takes the next warm-up call
    return os.getpid()


def _child_extract(
    path: str, spec: TemplateSpec, options: EngineOptions, memory_mb: int
) -> _Outcome:
    from extraction.engine import extract_file

    started = time.perf_counter()
    try:
        result = extract_file(Path(path), spec, options=options)
        result.seconds = time.perf_counter() - started  # without any wait for a free child
        return _Outcome(result=result)
    except ExtractionError as err:
        return _Outcome(code=err.code, message=err.message)
    except TransientExtractionError as err:
        return _Outcome(message=str(err), transient=True)
    except Exception as err:
        if _out_of_memory(err):
            return _Outcome(code=RESOURCE_LIMIT, message=_memory_message(memory_mb))
        raise


def _memory_message(memory_mb: int) -> str:
    return (
        f"The document needs more than the {memory_mb} MB of memory an extraction may use; "
        "split it or send smaller pages (DOCBATCH_EXTRACT_MEMORY_MB sets the limit)."
    )


def _time_message(timeout_s: float) -> str:
    return (
        f"The document took longer than the {timeout_s:g} s an extraction may take; "
        "split it or send fewer pages (DOCBATCH_EXTRACT_TIMEOUT_S sets the limit)."
    )


class ChildPool:
    """``size`` children, each extracting one document at a time under ``limits``."""

    def __init__(
        self, size: int, limits: Limits, *, ocr_threads: int = 1, preload_ocr: bool = False
    ) -> None:
        self.size, self.limits, self.threads = size, limits, ocr_threads
        self._args = (limits.memory_mb * 1024 * 1024, ocr_threads, preload_ocr)
        self._pool: ProcessPool | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the children now (they load the OCR model if asked) instead of at first use."""
        with self._lock:
            if self._pool is None:
                # before the children: they run under a memory limit a model maker would inherit
                try:
                    ensure_default_models()
                except RuntimeError:
                    logging.getLogger("docbatch.extract").exception(
                        "could not make the 8-bit OCR models; scans fail until they can be made"
                    )
                context = multiprocessing.get_context("forkserver")
                context.set_forkserver_preload(PRELOAD)
                self._pool = ProcessPool(
                    max_workers=self.size,
                    initializer=_child_init,
                    initargs=self._args,
                    context=context,
                )

    def warm(self, timeout: float = 300.0) -> list[int]:
        """Start the children and wait until each has finished its initializer (the OCR model
        loaded, when asked); returns their process ids."""
        self.start()
        assert self._pool is not None
        seen: set[int] = set()
        deadline = time.monotonic() + timeout
        while len(seen) < self.size and time.monotonic() < deadline:
            # a child runs tasks only after its initializer: ask until every child has answered
            futures = [self._pool.schedule(_child_pid) for _ in range(self.size)]
            seen.update(f.result(timeout=max(0.0, deadline - time.monotonic())) for f in futures)
        return sorted(seen)

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            pool.join(timeout=10)

    def extract(
        self,
        path: Path,
        spec: TemplateSpec,
        options: EngineOptions,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Extraction:
        """Like ``extract_file``; ResourceLimit when a limit is crossed. While waiting it checks
        ``cancelled`` and, when it says so, stops the child and raises ExtractionCancelled."""
        self.start()
        assert self._pool is not None
        future = self._pool.schedule(
            _child_extract,
            args=(str(path), spec, options, self.limits.memory_mb),
            timeout=self.limits.timeout_s,
        )
        try:
            while not concurrent.futures.wait([future], timeout=_POLL_SECONDS).done:
                if cancelled():
                    raise ExtractionCancelled()
        except BaseException:  # cancelled, or an exception the caller's runtime raised in us
            future.cancel()  # pebble stops the child running it and starts another
            raise
        try:
            outcome: _Outcome = future.result()
        except TimeoutError:
            raise ExtractionError(RESOURCE_LIMIT, _time_message(self.limits.timeout_s)) from None
        except ProcessExpired as err:  # killed by a signal or a native abort, mostly out of memory
            raise ExtractionError(
                RESOURCE_LIMIT,
                _memory_message(self.limits.memory_mb)
                + f" (the extraction process ended with code {err.exitcode})",
            ) from None
        if outcome.transient:
            raise TransientExtractionError(outcome.message)
        if outcome.result is None:
            raise ExtractionError(outcome.code, outcome.message)
        return outcome.result
