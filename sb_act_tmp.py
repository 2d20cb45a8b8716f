import asyncio, time, tempfile, shutil
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor
from temporalio.testing import ActivityEnvironment
from tests.harness import DOCS, make_settings, running_service, start_dev_server
from activities.extract import ExtractActivities, child_pool
from workflows.contracts import ExtractInput
from sqlmodel import Session, select, update
from core.db import get_engine
from core.models import BatchFile

async def main():
    env = await start_dev_server()
    tmp = Path(tempfile.mkdtemp())
    settings = make_settings(tmp, retry_window_seconds=60)
    docs = tmp / "docs"; docs.mkdir()
    srcs = sorted(DOCS.glob("invoice-*.pdf"))
    paths = [Path(shutil.copy(srcs[i % 3], docs / f"i{i}.pdf")) for i in range(50)]
    children = child_pool(settings); children.warm()
    async with running_service(settings, env.client, with_worker=False) as svc:
        batch = (await svc.upload(paths, name="x")).json()
        acts = ExtractActivities(settings, children)
        for r in range(3):
            with Session(get_engine(settings.sqlalchemy_url)) as s:
                s.exec(update(BatchFile).values(status="queued")); s.commit()
            jobs = [ExtractInput(batch_id=batch["id"], file_id=f) for f in batch["uploadIds"]]
            def run(job):
                return ActivityEnvironment().run(acts.extract_document, job)
            t = time.perf_counter()
            with ThreadPoolExecutor(2) as ex: list(ex.map(run, jobs))
            print("activities alone", round(time.perf_counter() - t, 2))
    children.close()
    await env.shutdown()
asyncio.run(main())
