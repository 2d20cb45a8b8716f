"""Operations figures: migration times, readiness latency, metrics overhead, restart time.

- ``docbatch migrate``'s work on a fresh SQLite database, on the pre-Alembic fixture (stamp and
  upgrade) and when there is nothing to do (what every ``docbatch run`` start pays);
- ``/health/ready`` (database, Temporal, storage) against ``/health`` in the same app;
- the request-metrics middleware: a request with it against the same app without it;
- ``docbatch run``: SIGKILL of the worker until a new worker answers ready on its health port.

Run: ``python -m bench ops``.
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import statistics
import tarfile
import tempfile
import time
from pathlib import Path

import httpx
from fastapi import FastAPI

from api.metrics import RequestMetrics
from api.routes import health
from core.db import get_engine
from core.schema import migrate
from core.settings import Settings
from tests.harness import make_settings, running_service, start_dev_server

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "upgrade" / "pre-alembic.tar.gz"


def _best_ms(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def bench_migrations() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(1000))

        def fresh() -> None:
            url = Settings(data_dir=Path(tmp) / f"f{next(counter)}").sqlalchemy_url
            migrate(url)
            get_engine(url).dispose()

        def upgrade() -> None:
            target = Path(tmp) / f"u{next(counter)}"
            with tarfile.open(FIXTURE) as tar:
                tar.extractall(target, filter="data")
            url = Settings(data_dir=target / "data").sqlalchemy_url
            migrate(url)
            get_engine(url).dispose()

        url = Settings(data_dir=Path(tmp) / "noop").sqlalchemy_url
        migrate(url)
        print(f"migrate, fresh SQLite database:        {_best_ms(fresh):7.1f} ms")
        print(f"migrate, pre-Alembic fixture (+untar): {_best_ms(upgrade):7.1f} ms")
        print(f"migrate, already at head (each start): {_best_ms(lambda: migrate(url), 5):7.1f} ms")


async def _per_request_ms(http: httpx.AsyncClient, path: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        resp = await http.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert resp.status_code == 200, resp.text
    return times


async def bench_readiness_and_metrics() -> None:
    temporal = await start_dev_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            settings = make_settings(Path(tmp))
            async with running_service(settings, temporal.client, with_worker=False) as svc:
                await _per_request_ms(svc.http, "/health/ready", 5)  # warm up
                live = await _per_request_ms(svc.http, "/health", 200)
                ready = await _per_request_ms(svc.http, "/health/ready", 100)
                print(f"/health        median {statistics.median(live):6.2f} ms")
                print(
                    f"/health/ready  median {statistics.median(ready):6.2f} ms, p95 "
                    f"{sorted(ready)[94]:6.2f} ms  "
                    f"({statistics.median(ready) / statistics.median(live):.1f}x "
                    "/health; database + Temporal + storage)"
                )
    finally:
        await temporal.shutdown()

    async def one_app(with_metrics: bool) -> float:
        app = FastAPI()
        app.state.settings = Settings()
        app.include_router(health.router)
        if with_metrics:
            app.add_middleware(RequestMetrics)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://b"
        ) as http:
            await _per_request_ms(http, "/health", 200)
            return statistics.median(await _per_request_ms(http, "/health", 3000))

    rounds = [(await one_app(False), await one_app(True)) for _ in range(3)]
    bare, metered = min(r[0] for r in rounds), min(r[1] for r in rounds)
    print(
        f"request metrics middleware: {bare * 1000:6.1f} us/request without, "
        f"{metered * 1000:6.1f} us with "
        f"({metered / bare:.2f}x, +{(metered - bare) * 1000:.1f} us)"
    )


def bench_restart() -> None:
    from tests.test_launcher import start, stop
    from tests.test_supervisor import Output, _env

    with tempfile.TemporaryDirectory() as tmp:
        env, _, _ = _env(Path(tmp))
        proc = start(env)
        out = Output(proc)
        try:
            out.wait_for("Ctrl-C stops everything")
            ready_url = f"http://127.0.0.1:{env['DOCBATCH_WORKER_HEALTH_PORT']}/health/ready"
            for _ in range(2):  # the second kill comes fast: its backoff doubles
                pid = int(re.findall(r"worker started \(pid (\d+)\)", out.text())[-1])
                killed = time.perf_counter()
                os.kill(pid, signal.SIGKILL)
                while True:
                    try:
                        if (
                            int(re.findall(r"worker started \(pid (\d+)\)", out.text())[-1]) != pid
                            and httpx.get(ready_url, timeout=5).status_code == 200
                        ):
                            break
                    except httpx.TransportError:
                        pass
                    time.sleep(0.05)
                backoff = re.findall(r"restarting in ([\d.]+) s", out.text())[-1]
                print(
                    f"worker SIGKILL -> new worker ready: {time.perf_counter() - killed:5.2f} s "
                    f"({backoff} s backoff + start-up)"
                )
        finally:
            stop(proc)


def main() -> None:
    bench_migrations()
    asyncio.run(bench_readiness_and_metrics())
    bench_restart()


if __name__ == "__main__":
    main()
