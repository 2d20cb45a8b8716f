"""Issue 13, PDF download: the export prepared when the batch settles vs. rendered at download.

The bench batch (50 files x 10 line items, 2 failed) is written to a SQLite database and read
back by the download's own code (``services.exports``, local storage in a temporary folder):

- ``baseline``: the PDF exporter before issue 13 (bench/baseline/pdf_v1.py) on the same batch;
- ``cold``: a download with nothing prepared (the results changed since): read, render, store;
- ``prepare``: what the worker spends when the batch settles (off the download's path);
- ``hit``: the download of a settled batch: read, content key, stored bytes streamed.
Run: ``python -m bench.prepared_export [n_files] [n_items]`` (bench/bench_export.py calls it).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session, SQLModel, create_engine

from core.models import Batch, BatchFile, Organization, Template
from core.storage import LocalStorage
from exporters.build import load_export_batch
from exporters.cache import storage_key
from exporters.model import ExportBatch
from services.exports import _render, prepare_export

ORG = "org_bench"


def _aware(dt: datetime | None) -> datetime | None:
    return dt.replace(tzinfo=UTC) if dt is not None and dt.tzinfo is None else dt


def seed(session: Session, data: ExportBatch) -> Batch:
    """The batch's rows as the pipeline leaves them for a settled batch."""
    session.add(Organization(id=ORG, name="Bench"))
    session.add(
        Template(
            id=data.templateId,
            org_id=ORG,
            name=data.templateName,
            template_schema=data.templateSchema,
        )
    )
    batch = Batch(
        id=data.id,
        org_id=ORG,
        project_id=data.projectId,
        template_id=data.templateId,
        template_name=data.templateName,
        name=data.name,
        status=data.status,
        created_at=_aware(data.createdAt),
        finished_at=_aware(data.finishedAt),
    )
    session.add(batch)
    for position, f in enumerate([*data.results, *data.failures]):
        done = f.status == "completed"
        session.add(
            BatchFile(
                id=f.fileId,
                batch_id=data.id,
                org_id=ORG,
                project_id=data.projectId,
                template_id=data.templateId,
                position=position,
                file_name=f.fileName,
                storage_key=f"{ORG}/{data.id}/{f.fileId}/{f.fileName}",
                status=f.status,
                result={"fields": f.fields, "confidence": f.confidence} if done else None,
                pages=f.pages,
                error_code=f.errorCode,
                error_message=f.errorMessage,
                finished_at=_aware(f.finishedAt),
            )
        )
    session.commit()
    return batch


def _timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Best wall and best CPU seconds (CPU is steadier on a loaded machine)."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall = min(wall, time.perf_counter() - started)
        cpu = min(cpu, time.process_time() - started_cpu)
    return wall, cpu


def measure(data: ExportBatch, repeat: int = 2) -> dict[str, tuple[float, float]]:
    """Best-of-``repeat`` (wall, CPU) seconds of the baseline, a cold download, the worker's
    preparation and a prepared download, all in this run (after a warm-up of both printers)."""
    from bench.baseline.pdf_v1 import build_pdf as pdf_v1
    from exporters.fmt_pdf import build_pdf

    warm = data.model_copy(update={"results": data.results[:1], "failures": []})
    pdf_v1(warm), build_pdf(warm)  # imports and fonts are not part of the figures

    with tempfile.TemporaryDirectory(prefix="docbatch-bench-") as tmp:
        engine = create_engine(f"sqlite:///{tmp}/bench.db")
        SQLModel.metadata.create_all(engine)
        storage = LocalStorage(Path(tmp) / "files")
        stored = storage.path(storage_key(ORG, data.id, "pdf"))
        with Session(engine) as session:
            batch = seed(session, data)

            def download() -> bytes:
                return b"".join(
                    _render(session, batch, "pdf", batch.name, None, None, False, storage).chunks
                )

            def cold() -> bytes:
                stored.unlink(missing_ok=True)  # nothing prepared for these results
                return download()

            def prepare() -> None:
                stored.unlink(missing_ok=True)
                loaded = load_export_batch(session, batch)
                assert prepare_export(storage, ORG, loaded, "pdf")

            figures = {
                "baseline": _timed(lambda: pdf_v1(data), repeat),
                "cold": _timed(cold, repeat),
                "prepare": _timed(prepare, repeat),
            }
            before = stored.stat().st_mtime_ns
            figures["hit"] = _timed(download, 5)
            assert stored.stat().st_mtime_ns == before, "a prepared download rendered again"
        engine.dispose()
    return figures


def report(data: ExportBatch) -> None:
    f = measure(data)
    n = len(data.results) + len(data.failures)
    print(f"\nPDF download, prepared when the batch settles ({n} files; best of 2, hit best of 5)")
    print(f"{'':<46}{'wall':>9}{'CPU':>9}")
    for name, what in (
        ("baseline", "baseline (bench/baseline/pdf_v1.py)"),
        ("cold", "cold: nothing prepared, render + store"),
        ("prepare", "worker, when the batch settles (not waited)"),
        ("hit", "download of a settled batch (cache hit)"),
    ):
        wall, cpu = f[name]
        print(f"  {what:<44}{wall:>8.3f}s{cpu:>8.3f}s")
    print(
        f"  cache hit vs baseline: {f['baseline'][0] / f['hit'][0]:.0f}x wall, "
        f"{f['baseline'][1] / f['hit'][1]:.0f}x CPU (target <= 1.0 s)"
    )


if __name__ == "__main__":
    from tests.exporters.samples import synthetic_invoice_batch

    args = [int(a) for a in sys.argv[1:]]
    report(
        synthetic_invoice_batch(
            args[0] if args else 50, args[1] if len(args) > 1 else 10, n_failed=2
        )
    )
