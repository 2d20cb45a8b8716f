"""Templates (create, edit, test on a sample) and Settings (tokens, credits, webhooks); the UI's own
endpoints for page images and template tests."""

from __future__ import annotations

import io
import json

import httpx
from PIL import Image
from playwright.async_api import Page, expect

from tests.harness import DOCS, OWNER_TOKEN
from tests.web.conftest import WAIT_MS, WebService, screenshot, sign_in

# Webhook URLs on this machine are allowed here (the endpoints are only listed, never called).
WEB_SETTINGS = {"webhook_allow_private": True}


async def test_create_edit_and_test_a_template(page: Page, web: WebService) -> None:
    await sign_in(page, web, then="/ui/templates")
    await expect(page.locator("table.templates tbody tr")).to_have_count(2)  # the built-ins
    await page.get_by_role("button", name="View template invoice").click()
    await expect(page.locator("#builtin-note")).to_be_visible()
    await expect(page.get_by_role("button", name="Save template")).to_be_hidden()

    await page.get_by_role("button", name="New template").click()
    await page.get_by_label("Name", exact=True).fill("Short invoice")
    rows = page.locator("#field-rows li")
    await expect(rows).to_have_count(1)
    await page.get_by_role("button", name="Add a field").click()
    await expect(rows).to_have_count(2)
    second = rows.nth(1)
    await second.get_by_label("Field name").fill("grand_total")
    await second.get_by_label("Type").select_option("number")
    await second.get_by_label("Instruction").fill("Total including tax")
    await page.locator("#json-details summary").click()
    schema = json.loads(await page.get_by_label("JSON Schema").input_value())
    assert schema["properties"]["grand_total"] == {
        "type": "number",
        "description": "Total including tax",
    }

    # Edit the raw JSON and apply it: the field list follows.
    schema["properties"]["issue_date"] = {
        "type": "string",
        "format": "date",
        "description": "Issue date",
    }
    await page.get_by_label("JSON Schema").fill(json.dumps(schema))
    await page.get_by_role("button", name="Apply the JSON to the field list").click()
    await expect(rows).to_have_count(3)
    await expect(rows.nth(2).get_by_label("Type")).to_have_value("date")

    await page.get_by_role("button", name="Save template").click()
    await expect(page.locator("table.templates tbody tr")).to_have_count(3)
    saved = {t["name"]: t for t in (await web.api.get(f"/templates/{web.org_id}")).json()}[
        "Short invoice"
    ]
    assert list(saved["templateSchema"]["properties"]) == [
        "invoice_number",
        "grand_total",
        "issue_date",
    ]

    # Test it on a sample file: the fields it finds are shown; one credit is charged, like a file.
    balance = (await web.api.get(f"/credits/{web.org_id}")).json()["balance"]
    await page.get_by_label("Sample file", exact=True).set_input_files(DOCS / "invoice-acme.pdf")
    await page.get_by_role("button", name="Run the test").click()
    result = page.locator("table.test-fields")
    await expect(result.locator('tr[data-field="invoice_number"]')).to_contain_text(
        "INV-1001", timeout=WAIT_MS
    )
    await expect(result.locator('tr[data-field="grand_total"]')).to_contain_text("1190")
    await expect(page.locator("#test-status")).to_contain_text("fields in invoice-acme.pdf")
    await screenshot(page, "templates-test")
    assert (await web.api.get(f"/credits/{web.org_id}")).json()["balance"] == balance - 1

    # A corrupt sample: the engine's reason is shown.
    await page.get_by_label("Sample file", exact=True).set_input_files(DOCS / "corrupt.pdf")
    await page.get_by_role("button", name="Run the test").click()
    await expect(page.locator("#test-result .notice-error")).to_contain_text("CorruptFile")


async def test_settings_tokens_credits_and_webhooks(page: Page, web: WebService) -> None:
    await sign_in(page, web, then="/ui/settings")
    balance = (await web.api.get(f"/credits/{web.org_id}")).json()["balance"]
    await expect(page.locator("#credit-balance")).to_have_text(str(balance))
    await expect(page.locator("table.ledger")).to_contain_text("Credits added")

    # A token is shown once, then listed by its prefix only, and can be revoked.
    await page.get_by_label("Name", exact=True).first.fill("nightly import")
    await page.get_by_label("Admin (tokens, credits, webhooks)").uncheck()
    await page.get_by_role("button", name="Create token").click()
    value = page.get_by_label("New token value")
    await expect(page.locator("#new-token")).to_be_visible()
    token = await value.input_value()
    assert token.startswith("dbt_")
    row = page.locator("table.tokens tr", has_text="nightly import")
    await expect(row).to_contain_text("read, write")
    assert token not in await page.locator("#token-list").inner_text()
    async with httpx.AsyncClient(
        base_url=web.base_url, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        assert (await client.get("/me")).status_code == 200
        page.once("dialog", lambda dialog: dialog.accept())
        await row.get_by_role("button", name="Revoke token nightly import").click()
        await expect(row.locator(".badge")).to_have_text("Revoked")
        assert (await client.get("/me")).status_code == 401

    # Webhook endpoints: add one (its secret shown once), list it, open its (empty) delivery log.
    await page.get_by_label("Name", exact=True).last.fill("ERP import")
    await page.get_by_label("URL").fill("http://127.0.0.1:9/hooks")
    await page.get_by_role("button", name="Add endpoint").click()
    await expect(page.locator("#new-secret")).to_be_visible()
    assert (await page.get_by_label("Signing secret").input_value()).startswith("whsec_")
    await expect(page.locator("#webhook-list")).to_contain_text("ERP import")
    await page.get_by_role("button", name="Show delivery log").click()
    await expect(page.locator("#webhook-list")).to_contain_text("No deliveries yet.")
    await screenshot(page, "settings")


async def test_page_image_endpoint_is_for_the_owner_only(web: WebService) -> None:
    batch = await web.upload([DOCS / "invoice-acme.pdf", DOCS / "receipt.txt"], name="Images")
    files = {
        f["fileName"]: f
        for f in (await web.api.get(f"/batch/{web.org_id}/{batch['id']}")).json()["files"]
    }
    pdf_id = files["invoice-acme.pdf"]["id"]
    answer = await web.api.get(f"/ui/files/{pdf_id}/page/1.png")
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(answer.content))
    assert image.width > 500 and image.height > image.width  # a portrait A4 page
    assert (
        (await web.api.get(f"/ui/files/{pdf_id}/page/2.png"))
        .json()["message"]
        .startswith("The document has 1 page")
    )
    text = await web.api.get(f"/ui/files/{files['receipt.txt']['id']}/page/1.png")
    assert text.status_code == 404 and "no page image" in text.json()["message"]
    async with httpx.AsyncClient(base_url=web.base_url) as anonymous:
        assert (await anonymous.get(f"/ui/files/{pdf_id}/page/1.png")).status_code == 401
    other = (
        await web.api.post(
            f"/tokens/{web.org_id}",
            json={
                "name": "p",
                "permissions": ["read"],
                "projectId": (
                    await web.api.post(f"/projects/{web.org_id}", json={"name": "Other"})
                ).json()["id"],
            },
        )
    ).json()
    async with httpx.AsyncClient(
        base_url=web.base_url, headers={"Authorization": f"Bearer {other['token']}"}
    ) as scoped:
        assert (
            await scoped.get(f"/ui/files/{pdf_id}/page/1.png")
        ).status_code == 404  # another project's file


async def test_template_test_endpoint_answers_with_the_envelope(web: WebService) -> None:
    schema = {"type": "object", "properties": {"invoice_number": {"type": "string"}}}
    ok = await web.api.post(
        "/ui/templates/test",
        data={"templateSchema": json.dumps(schema), "name": "t"},
        files={"file": ("a.pdf", (DOCS / "invoice-globex.pdf").read_bytes())},
    )
    assert ok.status_code == 200 and ok.json()["fields"]["invoice_number"].startswith("INV-")
    bad_json = await web.api.post(
        "/ui/templates/test",
        data={"templateSchema": "{nope"},
        files={"file": ("a.pdf", b"%PDF-1.4")},
    )
    assert bad_json.status_code == 400 and "not valid JSON" in bad_json.json()["message"]
    corrupt = await web.api.post(
        "/ui/templates/test",
        data={"templateSchema": json.dumps(schema)},
        files={"file": ("c.pdf", (DOCS / "corrupt.pdf").read_bytes())},
    )
    assert corrupt.status_code == 400 and corrupt.json()["message"].startswith("CorruptFile:")
    async with httpx.AsyncClient(
        base_url=web.base_url, cookies={"docbatch_token": OWNER_TOKEN}
    ) as cookie_only:
        refused = await cookie_only.post(
            "/ui/templates/test",
            data={"templateSchema": json.dumps(schema)},
            files={"file": ("a.pdf", b"%PDF-1.4")},
        )
        assert refused.status_code == 403  # a cookie-authenticated write needs X-CSRF-Token
