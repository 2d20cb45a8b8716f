"""The template page's "Learned model" panel (issue 14): built-in until a retraining switches,
then the organisation's model with its held-out figures, in Chromium."""

from __future__ import annotations

from datetime import timedelta

from playwright.async_api import Page, expect

from core.db import session_scope
from core.ids import new_id, utcnow
from core.models import OrgModel
from tests.web.conftest import WebService, screenshot, sign_in

# what activities/retrain.py stores after a retraining that switched (figures as it writes them)
FIGURES = {
    "documents": 3,
    "folds": 3,
    "tested": {"company": 3, "total": 3},
    "builtin": {"company": 0.0, "total": 1.0},
    "learned": {"company": 1.0, "total": 1.0},
    "withMemory": {"company": 1.0, "total": 1.0},
    "builtinRight": 3,
    "learnedRight": 6,
    "withMemoryRight": 6,
    "notes": [],
    "trainingData": ["SROIE 2019 (CC BY 4.0)"],
}


async def test_the_template_page_shows_the_active_model_and_its_figures(
    page: Page, web: WebService
) -> None:
    receipt = web.templates["receipt"]
    await sign_in(page, web, then="/ui/templates")
    await page.get_by_role("button", name="View template receipt").click()
    panel = page.locator("#model-panel")
    await expect(panel).to_be_visible()
    await expect(page.locator("#active-model")).to_have_text("Extraction uses the built-in model.")

    with session_scope(web.settings.sqlalchemy_url) as session:
        now = utcnow()
        mine = {"org_id": web.org_id, "template_id": receipt}
        session.add(
            OrgModel(
                id=new_id("mdl"),
                **mine,
                version="org-kept-2docs",
                status="kept",
                documents=2,
                corrections=2,
                figures={},
                memory=[],
                created_at=now - timedelta(minutes=5),
            )
        )
        session.add(
            OrgModel(
                id=new_id("mdl"),
                **mine,
                version="org-test-3docs",
                status="active",
                documents=3,
                corrections=3,
                figures=FIGURES,
                model={"fields": {}},
                memory=[{"layout": [], "fields": {}}],
                created_at=now,
            )
        )
    await page.get_by_role("button", name="Close").click()
    await page.get_by_role("button", name="View template receipt").click()
    await expect(page.locator("#active-model")).to_contain_text("org-test-3docs")
    table = panel.locator("table.model-figures")
    await expect(table.locator("tbody tr")).to_have_count(2)
    seller = table.locator("tbody tr").first
    await expect(seller.locator("td").nth(0)).to_have_text("0 %")
    await expect(seller.locator("td").nth(1)).to_have_text("100 %")
    await expect(panel.locator(".model-history li")).to_have_count(2)
    await expect(page.get_by_role("button", name="Retrain from corrections now")).to_be_visible()
    await screenshot(page, "template-model")
