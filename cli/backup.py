"""``docbatch backup DIR`` and ``docbatch restore DIR``: a data directory, copied consistently.

Backup works while the service runs. SQLite databases (docbatch's and the Temporal dev server's)
are copied with SQLite's online backup API, so each copy is a consistent snapshot even mid-write;
docbatch's database is copied before the files, so every file a copied row names is complete
(files are written once, under a temporary name, then renamed). With PostgreSQL the database is
not copied: the command says how to ``pg_dump`` it, and copies files and the rest.

Restore writes a backup into an empty data directory (stop the service first); then
``docbatch run`` migrates it if needed and carries on, open batches and their retry windows too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from core.settings import Settings, get_settings

MANIFEST = "docbatch-backup.json"
EXTRA_FILES = ("bootstrap.json",)


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent snapshot of a live SQLite database (WAL included), in one file."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _copy_tree(source: Path, target: Path) -> int:
    """Copy finished files (never ``*.part`` uploads in progress, nor the exports prepared when
    a batch settled: ``<org>/<batch>/exports/``, a cache the next download makes again);
    returns how many."""
    count = 0
    for path in sorted(source.rglob("*")):
        prepared = path.relative_to(source).parts[2:3] == ("exports",)
        if path.is_file() and not path.name.endswith(".part") and not prepared:
            dest = target / path.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
            count += 1
    return count


def backup(settings: Settings, target: Path) -> dict:
    data = settings.data_dir.resolve()
    if target.exists() and any(target.iterdir()):
        raise SystemExit(f"docbatch: {target} is not empty; back up into a new or empty directory.")
    target.mkdir(parents=True, exist_ok=True)
    manifest: dict = {"createdAt": datetime.now(UTC).isoformat(), "dataDir": str(data)}
    if settings.database_url:
        manifest["database"] = "postgresql: not copied"
        print(
            "docbatch: the database is PostgreSQL; back it up with its own tool, at the same time: "
            'pg_dump --format=custom --file docbatch.dump "$DOCBATCH_DATABASE_URL" '
            "(restore: pg_restore --clean --dbname … docbatch.dump).",
            flush=True,
        )
    else:
        sqlite_copy(data / "docbatch.db", target / "docbatch.db")
        manifest["database"] = "docbatch.db"
    if settings.storage_url:
        manifest["files"] = 0
        manifest["storage"] = settings.storage_url
        print(
            f"docbatch: uploaded files are in {settings.storage_url}, not copied; "
            "back the bucket up "
            "with the store's own tools (versioning, replication, or `aws s3 sync`).",
            flush=True,
        )
    else:
        manifest["files"] = _copy_tree(settings.files_dir, target / "files")
    temporal_db = data / "temporal.db"
    if not settings.temporal_address and temporal_db.exists():
        sqlite_copy(temporal_db, target / "temporal.db")
        manifest["temporal"] = "temporal.db"
    for name in EXTRA_FILES:
        if (data / name).exists():
            shutil.copy2(data / name, target / name)
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1))
    return manifest


def restore(settings: Settings, source: Path) -> dict:
    data = settings.data_dir.resolve()
    if not (source / MANIFEST).exists():
        raise SystemExit(f"docbatch: {source} has no {MANIFEST}; is it a docbatch backup?")
    if (
        (data / "docbatch.db").exists()
        or (data / "temporal.db").exists()
        or (settings.files_dir.exists() and any(settings.files_dir.iterdir()))
    ):
        raise SystemExit(
            f"docbatch: {data} already holds an installation; restore into an empty data "
            "directory (DOCBATCH_DATA_DIR) with the service stopped."
        )
    manifest = json.loads((source / MANIFEST).read_text())
    data.mkdir(parents=True, exist_ok=True)
    for name in ("docbatch.db", "temporal.db", *EXTRA_FILES):
        if (source / name).exists():
            shutil.copy2(source / name, data / name)
    if (source / "files").exists():
        _copy_tree(source / "files", settings.files_dir)
    if manifest.get("database", "").startswith("postgresql"):
        print("docbatch: restore the PostgreSQL dump with pg_restore before starting.", flush=True)
    return manifest


def backup_command(args: argparse.Namespace) -> int:
    manifest = backup(get_settings(), Path(args.dir).resolve())
    print(
        f"docbatch: backed up to {args.dir}: database {manifest['database']}, "
        f"{manifest['files']} files"
        f"{', Temporal dev server database' if 'temporal' in manifest else ''}.",
        flush=True,
    )
    return 0


def restore_command(args: argparse.Namespace) -> int:
    manifest = restore(get_settings(), Path(args.dir).resolve())
    print(
        f"docbatch: restored the backup of {manifest['createdAt']} into "
        f"{get_settings().data_dir.resolve()}; start it with docbatch run.",
        flush=True,
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "backup", help="copy the data directory consistently (while running)"
    )
    parser.add_argument("dir", help="a new or empty directory")
    parser.set_defaults(func=backup_command)
    parser = subparsers.add_parser("restore", help="restore a backup into an empty data directory")
    parser.add_argument("dir", help="a directory made by docbatch backup")
    parser.set_defaults(func=restore_command)
