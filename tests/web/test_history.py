"""Processing History: the empty state, a batch's progress moving live, filters and the batch page
states."""

from __future__ import annotations

from playwright.async_api import BrowserContext, Page, expect

from tests.harness import DOCS, Service
from tests.web.conftest import WAIT_MS, screenshot, sign_in

INVOICES = [DOCS / "invoice-acme.pdf", DOCS / "invoice-globex.pdf", DOCS / "invoice-umbrella.pdf"]
# One extraction at a time, so a batch spends long enough in progress for the page to show each
# step.
WEB_SETTINGS = {"worker_max_activities": 1}

# Records, in the page, every progress value the history table shows (the rows are re-drawn live).
RECORD_PROGRESS = """(batchId) => {
  window.__progress = [];
  const read = () => {
    const bar = document.querySelector(`#batch-${batchId} [role=progressbar]`);
    const value = bar ? Number(bar.getAttribute('aria-valuenow')) : null;
    if (value !== null && window.__progress[window.__progress.length - 1] !== value)
      window.__progress.push(value);
  };
  new MutationObserver(read).observe(document.getElementById('history'),
    {subtree: true, childList: true, attributes: true});
  read();
}"""


async def test_empty_history_has_its_page(page: Page, web: Service) -> None:
    await sign_in(page, web)
    await expect(page.get_by_text("No batches yet.")).to_be_visible()
    await expect(page.get_by_role("link", name="Upload your first batch")).to_have_attribute(
        "href", "/ui/upload"
    )


async def test_progress_moves_live_without_reload(page: Page, web: Service) -> None:
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    await sign_in(page, web)
    await page.evaluate("window.__sameDocument = true")

    # With the worker stopped the batch waits in "processing" at 0%: a batch with no completed file.
    await web.worker.stop()
    try:
        batch = await web.upload_ok(INVOICES * 3, name="Live progress batch")
        row = page.locator(f"#batch-{batch['id']}")
        await expect(row).to_be_visible(timeout=WAIT_MS)  # appears without a reload
        # (Without a worker the batch's progress query cannot be answered: the page's slow safety
        # poll of the API brings "uploading" -> "processing" then, so allow for it.)
        await expect(row.locator(".badge")).to_have_text("Processing", timeout=WAIT_MS)
        await expect(row).to_contain_text("0 of 9 done")
        await expect(row).to_contain_text("Live progress batch")
        await expect(row).to_contain_text("invoice")
        await expect(row).to_contain_text("Default project")
        await screenshot(page, "history-in-progress")

        # The batch page of a batch with no completed file says so.
        other = await page.context.new_page()
        await other.goto(f"{web.base_url}/ui/batches/{batch['id']}")
        await expect(other.get_by_text("No file has completed yet.")).to_be_visible()
        await other.close()

        await page.evaluate(RECORD_PROGRESS, batch["id"])
    finally:
        await web.worker.start()

    # The bar moves as files finish, step by step, without a reload.
    await page.wait_for_function(
        "() => window.__progress.some(v => v > 0 && v < 100)", timeout=WAIT_MS
    )
    await screenshot(page, "history-in-progress")
    await expect(row.locator(".badge")).to_have_text("Completed", timeout=WAIT_MS)
    await expect(row).to_contain_text("9 of 9 done")
    seen = await page.evaluate("window.__progress")
    assert seen[0] == 0 and seen[-1] == 100 and seen == sorted(seen) and len(seen) >= 3, seen
    assert await page.evaluate("window.__sameDocument === true")
    assert any(f"/ws/{web.org_id}" in url for url in sockets), sockets
    assert not any("token" in url for url in sockets), (
        sockets
    )  # the cookie, never the URL (issue 11)


async def test_polling_takes_over_without_websocket(context: BrowserContext, web: Service) -> None:
    """A browser (or proxy) without WebSockets still sees the batch move: the page polls the API."""
    await context.add_init_script("delete window.WebSocket")
    page = await context.new_page()
    sockets = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    await sign_in(page, web)
    await page.evaluate("window.__sameDocument = true")
    batch = await web.upload_ok(INVOICES, name="Polled batch")
    row = page.locator(f"#batch-{batch['id']}")
    await expect(row).to_be_visible(timeout=WAIT_MS)
    await expect(row.locator(".badge")).to_have_text("Completed", timeout=WAIT_MS)
    await expect(row).to_contain_text("3 of 3 done")
    assert await page.evaluate("window.__sameDocument === true")
    assert sockets == []


async def test_filters_and_export_menu_by_keyboard(page: Page, web: Service) -> None:
    done = await web.upload_ok([DOCS / "invoice-acme.pdf"], name="Filter me please")
    failed = await web.upload_ok([DOCS / "corrupt.pdf"], name="Only a corrupt file")
    await sign_in(page, web)
    for b in (done, failed):
        await expect(page.locator(f"#batch-{b['id']} .badge")).to_have_text(
            "Completed" if b is done else "Failed", timeout=WAIT_MS
        )

    await page.get_by_label("Status").select_option("failed")
    await page.get_by_role("button", name="Filter").click()
    await page.wait_for_url("**status=failed*")
    rows = page.locator("table.batches tbody tr")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Only a corrupt file")

    await page.goto(f"{web.base_url}/ui/history")
    await page.get_by_label("Name").fill("filter me")
    await page.keyboard.press("Enter")
    await expect(rows).to_have_count(1)
    await expect(rows.first).to_contain_text("Filter me please")
    await page.get_by_label("Name").fill("nothing like this")
    await page.keyboard.press("Enter")
    await expect(page.get_by_text("No batch matches these filters.")).to_be_visible()

    # Pagination, newest first: one batch a page.
    await page.goto(f"{web.base_url}/ui/history?limit=1")
    total = len(await web.batches())
    pager = page.locator("#pager")
    await expect(pager).to_contain_text(f"Page 1 of {total}")
    await expect(rows.first).to_contain_text("Only a corrupt file")  # the newest
    await pager.get_by_role("link", name="Older →").click()
    await expect(pager).to_contain_text(f"Page 2 of {total}")
    await expect(rows.first).to_contain_text("Filter me please")

    # The Export dropdown works from the keyboard: focus, Enter opens it, Escape closes it.
    await page.goto(f"{web.base_url}/ui/history?search=filter+me")
    summary = page.locator(f"#batch-{done['id']} summary")
    await summary.focus()
    await page.keyboard.press("Enter")
    await expect(page.locator(f"#batch-{done['id']} .menu-list a")).to_have_count(7)
    await page.keyboard.press("Tab")
    focused = await page.evaluate("document.activeElement.textContent")
    assert focused == "JSON"
    await page.keyboard.press("Escape")
    await expect(page.locator(f"#batch-{done['id']} .menu-list")).to_be_hidden()

    # A batch where every file failed: its page says there is nothing to export yet.
    await page.goto(f"{web.base_url}/ui/batches/{failed['id']}")
    await expect(page.get_by_text("No file of this batch could be extracted")).to_be_visible()
    await page.goto(f"{web.base_url}/ui/batches/batch_doesnotexist")
    await expect(page.get_by_text("This batch does not exist")).to_be_visible()
