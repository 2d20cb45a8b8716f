"""Combined export of a batch, and export of one file, in any registered format."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from api.deps import Reader, SessionDep
from api.errors import ApiError
from api.routes.batches import load_batch
from api.routes.history import load_file
from core.models import Batch
from exporters import get_exporter
from exporters.build import content_disposition, load_export_batch
from exporters.registry import available_formats

router = APIRouter(tags=["exports"])

FORMAT_HELP = "json, csv, pdf, docx, xml, html or text"
ORIGINAL_HELP = "json only: also the extracted values of the fields a person corrected"


def _stream(session: SessionDep, batch: Batch, fmt: str, name: str, file_ids: list[str] | None,
            line_items: str | None, original: bool = False) -> StreamingResponse:
    exporter = get_exporter(fmt)
    if exporter is None:
        raise ApiError(400, f"Unknown export format {fmt!r}; use one of {', '.join(available_formats())}.")
    if line_items not in (None, "", "columns", "rows"):
        raise ApiError(400, "lineItems must be 'rows' (one row per line item) or 'columns' (the default).")
    data = load_export_batch(session, batch, file_ids, with_original=original)
    options = {"line_items": "rows"} if line_items == "rows" else {}
    return StreamingResponse(exporter.render(data, **options), media_type=exporter.media_type,
                             headers={"Content-Disposition": content_disposition(name, exporter.extension),
                                      "X-Export-Partial": "true" if data.inProgress else "false"})


@router.get("/batch/{org_id}/{batch_id}/export")
def export_batch(org_id: str, batch_id: str, principal: Reader, session: SessionDep,
                 format: Annotated[str, Query(description=FORMAT_HELP)] = "json",
                 lineItems: Annotated[str | None, Query(description="csv only: 'rows' for one row per line item")] = None,
                 original: Annotated[bool, Query(description=ORIGINAL_HELP)] = False,
                 ) -> StreamingResponse:
    """Combined results of a batch in one download. A batch still processing exports what is
    finished so far and says so (in the document, and ``X-Export-Partial: true``)."""
    batch = load_batch(session, principal, batch_id)
    return _stream(session, batch, format, batch.name, None, lineItems, original)


@router.get("/processing-history/{org_id}/{file_id}/export")
def export_file(org_id: str, file_id: str, principal: Reader, session: SessionDep,
                format: Annotated[str, Query(description=FORMAT_HELP)] = "json",
                lineItems: str | None = None,
                original: Annotated[bool, Query(description=ORIGINAL_HELP)] = False) -> StreamingResponse:
    """Results of one file in any export format."""
    row = load_file(session, principal, file_id)
    batch = load_batch(session, principal, row.batch_id)
    stem = row.file_name.rsplit(".", 1)[0] or row.id
    return _stream(session, batch, format, stem, [row.id], lineItems, original)
