"""Schemathesis over /openapi.json against the API in its own process: whatever the schema
allows a client to send, authenticated as the owner, the API never answers 5xx, and every
successful answer matches the response model the route declares (random ids rarely reach a
success; tests/security/test_response_schemas.py checks every GET route with real ids).

(The cases are drawn with Hypothesis from each operation's strategy; schemathesis' own pytest
plugin does not load under this pytest version.)
"""

from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import response_schema_conformance
from schemathesis.core.failures import Failure, FailureGroup
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
        mismatches: list[str] = []
        calls = validated = 0
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
                nonlocal calls, validated
                response = case.call(base_url=api.url, headers=AUTH)
                calls += 1
                if response.status_code >= 500:
                    failures.append(
                        f"{case.method} {case.formatted_path} -> {response.status_code}: "
                        f"{response.text[:200]} (curl: {case.as_curl_command()})"
                    )
                elif response.status_code < 300:
                    validated += 1
                    try:
                        case.validate_response(response, checks=[response_schema_conformance])
                    except (Failure, FailureGroup) as exc:  # the failed checks, alone or grouped
                        mismatches.append(f"{case.method} {case.formatted_path}: {exc}"[:400])

            run()
        print(
            f"\nschemathesis: {len(operations)} operations, {calls} requests, "
            f"{len(failures)} server errors, {validated} successful answers checked, "
            f"{len(mismatches)} off their schema"
        )
        assert not failures, "\n".join(failures[:20])
        assert not mismatches, "\n".join(mismatches[:20])
        assert calls > len(operations)
