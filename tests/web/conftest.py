"""Browser tests of the web UI: a real uvicorn server, an in-process worker, Debian's Chromium.

The server (tests.harness.live_service) runs as an asyncio task in the test loop (pytest's
session-scoped loop), so the WebSocket, the upload progress and the downloads are all real
HTTP on 127.0.0.1.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from temporalio.client import Client

from tests.harness import OWNER_TOKEN, Service, live_service, make_settings

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


@pytest.fixture(scope="module")
async def web(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    temporal_client: Client,
) -> AsyncIterator[Service]:
    """docbatch on a free port; a test module may set WEB_SETTINGS = {...} to override settings."""
    overrides = getattr(request.module, "WEB_SETTINGS", {})
    settings = make_settings(tmp_path_factory.mktemp("web"), **overrides)
    async with live_service(settings, temporal_client) as service:
        yield service


@pytest.fixture(scope="module")
async def browser(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run scripts/install-system.sh "
            "(installs Debian's chromium; make test runs it)"
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
    page: Page, web: Service, token: str = OWNER_TOKEN, then: str = "/ui/history"
) -> None:
    await page.goto(f"{web.base_url}{then}")
    await page.get_by_label("API token").fill(token)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(f"**{then}*")


async def screenshot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Saved to /tmp/ui-NAME.png (outside the repo) when DOCBATCH_SCREENSHOTS=1."""
    if SCREENSHOTS:
        await page.screenshot(path=f"/tmp/ui-{name}.png", full_page=full_page)
