"""Webhook secrets, the body and its signatures (docs/ARCHITECTURE.md, "Events").

Two signatures travel with each delivery: ``X-Webhook-Signature`` (hex HMAC-SHA256 of the raw
body keyed with the secret string) and the Standard Webhooks headers, made with the
``standardwebhooks`` package itself so receivers can verify with it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
from datetime import UTC, datetime

from standardwebhooks import Webhook

from workflows.contracts import WebhookEvent

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
MIN_SECRET_BYTES, MAX_SECRET_BYTES = 24, 64
USER_AGENT = "docbatch-webhooks/1"

# Headers we set on every delivery; custom headers may not replace them.
RESERVED_HEADERS = frozenset(
    {
        "content-type",
        "content-length",
        "host",
        "user-agent",
        "connection",
        "transfer-encoding",
        "x-webhook-signature",
        "webhook-id",
        "webhook-timestamp",
        "webhook-signature",
    }
)
_HEADER_NAME = re.compile(r"^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$")


def generate_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def secret_problem(secret: str) -> str | None:
    """Why a user-given secret is unusable, or None."""
    if not secret.startswith(SECRET_PREFIX):
        return (
            f"secret must look like '{SECRET_PREFIX}<base64 of "
            f"{MIN_SECRET_BYTES}-{MAX_SECRET_BYTES} "
            "random bytes>'; omit it to have one generated."
        )
    try:
        raw = base64.b64decode(secret[len(SECRET_PREFIX) :], validate=True)
    except (binascii.Error, ValueError):
        return "secret: the part after 'whsec_' is not valid base64."
    if not MIN_SECRET_BYTES <= len(raw) <= MAX_SECRET_BYTES:
        return (
            f"secret must encode {MIN_SECRET_BYTES} to {MAX_SECRET_BYTES} bytes; "
            f"it encodes {len(raw)}."
        )
    return None


def secret_hint(secret: str) -> str:
    """Enough of the secret for a person to tell which one is configured."""
    return secret[: len(SECRET_PREFIX) + 4] + "…"


def header_problems(headers: dict[str, str]) -> list[str]:
    problems = []
    if len(headers) > 20:
        problems.append("headers: at most 20 custom headers.")
    for name, value in headers.items():
        if not _HEADER_NAME.match(name):
            problems.append(f"headers: '{name}' is not a valid header name.")
        elif name.lower() in RESERVED_HEADERS:
            problems.append(
                f"headers: '{name}' is set by docbatch on every delivery and cannot be overridden."
            )
        if not isinstance(value, str) or "\r" in value or "\n" in value or len(value) > 2000:
            problems.append(
                f"headers: the value of '{name}' must be one line of text "
                "(at most 2000 characters)."
            )
    return problems


def event_body(event: WebhookEvent) -> bytes:
    """The raw body: the same bytes for the same event, on every attempt."""
    envelope = {
        "eventType": event.eventType,
        "eventId": event.eventId,
        "timestamp": event.timestamp,
        "organizationId": event.organizationId,
        "projectId": event.projectId,
        "payload": event.payload,
    }
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def body_signature(secret: str, body: bytes) -> str:
    """``X-Webhook-Signature``: lowercase hex HMAC-SHA256 keyed with the secret string's bytes."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signed_headers(
    secret: str, event_id: str, body: bytes, now: datetime | None = None
) -> dict[str, str]:
    """Content type and both signatures. The timestamp is the attempt's, so replays can be
    refused."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Webhook-Signature": body_signature(secret, body),
        "webhook-id": event_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(event_id, now, body.decode("utf-8")),
    }
