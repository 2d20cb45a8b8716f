"""Alembic environment: docbatch's models are the target; the connection comes from core.schema.

``core.schema.migrate`` opens the connection (and, on PostgreSQL, holds an advisory lock so two
migrators never race) and passes it in ``config.attributes["connection"]``. Run from the
``alembic`` CLI instead, the URL comes from ``sqlalchemy.url`` or the docbatch settings.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import core.models
import core.webhook_models  # noqa: F401

config = context.config
target_metadata = SQLModel.metadata


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode rebuilds the table, so the same revision
        # runs on SQLite and PostgreSQL.
        render_as_batch=True,
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from core.settings import get_settings

        url = get_settings().sqlalchemy_url
    engine = create_engine(url)
    with engine.connect() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("docbatch migrations run online only: use `docbatch migrate`.")
run_migrations_online()
