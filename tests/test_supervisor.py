"""`docbatch run` heals itself: a killed child is restarted, a failed start leaves nothing
behind."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

from cli.supervisor import Child, StartFailed, Supervisor
from tests.harness import FINAL, eventually_sync
from tests.test_launcher import free_port, start, stop

DOCS = Path(__file__).parent / "fixtures" / "docs"


class Output:
    """Reads a child's combined output on a thread so the test can wait for a line."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._cond = threading.Condition()
        threading.Thread(target=self._read, args=(proc,), daemon=True).start()

    def _read(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            with self._cond:
                self.lines.append(line)
                self._cond.notify_all()
        with self._cond:
            self.lines.append("<EOF>")
            self._cond.notify_all()

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 180) -> re.Match:
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for line in self.lines[after:]:
                    if found := re.search(pattern, line):
                        return found
                if "<EOF>" in self.lines or time.monotonic() > deadline:
                    raise AssertionError(f"no line matching {pattern!r}:\n" + "".join(self.lines))
                self._cond.wait(1)

    def text(self) -> str:
        with self._cond:
            return "".join(self.lines)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def _env(tmp_path: Path) -> tuple[dict[str, str], int, int]:
    api, temporal = free_port(), free_port()
    env = {
        **os.environ,
        "DOCBATCH_DATA_DIR": str(tmp_path / "data"),
        "DOCBATCH_API_PORT": str(api),
        "DOCBATCH_TEMPORAL_PORT": str(temporal),
        "DOCBATCH_TEMPORAL_UI_PORT": str(free_port()),
        "DOCBATCH_WORKER_HEALTH_PORT": str(free_port()),
        "DOCBATCH_BOOTSTRAP_TOKEN": "dbt_supervisor_test_owner",
    }
    return env, api, temporal


def _upload_and_wait(base: str, headers: dict[str, str], me: dict) -> str:
    resp = httpx.post(
        f"{base}/batch/{me['organizationId']}/upload",
        headers=headers,
        timeout=60,
        files=[("files", ("r.txt", (DOCS / "receipt.txt").read_bytes()))],
        data={
            "projectId": me["projects"][0]["id"],
            "templateId": next(t["id"] for t in me["templates"] if t["name"] == "receipt"),
        },
    )
    assert resp.status_code == 201, resp.text
    return eventually_sync(
        lambda: httpx.get(
            f"{base}/batch/{me['organizationId']}/{resp.json()['id']}", headers=headers, timeout=30
        ).json()["status"],
        lambda status: status in FINAL,
        timeout=180,
        interval=0.2,
        what="the batch to finish",
    )


def test_a_killed_worker_temporal_or_api_is_restarted_and_the_rest_stays_up(tmp_path: Path) -> None:
    env, api, _ = _env(tmp_path)
    proc = start(env)
    out = Output(proc)
    try:
        out.wait_for("Ctrl-C stops everything")
        assert re.search(r"migrated from empty to \w+", out.text())
        base, headers = (
            f"http://127.0.0.1:{api}",
            {"Authorization": "Bearer dbt_supervisor_test_owner"},
        )
        me = httpx.get(f"{base}/me", headers=headers).json()
        api_pid = int(out.wait_for(r"api started \(pid (\d+)\)").group(1))

        worker_pid = int(out.wait_for(r"worker started \(pid (\d+)\)").group(1))
        mark = len(out.lines)
        os.kill(worker_pid, signal.SIGKILL)
        out.wait_for(r"worker exited unexpectedly \(code -9\).*restarting in", after=mark)
        assert httpx.get(f"{base}/health").status_code == 200  # the API did not go down with it
        new_worker = int(out.wait_for(r"worker started \(pid (\d+)\)", after=mark).group(1))
        assert new_worker != worker_pid
        worker_ready = f"http://127.0.0.1:{env['DOCBATCH_WORKER_HEALTH_PORT']}/health/ready"
        eventually_sync(
            lambda: httpx.get(worker_ready, timeout=10).status_code,
            lambda code: code == 200,
            timeout=60,
            ignore=(httpx.TransportError,),
            what="the new worker to be ready",
        )
        assert httpx.get(worker_ready, timeout=10).status_code == 200  # the new worker is ready
        assert httpx.get(f"{base}/health/ready", timeout=10).status_code == 200
        assert _upload_and_wait(base, headers, me) == "completed"

        temporal_pid = int(out.wait_for(r"temporal started \(pid (\d+)\)").group(1))
        mark = len(out.lines)
        os.kill(temporal_pid, signal.SIGKILL)
        out.wait_for(r"temporal exited unexpectedly \(code -9\).*restarting in", after=mark)
        out.wait_for(r"temporal started \(pid (\d+)\)", after=mark)
        assert (
            _upload_and_wait(base, headers, me) == "completed"
        )  # same database file, same history
        assert alive(api_pid)  # never restarted

        mark = len(out.lines)
        os.kill(api_pid, signal.SIGKILL)
        out.wait_for(r"api exited unexpectedly \(code -9\).*restarting in", after=mark)
        out.wait_for(r"api started \(pid (\d+)\)", after=mark)
        eventually_sync(
            lambda: httpx.get(f"{base}/health/ready", timeout=10).status_code,
            lambda code: code == 200,
            timeout=60,
            ignore=(httpx.TransportError,),
            what="the restarted API to be ready",
        )
        assert _upload_and_wait(base, headers, me) == "completed"
    finally:
        assert stop(proc) == 0, out.text()
    assert "giving up" not in out.text()


def test_a_failed_start_stops_every_child_it_started(tmp_path: Path) -> None:
    env, api, temporal = _env(tmp_path)
    # Bound but not listening: the launcher's free-port check passes, uvicorn's bind fails.
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", api))
    try:
        proc = start(env)
        output, _ = proc.communicate(timeout=180)
    finally:
        blocker.close()
    assert proc.returncode == 1, output
    assert re.search(r"api exited with code \d+ during start-up", output), output
    pids = [int(p) for p in re.findall(r"started \(pid (\d+)\)", output)]
    assert len(pids) == 3, output  # temporal, worker, api
    assert not any(alive(pid) for pid in pids), output
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", temporal)) != 0  # no orphan Temporal dev server


def test_repeated_fast_failures_give_up_and_a_healthy_child_is_stopped(tmp_path: Path) -> None:
    crash = Child("crasher", [sys.executable, "-c", "import sys; sys.exit(3)"], dict(os.environ))
    steady = Child(
        "steady", [sys.executable, "-c", "import time; time.sleep(600)"], dict(os.environ)
    )
    sup = Supervisor(
        [steady, crash],
        backoff_initial=0.05,
        backoff_max=0.1,
        max_fast_failures=3,
        poll_interval=0.05,
    )
    sup.start()
    try:
        assert sup.watch(lambda: False) == 1
        assert crash.fast_failures == 3
    finally:
        sup.stop()
    assert steady.proc is not None and steady.proc.poll() is not None


def test_a_child_that_never_opens_its_port_fails_the_start(tmp_path: Path) -> None:
    first = Child("first", [sys.executable, "-c", "import time; time.sleep(600)"], dict(os.environ))
    silent = Child(
        "silent",
        [sys.executable, "-c", "import time; time.sleep(600)"],
        dict(os.environ),
        ready_port=("127.0.0.1", free_port()),
        ready_timeout=1,
    )
    sup = Supervisor([first, silent])
    try:
        sup.start()
        raise AssertionError("start should have failed")
    except StartFailed as exc:
        assert "silent did not open" in str(exc)
    assert first.proc.poll() is not None and silent.proc.poll() is not None


def test_a_child_that_fails_its_first_start_is_started_again(tmp_path: Path) -> None:
    """Like the Temporal dev server losing one of its own port picks: the next start succeeds."""
    port, marker = free_port(), tmp_path / "tried"
    script = (
        "import pathlib, socket, sys, time\n"
        f"marker = pathlib.Path({str(marker)!r})\n"
        "if not marker.exists():\n"
        "    marker.touch()\n"
        "    sys.exit('bind: address already in use')\n"
        "s = socket.socket(); s.bind(('127.0.0.1', %d)); s.listen(); time.sleep(600)\n" % port
    )
    flaky = Child(
        "flaky",
        [sys.executable, "-c", script],
        dict(os.environ),
        ready_port=("127.0.0.1", port),
        start_attempts=3,
    )
    sup = Supervisor([flaky])
    try:
        sup.start()
        assert flaky.running() and marker.exists()
    finally:
        sup.stop()


def test_a_child_that_keeps_failing_its_start_gives_up_after_its_attempts(
    tmp_path: Path,
) -> None:
    tries = tmp_path / "tries"
    script = f"open({str(tries)!r}, 'a').write('x'); raise SystemExit(2)"
    failing = Child(
        "failing",
        [sys.executable, "-c", script],
        dict(os.environ),
        ready_port=("127.0.0.1", free_port()),
        start_attempts=2,
    )
    sup = Supervisor([failing])
    try:
        sup.start()
        raise AssertionError("start should have failed")
    except StartFailed as exc:
        assert "failing exited with code 2 during start-up" in str(exc)
    assert tries.read_text() == "xx"
