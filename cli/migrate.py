"""``docbatch migrate``: bring the configured database to the newest schema revision.

Safe to run any number of times and from several machines at once (PostgreSQL migrators take an
advisory lock). A database made before migrations existed is stamped first, then upgraded.
"""

from __future__ import annotations

import argparse
import sys


def migrate_command(args: argparse.Namespace) -> int:
    from core.schema import MigrationFailed, migrate
    from core.settings import get_settings

    settings = get_settings()
    settings.data_dir.resolve().mkdir(parents=True, exist_ok=True)
    try:
        print(f"docbatch: {migrate(settings.sqlalchemy_url)}", flush=True)
    except MigrationFailed as exc:
        print(f"docbatch: {exc}", file=sys.stderr, flush=True)
        return 1
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "migrate", help="apply database schema migrations (docbatch run does it first)"
    )
    parser.set_defaults(func=migrate_command)
