"""The review queue page (issue 14): files that need a person's look, oldest first."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.deps import SessionDep, SettingsDep
from api.web.pages import page

router = APIRouter(include_in_schema=False)


@router.get("/ui/review")
def review_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    return page(request, session, settings, "review.html", "review", "Review queue")
