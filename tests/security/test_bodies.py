"""Bodies: nobody can make the API read (and hold) a large body.

Each attack sends a chunked body (no Content-Length) of up to BODY bytes to the API running in its
own process, and measures that process's resident memory: its peak during the attack must stay far
below the body's size, and the answer must come long before the body was sent.
"""

from __future__ import annotations

import json

import anyio
import pytest

from tests.harness import OWNER_TOKEN
from tests.security.live import ApiProcess, send_chunked

MB = 1024 * 1024
BODY = 96 * MB  # what each attack offers to send
GROWTH = 32 * MB  # "did not grow by the body size": a loose bound, a third of it
AUTH = {"Authorization": f"Bearer {OWNER_TOKEN}"}


async def attack(api: ApiProcess, method: str, path: str, headers: dict[str, str], **kw: object):
    api.reset_peak()
    before = api.status("VmRSS")
    answer = await anyio.to_thread.run_sync(
        lambda: send_chunked(api.port, method, path, headers, BODY, **kw)
    )
    peak = api.status("VmHWM")
    print(
        f"{method} {path}: HTTP {answer.status} after {answer.sent / MB:.1f} MB sent; "
        f"API RSS {before / MB:.0f} MB before, peak {peak / MB:.0f} MB"
    )
    assert peak - before < GROWTH, (
        f"the API grew by {(peak - before) / MB:.0f} MB during a {BODY / MB:.0f} MB body"
    )
    assert answer.sent < BODY / 2, f"the server read {answer.sent / MB:.0f} MB before answering"
    return answer


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "GET"])
async def test_unauthenticated_chunked_bodies_are_refused_before_reading(
    api: ApiProcess, method: str
) -> None:
    path = (
        f"/templates/{api.org_id}/x"
        if method in ("PUT", "DELETE", "GET")
        else f"/projects/{api.org_id}"
    )
    if method == "PATCH":
        path = f"/webhooks/{api.org_id}/whk_x"
    for headers in (
        {"Content-Type": "application/json"},
        {"Content-Type": "application/json", "Authorization": "Bearer dbt_not_a_token"},
    ):
        answer = await attack(api, method, path, headers)
        assert answer.status == 401, answer.body
        assert json.loads(answer.body)["statusCode"] == 401


async def test_unauthenticated_upload_is_refused_before_reading(api: ApiProcess) -> None:
    answer = await attack(
        api,
        "POST",
        f"/batch/{api.org_id}/upload",
        {"Content-Type": "multipart/form-data; boundary=xyz"},
    )
    assert answer.status == 401


async def test_authenticated_json_body_is_cut_at_one_megabyte(api: ApiProcess) -> None:
    for method, path in (
        ("POST", f"/projects/{api.org_id}"),
        ("PUT", f"/templates/{api.org_id}/{api.templates['invoice']}"),
        ("POST", f"/tokens/{api.org_id}"),
    ):
        answer = await attack(
            api,
            method,
            path,
            {**AUTH, "Content-Type": "application/json"},
            prefix=b'{"name": "' + b"a" * (MB - 10),
        )
        assert answer.status == 413, answer.body
        message = json.loads(answer.body)["message"]
        assert "1.0 MB" in message and "JSON body" in message
        assert answer.sent < 16 * MB  # 1 MB read, the rest sits in loopback socket buffers


async def test_authenticated_upload_part_is_cut_at_the_file_limit(api: ApiProcess) -> None:
    head = (
        b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
    )
    answer = await attack(
        api,
        "POST",
        f"/batch/{api.org_id}/upload",
        {**AUTH, "Content-Type": "multipart/form-data; boundary=xyz"},
        prefix=head,
    )
    assert answer.status == 413, answer.body
    assert (
        "big.txt is larger than the limit of 2.0 MB per file" in json.loads(answer.body)["message"]
    )
    assert answer.sent < 16 * MB  # cut at one part (2 MB); the rest sits in loopback socket buffers


async def test_authenticated_upload_with_too_many_parts_is_cut(api: ApiProcess) -> None:
    part = (
        b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\n'
        b"Total: 1\r\n"
    )
    answer = await attack(
        api,
        "POST",
        f"/batch/{api.org_id}/upload",
        {**AUTH, "Content-Type": "multipart/form-data; boundary=xyz"},
        chunk=part * 1000,
    )
    assert answer.status == 413
    assert "more than 13 parts" in json.loads(answer.body)["message"]
    # nothing was charged
    import httpx

    me = httpx.get(f"{api.url}/me", headers=AUTH).json()
    assert me["credits"] == 1000


async def test_a_normal_upload_still_works(api: ApiProcess) -> None:
    import httpx

    async with httpx.AsyncClient(base_url=api.url, headers=AUTH) as http:
        resp = await http.post(
            f"/batch/{api.org_id}/upload",
            files=[("files", ("r.txt", b"Total: 12.00\n" * 1000, "text/plain"))],
            data={"projectId": api.project_id, "templateId": api.templates["receipt"]},
        )
        assert resp.status_code == 201, resp.text
        assert (
            await http.post(f"/projects/{api.org_id}", json={"name": "small"})
        ).status_code == 201
