"""Orchestration overhead: a 50-file batch of small text PDFs, upload to final status, against
the engine alone on the same files at the same concurrency, in the same run."""

from __future__ import annotations

import asyncio
import shutil
import statistics
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from temporalio.api.enums.v1 import EventType


from core.settings import Settings
from core.temporal import workflow_id
from extraction import BUILTIN_TEMPLATES, EngineOptions, TemplateSpec, extract_file
from tests.harness import DOCS, make_settings, running_service, start_dev_server

FILES = 50
ROUNDS = 3
UPLOAD_TIMES: list[float] = []
COSTS: list[dict[str, int]] = []  # per round: database statements and history events


class StatementCounter:
    """Counts SQL writes and commits in this process (API and worker both run here)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.on = False

    def statement(self, conn, cursor, statement: str, *args) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
        if self.on:
            self.counts[statement.lstrip().split(None, 1)[0].upper()] += 1

    def commit(self, conn) -> None:  # type: ignore[no-untyped-def]  # noqa: ANN001
        if self.on:
            self.counts["COMMIT"] += 1


COUNTER = StatementCounter()
event.listen(Engine, "before_cursor_execute", COUNTER.statement)
event.listen(Engine, "commit", COUNTER.commit)


async def history_costs(client, batch_id: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    history = await client.get_workflow_handle(workflow_id(batch_id)).fetch_history()
    kinds = Counter(EventType.Name(e.event_type).removeprefix("EVENT_TYPE_") for e in history.events)
    return {"events": sum(kinds.values()), "workflow tasks": kinds["WORKFLOW_TASK_COMPLETED"],
            "activities": kinds["ACTIVITY_TASK_SCHEDULED"], "local activities": kinds["MARKER_RECORDED"]}


def make_files(folder: Path) -> list[Path]:
    sources = sorted(DOCS.glob("invoice-*.pdf"))
    return [Path(shutil.copy(sources[i % len(sources)], folder / f"invoice-{i:02d}.pdf")) for i in range(FILES)]


def engine_alone(paths: list[Path], concurrency: int) -> float:
    spec = BUILTIN_TEMPLATES["invoice"]
    template = TemplateSpec(spec["name"], spec["templateSchema"], spec["instructions"], spec["engine"])
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(lambda p: extract_file(p, template, options=EngineOptions()), paths))
    return time.perf_counter() - started


async def pipeline(paths: list[Path], settings: Settings, client) -> float:  # type: ignore[no-untyped-def]
    async with running_service(settings, client) as svc:
        started = time.perf_counter()
        batch = (await svc.upload(paths, name="bench")).json()
        uploaded = time.perf_counter() - started
        COUNTER.counts.clear()
        COUNTER.on = True
        final = await svc.wait_final(batch["id"], timeout=600, poll=0.02)
        elapsed = time.perf_counter() - started
        COUNTER.on = False
        assert final["completedFiles"] == FILES, final
        UPLOAD_TIMES.append(uploaded)
        COSTS.append({"writes": sum(COUNTER.counts[k] for k in ("INSERT", "UPDATE", "DELETE")),
                      "commits": COUNTER.counts["COMMIT"], **await history_costs(client, batch["id"])})
        return elapsed


async def run() -> None:
    env = await start_dev_server()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "docs"
            folder.mkdir()
            paths = make_files(folder)
            concurrency = Settings().worker_max_activities
            engine_alone(paths[:3], 1)  # warm-up: imports and lazy models
            engine_times, pipeline_times = [], []
            for r in range(ROUNDS):
                engine_times.append(engine_alone(paths, concurrency))
                settings = make_settings(Path(tmp) / f"round{r}", retry_window_seconds=60)
                pipeline_times.append(await pipeline(paths, settings, env.client))
            engine_s, pipeline_s = statistics.median(engine_times), statistics.median(pipeline_times)
            print(f"files per batch              {FILES} small text PDFs, worker concurrency {concurrency}")
            print(f"engine alone (same files)    median {engine_s:.2f} s over {ROUNDS} rounds "
                  f"({engine_s / FILES * 1000:.0f} ms/file)")
            print(f"upload -> final status       median {pipeline_s:.2f} s over {ROUNDS} rounds "
                  f"(rounds: {', '.join(f'{t:.2f}' for t in pipeline_times)})")
            print(f"  of which the upload call   median {statistics.median(UPLOAD_TIMES):.2f} s "
                  "(multipart parse, 50 files stored with fsync, credits charged, workflow started)")
            print(f"orchestration overhead       {pipeline_s - engine_s:.2f} s, ratio pipeline/engine "
                  f"{pipeline_s / engine_s:.2f}x")
            cost = COSTS[-1]
            print(f"per file (last round)        {cost['writes'] / FILES:.1f} SQL writes, {cost['commits'] / FILES:.1f} commits "
                  f"(whole process, after the upload), {cost['events'] / FILES:.1f} history events, "
                  f"{cost['activities'] / FILES:.2f} activities, {cost['local activities'] / FILES:.2f} local "
                  f"activities, {cost['workflow tasks'] / FILES:.2f} workflow tasks")
    finally:
        await env.shutdown()


def main() -> None:
    asyncio.run(run())
