"""The review queue and the file page's editing in Chromium: keyboard through the queue, accept,
and correct fields by clicking a word and dragging a box on the page image."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.harness import DOCS, Service
from tests.web.conftest import WAIT_MS, screenshot, sign_in

SCHEMA = {
    "type": "object",
    "required": ["invoice_number", "purchase_order"],
    "properties": {
        "invoice_number": {"type": "string", "description": "Invoice number"},
        "seller_name": {
            "type": "string",
            "description": "Name of the company that issued the invoice",
            "x-review-threshold": 0.95,
        },
        "grand_total": {"type": "number", "description": "Total including tax"},
        "purchase_order": {"type": "string", "description": "Purchase order reference"},
    },
}
INVOICES = [DOCS / "invoice-acme.pdf", DOCS / "invoice-globex.pdf", DOCS / "invoice-umbrella.pdf"]


async def finished_batch(web: Service, paths: list, name: str) -> dict:
    if "Review" not in web.templates:
        made = await web.http.post(
            f"/templates/{web.org_id}", json={"name": "Review", "templateSchema": SCHEMA}
        )
        assert made.status_code == 201, made.text
        web.templates["Review"] = made.json()["id"]
    batch = await web.upload_ok(paths, name=name, template="Review")
    return await web.wait_final(batch["id"], timeout=WAIT_MS / 1000, poll=0.3)


@pytest.fixture(scope="module")
async def queue(web: Service) -> dict[str, str]:
    """Three invoices of a template whose required purchase_order none has: all need review."""
    detail = await finished_batch(web, INVOICES, "To review")
    assert detail["needsReviewFiles"] == 3, detail
    return {f["fileName"]: f["id"] for f in detail["files"]}


async def record(web: Service, file_id: str) -> dict:
    return (await web.http.get(f"/processing-history/{web.org_id}/{file_id}")).json()


async def test_the_queue_is_driven_by_the_keyboard(page: Page, web: Service, queue: dict) -> None:
    batch = next(b for b in await web.batches() if b["name"] == "To review")
    await sign_in(page, web, then=f"/ui/batches/{batch['id']}")
    await expect(page.locator("#needs-review-count")).to_have_text("3 files")
    await expect(page.locator("tr[data-status=completed] .badge.needs-review")).to_have_count(3)
    await page.locator("#needs-review-count").click()
    await page.wait_for_url("**/ui/review")
    rows = page.locator(".queue-table tbody tr")
    await expect(rows).to_have_count(3)
    await expect(page.locator("#queue-count")).to_have_text("3 file(s) need review.")
    await expect(rows.nth(0)).to_contain_text("purchase_order")
    await expect(rows.nth(0)).to_have_attribute("aria-selected", "true")
    order = [await rows.nth(i).get_attribute("data-id") for i in range(3)]
    listed = (await web.http.get(f"/review/{web.org_id}/queue")).json()["data"]
    assert order == [f["id"] for f in listed]  # oldest first, as the API says

    await page.keyboard.press("j")
    await expect(rows.nth(1)).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("ArrowDown")
    await expect(rows.nth(2)).to_have_attribute("aria-selected", "true")
    await page.keyboard.press("k")
    await expect(rows.nth(1)).to_have_attribute("aria-selected", "true")
    await screenshot(page, "review-queue")

    await page.keyboard.press("a")  # accept the selected (second) file as it is
    await expect(rows).to_have_count(2)
    await expect(page.locator("#queue-count")).to_have_text("2 file(s) need review.")
    accepted = await record(web, order[1])
    assert accepted["reviewed"] is True and accepted["needsReview"] is False
    assert accepted["corrections"] == {}
    await expect(rows.nth(1)).to_have_attribute("aria-selected", "true")  # the next one moved up

    await page.keyboard.press("k")
    await page.keyboard.press("Enter")
    await page.wait_for_url(f"**/ui/files/{order[0]}?from=queue")
    await expect(page.locator("#back-to-batch")).to_have_text("← Back to the review queue")
    await page.get_by_role("button", name="Confirm as correct").click()
    # confirming from the queue goes on to the next file that needs review
    await page.wait_for_url(f"**/ui/files/{order[2]}?from=queue")
    assert (await record(web, order[0]))["reviewed"] is True


async def center_of(page: Page, box: list[float]) -> tuple[float, float]:
    view = await page.locator("#page-view").bounding_box()
    assert view is not None
    return (
        view["x"] + (box[0] + box[2]) / 2 * view["width"],
        view["y"] + (box[1] + box[3]) / 2 * view["height"],
    )


async def corner(page: Page, x: float, y: float) -> tuple[float, float]:
    view = await page.locator("#page-view").bounding_box()
    assert view is not None
    return view["x"] + x * view["width"], view["y"] + y * view["height"]


async def test_fields_are_corrected_by_clicking_and_dragging_on_the_page(
    page: Page, web: Service
) -> None:
    acme = (await finished_batch(web, INVOICES[:1], "One to correct"))["files"][0]["id"]
    words = (await web.http.get(f"/processing-history/{web.org_id}/{acme}/words")).json()["words"]
    by_text = {w["text"]: w["box"] for w in words}
    await sign_in(page, web, then=f"/ui/files/{acme}")
    await expect(page.locator("#field-invoice_number")).to_contain_text("INV-1001")
    await expect(page.locator("#field-purchase_order")).to_contain_text("not found")
    await expect(page.locator(".review-bar")).to_contain_text(
        "Needs review: seller_name, purchase_order"
    )
    await expect(page.locator("#page-view .word").first).to_be_attached()
    await expect(page.locator("#page-view.pickable")).to_have_count(1)
    await page.wait_for_function(  # the page's size (so where a word is) is known once it is drawn
        "() => { const i = document.querySelector('#page-view img'); "
        "return i && i.complete && i.naturalWidth > 0; }"
    )

    # click a word: it fills the focused field
    await page.locator("#edit-purchase_order").focus()
    x, y = await center_of(page, by_text["INV-1001"])
    await page.mouse.click(x, y)
    await expect(page.locator("#edit-purchase_order")).to_have_value("INV-1001")
    await expect(page.locator("#edit-purchase_order")).to_be_focused()

    # drag a box around the buyer's name: its words, in reading order, fill the focused field
    await page.locator("#edit-seller_name").focus()
    first, last = by_text["Northwind"], by_text["Traders"]
    sx, sy = await corner(page, first[0] - 0.005, min(first[1], last[1]) - 0.004)
    ex, ey = await corner(page, last[2] + 0.005, max(first[3], last[3]) + 0.004)
    await page.mouse.move(sx, sy)
    await page.mouse.down()
    await page.mouse.move((sx + ex) / 2, (sy + ey) / 2, steps=4)
    await expect(page.locator("#select-rect")).to_be_visible()
    await page.mouse.move(ex, ey, steps=4)
    await page.mouse.up()
    await expect(page.locator("#edit-seller_name")).to_have_value("Northwind Traders")

    # type a number as people write it
    await page.locator("#edit-grand_total").fill("1.234,50")
    await screenshot(page, "review-file-editing")
    await page.get_by_role("button", name="Save corrections").click()
    await expect(page.locator("#review-status")).to_have_text("Corrections saved.")

    after = await record(web, acme)
    assert after["reviewed"] is True and after["needsReview"] is False
    assert after["result"]["purchase_order"] == "INV-1001"
    assert after["result"]["seller_name"] == "Northwind Traders"
    assert after["result"]["grand_total"] == 1234.5
    assert after["extracted"]["seller_name"] == "Acme Supplies GmbH"
    fix = after["corrections"]["purchase_order"]
    assert fix["page"] == 1 and fix["box"] == pytest.approx(by_text["INV-1001"], abs=1e-4)
    picked = after["corrections"]["seller_name"]["box"]
    assert picked[0] == pytest.approx(first[0], abs=1e-4) and picked[2] == pytest.approx(
        last[2], abs=1e-4
    )
    assert after["corrections"]["grand_total"]["box"] is None  # typed, not picked
    assert after["corrections"]["grand_total"]["by"].startswith("web:tok_")  # signed in
    assert after["reviewedBy"] == after["corrections"]["grand_total"]["by"]

    # the page marks what was corrected, and lists it in the review history
    for name in ("purchase_order", "seller_name", "grand_total"):
        await expect(page.locator(f"#field-{name} .badge.corrected")).to_be_visible()
    await expect(page.locator("#field-invoice_number .badge.corrected")).to_have_count(0)
    await expect(page.locator("#field-seller_name .current")).to_have_text("Northwind Traders")
    await expect(page.locator("#audit li")).to_have_count(1)
    await expect(page.locator("#audit li")).to_contain_text(
        "seller_name: Acme Supplies GmbH → Northwind Traders"
    )
    await screenshot(page, "review-file-saved")

    # a value the template refuses is shown, and nothing is stored
    await page.locator("#edit-grand_total").fill("lots")
    await page.get_by_role("button", name="Save corrections").click()
    await expect(page.locator("#file-error")).to_contain_text("grand_total")
    await expect(page.locator("#edit-grand_total")).to_have_attribute("aria-invalid", "true")
    assert (await record(web, acme))["result"]["grand_total"] == 1234.5


async def test_a_read_only_token_sees_the_fields_without_editing(
    page: Page, web: Service, queue: dict
) -> None:
    token = (
        await web.http.post(
            f"/tokens/{web.org_id}", json={"name": "viewer", "permissions": ["read"]}
        )
    ).json()
    umbrella = queue["invoice-umbrella.pdf"]
    await sign_in(page, web, token=token["token"], then=f"/ui/files/{umbrella}")
    await expect(page.locator("#field-invoice_number")).to_be_visible()
    await expect(page.locator(".field-edit")).to_have_count(0)
    await expect(page.get_by_role("button", name="Save corrections")).to_have_count(0)
    await page.goto(f"{web.base_url}/ui/review")
    await expect(page.locator(".queue-table tbody tr").first).to_be_visible()
    await expect(page.locator("button.accept")).to_have_count(0)
    await expect(page.locator("#template-audit")).to_be_hidden()

    # the template's review history: the two confirmations and the correction, newest first
    await page.get_by_label("Template", exact=True).select_option(label="Review")
    entries = page.locator("#template-audit li")
    await expect(entries).to_have_count(3)
    assert [await entries.nth(i).get_attribute("data-kind") for i in range(3)] == [
        "corrected",
        "confirmed",
        "confirmed",
    ]
    await expect(entries.nth(0)).to_contain_text(
        'seller_name: "Acme Supplies GmbH" → "Northwind Traders"'
    )
    assert "templateId=" in page.url
    await screenshot(page, "review-template-audit")
    await page.get_by_label("Template", exact=True).select_option(label="invoice")
    await expect(page.locator("#queue-empty")).to_be_visible()
    await expect(page.locator("#template-audit li")).to_have_count(0)


async def test_a_field_threshold_is_set_in_the_template_editor(page: Page, web: Service) -> None:
    await sign_in(page, web, then="/ui/templates")
    await page.get_by_role("button", name="New template").click()
    await page.get_by_label("Name", exact=True).fill("Strict invoice")
    first = page.locator("#field-rows li").nth(0)
    await expect(first.get_by_label("Field name")).to_have_value("invoice_number")
    await first.get_by_label("Review below %").fill("90")
    await page.get_by_role("button", name="Save template").click()
    await expect(page.locator("#test-status")).to_have_text("Saved “Strict invoice”.")
    saved = {t["name"]: t for t in (await web.http.get(f"/templates/{web.org_id}")).json()}
    field = saved["Strict invoice"]["templateSchema"]["properties"]["invoice_number"]
    assert field["x-review-threshold"] == 0.9

    # cleared again: the template's default applies
    await page.evaluate("document.getElementById('test-status').textContent = ''")
    await first.get_by_label("Review below %").fill("")
    await page.get_by_role("button", name="Save template").click()
    await expect(page.locator("#test-status")).to_have_text("Saved “Strict invoice”.")
    saved = {t["name"]: t for t in (await web.http.get(f"/templates/{web.org_id}")).json()}
    field = saved["Strict invoice"]["templateSchema"]["properties"]["invoice_number"]
    assert "x-review-threshold" not in field
