"""The PDF build runs with the garbage collector paused (issue 13) and leaves it as it found it,
also when builds overlap in threads or one of them fails."""

from __future__ import annotations

import gc
import threading

import pytest

from exporters import gc_pause
from exporters.fmt_pdf import build_pdf
from exporters.gc_pause import collector_paused
from tests.exporters.conftest import make_batch


@pytest.fixture
def collector_enabled():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_pdf_build_runs_no_collection(collector_enabled):
    build_pdf(make_batch())  # warm: imports and fonts
    runs: list[int] = []

    def count(phase: str, info: dict) -> None:
        if phase == "start" and gc_pause._paused:  # a collection inside the paused part
            runs.append(info["generation"])

    gc.callbacks.append(count)
    try:
        build_pdf(make_batch(in_progress=True))
    finally:
        gc.callbacks.remove(count)
    assert runs == []
    assert gc.isenabled()
    # the check can fail: without the pause, the same build collects hundreds of times
    gc.callbacks.append(count)
    try:
        with collector_paused():
            gc.enable()
            build_pdf(make_batch(in_progress=True))
    finally:
        gc.callbacks.remove(count)
    assert len(runs) > 10


def test_collector_restored_after_failure(collector_enabled):
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("boom")
    assert gc.isenabled()


def test_collector_left_off_when_it_was_off(collector_enabled):
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_overlapping_builds_enable_the_collector_after_the_last():
    gc.enable()
    inside, release = threading.Event(), threading.Event()

    def other_build() -> None:
        with collector_paused():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=other_build)
    thread.start()
    assert inside.wait(10)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the other build is still running
    release.set()
    thread.join(10)
    assert gc.isenabled()
