"""Connecting to Temporal the same way everywhere (pydantic data converter, one namespace)."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import TLSConfig

from core.settings import Settings
from core.tracing import temporal_interceptors


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS (and mTLS with a client certificate) for a Temporal cluster; False for plain gRPC.

    A cluster that anyone on the network can reach must not be plain: whoever can start a
    workflow there can make the worker sign webhook deliveries with a customer's secret.
    """
    if not (settings.temporal_tls or settings.temporal_tls_ca or settings.temporal_tls_cert):
        return False
    read = lambda p: Path(p).read_bytes() if p else None  # noqa: E731
    return TLSConfig(server_root_ca_cert=read(settings.temporal_tls_ca),
                     client_cert=read(settings.temporal_tls_cert), client_private_key=read(settings.temporal_tls_key),
                     domain=settings.temporal_tls_server_name or None)


async def connect(settings: Settings, runtime: Runtime | None = None) -> Client:
    return await Client.connect(
        settings.temporal_target,
        interceptors=temporal_interceptors(settings),  # tracing, when on; the worker inherits them
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        tls=tls_config(settings),
        api_key=settings.temporal_api_key or None,
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
