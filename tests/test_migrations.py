"""Alembic owns the schema: fresh databases, pre-Alembic installations, SQLite and PostgreSQL.

The upgrade fixture (``tests/fixtures/upgrade``, made by ``tools/make_upgrade_fixture.py`` with
the code of commit 3b43b1e) is a whole data directory: SQLite database (with its WAL), uploaded
files and the Temporal dev server's database holding the batch's still-open workflow.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, insert, inspect, text
from sqlmodel import SQLModel
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

import migrations
from core.db import get_engine
from core.schema import FIRST_REVISION, SchemaNotCurrent, head_revision, migrate, require_current
from core.settings import Settings
from core.temporal import BATCH_STATUS, ORG_ID
from tests.harness import eventually, running_service, temporal_binary

ROOT = Path(__file__).resolve().parent.parent
UPGRADE = Path(__file__).parent / "fixtures" / "upgrade"


def _url(database_url: str, tmp_path: Path) -> str:
    return Settings(data_dir=tmp_path, database_url=database_url).sqlalchemy_url


def test_a_fresh_database_migrates_to_exactly_the_models(database_url: str, tmp_path: Path) -> None:
    """Fails when a model changes without a revision (or a revision disagrees with the models)."""
    url = _url(database_url, tmp_path)
    assert "migrated from empty to" in migrate(url)
    with get_engine(url).connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
        )
    assert diff == []
    assert "nothing to apply" in migrate(url)  # idempotent
    require_current(url)


def test_an_unmigrated_database_is_refused_with_what_to_run(tmp_path: Path) -> None:
    url = _url("", tmp_path)
    with pytest.raises(SchemaNotCurrent, match="run `docbatch migrate`"):
        require_current(url)


def test_the_worker_refuses_to_start_on_an_unmigrated_database(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DOCBATCH_DATA_DIR": str(tmp_path),
        "DOCBATCH_TEMPORAL_ADDRESS": "127.0.0.1:1",
    }
    out = subprocess.run(
        [sys.executable, "worker.py"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode != 0
    assert "run `docbatch migrate`" in out.stderr
    assert not inspect(get_engine(_url("", tmp_path))).get_table_names()  # it created nothing


def _unpack_fixture(tmp_path: Path) -> tuple[Path, dict]:
    with tarfile.open(UPGRADE / "pre-alembic.tar.gz") as tar:
        tar.extractall(tmp_path, filter="data")
    data = tmp_path / "data"
    return data, json.loads((data / "fixture.json").read_text())


def _copy_rows(sqlite_file: Path, target_url: str) -> None:
    """Every row of the old SQLite installation into the target database (reflected, so old
    columns)."""
    source = create_engine(f"sqlite:///{sqlite_file}")
    old = MetaData()
    old.reflect(source)
    new = MetaData()
    target = get_engine(target_url)
    new.reflect(target)
    with source.connect() as src, target.begin() as dst:
        for table in old.sorted_tables:
            rows = [dict(r._mapping) for r in src.execute(table.select())]
            if rows:
                dst.execute(insert(new.tables[table.name]), rows)
    source.dispose()


async def test_an_installation_from_before_migrations_upgrades_in_place(
    database_url: str, tmp_path: Path
) -> None:
    data, fixture = _unpack_fixture(tmp_path)
    if (
        database_url
    ):  # the same installation on PostgreSQL: today's create_all DDL, its rows copied in
        with get_engine(
            database_url.replace("postgresql://", "postgresql+psycopg://")
        ).begin() as conn:
            conn.execute(text((UPGRADE / "pre-alembic-postgresql.sql").read_text()))
        _copy_rows(
            data / "docbatch.db", database_url.replace("postgresql://", "postgresql+psycopg://")
        )
        env_db = {"DOCBATCH_DATABASE_URL": database_url}
    else:
        env_db = {}

    env = {**os.environ, "DOCBATCH_DATA_DIR": str(data), **env_db}
    out = subprocess.run(
        [sys.executable, "-m", "cli.main", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert f"stamped it {FIRST_REVISION}" in out.stdout, out.stdout
    settings = Settings(
        data_dir=data,
        database_url=database_url,
        bootstrap_token=fixture["token"],
        retry_window_seconds=3600,
        extraction_attempts=1,
    )
    require_current(settings.sqlalchemy_url)
    again = subprocess.run(
        [sys.executable, "-m", "cli.main", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert f"at {head_revision()}, nothing to apply" in again.stdout, again.stdout + again.stderr

    # The Temporal dev server on the installation's own database: the batch's workflow is open.
    temporal = await WorkflowEnvironment.start_local(
        dev_server_existing_path=temporal_binary(),
        data_converter=pydantic_data_converter,
        search_attributes=[ORG_ID, BATCH_STATUS],
        dev_server_database_filename=str(data / "temporal.db"),
    )
    try:
        async with running_service(settings, temporal.client) as svc:
            org, batch_id = fixture["orgId"], fixture["batchId"]
            assert svc.org_id == org
            detail = (await svc.http.get(f"/batch/{org}/{batch_id}")).json()
            assert detail["status"] == "partially_failed"
            assert {f["fileName"]: f["status"] for f in detail["files"]} == {
                "invoice-acme.pdf": "completed",
                "corrupt.pdf": "failed",
            }
            invoice = fixture["files"]["invoice-acme.pdf"]
            record = (await svc.http.get(f"/processing-history/{org}/{invoice}")).json()
            assert record["result"] and record["result"].get("invoice_number"), record
            for fmt in ("json", "csv", "pdf"):
                resp = await svc.http.get(f"/batch/{org}/{batch_id}/export", params={"format": fmt})
                assert resp.status_code == 200 and resp.content, (fmt, resp.text[:300])
            assert (
                b"invoice-acme.pdf"
                in (
                    await svc.http.get(f"/batch/{org}/{batch_id}/export", params={"format": "csv"})
                ).content
            )

            # The workflow of the old installation still takes retries (its retry window is open).
            balance = (await svc.http.get(f"/credits/{org}")).json()["balance"]
            corrupt = fixture["files"]["corrupt.pdf"]
            resp = await svc.http.post(f"/batch/{org}/{batch_id}/files/{corrupt}/retry")
            assert resp.status_code in (200, 202), resp.text

            async def record() -> dict:
                return (await svc.http.get(f"/processing-history/{org}/{corrupt}")).json()

            again_detail = await eventually(
                record,
                lambda r: r["status"] == "failed" and r["attempts"] == 2,
                timeout=120,
                interval=0.2,
                what="the retried file to fail again",
            )
            assert again_detail["attempts"] == 2 and again_detail["errorCode"] == "CorruptFile"
            final = await svc.wait_final(batch_id)
            assert final["status"] == "partially_failed"

            async def balance_now() -> int:
                return (await svc.http.get(f"/credits/{org}")).json()["balance"]

            # the refund is written just after the file's failure
            await eventually(
                balance_now,
                lambda b: b == balance,
                timeout=20,
                interval=0.2,
                what=f"the balance back at {balance}",
            )
            assert (await svc.http.get(f"/credits/{org}")).json()["balance"] == balance

            # New work on the upgraded installation.
            svc.templates = {
                t["name"]: t["id"] for t in (await svc.http.get("/me")).json()["templates"]
            }
            new = (
                await svc.upload(
                    [ROOT / "tests" / "fixtures" / "docs" / "receipt.txt"], template="receipt"
                )
            ).json()
            assert (await svc.wait_final(new["id"]))["status"] == "completed"
    finally:
        await temporal.shutdown()
        if database_url:
            get_engine(settings.sqlalchemy_url).dispose()


def test_a_later_revision_applies_on_top_of_a_stamped_installation(tmp_path: Path) -> None:
    """The mechanism a future schema change uses: a revision adding a column, on the old fixture."""
    data, fixture = _unpack_fixture(tmp_path)
    scripts = tmp_path / "migrations"
    shutil.copytree(Path(migrations.__file__).parent, scripts)
    (scripts / "versions" / "9999_note.py").write_text(
        "from alembic import op\nimport sqlalchemy as sa\n"
        f"revision = '9999'\ndown_revision = '{head_revision()}'\n"
        "branch_labels = depends_on = None\n"
        "def upgrade():\n"
        "    with op.batch_alter_table('batch', recreate='always') as b:\n"  # a full SQLite rebuild
        "        b.add_column(sa.Column('note', sa.String(), nullable=True))\n"
        "def downgrade():\n    pass\n"
    )
    url = _url("", data)
    message = migrate(url, script_location=scripts)
    assert f"stamped it {FIRST_REVISION}" in message and "to 9999" in message
    with get_engine(url).connect() as conn:
        assert "note" in {c["name"] for c in inspect(conn).get_columns("batch")}
        assert (
            conn.execute(
                text("select status from batch where id = :i"), {"i": fixture["batchId"]}
            ).scalar_one()
            == "partially_failed"
        )
        assert (
            conn.execute(
                text("select count(*) from batchfile where batch_id = :i"),
                {"i": fixture["batchId"]},
            ).scalar_one()
            == 2
        )  # the rebuild kept its files
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1  # enforced again


def test_migrate_on_an_unreachable_database_says_so(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DOCBATCH_DATA_DIR": str(tmp_path),
        "DOCBATCH_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nothing?connect_timeout=3",
    }
    out = subprocess.run(
        [sys.executable, "-m", "cli.main", "migrate"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 1
    assert out.stderr.startswith(
        "docbatch: could not migrate the database at postgresql+psycopg://"
    ), out.stderr
    assert "Traceback" not in out.stderr
