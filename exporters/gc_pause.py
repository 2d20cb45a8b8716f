"""The cyclic garbage collector paused while a document is laid out (issue 13).

WeasyPrint allocates several hundred thousand short-lived objects per report (boxes, styles,
Pango wrappers). Each allocation burst triggers collections, and every full collection walks
the whole heap, which grows as the document does: on 50 files x 10 line items a fifth of the
PDF export's CPU time went to the collector (about 30 % on 200 files), which found little, since
reference counting frees nearly everything. While paused, the cycles the build makes wait for
the next collection after it; the peak memory of a build stays the same within a few percent
(the laid-out document itself dominates).

The collector is process-wide and exports run in threads, so pauses are counted: the collector
is enabled again when the last paused build ends, and only if it was enabled before the first.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_paused = 0  # builds inside ``collector_paused`` right now
_was_enabled = False  # the collector's state before the first of them


@contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with automatic garbage collection off (explicit ``gc.collect`` still works)."""
    global _paused, _was_enabled
    with _LOCK:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _LOCK:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
