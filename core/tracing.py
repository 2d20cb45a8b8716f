"""Optional OpenTelemetry tracing: one trace from the upload request through its workflow and
every activity (``DOCBATCH_TRACING=true``; off by default, then nothing here runs).

The API's requests get server spans (FastAPI's native telemetry); Temporal's
``TracingInterceptor`` on the client carries the span context in workflow and activity
headers, so the worker's ``RunWorkflow``/``RunActivity`` spans join the request's trace even on
another machine. Spans go to an OTLP/HTTP collector (``OTEL_EXPORTER_OTLP_ENDPOINT``, default
http://localhost:4318) or, with ``DOCBATCH_TRACING_EXPORTER=console``, to standard output.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from opentelemetry import trace

from core.settings import Settings

if TYPE_CHECKING:
    from fastapi.telemetry import TelemetryConfig
    from temporalio.client import Interceptor

log = logging.getLogger("docbatch.tracing")


def setup_tracing(settings: Settings, component: str) -> None:
    """Install this process's tracer provider and exporter, once, when tracing is on.

    A provider installed before (an embedding application, a test) is kept as it is.
    """
    if not settings.tracing or _has_sdk_provider():
        return
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

    exporter: SpanExporter
    if settings.tracing_exporter == "console":
        exporter = ConsoleSpanExporter()
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporter = (
            OTLPSpanExporter()
        )  # endpoint, headers from the standard OTEL_EXPORTER_OTLP_* variables
    name = os.environ.get("OTEL_SERVICE_NAME") or f"docbatch-{component}"
    provider = TracerProvider(resource=Resource.create({"service.name": name}))
    provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    log.info("tracing on: %s spans as %r", settings.tracing_exporter, name)


def _has_sdk_provider() -> bool:
    from opentelemetry.sdk.trace import TracerProvider

    return isinstance(trace.get_tracer_provider(), TracerProvider)


def temporal_interceptors(settings: Settings) -> list[Interceptor]:
    """For ``Client.connect``: the worker built on that client traces its workflows and
    activities too."""
    if not settings.tracing:
        return []
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor()]


QUIET_PATHS = ("/health", "/health/ready", "/metrics")


def fastapi_telemetry(settings: Settings) -> TelemetryConfig:
    """``FastAPI(telemetry=...)``: FastAPI's own OpenTelemetry spans (request, dependencies,
    endpoint) only when tracing is on, never for health checks and metrics scrapes."""
    return {
        "tracing": settings.tracing,
        "operation_spans": settings.tracing,
        "metrics": False,
        "logs": False,
        "auto_configure": False,
        "exclude": lambda scope: scope.get("path") in QUIET_PATHS,
    }
