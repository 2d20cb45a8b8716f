"""A stored document's page as a PNG for the file view (rendered by ``extraction.page_images``)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.deps import SessionDep, SessionReader, SettingsDep
from api.errors import ApiError
from core.storage import Storage, open_storage
from extraction.page_images import NoPageImage, render_page
from services import history

router = APIRouter(include_in_schema=False)


@router.get("/ui/files/{file_id}/page/{number}.png")
async def page_image(
    file_id: str, number: int, principal: SessionReader, session: SessionDep, settings: SettingsDep
) -> Response:
    """Page ``number`` of an uploaded file, for the caller's organization only."""
    row = history.file_record(session, principal, file_id)
    storage = open_storage(settings)
    if not await run_in_threadpool(storage.exists, row.storage_key):
        raise ApiError(404, f"The stored document of file {file_id} is gone.")
    try:
        png = await run_in_threadpool(_render_stored, storage, row.storage_key, number)
    except NoPageImage as exc:
        raise ApiError(404, str(exc)) from exc
    return Response(
        png,
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=600", "X-Content-Type-Options": "nosniff"},
    )


def _render_stored(storage: Storage, key: str, number: int) -> bytes:
    """Render from a local path (a temporary copy when the store is S3)."""
    with storage.local_copy(key) as path:
        return render_page(path, number)
