"""API tokens: generated once, stored as SHA-256, checked on every request."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlmodel import Session, select

from core.ids import new_id, utcnow
from core.models import ApiToken

PERMISSIONS = ("read", "write", "admin")
TOKEN_PREFIX = "dbt_"


def hash_token(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def expand_permissions(perms: list[str] | str) -> set[str]:
    """admin implies write, write implies read."""
    given = set(perms.split(",") if isinstance(perms, str) else perms)
    if "admin" in given:
        given |= {"write", "read"}
    if "write" in given:
        given.add("read")
    return given & set(PERMISSIONS)


def create_token(
    session: Session,
    org_id: str,
    *,
    name: str,
    permissions: list[str],
    project_id: str | None = None,
    expires_at: datetime | None = None,
    value: str | None = None,
) -> tuple[ApiToken, str]:
    """Store a new token and return it with its plain value (the only time it is visible)."""
    value = value or TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        id=new_id("tok"),
        org_id=org_id,
        project_id=project_id,
        name=name,
        token_hash=hash_token(value),
        prefix=value[:8],
        permissions=",".join(sorted(expand_permissions(permissions))),
        expires_at=expires_at,
    )
    session.add(token)
    return token, value


def find_token(session: Session, value: str) -> ApiToken | None:
    """The live token with this value, or None if unknown, revoked or expired."""
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_token(value))).first()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= utcnow():
        return None
    return token
