"""The product page's web flow: upload three files (one corrupt), watch the batch settle live,
retry the failed file, open a file's fields, export CSV from the history row's dropdown."""

from __future__ import annotations

import csv
import io

from playwright.async_api import Page, expect

from tests.harness import DOCS, Service
from tests.web.conftest import WAIT_MS, screenshot, sign_in

INVOICES = [DOCS / "invoice-acme.pdf", DOCS / "invoice-globex.pdf"]
CORRUPT = DOCS / "corrupt.pdf"


async def test_upload_watch_retry_and_export(page: Page, web: Service) -> None:
    await sign_in(page, web, then="/ui/upload")
    await expect(page.get_by_role("heading", name="Upload a batch")).to_be_visible()
    name_input = page.get_by_label("Batch name")
    assert (await name_input.get_attribute("placeholder") or "").startswith("Batch 20")

    # Queue four files, remove one: the list shows each file with its size.
    await page.locator("#files").set_input_files([*INVOICES, CORRUPT, DOCS / "receipt.txt"])
    queue = page.locator("#queue li")
    await expect(queue).to_have_count(4)
    await expect(queue.filter(has_text="invoice-acme.pdf")).to_contain_text("KB")
    await page.get_by_role("button", name="Remove receipt.txt").click()
    await expect(queue).to_have_count(3)
    await expect(page.locator("#queue-count")).to_contain_text("3 of at most 50")
    await name_input.fill("UI flow invoices")
    await page.get_by_label("Template").select_option(label="invoice")
    await screenshot(page, "upload-queued")

    uploads = []
    page.on(
        "request",
        lambda r: uploads.append(r) if r.method == "POST" and "/upload" in r.url else None,
    )
    await page.get_by_role("button", name="Upload Batch").click()
    await page.wait_for_url("**/ui/batches/*", timeout=WAIT_MS)
    assert len(uploads) == 1
    batch_id = page.url.split("/ui/batches/")[1].split("?")[0]

    # Watch the batch settle without reloading: a marker set on this document must survive.
    await page.evaluate("window.__sameDocument = true")
    navigations = []
    page.on(
        "framenavigated",
        lambda frame: navigations.append(frame.url) if frame == page.main_frame else None,
    )
    status = page.locator("#batch-status .badge")
    await expect(status).to_have_attribute("data-status", "partially_failed", timeout=WAIT_MS)
    await expect(status).to_have_text("Partially failed")
    await expect(page.locator("#batch-progress")).to_contain_text("100%")
    await expect(page.locator("#batch-progress")).to_contain_text("2 of 3 done, 1 failed")
    assert await page.evaluate("window.__sameDocument === true")
    assert navigations == []

    corrupt_row = page.locator("tr", has_text="corrupt.pdf")
    await expect(corrupt_row.locator(".badge")).to_have_text("Failed")
    assert (await corrupt_row.locator(".reason").inner_text()).strip() not in ("", "–")
    attempts_before = int(await corrupt_row.locator(".attempts").inner_text())
    for invoice in INVOICES:
        await expect(page.locator("tr", has_text=invoice.name).locator(".badge")).to_have_text(
            "Completed"
        )

    # Retry the failed file from the page: accepted, then it fails again (it is corrupt) with one
    # more attempt.
    await corrupt_row.get_by_role("button", name="Retry corrupt.pdf").click()
    await expect(page.locator("#action-notice")).to_contain_text("Retry of corrupt.pdf accepted")
    await expect(corrupt_row.locator(".attempts")).to_have_text(
        str(attempts_before + 1), timeout=WAIT_MS
    )
    await expect(corrupt_row.locator(".badge")).to_have_text("Failed", timeout=WAIT_MS)
    await expect(status).to_have_attribute("data-status", "partially_failed", timeout=WAIT_MS)
    await expect(page.locator("#action-notice")).to_contain_text(
        f"Retry of corrupt.pdf finished: it failed again (attempt {attempts_before + 1})",
        timeout=WAIT_MS,
    )
    assert "null" not in await page.locator("#batch").inner_text()
    assert await page.evaluate("window.__sameDocument === true")
    await screenshot(page, "batch-partially-failed")
    body = (await web.http.get(f"/batch/{web.org_id}/{batch_id}")).json()
    corrupt = next(f for f in body["files"] if f["fileName"] == "corrupt.pdf")
    assert corrupt["attempts"] == attempts_before + 1

    # A completed file's extracted fields, next to its page image with boxes.
    await (
        page.locator("tr", has_text="invoice-acme.pdf")
        .get_by_role("link", name="View fields")
        .click()
    )
    await page.wait_for_url("**/ui/files/*")
    await expect(page.locator("#field-invoice_number")).to_contain_text("INV-")
    image = page.locator("#page-view img")
    await expect(image).to_be_visible()
    await page.wait_for_function(
        "() => { const i = document.querySelector('#page-view img'); "
        "return i && i.complete && i.naturalWidth > 0; }"
    )
    assert await page.locator("#page-view .box").count() > 0
    await page.locator("#field-invoice_number").focus()
    await expect(page.locator("#page-view .box.active")).to_have_count(1)
    await screenshot(page, "file-fields")

    # Export CSV from the dropdown of the batch's row in Processing History, and read the download.
    await page.goto(f"{web.base_url}/ui/history?search=UI+flow")
    row = page.locator(f"#batch-{batch_id}")
    await expect(row).to_contain_text("UI flow invoices")
    await expect(row.locator(".badge")).to_have_text("Partially failed")
    await row.get_by_text("Export", exact=True).click()
    menu_items = row.locator(".menu-list a")
    await expect(menu_items).to_have_text(["JSON", "CSV", "PDF", "DOCX", "XML", "HTML", "Text"])
    async with page.expect_download() as info:
        await row.get_by_role("link", name="CSV").click()
    download = await info.value
    text = (await download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = set()
    for f in body["files"]:
        if f["status"] == "completed":
            record = (await web.http.get(f"/processing-history/{web.org_id}/{f['id']}")).json()
            expected.add(record["result"]["invoice_number"])
    assert "INV-1001" in expected and len(expected) == 2
    by_file = {r["file_name"]: r for r in rows}
    assert {r["invoice_number"] for r in rows if r["status"] == "completed"} == expected, text[:500]
    assert by_file["corrupt.pdf"]["status"] == "failed"
    assert download.suggested_filename.endswith(".csv")
