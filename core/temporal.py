"""Connecting to Temporal the same way everywhere (pydantic data converter, one namespace)."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from core.settings import Settings
from core.tracing import temporal_interceptors


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    return await Client.connect(
        settings.temporal_target,
        interceptors=temporal_interceptors(settings),  # tracing, when on; the worker inherits them
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        runtime=runtime,
    )


def metrics_runtime(settings: Settings) -> Runtime | None:
    """The SDK's own metrics (polls, task latencies, slots) on their Prometheus port, when set."""
    if not settings.temporal_metrics_port:
        return None
    address = f"{settings.worker_health_host}:{settings.temporal_metrics_port}"
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(
        bind_address=address, counters_total_suffix=True, durations_as_seconds=True)))


def workflow_id(batch_id: str) -> str:
    return f"batch-{batch_id}"
