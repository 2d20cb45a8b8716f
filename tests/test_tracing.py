"""OpenTelemetry tracing: an upload's request span, its workflow and its activities share one
trace (spans kept by an in-memory exporter); with tracing off, nothing is traced."""

from __future__ import annotations

from pathlib import Path

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from core.temporal import connect
from tests.harness import DOCS, make_settings, running_service

EXPORTER = InMemorySpanExporter()


def _provider() -> TracerProvider:
    """The process's SDK provider (installed once: OpenTelemetry refuses to replace it)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
    return provider


async def test_an_upload_its_workflow_and_activities_are_one_trace(
    tmp_path: Path, temporal_env
) -> None:
    _provider()
    EXPORTER.clear()
    settings = make_settings(tmp_path, tracing=True)
    client = await connect(
        settings.model_copy(
            update={"temporal_address": temporal_env.client.service_client.config.target_host}
        )
    )
    async with running_service(settings, client) as svc:
        created = await svc.upload([DOCS / "invoice-acme.pdf", DOCS / "receipt.txt"])
        assert created.status_code == 201, created.text
        final = await svc.wait_final(created.json()["id"])
        assert final["status"] == "completed"

    spans = EXPORTER.get_finished_spans()
    uploads = [
        s
        for s in spans
        if s.name.startswith("POST /batch/{org_id}/upload") and s.kind == trace.SpanKind.SERVER
    ]
    assert len(uploads) == 1, sorted({s.name for s in spans})
    trace_id = uploads[0].context.trace_id
    in_trace = {s.name for s in spans if s.context.trace_id == trace_id}
    for expected in (
        "StartWorkflow:BatchWorkflow",
        "RunWorkflow:BatchWorkflow",
        "StartActivity:extract_document",
        "RunActivity:extract_document",
    ):
        assert expected in in_trace, (expected, sorted(in_trace))
    extracts = [s for s in spans if s.name == "RunActivity:extract_document"]
    assert len(extracts) == 2 and {s.context.trace_id for s in extracts} == {trace_id}
    # The workflow's span hangs under the request: started by it, not a trace of its own.
    start = next(s for s in spans if s.name == "StartWorkflow:BatchWorkflow")
    assert start.parent is not None and start.parent.trace_id == trace_id


async def test_tracing_is_off_by_default(tmp_path: Path, temporal_client) -> None:
    _provider()
    EXPORTER.clear()
    settings = make_settings(tmp_path)
    assert settings.tracing is False
    async with running_service(settings, temporal_client) as svc:
        created = await svc.upload([DOCS / "receipt.txt"])
        assert (await svc.wait_final(created.json()["id"]))["status"] == "completed"
    names = sorted({s.name for s in EXPORTER.get_finished_spans()})
    assert names == [], names
