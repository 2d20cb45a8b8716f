"""Browser tests of the web UI: a real uvicorn server, an in-process worker, Debian's Chromium.

The server runs as an asyncio task in the test loop (pytest's session-scoped loop), so the
WebSocket, the upload progress and the downloads are all real HTTP on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from temporalio.client import Client

from api.app import create_app
from core.settings import Settings
from tests.harness import OWNER_TOKEN, make_settings
from worker import build_worker

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = os.environ.get("DOCBATCH_SCREENSHOTS") == "1"
WAIT_MS = 90_000  # generous: a batch goes through Temporal and the engine on a 2-core machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WorkerSwitch:
    """The in-process worker, which a test can stop (batches then wait, "processing") and start again."""

    def __init__(self, client: Client, settings: Settings, pool: ThreadPoolExecutor) -> None:
        self.client, self.settings, self.pool = client, settings, pool
        self.worker: Any = None  # worker.WorkerGroup (async context manager)

    async def start(self) -> None:
        if self.worker is None:
            self.worker = build_worker(self.client, self.settings, self.pool)
            await self.worker.__aenter__()

    async def stop(self) -> None:
        if self.worker is not None:
            worker, self.worker = self.worker, None
            await worker.__aexit__(None, None, None)


@dataclass
class WebService:
    """A running docbatch reachable at ``base_url``, plus an API client with the owner token."""

    base_url: str
    settings: Settings
    api: httpx.AsyncClient
    worker: WorkerSwitch
    org_id: str = ""
    project_id: str = ""
    templates: dict[str, str] = field(default_factory=dict)

    async def batches(self, **params: str) -> list[dict]:
        body = (await self.api.get(f"/batch/{self.org_id}", params={"limit": 100, **params})).json()
        return body["data"]

    async def upload(self, paths: list[Path], name: str, template: str = "invoice") -> dict:
        files = [("files", (p.name, p.read_bytes())) for p in paths]
        data = {"projectId": self.project_id, "templateId": self.templates[template], "name": name}
        response = await self.api.post(f"/batch/{self.org_id}/upload", files=files, data=data)
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture(scope="module")
async def web(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    temporal_client: Client,
) -> AsyncIterator[WebService]:
    """docbatch on a free port; a test module may set WEB_SETTINGS = {...} to override settings."""
    overrides = getattr(request.module, "WEB_SETTINGS", {})
    settings = make_settings(tmp_path_factory.mktemp("web"), **overrides)
    app = create_app(settings, temporal_client=temporal_client, reconcile_every=1.0)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            ws="websockets-sansio",
        )
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        if serving.done():
            serving.result()  # raises what stopped it
        await asyncio.sleep(0.05)
    base_url = f"http://127.0.0.1:{port}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        worker = WorkerSwitch(temporal_client, settings, pool)
        await worker.start()
        try:
            async with httpx.AsyncClient(
                base_url=base_url, timeout=60, headers={"Authorization": f"Bearer {OWNER_TOKEN}"}
            ) as api:
                me = (await api.get("/me")).json()
                yield WebService(
                    base_url,
                    settings,
                    api,
                    worker,
                    me["organizationId"],
                    me["projects"][0]["id"],
                    {t["name"]: t["id"] for t in me["templates"]},
                )
        finally:
            await worker.stop()
            server.should_exit = True
            await serving


@pytest.fixture(scope="module")
async def browser(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run scripts/install-system.sh (installs Debian's chromium; make test runs it)"
        )
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()


@pytest.fixture
async def context(browser: Browser) -> AsyncIterator[BrowserContext]:
    """A fresh browser profile (no cookies) at a laptop's width."""
    ctx = await browser.new_context(
        viewport={"width": 1280, "height": 900},
        accept_downloads=True,
        locale="en-GB",
        timezone_id="Europe/Berlin",
    )
    ctx.set_default_timeout(30_000)
    try:
        yield ctx
    finally:
        await ctx.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


async def sign_in(
    page: Page, web: WebService, token: str = OWNER_TOKEN, then: str = "/ui/history"
) -> None:
    await page.goto(f"{web.base_url}{then}")
    await page.get_by_label("API token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"**{then}*")


async def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Saved to /tmp/ui-NAME.png (outside the repo) when DOCBATCH_SCREENSHOTS=1."""
    if SCREENSHOTS:
        await page.screenshot(path=f"/tmp/ui-{name}.png", full_page=full_page)
