"""``docbatch extract``: one JSON per document, failures reported with their reasons."""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import pytest

from cli import extract as cli_extract


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="docbatch")
    sub = parser.add_subparsers(dest="command", required=True)
    cli_extract.register(sub)
    args = parser.parse_args(argv)
    return args.func(args)


def test_extract_writes_one_json_per_document(
    fixtures: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = run(
        [
            "extract",
            str(fixtures / "invoice.txt"),
            str(fixtures / "invoice.docx"),
            str(fixtures / "empty.pdf"),
            "--template",
            "invoice",
            "--out",
            str(out),
            "--jobs",
            "1",
        ]
    )
    assert code == 1  # one document failed
    data = json.loads((out / "invoice.json").read_text())
    assert data["file"] in ("invoice.txt", "invoice.docx")
    assert set(data) >= {"file", "fields", "confidence"}
    printed = capsys.readouterr()
    assert "empty.pdf: FAILED EmptyFile" in printed.out
    assert not (out / "empty.json").exists()


def test_extract_with_a_template_file(fixtures: Path, tmp_path: Path) -> None:
    template = {
        "name": "just totals",
        "templateSchema": {
            "type": "object",
            "properties": {"grand_total": {"type": "number", "description": "Total"}},
        },
        "instructions": "",
        "engine": {"mode": "local"},
    }
    tf = tmp_path / "t.json"
    tf.write_text(json.dumps(template))
    doc = tmp_path / "X1.txt"
    shutil.copy(fixtures / "invoice.txt", doc)
    assert (
        run(["extract", str(doc), "--template", str(tf), "--out", str(tmp_path), "--jobs", "1"])
        == 0
    )
    assert json.loads((tmp_path / "X1.json").read_text())["fields"] == {"grand_total": 74.4}


def test_invalid_template_file(
    tmp_path: Path, fixtures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tf = tmp_path / "bad.json"
    tf.write_text(
        json.dumps(
            {"name": "x", "templateSchema": {"type": "object", "properties": {"a": {"type": "x"}}}}
        )
    )
    assert (
        run(
            [
                "extract",
                str(fixtures / "invoice.txt"),
                "--template",
                str(tf),
                "--out",
                str(tmp_path),
            ]
        )
        == 2
    )
    assert "'a'" in capsys.readouterr().err


def test_unknown_template_name(fixtures: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="unknown template"):
        run(
            ["extract", str(fixtures / "invoice.txt"), "--template", "nope", "--out", str(tmp_path)]
        )


def test_parallel_pool(fixtures: Path, tmp_path: Path) -> None:
    files = [fixtures / "invoice.txt", fixtures / "invoice_text.pdf", fixtures / "invoice.docx"]
    for i, f in enumerate(files):
        shutil.copy(f, tmp_path / f"doc{i}{f.suffix}")
    code = run(
        [
            "extract",
            *[str(tmp_path / f"doc{i}{f.suffix}") for i, f in enumerate(files)],
            "--template",
            "invoice",
            "--out",
            str(tmp_path / "o"),
            "--jobs",
            "2",
        ]
    )
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "doc0.json",
        "doc1.json",
        "doc2.json",
    ]


def test_template_id_from_the_local_database(
    fixtures: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A template saved in this installation's database is usable by its id, with no server."""
    from core.db import session_scope
    from core.models import Organization, Template
    from core.schema import migrate
    from core.settings import Settings, get_settings

    monkeypatch.setenv("DOCBATCH_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    try:
        url = Settings().sqlalchemy_url
        migrate(url)  # an installation's database: `docbatch migrate` made its tables
        with session_scope(url) as session:
            session.add(Organization(id="org_cli", name="cli"))
            session.add(
                Template(
                    id="tpl_cli_totals",
                    org_id="org_cli",
                    name="totals",
                    template_schema={
                        "type": "object",
                        "properties": {"grand_total": {"type": "number", "description": "Total"}},
                    },
                )
            )
        doc = tmp_path / "X2.txt"
        shutil.copy(fixtures / "invoice.txt", doc)
        assert (
            run(
                [
                    "extract",
                    str(doc),
                    "--template",
                    "tpl_cli_totals",
                    "--out",
                    str(tmp_path),
                    "--jobs",
                    "1",
                ]
            )
            == 0
        )
        assert json.loads((tmp_path / "X2.json").read_text())["fields"] == {"grand_total": 74.4}
        with pytest.raises(SystemExit, match="not in the database"):
            run(["extract", str(doc), "--template", "tpl_missing", "--out", str(tmp_path)])
    finally:
        get_settings.cache_clear()
