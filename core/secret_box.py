"""Secrets at rest: webhook signing secrets and template LLM keys are stored encrypted.

Fernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) with the key from
``DOCBATCH_SECRET_KEY``; without it, a key is generated once into ``DATA_DIR/secret.key``
(mode 0600), which the API and the workers share like the uploaded files. Values stored before
encryption (no ``enc:v1:`` prefix) are read as they are and sealed on their next write.
"""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from core.settings import Settings

PREFIX = "enc:v1:"
_lock = threading.Lock()


def _key_material(settings: Settings) -> bytes:
    if settings.secret_key:
        return settings.secret_key.encode()
    path = Path(settings.data_dir) / "secret.key"
    with _lock:
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:  # another process made it first
                pass
            else:
                with os.fdopen(fd, "w") as fh:
                    fh.write(Fernet.generate_key().decode())
        return path.read_bytes().strip()


@lru_cache(maxsize=8)
def _fernet(material: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hashlib.sha256(material).digest()))


def seal(settings: Settings, value: str) -> str:
    """The stored form of a secret."""
    if not value or value.startswith(PREFIX):
        return value
    return PREFIX + _fernet(_key_material(settings)).encrypt(value.encode()).decode()


def unseal(settings: Settings, stored: str) -> str:
    """The secret itself (a value stored in clear before encryption comes back unchanged)."""
    if not stored or not stored.startswith(PREFIX):
        return stored
    try:
        return _fernet(_key_material(settings)).decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise RuntimeError(
            "A stored secret cannot be decrypted: DOCBATCH_SECRET_KEY (or DATA_DIR/secret.key) "
            "is not the key it was sealed with."
        ) from exc


def seal_headers(settings: Settings, headers: dict[str, Any]) -> dict[str, str]:
    """Webhook custom headers often carry the receiver's API key: every value is sealed."""
    return {k: seal(settings, str(v)) for k, v in (headers or {}).items()}


def unseal_headers(settings: Settings, headers: dict[str, Any] | None) -> dict[str, str]:
    return {k: unseal(settings, str(v)) for k, v in (headers or {}).items()}


def seal_engine(settings: Settings, engine: dict[str, Any]) -> dict[str, Any]:
    out = dict(engine)
    if out.get("api_key"):
        out["api_key"] = seal(settings, str(out["api_key"]))
    return out


def unseal_engine(settings: Settings, engine: dict[str, Any] | None) -> dict[str, Any]:
    out = dict(engine or {})
    if out.get("api_key"):
        out["api_key"] = unseal(settings, str(out["api_key"]))
    return out
