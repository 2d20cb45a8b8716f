"""Learning from corrections through the running service: Temporal dev server, database, worker.

Four receipts of one layout are extracted with the built-in model, which reads the operating
company's legal name as the seller. A person corrects the seller on three of them (the review
PATCH route); the third correction starts the retraining workflow, whose model beats the built-in
one on the held-out documents and becomes active; the fourth receipt, uploaded again, comes out
right. The template's model history and audit log show the decision.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
from temporalio.client import Client

from tests.harness import OWNER_TOKEN, make_settings, running_service
from tests.learning.receipts import render
from workflows.retrain import RetrainWorkflow, retrain_workflow_id

SLOW = 1800  # OCR on a loaded two-core machine: these are waits for work, not speed claims


async def test_corrections_of_three_receipts_get_the_fourth_right(
    tmp_path: Path, temporal_client: Client
) -> None:
    settings = make_settings(tmp_path, retrain_after_corrections=3)
    receipts = [render(tmp_path / f"receipt-{seed}.png", seed) for seed in range(4)]
    async with running_service(settings, temporal_client) as svc:
        org, tpl = svc.org_id, svc.templates["receipt"]
        batch = (await svc.upload([r.path for r in receipts], template="receipt")).json()
        first = await svc.wait_final(batch["id"], timeout=SLOW, poll=1)
        files = {f["fileName"]: f for f in first["files"]}
        before = {}
        for r in receipts:
            record = (
                await svc.http.get(f"/processing-history/{org}/{files[r.path.name]['id']}")
            ).json()
            before[r.path.name] = record["result"].get("company")
        assert all(v != receipts[0].seller for v in before.values()), (
            before
        )  # the built-in misreads

        history = (await svc.http.get(f"/templates/{org}/{tpl}/models")).json()
        assert history == {"templateId": tpl, "active": None, "models": []}

        for r in receipts[:3]:
            fixed = await svc.http.patch(
                f"/processing-history/{org}/{files[r.path.name]['id']}/fields",
                json={"fields": {"company": r.seller}},
            )
            assert fixed.status_code == 200, fixed.text
        # the third correction started the retraining
        handle = temporal_client.get_workflow_handle_for(
            RetrainWorkflow.run, retrain_workflow_id(org, tpl)
        )
        outcome = await asyncio.wait_for(handle.result(), timeout=SLOW)
        assert outcome.status == "active", outcome

        history = (await svc.http.get(f"/templates/{org}/{tpl}/models")).json()
        active = history["active"]
        assert active is not None and active["id"] == outcome.model_id and active["documents"] == 3
        figures = active["figures"]
        assert figures["learnedRight"] > figures["builtinRight"], figures
        assert figures["learned"]["company"] > figures["builtin"]["company"], figures
        audit = (await svc.http.get(f"/templates/{org}/{tpl}/audit")).json()["data"]
        kinds = [e["kind"] for e in audit]
        assert "model_trained" in kinds and "model_switched" in kinds and "model_kept" not in kinds

        fourth = receipts[3]
        again = (await svc.upload([fourth.path], template="receipt")).json()
        second = await svc.wait_final(again["id"], timeout=SLOW, poll=1)
        record = (
            await svc.http.get(f"/processing-history/{org}/{second['files'][0]['id']}")
        ).json()
        assert before[fourth.path.name] != fourth.seller
        assert record["result"]["company"] == fourth.seller
        assert abs(record["result"]["total"] - float(fourth.total)) < 0.005

        async with httpx.AsyncClient(
            transport=svc.http._transport,
            base_url="http://docbatch.test",
            cookies={"docbatch_token": OWNER_TOKEN},
        ) as browser:
            page = await browser.get("/ui/templates")
            script = await browser.get("/ui/static/template-models.js")
        assert page.status_code == 200 and 'id="model-panel"' in page.text
        assert script.status_code == 200 and "/models" in script.text
