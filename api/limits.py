"""The body guard: no request body is read for a caller we do not know, or past its limit.

Runs as ASGI middleware in front of every route, for every method:

1. A request that carries a body (a ``Content-Length`` above 0 or ``Transfer-Encoding``) must
   have a valid bearer token or web session, checked *before* one byte of the body is read
   (401). Only the sign-in and sign-out forms are open, with the small limit.
2. A declared ``Content-Length`` above the route's limit gets 413 at once.
3. Bytes are counted as they arrive (chunked bodies too); the request is cut off with 413 the
   moment it passes the limit: a batch upload may weigh a full batch, a multipart sample one
   file, anything else ``DOCBATCH_MAX_JSON_BODY_KB`` (1 MB).
4. Multipart bodies are parsed as they stream, so each part has its own limit (one file) and
   the number of parts is capped, before the framework spools anything to disk.
"""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import anyio.to_thread
from fastapi import HTTPException
from python_multipart.multipart import MultipartParser, parse_options_header
from sqlmodel import Session
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import credential
from api.errors import envelope
from core import access
from core.db import get_engine
from core.settings import Settings

MULTIPART_SLACK = 1024 * 1024  # form fields and part headers around the files
OPEN_PATHS = frozenset({"/ui/login", "/ui/logout"})  # forms that carry no session yet
OPEN_LIMIT = 16 * 1024
UPLOAD_PATH = re.compile(r"^/batch/[^/]+/upload/?$")
EXTRA_PARTS = 10  # projectId, templateId, name ... next to the files


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` when the body passes its limit; answered as 413."""

    def __init__(self, message: str) -> None:
        super().__init__(413, message)


def _mb(n: float) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


class PartCounter:
    """Feeds a streaming multipart parser and refuses a part (or a count of parts) too large."""

    def __init__(self, boundary: bytes, part_limit: int, max_parts: int) -> None:
        self.part_limit, self.max_parts = part_limit, max_parts
        self.parts = 0
        self.size = 0
        self.broken = False
        self.filename = ""
        self._field = b""
        self._value = b""
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._begin,
                "on_part_data": self._data,
                "on_header_field": self._header_field,
                "on_header_value": self._header_value,
                "on_header_end": self._header_end,
            },
        )

    def _begin(self) -> None:
        self.parts += 1
        self.size = 0
        self.filename = ""
        if self.parts > self.max_parts:
            raise BodyTooLarge(
                f"The form has more than {self.max_parts} parts; a batch holds at most "
                f"{self.max_parts - EXTRA_PARTS} files. Split it into several batches."
            )

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._field += data[start:end]

    def _header_value(self, data: bytes, start: int, end: int) -> None:
        self._value += data[start:end]

    def _header_end(self) -> None:
        if self._field.strip().lower() == b"content-disposition":
            _, params = parse_options_header(self._value)
            self.filename = params.get(b"filename", b"").decode("utf-8", "replace")[:200]
        self._field = self._value = b""

    def _data(self, data: bytes, start: int, end: int) -> None:
        self.size += end - start
        if self.size > self.part_limit:
            raise BodyTooLarge(
                f"{self.filename or 'A file'} is larger than the limit of "
                f"{_mb(self.part_limit)} per file; nothing was charged. Split or compress it."
            )

    def feed(self, chunk: bytes) -> None:
        try:
            self.parser.write(chunk)
        except BodyTooLarge:
            raise
        except Exception:  # a malformed form: the framework's own parser says what is wrong
            self.broken = True


class BodyGuard:
    """See the module docstring: authenticate first, then count every byte against a limit."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.batch_limit = settings.max_files_per_batch * settings.max_file_bytes + MULTIPART_SLACK
        self.sample_limit = settings.max_file_bytes + MULTIPART_SLACK
        self.json_limit = settings.max_json_body_kb * 1024

    def _known(self, value: str | None) -> access.Principal | None:
        with Session(get_engine(self.settings.sqlalchemy_url)) as session:
            try:
                return access.identify(session, value, touch=False)
            except access.AccessDenied:
                return None

    def _limit(self, path: str, content_type: str) -> tuple[int, str]:
        if path in OPEN_PATHS:
            return OPEN_LIMIT, "a sign-in form"
        if content_type.startswith("multipart/form-data"):
            if UPLOAD_PATH.match(path):
                return self.batch_limit, "a batch upload"
            return self.sample_limit, "a one-file form"
        return self.json_limit, "a JSON body"

    def _too_large_message(self, size: int, limit: int, what: str) -> str:
        if what == "a batch upload":
            return (
                f"The upload is {size / 1024 / 1024:.0f} MB; a batch holds at most "
                f"{self.settings.max_files_per_batch} files of "
                f"{self.settings.max_file_size_mb:g} MB "
                "each. Split it into smaller batches."
            )
        return f"The request body is larger than {_mb(limit)}, the limit for {what}; send less."

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length_header = headers.get("content-length")
        chunked = "transfer-encoding" in headers
        declared = int(length_header) if length_header and length_header.isdigit() else None
        if not chunked and not declared:
            await self.app(scope, receive, send)  # no body: the route's own access check decides
            return

        path = scope["path"]
        if path not in OPEN_PATHS:
            cookies = {k: m.value for k, m in SimpleCookie(headers.get("cookie", "")).items()}
            value, _ = credential(dict(headers), cookies)
            if value is None or await anyio.to_thread.run_sync(self._known, value) is None:
                message = (
                    "Missing bearer token: send 'Authorization: Bearer <token>'."
                    if value is None
                    else "The token is unknown, revoked or expired. "
                    "Create a new one under Settings."
                )
                await envelope(401, message)(scope, _no_body, send)
                return

        content_type = headers.get("content-type", "")
        limit, what = self._limit(path, content_type)
        if declared is not None and declared > limit:
            await envelope(413, self._too_large_message(declared, limit, what))(
                scope, _no_body, send
            )
            return

        parts: PartCounter | None = None
        if what in ("a batch upload", "a one-file form"):
            _, params = parse_options_header(content_type)
            boundary = params.get(b"boundary")
            if boundary:
                max_parts = (
                    self.settings.max_files_per_batch if what == "a batch upload" else 1
                ) + EXTRA_PARTS
                parts = PartCounter(boundary, self.settings.max_file_bytes, max_parts)
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    raise BodyTooLarge(self._too_large_message(received, limit, what))
                if parts is not None and chunk and not parts.broken:
                    parts.feed(chunk)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as exc:
            if started:
                raise
            await envelope(413, str(exc.detail))(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
