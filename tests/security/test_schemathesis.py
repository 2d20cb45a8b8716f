"""Schemathesis over /openapi.json against the API in its own process: whatever the schema
allows a client to send, authenticated as the owner, the API never answers 5xx.

(The cases are drawn with Hypothesis from each operation's strategy; schemathesis' own pytest
plugin does not load under this pytest version.)
"""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from temporalio.testing import WorkflowEnvironment

from tests.harness import OWNER_TOKEN
from tests.security.live import api_process

AUTH = {"Authorization": f"Bearer {OWNER_TOKEN}"}
EXAMPLES = 25  # per operation


def test_no_server_errors(tmp_path: Path, temporal_env: WorkflowEnvironment) -> None:
    target = temporal_env.client.service_client.config.target_host
    with api_process(tmp_path, target) as api:
        schema = schemathesis.openapi.from_url(api.url + "/openapi.json")
        failures: list[str] = []
        calls = 0
        operations = [result.ok() for result in schema.get_all_operations()]
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def run(case) -> None:  # type: ignore[no-untyped-def]
                nonlocal calls
                response = case.call(base_url=api.url, headers=AUTH)
                calls += 1
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} -> {response.status_code}: "
                        f"{response.text[:200]} (curl: {case.as_curl_command()})"
                    )

            run()
        print(
            f"\nschemathesis: {len(operations)} operations, {calls} requests, "
            f"{len(failures)} server errors"
        )
        assert not failures, "\n".join(failures[:20])
        assert calls > len(operations)
