"""Blob storage for uploaded documents: a local folder, keys like ``org/batch/file/name``."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path
from typing import BinaryIO

CHUNK = 1024 * 1024
SAFE_PUNCTUATION = "._- ()[]@+,"


class FileTooLarge(Exception):
    pass


def sanitize_filename(name: str, fallback: str = "document") -> str:
    """A safe single path component: no directories, control characters or leading dots."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").split("/")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name)
    name = "".join(c if unicodedata.category(c)[0] in "LNM" or c in SAFE_PUNCTUATION else "_" for c in name)
    return name.strip(" .")[:150] or fallback


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"storage key escapes the storage root: {key!r}")
        return path

    def save_stream(self, key: str, source: BinaryIO, max_bytes: int) -> tuple[int, str]:
        """Copy ``source`` to ``key`` in chunks; returns (size, sha256). Raises FileTooLarge."""
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        digest, size = hashlib.sha256(), 0
        try:
            with open(tmp, "wb") as out:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise FileTooLarge(key)
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return size, digest.hexdigest()

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()
