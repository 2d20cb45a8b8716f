"""Connecting to Temporal the same way everywhere (pydantic data converter, one namespace)."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

from core.settings import Settings


async def connect(settings: Settings) -> Client:
    return await Client.connect(
        settings.temporal_target,
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
    )


def workflow_id(batch_id: str) -> str:
    return f"batch-{batch_id}"
