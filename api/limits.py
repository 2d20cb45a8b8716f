"""Refuse an upload that is too large before its body is read (and spooled to disk)."""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import envelope
from core.settings import Settings

MULTIPART_SLACK = 1024 * 1024  # form fields and part headers around the files


class UploadSizeLimit:
    """413 for a request whose Content-Length exceeds what a full batch may weigh."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limit = settings.max_files_per_batch * settings.max_file_bytes + MULTIPART_SLACK
        self.per_file_mb = settings.max_file_size_mb
        self.max_files = settings.max_files_per_batch

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            length = dict(scope["headers"]).get(b"content-length")
            if length and length.isdigit() and int(length) > self.limit:
                response = envelope(413, f"The upload is {int(length) / 1024 / 1024:.0f} MB; a batch holds at "
                                         f"most {self.max_files} files of {self.per_file_mb:g} MB each. "
                                         "Split it into smaller batches.")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
