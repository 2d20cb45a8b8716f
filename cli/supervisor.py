"""Keeps the children of ``docbatch run`` alive: start in order, restart what dies, stop in reverse.

A child that exits on its own is restarted after a backoff (1 s, doubling up to 30 s) with a log
line; the backoff resets once a child has run for ``stable_after`` seconds. Only repeated fast
failures (``max_fast_failures`` exits in a row, each within ``stable_after`` of its start) make
the supervisor give up and stop everything. A child that fails while the service is starting
stops every child already started, so no Temporal dev server is left behind; a child given
``start_attempts`` above one is first started again that many times (the Temporal dev server
picks some of its own ports, and another process may take one between its pick and its bind).
"""

from __future__ import annotations

import ctypes
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field


class StartFailed(Exception):
    """A child did not come up during start-up; the message says which and why."""


def log(message: str) -> None:
    print(f"docbatch: {message}", flush=True)


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the supervisor itself is killed (no orphans even then)."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


@dataclass
class Child:
    """One supervised process: how to start it and how to know it is up."""

    name: str
    argv: Sequence[str]
    env: dict[str, str]
    cwd: str | None = None
    ready_port: tuple[str, int] | None = None  # start-up waits until this port accepts connections
    ready_timeout: float = 60.0
    stop_timeout: float = 15.0
    start_attempts: int = 1  # exits during start-up tolerated before the start fails
    proc: subprocess.Popen | None = field(default=None, repr=False)
    started_at: float = 0.0
    fast_failures: int = 0
    restart_at: float | None = None  # set while waiting out the backoff

    def spawn(self) -> None:
        preexec = _die_with_parent if sys.platform.startswith("linux") else None
        self.proc = subprocess.Popen(
            list(self.argv), env=self.env, cwd=self.cwd, preexec_fn=preexec
        )
        self.started_at = time.monotonic()
        log(f"{self.name} started (pid {self.proc.pid})")

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self) -> None:
        """Block until the child's port answers; StartFailed if it exits or takes too long."""
        if self.ready_port is None or self.proc is None:
            return
        host, port = self.ready_port
        deadline = time.monotonic() + self.ready_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise StartFailed(
                    f"{self.name} exited with code {self.proc.returncode} during start-up; "
                    "see its log above."
                )
            if port_open(host, port):
                return
            time.sleep(0.2)
        raise StartFailed(
            f"{self.name} did not open {host}:{port} within {self.ready_timeout:.0f} s."
        )

    def stop(self) -> None:
        if not self.running():
            return
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=self.stop_timeout)
        except subprocess.TimeoutExpired:
            log(f"{self.name} did not stop within {self.stop_timeout:.0f} s; killing it")
            self.proc.kill()
            self.proc.wait()


@dataclass
class Supervisor:
    children: list[Child]
    stable_after: float = 30.0
    max_fast_failures: int = 5
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    poll_interval: float = 0.3
    started: list[Child] = field(default_factory=list)

    def start(self, on_ready: Callable[[Child], None] | None = None) -> None:
        """Start every child in order, each ready before the next; on failure stop them all."""
        try:
            for child in self.children:
                self.started.append(child)
                self._start_one(child)
                if on_ready:
                    on_ready(child)
        except BaseException:
            self.stop()
            raise

    def _start_one(self, child: Child) -> None:
        for attempt in range(1, child.start_attempts + 1):
            child.spawn()
            try:
                child.wait_ready()
                return
            except StartFailed as exc:
                if child.running() or attempt == child.start_attempts:
                    raise
                log(f"{exc} Starting it again (attempt {attempt + 1} of {child.start_attempts}).")

    def backoff(self, child: Child) -> float:
        return min(self.backoff_max, self.backoff_initial * 2 ** max(0, child.fast_failures - 1))

    def check(self, stopping: Callable[[], bool] = lambda: False) -> str | None:
        """One supervision step: restart what died. Returns why to give up, or None."""
        now = time.monotonic()
        for child in self.started:
            if stopping():  # Ctrl-C reaches the children too: their exits are expected now
                return None
            if child.restart_at is not None:
                if now >= child.restart_at:
                    child.restart_at = None
                    child.spawn()
                continue
            if child.running() or child.proc is None:
                continue
            code = child.proc.returncode
            ran = now - child.started_at
            child.fast_failures = child.fast_failures + 1 if ran < self.stable_after else 1
            if child.fast_failures >= self.max_fast_failures:
                return (
                    f"{child.name} exited {child.fast_failures} times in a row within "
                    f"{self.stable_after:.0f} s of starting (last code {code}); giving up"
                )
            delay = self.backoff(child)
            log(
                f"{child.name} exited unexpectedly (code {code}) after {ran:.1f} s; "
                f"restarting in {delay:.1f} s "
                f"(failure {child.fast_failures} of {self.max_fast_failures})"
            )
            child.restart_at = now + delay
        return None

    def watch(self, stopping: Callable[[], bool]) -> int:
        """Supervise until ``stopping()`` is true (0) or a child keeps failing (1)."""
        while not stopping():
            reason = self.check(stopping)
            if reason:
                log(reason)
                return 1
            time.sleep(self.poll_interval)
        return 0

    def stop(self) -> None:
        """Reverse start order: API first, then the worker (it finishes activities), Temporal
        last."""
        for child in reversed(self.started):
            child.restart_at = None
            child.stop()
