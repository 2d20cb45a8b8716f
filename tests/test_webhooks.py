"""Webhooks end to end: real dev server, real worker, a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from standardwebhooks import Webhook, WebhookVerificationError
from temporalio.client import Client

from core.db import session_scope
from core.net_guard import UrlRefused, check_url
from core.settings import Settings
from core.temporal import delivery_job, delivery_workflow_id, start_delivery, workflow_id
from core.webhook_models import WebhookEndpoint
from tests.harness import DOCS, Service, eventually, make_settings, running_service
from tests.webhook_receiver import Received, Receiver
from workflows.contracts import WebhookEvent
from workflows.webhook_delivery import DeliveryResult

ALL_EVENTS = ["batch.uploaded", "batch.completed", "document.processed", "document.failed"]
INVOICES = [DOCS / "invoice-acme.pdf", DOCS / "invoice-globex.pdf", DOCS / "invoice-umbrella.pdf"]
ENVELOPE_KEYS = ["eventType", "eventId", "timestamp", "organizationId", "projectId", "payload"]


def hooks_settings(tmp_path: Path, database_url: str = "") -> Settings:
    """docbatch that may call 127.0.0.1, retries webhooks quickly, and has only 2 activity slots."""
    return make_settings(
        tmp_path,
        database_url,
        webhook_allow_private=True,
        webhook_retry_initial_seconds=0.3,
        webhook_retry_max_interval_seconds=1.2,
        webhook_timeout_seconds=30,
        worker_max_activities=2,
    )


@pytest.fixture
async def hooks(tmp_path: Path, temporal_client: Client) -> AsyncIterator[Service]:
    async with running_service(hooks_settings(tmp_path), temporal_client) as svc:
        yield svc


@pytest.fixture
async def hooks_any_db(
    tmp_path: Path, temporal_client: Client, database_url: str
) -> AsyncIterator[Service]:
    """The same on SQLite and on PostgreSQL."""
    async with running_service(hooks_settings(tmp_path, database_url), temporal_client) as svc:
        yield svc


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver()
    try:
        yield rec
    finally:
        if rec.hold is not None:
            rec.hold.set()
        await rec.stop()


def client_for(svc: Service, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=svc.http._transport,
        base_url="http://docbatch.test",
        headers={"Authorization": f"Bearer {token}"},
    )


async def create_endpoint(svc: Service, url: str, **fields: object) -> dict:
    body = {"name": "receiver", "url": url, "events": ALL_EVENTS, **fields}
    resp = await svc.http.post(f"/webhooks/{svc.org_id}", json=body)
    assert resp.status_code == 201, resp.text
    return resp.json()


async def deliveries(svc: Service, endpoint_id: str) -> list[dict]:
    resp = await svc.http.get(
        f"/webhooks/{svc.org_id}/{endpoint_id}/deliveries", params={"limit": 200}
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["data"]


async def delivery_outcome(svc: Service, event_id: str, endpoint_id: str) -> str:
    """How the delivery workflow of one event to one endpoint ended (it tries no more after)."""
    handle = svc.temporal.get_workflow_handle(
        delivery_workflow_id(event_id, endpoint_id), result_type=DeliveryResult
    )
    return (await asyncio.wait_for(handle.result(), 60)).outcome


async def deliveries_started(svc: Service, batch_id: str) -> list[int]:
    """For each event the batch published so far, how many deliveries it started: the results
    of its ``publish_event`` local activities, read from the batch workflow's history."""
    history = await svc.temporal.get_workflow_handle(workflow_id(batch_id)).fetch_history()
    counts = []
    for event in history.events:
        marker = event.marker_recorded_event_attributes
        if not event.HasField("marker_recorded_event_attributes") or "result" not in marker.details:
            continue
        data = json.loads(marker.details["data"].payloads[0].data)
        if data.get("activity_type") == "publish_event":
            counts.append(json.loads(marker.details["result"].payloads[0].data))
    return counts


def answers_by_event(receiver: Receiver) -> dict[str, list[int]]:
    """The statuses the receiver answered, per event id, in order."""
    seen: dict[str, list[int]] = defaultdict(list)
    for r in receiver.log:
        seen[r.event["eventId"]].append(r.status)
    return dict(seen)


def assert_error(resp: httpx.Response, status: int, *needles: str) -> None:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["statusCode"] == status and body["error"]
    text = str(body["message"])
    for needle in needles:
        assert needle in text, text


# --- the SSRF guard -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, why",
    [
        ("http://127.0.0.1:8080/x", "loopback"),
        ("http://localhost/x", "loopback"),
        ("http://[::1]/x", "loopback"),
        ("http://10.1.2.3/x", "private"),
        ("http://192.168.0.10/x", "private"),
        ("http://[::ffff:127.0.0.1]/x", "loopback"),
        ("http://169.254.10.1/x", "link-local"),
        ("http://169.254.169.254/latest/meta-data", "metadata"),
        ("http://[fd00:ec2::254]/x", "metadata"),
        ("http://224.0.0.1/x", "multicast"),
        ("http://0.0.0.0/x", "reserved"),
        ("ftp://example.com/x", "http:// or https://"),
        ("file:///etc/passwd", "http:// or https://"),
        ("http:///nohost", "no host"),
    ],
)
def test_guard_refuses_internal_addresses(url: str, why: str) -> None:
    with pytest.raises(UrlRefused, match=why):
        check_url(url, allow_private=False)


def test_guard_setting_allows_private_but_never_metadata() -> None:
    assert check_url("http://127.0.0.1:9/x", allow_private=True).addresses == ("127.0.0.1",)
    assert check_url("http://93.184.215.14/x", allow_private=False).addresses == ("93.184.215.14",)
    with pytest.raises(UrlRefused, match="metadata"):
        check_url("http://169.254.169.254/", allow_private=True)


# --- the API ------------------------------------------------------------------------------


async def test_endpoint_crud_validation_and_visibility(service: Service) -> None:
    base = f"/webhooks/{service.org_id}"
    public = "https://93.184.215.14/hooks/docbatch"

    # Private addresses are refused while the setting is off (the default service).
    assert_error(
        await service.http.post(
            base,
            json={"name": "x", "url": "http://127.0.0.1:9000/h", "events": ["batch.completed"]},
        ),
        400,
        "loopback",
        "DOCBATCH_WEBHOOK_ALLOW_PRIVATE",
    )
    assert_error(
        await service.http.post(
            base, json={"name": "x", "url": "ftp://example.com/h", "events": ["batch.completed"]}
        ),
        400,
        "http://",
    )
    assert_error(
        await service.http.post(
            base, json={"name": "x", "url": "not a url", "events": ["batch.completed"]}
        ),
        400,
        "http://",
    )
    assert_error(
        await service.http.post(base, json={"name": "x", "url": public, "events": ["batch.done"]}),
        400,
        "batch.done",
        "batch.completed",
    )
    assert_error(
        await service.http.post(base, json={"name": "x", "url": public, "events": []}),
        400,
        "events",
    )
    assert_error(
        await service.http.post(
            base,
            json={
                "name": "x",
                "url": public,
                "events": ["batch.completed"],
                "headers": {"X-Webhook-Signature": "forged"},
            },
        ),
        400,
        "cannot be overridden",
    )
    assert_error(
        await service.http.post(
            base,
            json={
                "name": "x",
                "url": public,
                "events": ["batch.completed"],
                "headers": {"X-Ok": "a\r\nInjected: 1"},
            },
        ),
        400,
        "one line",
    )
    assert_error(
        await service.http.post(
            base,
            json={"name": "x", "url": public, "events": ["batch.completed"], "secret": "hunter2"},
        ),
        400,
        "whsec_",
    )
    assert_error(
        await service.http.post(
            base,
            json={
                "name": "x",
                "url": public,
                "events": ["batch.completed"],
                "projectIds": ["prj_nope"],
            },
        ),
        400,
        "prj_nope",
    )

    created = await create_endpoint(
        service, public, headers={"X-Tenant": "acme"}, events=["batch.completed"]
    )
    assert created["id"].startswith("whk_") and created["status"] == "active"
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) >= 24
    assert created["secretHint"] != secret and secret.startswith(created["secretHint"].rstrip("…"))

    listed = (await service.http.get(base)).json()
    assert [e["id"] for e in listed] == [created["id"]] and "secret" not in listed[0]
    one = (await service.http.get(f"{base}/{created['id']}")).json()
    assert "secret" not in one and one["headers"] == {
        "X-Tenant": "********"
    }  # header values are write-only

    given = "whsec_" + base64.b64encode(b"k" * 32).decode()
    mine = await create_endpoint(service, public, secret=given, projectIds=[service.project_id])
    assert mine["secret"] == given and mine["projectIds"] == [service.project_id]

    paused = (
        await service.http.patch(
            f"{base}/{created['id']}", json={"status": "paused", "events": ["document.failed"]}
        )
    ).json()
    assert paused["status"] == "paused" and paused["events"] == ["document.failed"]
    assert_error(
        await service.http.patch(f"{base}/{created['id']}", json={"url": "http://10.0.0.5/x"}),
        400,
        "private",
    )
    assert_error(
        await service.http.patch(f"{base}/{created['id']}", json={"status": "disabled"}),
        400,
        "status",
    )
    assert_error(await service.http.post(f"{base}/{created['id']}/test"), 409, "paused")

    rotated = (await service.http.post(f"{base}/{created['id']}/rotate-secret")).json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != secret
    assert (await service.http.get(f"{base}/{created['id']}/deliveries")).json()["pagination"][
        "total"
    ] == 0

    # A project-scoped admin token sees only endpoints limited to its project; a reader cannot
    # write.
    scoped = (
        await service.http.post(
            f"/tokens/{service.org_id}",
            json={
                "name": "project admin",
                "permissions": ["admin"],
                "projectId": service.project_id,
            },
        )
    ).json()
    reader = (
        await service.http.post(
            f"/tokens/{service.org_id}", json={"name": "reader", "permissions": ["read"]}
        )
    ).json()
    async with client_for(service, scoped["token"]) as client:
        assert [e["id"] for e in (await client.get(base)).json()] == [mine["id"]]
        assert_error(await client.get(f"{base}/{created['id']}"), 404, created["id"])
        own = (
            await client.post(
                base, json={"name": "p", "url": public, "events": ["batch.completed"]}
            )
        ).json()
        assert own["projectIds"] == [service.project_id]
    async with client_for(service, reader["token"]) as client:
        assert len((await client.get(base)).json()) == 3
        assert_error(
            await client.post(
                base, json={"name": "r", "url": public, "events": ["batch.completed"]}
            ),
            403,
            "admin",
        )

    assert (await service.http.delete(f"{base}/{created['id']}")).json() == {
        "id": created["id"],
        "deleted": True,
    }
    assert_error(await service.http.get(f"{base}/{created['id']}"), 404, "not found")


# --- deliveries ---------------------------------------------------------------------------


async def test_batch_events_are_signed_filtered_and_verifiable(
    hooks_any_db: Service, receiver: Receiver
) -> None:
    hooks = hooks_any_db
    await receiver.start()
    other = (await hooks.http.post(f"/projects/{hooks.org_id}", json={"name": "Other"})).json()
    every = await create_endpoint(hooks, receiver.url + "/all", headers={"X-Tenant": "acme"})
    done = await create_endpoint(
        hooks,
        receiver.url + "/completed",
        events=["batch.completed"],
        projectIds=[hooks.project_id],
    )
    await create_endpoint(hooks, receiver.url + "/other-project", projectIds=[other["id"]])
    paused = await create_endpoint(hooks, receiver.url + "/paused")
    await hooks.http.patch(f"/webhooks/{hooks.org_id}/{paused['id']}", json={"status": "paused"})

    batch = (await hooks.upload([*INVOICES, DOCS / "corrupt.pdf"], name="Signed")).json()
    final = await hooks.wait_final(batch["id"])
    assert final["status"] == "partially_failed"

    def paths_seen() -> list[str]:
        return [r.path for r in receiver.log]

    await eventually(
        paths_seen,
        lambda paths: paths.count("/hooks/all") == 6,
        interval=0.05,
        what="6 events at /hooks/all",
    )
    await eventually(
        paths_seen,
        lambda paths: "/hooks/completed" in paths,
        interval=0.05,
        what="the completed event",
    )

    at_all = [r for r in receiver.log if r.path == "/hooks/all"]
    kinds = sorted(r.event["eventType"] for r in at_all)
    assert kinds == [
        "batch.completed",
        "batch.uploaded",
        "document.failed",
        "document.processed",
        "document.processed",
        "document.processed",
    ]
    verifier = Webhook(every["secret"])
    for r in at_all:
        event = r.event
        assert list(event) == ENVELOPE_KEYS
        assert event["eventId"].startswith("evt_") and event["eventId"] == r.headers["webhook-id"]
        assert event["organizationId"] == hooks.org_id and event["projectId"] == hooks.project_id
        assert event["payload"]["batchId"] == batch["id"] and event["timestamp"].endswith("Z")
        assert r.headers["x-tenant"] == "acme" and r.headers["content-type"] == "application/json"
        assert verifier.verify(r.body, r.headers) == event
        expected = hmac.new(every["secret"].encode(), r.body, hashlib.sha256).hexdigest()
        assert r.headers["x-webhook-signature"] == expected
    failed = next(r.event for r in at_all if r.event["eventType"] == "document.failed")
    assert (
        failed["payload"]["fileName"] == "corrupt.pdf"
        and failed["payload"]["errorCode"] == "CorruptFile"
    )
    completed = next(r.event for r in at_all if r.event["eventType"] == "batch.completed")
    assert completed["payload"]["status"] == "partially_failed"

    # A tampered body (or a signature from another secret) is rejected by the receiver's verifier.
    sample = at_all[0]
    with pytest.raises(WebhookVerificationError):
        verifier.verify(sample.body.replace(b'"payload":{', b'"payload":{"x":1,'), sample.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(done["secret"]).verify(sample.body, sample.headers)

    # Filters: the batch.completed-only endpoint got just that; other project and paused got
    # nothing.
    assert [r.event["eventType"] for r in receiver.log if r.path == "/hooks/completed"] == [
        "batch.completed"
    ]
    assert not [r for r in receiver.log if r.path in ("/hooks/other-project", "/hooks/paused")]

    log = await deliveries(hooks, every["id"])
    assert len(log) == 6 and {d["outcome"] for d in log} == {"delivered"}
    assert all(d["statusCode"] == 200 and d["attempt"] == 1 and d["durationMs"] >= 0 for d in log)
    assert {d["eventId"] for d in log} == {r.event["eventId"] for r in at_all}


async def test_outage_every_event_arrives_with_the_same_event_id(
    hooks: Service, receiver: Receiver
) -> None:
    """Down (connection refused), then answering 503, then back: everything arrives, nothing
    twice."""
    phase = {"name": "down"}
    receiver.answer = lambda r: 503 if phase["name"] == "failing" else 200
    endpoint = await create_endpoint(hooks, receiver.url)

    batch = (await hooks.upload([DOCS / "receipt.txt"], template="receipt", name="Outage")).json()
    final = await hooks.wait_final(batch["id"])  # the batch does not wait for its webhooks
    assert final["status"] == "completed" and not receiver.log

    async def refused_events() -> set[str]:
        return {
            d["eventId"] for d in await deliveries(hooks, endpoint["id"]) if d["statusCode"] is None
        }

    # down: every event's attempts so far were refused (connection refused, logged by the API)
    await eventually(
        refused_events,
        lambda ids: len(ids) == 3,
        interval=0.1,
        what="a refused attempt of each of the 3 events",
    )
    phase["name"] = "failing"
    await receiver.start()
    # failing: each event answered 503 more than once, so "the same bytes on every attempt" compares
    await eventually(
        lambda: answers_by_event(receiver),
        lambda seen: len(seen) == 3 and all(len(a) >= 2 for a in seen.values()),
        interval=0.05,
        what="every event answered 503 twice",
    )
    phase["name"] = "up"
    await eventually(
        lambda: receiver.events(200),
        lambda ok: len(ok) == 3,
        interval=0.05,
        what="all 3 events delivered",
    )
    # No duplicate can follow: every delivery workflow has ended, so none will try again.
    for event_id in answers_by_event(receiver):
        assert await delivery_outcome(hooks, event_id, endpoint["id"]) == "delivered"

    print("\nwebhook receiver log across an outage (down 1.5 s, then 503, then 200):")
    print(receiver.excerpt())
    print("delivery log (API), oldest first:")
    for d in sorted(await deliveries(hooks, endpoint["id"]), key=lambda d: d["id"]):
        print(
            f"  {d['createdAt']}  {d['eventType']:<19} {d['eventId']}  attempt {d['attempt']}  "
            f"{d['statusCode']}  {d['outcome']:<9} {d['durationMs']:>4} ms  "
            f"{(d['error'] or '')[:60]}"
        )

    delivered = receiver.events(200)
    assert sorted(e["eventType"] for e in delivered) == [
        "batch.completed",
        "batch.uploaded",
        "document.processed",
    ]
    assert len({e["eventId"] for e in delivered}) == 3  # each event exactly once with 200
    attempts: dict[str, list[Received]] = defaultdict(list)
    for r in receiver.log:
        attempts[r.event["eventId"]].append(r)
    for event_id, seen in attempts.items():
        assert len({r.body for r in seen}) == 1  # the same bytes on every attempt
        assert {r.headers["webhook-id"] for r in seen} == {event_id}
        assert [r.status for r in seen][-1] == 200 and all(r.status == 503 for r in seen[:-1])

    log = await deliveries(hooks, endpoint["id"])
    by_event: dict[str, list[dict]] = defaultdict(list)
    for d in sorted(log, key=lambda d: d["id"]):
        by_event[d["eventId"]].append(d)
    assert set(by_event) == set(attempts)
    for _event_id, rows in by_event.items():
        assert [d["attempt"] for d in rows] == list(range(1, len(rows) + 1))
        assert rows[-1]["outcome"] == "delivered" and rows[-1]["statusCode"] == 200
        refused = [d for d in rows if d["statusCode"] is None]
        assert refused and all(
            d["outcome"] == "retrying" and "connect" in d["error"].lower() for d in refused
        )
        assert any(d["statusCode"] == 503 and "receiver says no" in d["error"] for d in rows)
    ep = (await hooks.http.get(f"/webhooks/{hooks.org_id}/{endpoint['id']}")).json()
    assert ep["status"] == "active" and ep["lastSuccessAt"] and ep["lastFailureAt"]


async def test_410_gone_disables_the_endpoint(hooks: Service, receiver: Receiver) -> None:
    receiver.answer = lambda r: 410
    await receiver.start()
    endpoint = await create_endpoint(hooks, receiver.url)
    url = f"/webhooks/{hooks.org_id}/{endpoint['id']}"
    sent = await hooks.http.post(f"{url}/test")
    assert sent.status_code == 202, sent.text
    event_id = sent.json()["eventId"]

    async def status() -> str:
        return (await hooks.http.get(url)).json()["status"]

    await eventually(
        status,
        lambda s: s == "disabled",
        timeout=30,
        interval=0.05,
        what="the endpoint to be disabled",
    )
    ep = (await hooks.http.get(url)).json()
    assert ep["status"] == "disabled" and "410" in ep["disabledReason"]
    log = await deliveries(hooks, endpoint["id"])
    assert [(d["eventId"], d["eventType"], d["statusCode"], d["outcome"]) for d in log] == [
        (event_id, "webhook.test", 410, "disabled")
    ]
    assert receiver.events(None)[0]["eventType"] == "webhook.test"

    # Disabled endpoints get no new events; the test action says why; re-activating works.
    batch = (await hooks.upload([DOCS / "receipt.txt"], template="receipt")).json()
    await hooks.wait_final(batch["id"])
    assert_error(await hooks.http.post(f"{url}/test"), 409, "disabled")
    # No retries after 410: the test event's delivery workflow has ended. Nothing for the batch:
    # its three events were published and each started no delivery.
    assert await delivery_outcome(hooks, event_id, endpoint["id"]) == "disabled"
    started = await eventually(
        lambda: deliveries_started(hooks, batch["id"]),
        lambda n: len(n) == 3,
        timeout=30,
        what="the batch's 3 events published",
    )
    assert started == [0, 0, 0]
    assert len(receiver.log) == 1  # no retries after 410, nothing for the batch

    # Starting the same delivery again is a no-op: workflow id webhook-<eventId>-<endpointId>.
    receiver.answer = lambda r: 200
    assert (await hooks.http.patch(url, json={"status": "active"})).json()["status"] == "active"
    event = WebhookEvent(
        eventId=event_id,
        eventType="webhook.test",
        timestamp="2026-01-01T00:00:00.000Z",
        organizationId=hooks.org_id,
        projectId="",
        payload={},
    )
    assert (
        await start_delivery(
            hooks.temporal,
            delivery_job(hooks.settings, endpoint["id"], event),
            hooks.settings.webhook_task_queue,
        )
        is False
    )
    again = (await hooks.http.post(f"{url}/test")).json()["eventId"]
    await eventually(
        lambda: receiver.events(200),
        lambda ok: len(ok) == 1,
        interval=0.05,
        what="the second test event",
    )
    assert receiver.events(200)[0]["eventId"] == again and len(receiver.log) == 2


async def test_slow_receiver_does_not_slow_the_batch(hooks: Service, receiver: Receiver) -> None:
    """The receiver holds every request; the batch (on a worker with 2 activity slots) still
    ends."""
    receiver.hold = asyncio.Event()
    await receiver.start()
    endpoint = await create_endpoint(hooks, receiver.url)

    batch = (await hooks.upload(INVOICES, name="Slow receiver")).json()
    await eventually(
        lambda: receiver.holding,
        lambda held: held >= 1,
        interval=0.05,
        what="the receiver to hold a request",
    )
    final = await hooks.wait_final(batch["id"], timeout=60)
    assert final["status"] == "completed"
    # The batch is final while its first delivery attempts are all still held: none has ended yet
    # (a delivery that occupied an activity slot would have had to time out first).
    assert receiver.holding >= 1 and receiver.holding == len(receiver.log)
    assert await deliveries(hooks, endpoint["id"]) == []

    receiver.hold.set()
    await eventually(
        lambda: {e["eventId"] for e in receiver.events(200)},
        lambda ids: len(ids) == 5,
        interval=0.05,
        what="5 events",
    )
    kinds = sorted(e["eventType"] for e in receiver.events(200))
    assert kinds == ["batch.completed", "batch.uploaded"] + ["document.processed"] * 3


async def test_delivery_time_guard_refuses_an_address_that_turned_private(
    service: Service, receiver: Receiver
) -> None:
    """Created with a public address, later pointing at 127.0.0.1 (as a changed DNS answer
    would)."""
    await receiver.start()
    endpoint = await create_endpoint(service, "https://93.184.215.14/hooks")
    with session_scope(service.settings.sqlalchemy_url) as session:
        row = session.get(WebhookEndpoint, endpoint["id"])
        assert row is not None
        row.url = receiver.url
        session.add(row)
    sent = (await service.http.post(f"/webhooks/{service.org_id}/{endpoint['id']}/test")).json()

    log = await eventually(
        lambda: deliveries(service, endpoint["id"]),
        timeout=30,
        interval=0.05,
        what="the delivery attempt in the log",
    )
    assert [(d["eventId"], d["outcome"], d["statusCode"]) for d in log] == [
        (sent["eventId"], "refused", None)
    ]
    assert "loopback" in log[0]["error"]
    # Not retried: the delivery workflow has ended.
    assert await delivery_outcome(service, sent["eventId"], endpoint["id"]) == "refused"
    assert receiver.log == [] and len(await deliveries(service, endpoint["id"])) == 1  # not retried
