"""Signing in and out: the cookies, a refused token, an expired session, and forms from other
sites."""

from __future__ import annotations

import httpx
from playwright.async_api import BrowserContext, Page, expect

from tests.harness import OWNER_TOKEN, Service
from tests.web.conftest import screenshot, sign_in


async def test_sign_in_refuses_a_bad_token_then_accepts_the_right_one(
    page: Page, context: BrowserContext, web: Service
) -> None:
    await page.goto(f"{web.base_url}/")
    await page.wait_for_url("**/ui/login?next=%2Fui%2Fhistory")
    await page.get_by_label("API token").fill("dbt_not_a_real_token")
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("alert")).to_contain_text(
        "That token is unknown, revoked or expired"
    )
    assert not [c for c in await context.cookies() if c["name"] == "docbatch_token"]

    await page.get_by_label("API token").fill(OWNER_TOKEN)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/ui/history")
    cookies = {c["name"]: c for c in await context.cookies()}
    token = cookies["docbatch_token"]
    assert token["value"] == OWNER_TOKEN and token["httpOnly"] and token["sameSite"] == "Strict"
    assert token["path"] == "/"
    assert (
        not cookies["docbatch_csrf"]["httpOnly"]
        and cookies["docbatch_csrf"]["sameSite"] == "Strict"
    )
    assert await page.evaluate("document.cookie.includes('docbatch_token')") is False

    # Signing out clears both cookies; pages then send you to sign in.
    await page.get_by_role("button", name="Sign out").click()
    await page.wait_for_url("**/ui/login?signed_out=1")
    await expect(page.get_by_role("status")).to_contain_text("You have signed out.")
    names = {c["name"] for c in await context.cookies()}
    assert "docbatch_token" not in names
    await page.goto(f"{web.base_url}/ui/settings")
    await page.wait_for_url("**/ui/login?next=%2Fui%2Fsettings")


async def test_an_expired_or_revoked_token_gets_the_sign_in_page_with_a_reason(
    page: Page, web: Service
) -> None:
    created = (
        await web.http.post(
            f"/tokens/{web.org_id}", json={"name": "short-lived", "permissions": ["read", "write"]}
        )
    ).json()
    await sign_in(page, web, token=created["token"])
    await expect(page.get_by_role("heading", name="Processing History")).to_be_visible()
    await page.goto(
        "about:blank"
    )  # an open page would notice by itself (next test); here a page load does
    assert (await web.http.delete(f"/tokens/{web.org_id}/{created['id']}")).status_code == 200

    # A page load: the sign-in page, saying why.
    await page.goto(f"{web.base_url}/ui/upload")
    await page.wait_for_url("**/ui/login?next=%2Fui%2Fupload&expired=1")
    await expect(page.get_by_role("alert")).to_contain_text("the token is expired or was revoked")
    await screenshot(page, "signin-expired")


async def test_the_page_api_calls_redirect_when_the_token_dies(page: Page, web: Service) -> None:
    """A page already open when its token is revoked: its next API call (401) leads to sign-in."""
    created = (
        await web.http.post(f"/tokens/{web.org_id}", json={"name": "dies", "permissions": ["read"]})
    ).json()
    await sign_in(page, web, token=created["token"], then="/ui/templates")
    await expect(page.locator("table.templates")).to_be_visible()
    await web.http.delete(f"/tokens/{web.org_id}/{created['id']}")
    # started after evaluate returns: the 401 navigates away, which would otherwise destroy the
    # evaluate's own context before it answers (seen once in a full run)
    await page.evaluate("setTimeout(() => DB.api('GET', '/me').catch(() => {}), 0)")
    await page.wait_for_url("**/ui/login?expired=1&next=%2Fui%2Ftemplates")
    await expect(page.get_by_role("alert")).to_contain_text("expired or was revoked")


async def test_forms_from_another_site_are_refused(web: Service) -> None:
    async with httpx.AsyncClient(base_url=web.base_url) as browserless:
        page = await browserless.get("/ui/login")
        csrf = page.cookies["docbatch_csrf"]
        assert f'value="{csrf}"' in page.text

        # No CSRF value, a wrong one, or a right one posted from another origin: refused, no cookie.
        for data, headers in (
            ({"token": OWNER_TOKEN}, {}),
            ({"token": OWNER_TOKEN, "csrf": "guess"}, {}),
            ({"token": OWNER_TOKEN, "csrf": csrf}, {"Origin": "https://evil.example"}),
        ):
            answer = await browserless.post("/ui/login", data=data, headers=headers)
            assert answer.status_code == 403, answer.text
            assert "docbatch_token" not in answer.cookies
            assert "came from another site" in answer.text

        answer = await browserless.post(
            "/ui/login",
            data={"token": OWNER_TOKEN, "csrf": csrf, "next": "//evil.example/x"},
            headers={"Origin": web.base_url},
        )
        assert (
            answer.status_code == 303 and answer.headers["location"] == "/ui/history"
        )  # no open redirect
        assert browserless.cookies["docbatch_csrf"] != csrf  # a fresh value once signed in

        # The JSON API refuses a cookie-authenticated write without the X-CSRF-Token header.
        refused = await browserless.post(f"/projects/{web.org_id}", json={"name": "x"})
        assert refused.status_code == 403 and "X-CSRF-Token" in refused.json()["message"]
        ok = await browserless.post(
            f"/projects/{web.org_id}",
            json={"name": "from the cookie"},
            headers={"X-CSRF-Token": browserless.cookies["docbatch_csrf"]},
        )
        assert ok.status_code == 201

        # Sign-out needs the form's value too.
        assert (await browserless.post("/ui/logout", data={"csrf": "guess"})).status_code == 403
        out = await browserless.post(
            "/ui/logout", data={"csrf": browserless.cookies["docbatch_csrf"]}
        )
        assert out.status_code == 303 and "docbatch_token=" in out.headers.get("set-cookie", "")


async def test_pages_send_security_headers(web: Service) -> None:
    async with httpx.AsyncClient(base_url=web.base_url) as client:
        answer = await client.get("/ui/login")
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert answer.headers["x-frame-options"] == "DENY"
