"""Prometheus metrics on the API and the worker, JSON log lines with ids: under `docbatch run`."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.harness import eventually_sync, make_settings, running_service
from tests.test_launcher import free_port, start, stop
from tests.test_supervisor import Output, _env

DOCS = Path(__file__).parent / "fixtures" / "docs"
TOKEN = "dbt_supervisor_test_owner"


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            out[(s.name, frozenset(s.labels.items()))] = s.value
    return out


def value(metrics: dict, name: str, **labels: str) -> float:
    return metrics.get((name, frozenset(labels.items())), 0.0)


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[bytes]] = []

    def do_POST(self) -> None:
        self.received.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_metrics_and_json_logs_under_docbatch_run(tmp_path: Path) -> None:
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    env, api, _ = _env(tmp_path)
    sdk_port = free_port()
    env.update(
        DOCBATCH_LOG_FORMAT="json",
        DOCBATCH_WEBHOOK_ALLOW_PRIVATE="true",
        DOCBATCH_TEMPORAL_METRICS_PORT=str(sdk_port),
        DOCBATCH_METRICS_TOKEN="m3trics",
    )
    proc = start(env)
    out = Output(proc)
    try:
        out.wait_for("Ctrl-C stops everything")
        base, headers = f"http://127.0.0.1:{api}", {"Authorization": f"Bearer {TOKEN}"}
        me = httpx.get(f"{base}/me", headers=headers).json()
        org = me["organizationId"]
        hook = httpx.post(
            f"{base}/webhooks/{org}",
            headers=headers,
            json={
                "name": "ops",
                "url": f"http://127.0.0.1:{receiver.server_port}/hook",
                "events": ["batch.completed"],
            },
        )
        assert hook.status_code == 201, hook.text
        resp = httpx.post(
            f"{base}/batch/{org}/upload",
            headers=headers,
            timeout=60,
            files=[
                ("files", (n, (DOCS / n).read_bytes())) for n in ("invoice-acme.pdf", "corrupt.pdf")
            ],
            data={
                "projectId": me["projects"][0]["id"],
                "templateId": next(t["id"] for t in me["templates"] if t["name"] == "invoice"),
            },
        )
        assert resp.status_code == 201, resp.text
        batch_id = resp.json()["id"]
        detail = eventually_sync(
            lambda: httpx.get(f"{base}/batch/{org}/{batch_id}", headers=headers).json(),
            lambda d: d["status"] == "partially_failed" and _Receiver.received,
            timeout=180,
            interval=0.2,
            what="the batch to end partially_failed and its webhook to arrive",
        )
        assert detail["status"] == "partially_failed" and _Receiver.received
        invoice = next(f["id"] for f in detail["files"] if f["fileName"] == "invoice-acme.pdf")

        api_metrics = samples(
            httpx.get(f"{base}/metrics", headers={"Authorization": "Bearer m3trics"}).text
        )
        assert (
            value(
                api_metrics,
                "docbatch_http_requests_total",
                method="POST",
                route="/batch/{org_id}/upload",
                status="201",
            )
            == 1
        )
        assert (
            value(
                api_metrics,
                "docbatch_http_requests_total",
                method="GET",
                route="/batch/{org_id}/{batch_id}",
                status="200",
            )
            >= 1
        )
        assert (
            value(api_metrics, "docbatch_credits_total", direction="charged", reason="batch_charge")
            == 2
        )

        worker_port = env["DOCBATCH_WORKER_HEALTH_PORT"]
        # the delivery attempt is counted just after the receiver answers; the worker's loopback
        # health port: the token works there too
        worker = eventually_sync(
            lambda: samples(
                httpx.get(
                    f"http://127.0.0.1:{worker_port}/metrics",
                    headers={"Authorization": "Bearer m3trics"},
                ).text
            ),
            lambda w: value(w, "docbatch_webhook_deliveries_total", outcome="delivered"),
            timeout=10,
            what="the delivered webhook in the worker's metrics",
        )
        assert value(worker, "docbatch_batches_finished_total", status="partially_failed") == 1
        assert value(worker, "docbatch_files_finished_total", status="completed") == 1
        assert value(worker, "docbatch_files_finished_total", status="failed") == 1
        assert value(worker, "docbatch_file_failures_total", code="CorruptFile") == 1
        assert value(worker, "docbatch_extraction_seconds_count", kind="pdf", engine="local") == 1
        assert value(worker, "docbatch_ocr_seconds_count") == 0  # a text layer: nothing was OCRed
        assert (
            value(worker, "docbatch_credits_total", direction="refunded", reason="file_refund") == 1
        )
        assert value(worker, "docbatch_webhook_deliveries_total", outcome="delivered") == 1
        sdk = samples(
            httpx.get(f"http://127.0.0.1:{sdk_port}/metrics").text
        )  # the Temporal SDK's own
        assert any(
            name == "temporal_activity_execution_latency_count"
            and ("activity_type", "extract_document") in labels
            for name, labels in sdk
        ), sorted({n for n, _ in sdk})
    finally:
        assert stop(proc) == 0, out.text()
        receiver.shutdown()

    records = [json.loads(line) for line in out.text().splitlines() if line.startswith("{")]
    extracted = [r for r in records if r["message"].startswith("extracted invoice-acme.pdf")]
    assert extracted and extracted[0]["fileId"] == invoice and extracted[0]["batchId"] == batch_id
    assert extracted[0]["component"] == "worker" and extracted[0]["level"] == "INFO"
    failed = [
        r for r in records if r["message"].startswith("file ") and "CorruptFile" in r["message"]
    ]
    assert failed and failed[0]["batchId"] == batch_id
    assert any(r["component"] == "api" for r in records)  # uvicorn's lines are JSON too


async def test_metrics_token_is_required_when_set(tmp_path: Path, temporal_client) -> None:
    settings = make_settings(tmp_path, metrics_token="m3trics")
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        refused = await svc.http.get("/metrics")
        assert refused.status_code == 401 and "DOCBATCH_METRICS_TOKEN" in refused.json()["message"]
        ok = await svc.http.get("/metrics", headers={"Authorization": "Bearer m3trics"})
        assert ok.status_code == 200 and "docbatch_http_requests_total" in ok.text


async def test_metrics_are_closed_by_default(tmp_path: Path, temporal_client) -> None:
    """No token set: the API's /metrics refuses; the worker's health port serves them only while it
    is bound to loopback, and asks for the token when bound to any other address."""
    from api.health_app import create_health_app

    settings = make_settings(tmp_path)
    assert settings.metrics_token == ""
    async with running_service(settings, temporal_client, with_worker=False) as svc:
        refused = await svc.http.get("/metrics")
        assert refused.status_code == 403 and "DOCBATCH_METRICS_TOKEN" in refused.json()["message"]
        assert "docbatch_http_requests_total" not in refused.text
        anyone = await svc.http.get("/metrics", headers={"Authorization": "Bearer guess"})
        assert anyone.status_code == 403

    for host, status in (("127.0.0.1", 200), ("::1", 200), ("0.0.0.0", 403), ("10.1.2.3", 403)):
        app = create_health_app(
            settings.model_copy(update={"worker_health_host": host}), temporal_client
        )
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://w"
        ) as http:
            answer = await http.get("/metrics")
        assert answer.status_code == status, (host, answer.text)
        assert ("docbatch_" in answer.text) == (status == 200)
