"""The web UI's router (included by api.app): pages, page images and the template test."""

from __future__ import annotations

from fastapi import APIRouter

from api.web import page_images, pages, review_pages, template_test

router = APIRouter()
router.include_router(pages.router)
router.include_router(page_images.router)
router.include_router(template_test.router)
router.include_router(review_pages.router)
