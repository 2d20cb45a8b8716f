"""Fixtures for the attack tests: the API in its own process (for memory figures)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.security.live import ApiProcess, api_process


@pytest.fixture
def api(tmp_path: Path, temporal_env: WorkflowEnvironment) -> Iterator[ApiProcess]:
    target = temporal_env.client.service_client.config.target_host
    with api_process(
        tmp_path, target, DOCBATCH_MAX_FILE_SIZE_MB="2", DOCBATCH_MAX_FILES_PER_BATCH="3"
    ) as proc:
        yield proc
