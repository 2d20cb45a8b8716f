"""``docbatch extract FILE... --template NAME|ID|FILE.json [--out DIR]``: the engine with no server.

Writes one JSON per document named after it (X1.jpg -> X1.json) holding
``{"file", "fields", "confidence"}`` plus per-field details, and prints one line per file.
Documents run in a process pool (one worker per core) so OCR uses every core.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any


def load_template(ref: str) -> dict[str, Any]:
    """A built-in name, a stored template id, or a JSON file
    {name, templateSchema, instructions, engine}."""
    from extraction import BUILTIN_TEMPLATES

    if ref in BUILTIN_TEMPLATES:
        return BUILTIN_TEMPLATES[ref]
    path = Path(ref)
    if path.is_file():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SystemExit(f"error: cannot read template {ref}: {exc}") from exc
        if not isinstance(data, dict):
            raise SystemExit(f"error: template {ref} must be a JSON object")
        return data
    if ref.startswith("tpl_"):
        stored = _template_from_database(ref)
        if stored:
            return stored
        raise SystemExit(
            f"error: template {ref} is not in the database at DOCBATCH_DATABASE_URL / "
            "DOCBATCH_DATA_DIR; check the id with GET /templates/{orgId}"
        )
    raise SystemExit(
        f"error: unknown template '{ref}': use a built-in name "
        f"({', '.join(sorted(BUILTIN_TEMPLATES))}), "
        "a template id (tpl_…) from this installation's database, or a JSON file"
    )


def _template_from_database(template_id: str) -> dict[str, Any] | None:
    """A template saved through the API, read from the configured database (no server needed)."""
    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlmodel import Session

    from core import access
    from core.db import get_engine
    from core.secret_box import unseal_engine
    from core.settings import get_settings

    with Session(get_engine(get_settings().sqlalchemy_url)) as session:
        try:
            row = access.operator_template(session, template_id)
        except (OperationalError, ProgrammingError):  # no installation here (tables never migrated)
            return None
        if row is None:
            return None
        return {
            "name": row.name,
            "templateSchema": row.template_schema,
            "instructions": row.instructions,
            "engine": unseal_engine(get_settings(), row.engine),
        }


def _options():
    from core.settings import get_settings
    from extraction import EngineOptions

    return EngineOptions(**get_settings().engine_option_values())


def process_one(file: str, template: dict[str, Any], out_dir: str) -> dict[str, Any]:
    """Run in a worker process: extract one file, write its JSON, return a summary."""
    from extraction import ExtractionError, TransientExtractionError, extract_file
    from extraction.templates import template_from_dict

    started = time.perf_counter()
    path = Path(file)
    summary: dict[str, Any] = {"file": path.name}
    try:
        result = extract_file(path, template_from_dict(template), options=_options())
    except ExtractionError as err:
        summary.update(ok=False, code=err.code, message=err.message)
        return summary
    except TransientExtractionError as err:
        summary.update(ok=False, code="TransientExtractionError", message=str(err))
        return summary
    except Exception as err:  # an engine bug: report it with the file, keep going
        summary.update(ok=False, code="EngineError", message=f"{type(err).__name__}: {err}")
        return summary
    data = result.to_dict()
    record = {
        "file": path.name,
        "fields": data["fields"],
        "confidence": data["confidence"],
        "details": data["details"],
        "pages": data["pages"],
        "engine": data["engine"],
    }
    target = Path(out_dir) / (path.stem + ".json")
    target.write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
    summary.update(
        ok=True,
        fields=len(data["fields"]),
        pages=result.pages,
        seconds=round(time.perf_counter() - started, 3),
        out=str(target),
    )
    return summary


def run(args: argparse.Namespace) -> int:
    template = load_template(args.template)
    from extraction import validate_template

    errors = validate_template(
        template.get("templateSchema", template.get("schema")), template.get("engine")
    )
    if errors:
        print("error: the template is invalid:", *errors, sep="\n  ", file=sys.stderr)
        return 2
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = [str(f) for f in args.files]
    missing = [f for f in files if not Path(f).is_file()]
    for f in missing:
        print(f"{Path(f).name}: FAILED NotFound: no such file", file=sys.stderr)
    files = [f for f in files if f not in missing]
    stems = [Path(f).stem for f in files]
    if len(set(stems)) != len(stems):
        print(
            "warning: several files share a name stem; their JSON outputs overwrite each other",
            file=sys.stderr,
        )
    workers = max(1, min(args.jobs or (os.cpu_count() or 1), len(files) or 1))
    results: list[dict[str, Any]] = []
    if workers == 1:
        for f in files:
            results.append(_report(process_one(f, template, str(out_dir))))
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(process_one, f, template, str(out_dir)) for f in files]
            for fut in as_completed(futures):
                results.append(_report(fut.result()))
    failed = [r for r in results if not r["ok"]]
    print(
        f"{len(results) - len(failed)} extracted, {len(failed) + len(missing)} failed; "
        f"JSON in {out_dir}"
    )
    for r in failed:
        print(f"  {r['file']}: {r['code']}: {r['message']}", file=sys.stderr)
    return 1 if failed or missing else 0


def _report(r: dict[str, Any]) -> dict[str, Any]:
    if r["ok"]:
        print(
            f"{r['file']}: {r['fields']} fields, {r['pages']} page(s), {r['seconds']:.2f}s",
            flush=True,
        )
    else:
        print(f"{r['file']}: FAILED {r['code']}: {r['message']}", flush=True)
    return r


def register(subparsers: Any) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "extract",
        help="extract fields from documents with no server",
        description=__doc__.split("\n\n")[0],
    )
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    p.add_argument(
        "--template",
        "-t",
        required=True,
        help="built-in template name, a template id (tpl_…) of this installation, "
        "or a template JSON file",
    )
    p.add_argument(
        "--out", "-o", default=".", help="directory for the JSON results (default: current)"
    )
    p.add_argument(
        "--jobs", "-j", type=int, default=0, help="parallel processes (default: one per core)"
    )
    p.set_defaults(func=run)
    return p


def main(argv: list[str] | None = None) -> int:
    """Stand-alone entry point (``python -m cli.extract``) until cli.main wires it."""
    parser = argparse.ArgumentParser(prog="docbatch")
    sub = parser.add_subparsers(dest="command", required=True)
    register(sub)
    args = parser.parse_args(["extract", *(argv if argv is not None else sys.argv[1:])])
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
