"""The upload page refuses what the server would refuse before sending anything, says why, and works
by keyboard alone and on a 390 px wide phone."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import Browser, FileChooser, Page, expect
from playwright.async_api import TimeoutError as PlaywrightTimeoutError

from tests.harness import DOCS, Service
from tests.web.conftest import WAIT_MS, screenshot, sign_in

# A small per-file limit, so an over-size file is small to make; few credits, so the server can
# refuse.
WEB_SETTINGS = {"max_file_size_mb": 1.0, "bootstrap_credits": 8}

UNLABELLED = """() => [...document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, summary, a[href]')]
  .filter((el) => {
    const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName))
      return !(el.labels && el.labels.length) && !named;
    return !(el.textContent.trim() || named);
  }).map((el) => el.outerHTML.slice(0, 120))"""


async def some_batch(web: Service) -> dict:
    batches = await web.batches()
    return (
        batches[0]
        if batches
        else await web.upload_ok([DOCS / "invoice-acme.pdf"], name="Any batch")
    )


def watch_uploads(page: Page) -> list[str]:
    sent: list[str] = []
    page.on(
        "request",
        lambda r: sent.append(r.url) if r.method == "POST" and "/upload" in r.url else None,
    )
    return sent


async def test_51_files_are_refused_in_the_page(page: Page, web: Service, tmp_path: Path) -> None:
    files = []
    for i in range(51):
        path = tmp_path / f"note-{i:02d}.txt"
        path.write_text(f"Invoice number: N-{i}\n")
        files.append(path)
    before = await web.batches()
    await sign_in(page, web, then="/ui/upload")
    sent = watch_uploads(page)
    await page.locator("#files").set_input_files(files)
    errors = page.locator("#file-errors")
    await expect(errors).to_be_visible()
    await expect(errors).to_contain_text(
        "51 files are queued, but a batch holds at most 50. Remove 1"
    )
    await page.get_by_role("button", name="Upload Batch").click()
    await expect(page.locator("#upload-error")).to_contain_text("Nothing was uploaded.")
    await expect(page.locator("#upload-error")).to_contain_text("at most 50")
    await expect(page.locator("#upload-error")).to_be_focused()
    await page.wait_for_timeout(500)
    assert sent == []
    assert page.url.endswith("/ui/upload")
    assert await web.batches() == before

    # Removing one file makes the batch acceptable again.
    await page.get_by_role("button", name="Remove note-50.txt").click()
    await expect(errors).to_be_hidden()
    await expect(page.locator("#queue li")).to_have_count(50)


async def test_unsupported_and_oversize_files_are_refused(
    page: Page, web: Service, tmp_path: Path
) -> None:
    archive = tmp_path / "scans.zip"
    archive.write_bytes(b"PK\x03\x04 not really")
    big = tmp_path / "huge.pdf"
    big.write_bytes(b"%PDF-1.4\n" + b"0" * int(1.5 * 1024 * 1024))
    await sign_in(page, web, then="/ui/upload")
    sent = watch_uploads(page)
    await page.locator("#files").set_input_files([archive, big, DOCS / "invoice-acme.pdf"])
    errors = page.locator("#file-errors")
    await expect(errors).to_contain_text("scans.zip: unsupported type (.zip)")
    await expect(errors).to_contain_text("huge.pdf is 1.5 MB; the limit is 1 MB per file")
    await expect(page.locator("#queue li")).to_have_count(1)
    await expect(page.locator("#queue li")).to_contain_text("invoice-acme.pdf")
    assert sent == []


async def test_a_refused_upload_shows_the_reason(page: Page, web: Service) -> None:
    """The server refuses a batch the credits cannot cover (402): the page says so and stays."""
    await sign_in(page, web, then="/ui/upload")
    balance = (await web.http.get(f"/credits/{web.org_id}")).json()["balance"]
    paths = [
        DOCS / "invoice-acme.pdf",
        DOCS / "invoice-globex.pdf",
        DOCS / "invoice-umbrella.pdf",
        DOCS / "receipt.txt",
    ]
    copies = [paths[i % len(paths)] for i in range(balance + 1)]
    # The page refuses duplicates (same name, size and time), so give every copy its own name.
    files = [
        {
            "name": f"{i:02d}-{p.name}",
            "mimeType": "application/octet-stream",
            "buffer": p.read_bytes(),
        }
        for i, p in enumerate(copies)
    ]
    await page.locator("#files").set_input_files(files)
    await page.get_by_role("button", name="Upload Batch").click()
    error = page.locator("#upload-error")
    await expect(error).to_contain_text("The upload failed:", timeout=WAIT_MS)
    await expect(error).to_contain_text(f"needs {balance + 1} credits")
    assert page.url.endswith("/ui/upload")
    await expect(page.get_by_role("button", name="Upload Batch")).to_be_enabled()
    await expect(page.locator("#queue li")).to_have_count(
        balance + 1
    )  # nothing lost: remove some and retry


async def open_chooser_with_keyboard(page: Page) -> FileChooser:
    """Space on the focused file input opens the chooser. Headless Chromium now and then drops
    the first request when the machine is busy, so the key press is tried up to three times."""
    for _ in range(3):
        try:
            async with page.expect_file_chooser(timeout=10_000) as chooser_info:
                await page.keyboard.press("Space")
            return await chooser_info.value
        except PlaywrightTimeoutError:
            await page.focus("#files")
    raise AssertionError("Space on the focused file picker never opened the file chooser")


async def test_keyboard_only_upload_with_visible_focus(page: Page, web: Service) -> None:
    await page.goto(f"{web.base_url}/ui/upload")
    await page.wait_for_url("**/ui/login*")
    assert (
        await page.evaluate("document.activeElement.id") == "token"
    )  # the sign-in page starts there
    await page.keyboard.type("dbt_test_owner_token")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/ui/upload")
    await page.keyboard.press("Tab")  # the skip link comes first
    assert await page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert await page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"

    # Tab through the page until the file picker has the focus; its focus ring must show.
    for _ in range(20):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.id") == "files":
            break
    else:
        raise AssertionError("the file picker cannot be reached with Tab")
    outline = await page.evaluate(
        "getComputedStyle(document.querySelector('label[for=files]')).outlineStyle"
    )
    assert outline == "solid"
    chooser = await open_chooser_with_keyboard(page)
    await chooser.set_files([DOCS / "invoice-umbrella.pdf"])
    await expect(page.locator("#queue li")).to_have_count(1)
    for _ in range(10):
        await page.keyboard.press("Tab")
        if await page.evaluate("document.activeElement.id") == "upload-button":
            break
    else:
        raise AssertionError("the upload button cannot be reached with Tab")
    assert await page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/ui/batches/*", timeout=WAIT_MS)
    await expect(page.locator("#batch-status .badge")).to_have_text("Completed", timeout=WAIT_MS)


async def test_every_control_has_a_label(page: Page, web: Service) -> None:
    await page.goto(f"{web.base_url}/ui/login")
    assert await page.evaluate(UNLABELLED) == []
    await sign_in(page, web)
    batch = await some_batch(web)
    for path in (
        "/ui/upload",
        "/ui/history",
        f"/ui/batches/{batch['id']}",
        "/ui/templates",
        "/ui/settings",
    ):
        await page.goto(f"{web.base_url}{path}")
        await page.wait_for_load_state("networkidle")
        assert await page.evaluate(UNLABELLED) == [], path


async def test_phone_width_has_no_horizontal_scroll(browser: Browser, web: Service) -> None:
    context = await browser.new_context(
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = await context.new_page()
        await sign_in(page, web, then="/ui/upload")
        await page.locator("#files").set_input_files(
            [DOCS / "invoice-acme.pdf", DOCS / "corrupt.pdf", DOCS / "receipt.txt"]
        )
        await expect(page.locator("#queue li")).to_have_count(3)
        await screenshot(page, "phone-upload")
        overflow = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        assert await page.evaluate(overflow) <= 0
        batch = await some_batch(web)
        for path in ("/ui/history", f"/ui/batches/{batch['id']}", "/ui/templates", "/ui/settings"):
            await page.goto(f"{web.base_url}{path}")
            await page.wait_for_load_state("networkidle")
            assert await page.evaluate(overflow) <= 0, path
            if path == "/ui/history":
                await screenshot(page, "phone-history")
    finally:
        await context.close()


async def test_drag_and_drop_queues_files(page: Page, web: Service) -> None:
    await sign_in(page, web, then="/ui/upload")
    data = await page.evaluate_handle("""() => {
        const dt = new DataTransfer();
        dt.items.add(new File(['Invoice number: D-1'], 'dropped.txt', {type: 'text/plain'}));
        dt.items.add(new File(['x'], 'dropped.exe', {type: 'application/octet-stream'}));
        return dt;
    }""")
    await page.dispatch_event("#dropzone", "dragenter", {"dataTransfer": data})
    await expect(page.locator("#dropzone")).to_have_class("dropzone dragging")
    await page.dispatch_event("#dropzone", "drop", {"dataTransfer": data})
    await expect(page.locator("#queue li")).to_have_count(1)
    await expect(page.locator("#queue li")).to_contain_text("dropped.txt")
    await expect(page.locator("#file-errors")).to_contain_text(
        "dropped.exe: unsupported type (.exe)"
    )
    await expect(page.locator("#dropzone")).to_have_class("dropzone")
