"""Where a WebSocket's token comes from, and keeping it out of logs.

A browser cannot set headers on a WebSocket, and ``?token=`` puts the secret into every access
log line and proxy log on the way. So the socket takes its token, in this order, from
``Authorization: Bearer``, from the ``bearer`` subprotocol (``Sec-WebSocket-Protocol: bearer,
<token>``; the server answers ``bearer``, never the token), from the web UI's cookie (same
origin only), and last from ``?token=``, kept for existing clients. That query parameter is
taken out of the request before anything logs it (:class:`QueryTokenScrubber`), and a log filter
redacts ``token=`` from uvicorn's lines as a second guard (HTTP requests too).
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket

from api.deps import TOKEN_COOKIE

#: Where :class:`QueryTokenScrubber` leaves a ``?token=`` value it took out of a socket's URL.
SCOPE_KEY = "docbatch.query_token"
#: The subprotocol that carries a token: ``new WebSocket(url, ["bearer", token])``.
BEARER_PROTOCOL = "bearer"
REDACTED = "[redacted]"
_TOKEN_IN_TEXT = re.compile(r"((?:^|[?&;\s])token=)[^&\s\"']*", re.IGNORECASE)


class QueryTokenScrubber:
    """Moves ``token`` out of a WebSocket's query string into the scope, before the server's
    access line, tracing or any handler sees the URL (uvicorn logs the scope's query string)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and b"token=" in scope.get("query_string", b""):
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            tokens = [v for k, v in pairs if k == "token"]
            if tokens:
                scope[SCOPE_KEY] = tokens[0]
                # in place: the server logs from the very dict it passed us
                scope["query_string"] = urlencode(
                    [(k, v) for k, v in pairs if k != "token"]
                ).encode("latin-1")
        await self.app(scope, receive, send)


def redact(text: str) -> str:
    """``text`` with the value of every ``token=`` parameter replaced."""
    return _TOKEN_IN_TEXT.sub(lambda m: m.group(1) + REDACTED, text)


class RedactTokens(logging.Filter):
    """Rewrites a record's message and string arguments so no ``token=`` value is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and "token=" in record.msg.lower():
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact(a) if isinstance(a, str) and "token=" in a.lower() else a
                for a in record.args
            )
        return True


_FILTER = RedactTokens()


def install_log_redaction() -> None:
    """Attach the filter to the loggers uvicorn writes request lines with (idempotent)."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)


def socket_credential(websocket: WebSocket) -> tuple[str | None, str | None]:
    """The token and the subprotocol to answer with (``bearer`` when it came that way)."""
    header = websocket.headers.get("authorization", "")
    if header.lower().startswith("bearer ") and header[7:].strip():
        return header[7:].strip(), None
    offered = [
        p.strip()
        for p in websocket.headers.get("sec-websocket-protocol", "").split(",")
        if p.strip()
    ]
    if BEARER_PROTOCOL in offered:
        at = offered.index(BEARER_PROTOCOL)
        value = offered[at + 1] if at + 1 < len(offered) else None
        return value, BEARER_PROTOCOL
    cookie = websocket.cookies.get(TOKEN_COOKIE)
    if cookie:
        origin = websocket.headers.get("origin")
        if not origin or urlsplit(origin).netloc == websocket.headers.get("host"):
            return cookie, None  # a cross-site page must not ride on the user's cookie
    query = websocket.scope.get(SCOPE_KEY) or websocket.query_params.get("token")
    return (str(query) if query else None), None
