"""Real answers against the response models in /openapi.json: a finished batch with a failed
file, a correction, a webhook endpoint, then every GET route called with real ids and each
successful answer checked by schemathesis' response-schema conformance check."""

from __future__ import annotations

import re

import schemathesis
from schemathesis.checks import response_schema_conformance
from schemathesis.core.failures import Failure, FailureGroup

from tests.harness import DOCS, Service


async def test_every_get_route_answers_what_its_schema_says(service: Service) -> None:
    batch = await service.upload_ok([DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf"])
    batch_id = batch.get("batchId") or batch["id"]
    final = await service.wait_final(batch_id)
    file_id = next(f for f in final["files"] if f["status"] == "completed")["id"]
    fixed = await service.http.patch(
        f"/processing-history/{service.org_id}/{file_id}/fields",
        json={"fields": {"invoice_number": "INV-CHECKED-1"}},
    )
    assert fixed.status_code == 200, fixed.text
    hook = await service.http.post(
        f"/webhooks/{service.org_id}",
        json={
            "name": "ops",
            "url": "https://93.184.215.14/docbatch",
            "events": ["batch.completed"],
        },
    )
    assert hook.status_code in (200, 201), hook.text
    ids = {
        "org_id": service.org_id,
        "batch_id": batch_id,
        "file_id": file_id,
        "template_id": service.templates["invoice"],
        "endpoint_id": hook.json()["id"],
    }
    spec = (await service.http.get("/openapi.json")).json()
    schema = schemathesis.openapi.from_dict(spec)
    checked: list[str] = []
    mismatches: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET":
            continue
        params = {name: ids[name] for name in re.findall(r"{(\w+)}", operation.path)}
        case = operation.Case(path_parameters=params)
        response = await service.http.get(case.formatted_path)
        assert response.status_code < 300, f"{case.formatted_path}: {response.text[:300]}"
        try:
            case.validate_response(response, checks=[response_schema_conformance])
        except (Failure, FailureGroup) as exc:  # the failed checks, alone or grouped
            mismatches.append(f"GET {operation.path}: {exc}"[:600])
        checked.append(operation.path)
    print(f"\n{len(checked)} GET routes answered with real ids; {len(mismatches)} off their schema")
    assert len(checked) >= 20
    assert not mismatches, "\n".join(mismatches)
