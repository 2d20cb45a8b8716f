"""Combined export of a batch, and export of one file, in any registered format."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.deps import Reader, SessionDep, SettingsDep
from services import exports
from services.exports import Download

router = APIRouter(tags=["exports"])

FORMAT_HELP = "json, csv, pdf, docx, xml, html or text"
LINE_ITEMS_HELP = "csv only: 'rows' for one row per line item"
ORIGINAL_HELP = "json only: also the extracted values of the fields a person corrected"

#: What /openapi.json says a download is: a file in the asked format, never a JSON model.
DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The export file (``X-Export-Partial: true`` while the batch processes).",
        "content": {
            "application/json": {"schema": {"type": "object"}},  # the JSON export document
            **{
                media: {"schema": {"type": "string", "format": "binary"}}
                for media in (
                    "text/csv",
                    "application/pdf",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "application/xml",
                    "text/html",
                    "text/plain",
                )
            },
        },
    }
}


def _stream(download: Download) -> StreamingResponse:
    return StreamingResponse(
        download.chunks,
        media_type=download.media_type,
        headers={
            "Content-Disposition": download.disposition,
            "X-Export-Partial": "true" if download.partial else "false",
        },
    )


@router.get(
    "/batch/{org_id}/{batch_id}/export",
    response_class=StreamingResponse,
    responses=DOWNLOAD,
)
def export_batch(
    org_id: str,
    batch_id: str,
    principal: Reader,
    session: SessionDep,
    settings: SettingsDep,
    format: Annotated[str, Query(description=FORMAT_HELP)] = "json",
    lineItems: Annotated[str | None, Query(description=LINE_ITEMS_HELP)] = None,
    original: Annotated[bool, Query(description=ORIGINAL_HELP)] = False,
) -> StreamingResponse:
    """Combined results of a batch in one download. A batch still processing exports what is
    finished so far and says so (in the document, and ``X-Export-Partial: true``)."""
    return _stream(
        exports.export_batch(session, principal, batch_id, format, lineItems, original, settings)
    )


@router.get(
    "/processing-history/{org_id}/{file_id}/export",
    response_class=StreamingResponse,
    responses=DOWNLOAD,
)
def export_file(
    org_id: str,
    file_id: str,
    principal: Reader,
    session: SessionDep,
    format: Annotated[str, Query(description=FORMAT_HELP)] = "json",
    lineItems: str | None = None,
    original: Annotated[bool, Query(description=ORIGINAL_HELP)] = False,
) -> StreamingResponse:
    """Results of one file in any export format."""
    return _stream(exports.export_file(session, principal, file_id, format, lineItems, original))
