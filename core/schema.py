"""The database schema belongs to Alembic (``migrations/``): apply, stamp, check.

``docbatch migrate`` (and ``docbatch run`` before it starts anything) calls :func:`migrate`.
The API and the worker never create tables; they call :func:`require_current` at start-up so
a database nobody migrated fails with a message that says what to run.

A database made before Alembic (tables created by ``create_all``, no ``alembic_version``) is
recognised by its ``organization`` table and stamped as the first revision, whose schema is
exactly what that code created; later revisions then apply on top.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

import migrations
from core.db import get_engine

FIRST_REVISION = "0001"
PRE_ALEMBIC_MARKER = "organization"  # a table every installation has had since the first release
_LOCK_KEY = 0x646F6362  # "docb": pg_advisory_xact_lock key shared by every migrator


class SchemaNotCurrent(RuntimeError):
    """The database is not at the revision this code needs."""


class MigrationFailed(RuntimeError):
    """The database could not be reached or a revision failed; the message says which."""


def alembic_config(
    connection: Connection | None = None, script_location: Path | None = None
) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location or Path(migrations.__file__).parent))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _describe(url: str) -> str:
    """The URL without a password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def migrate(url: str, script_location: Path | None = None) -> str:
    """Bring the database at ``url`` to the newest revision; returns what was done, for the log.

    Raises MigrationFailed (nothing applied: each run is one transaction on PostgreSQL).
    ``script_location`` is for tests that try a revision not (yet) in ``migrations/``.
    """
    try:
        return _migrate(url, script_location)
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None)
        reason = str(orig if orig else exc).strip().splitlines()[0]
        raise MigrationFailed(
            f"could not migrate the database at {_describe(url)}: {reason}"
        ) from exc


def _migrate(url: str, script_location: Path | None) -> str:
    engine = get_engine(url)
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild SQLite tables (copy, drop, rename): with foreign keys
            # enforced, dropping a referenced table fails. Off for the migration (a no-op inside
            # a transaction, hence before it), checked afterwards, on again for the pool.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
                tables = set(inspect(conn).get_table_names())
                cfg = alembic_config(conn, script_location)
                stamped = ""
                if "alembic_version" not in tables and PRE_ALEMBIC_MARKER in tables:
                    command.stamp(cfg, FIRST_REVISION)
                    stamped = (
                        "recognised a database made before migrations, "
                        f"stamped it {FIRST_REVISION}; "
                    )
                before = current_revision(conn)
                command.upgrade(cfg, "head")
                after = current_revision(conn)
                if sqlite and (
                    broken := conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                ):
                    raise MigrationFailed(
                        f"the migration left rows whose foreign keys point nowhere: {broken[:5]}"
                    )
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()
    if before == after:
        return f"database schema {stamped}at {after}, nothing to apply ({_describe(url)})"
    return (
        f"database schema {stamped}migrated from {before or 'empty'} to {after} ({_describe(url)})"
    )


def require_current(url: str) -> None:
    """Raise SchemaNotCurrent unless the database is at the head revision (or a newer one)."""
    head = head_revision()
    with get_engine(url).connect() as conn:
        current = current_revision(conn)
    if current == head:
        return
    script = ScriptDirectory.from_config(alembic_config())
    known = {rev.revision for rev in script.walk_revisions()}
    if current is not None and current not in known:
        return  # migrated by newer code (a rolling upgrade): this process may still run
    raise SchemaNotCurrent(
        f"the database at {_describe(url)} is at schema revision "
        f"{current or 'none (not migrated)'}, "
        f"this docbatch needs {head}: run `docbatch migrate` first (docbatch run and the compose "
        "file's migrate service do it for you)"
    )
