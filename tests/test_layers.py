"""The structure docs/ARCHITECTURE.md promises, checked on the code itself.

The layers point one way (read from every module's imports), every JSON route names a
response model in /openapi.json with the product's camelCase field names, and the workflow's
non-retryable errors come from the vocabulary.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from api.app import create_app
from core.settings import Settings
from workflows.batch import PERMANENT_ERRORS
from workflows.vocabulary import ErrorCode

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ("api", "services", "core", "workflows", "activities", "exporters", "extraction", "cli")


def imports_of(path: Path) -> set[str]:
    """Every module an import statement in ``path`` names (at any depth, lazy imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def modules(folder: str) -> dict[str, set[str]]:
    return {
        str(p.relative_to(ROOT)): imports_of(p)
        for p in sorted((ROOT / folder).rglob("*.py"))
        if "__pycache__" not in p.parts
    }


def offenders(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    pattern = re.compile(r"^(" + "|".join(re.escape(f) for f in forbidden) + r")(\.|$)")
    return [
        f"{path} imports {name}"
        for path, names in modules(folder).items()
        for name in sorted(names)
        if pattern.match(name)
    ]


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        # deterministic code only: nothing that does I/O or belongs to a caller
        ("workflows", ("core", "services", "api", "activities", "exporters", "extraction", "cli")),
        # foundations: no operation, no HTTP layer, no side-effect code, no exporter
        ("core", ("services", "api", "activities", "cli", "exporters")),
        ("services", ("api", "activities", "cli", "fastapi", "starlette")),
        ("exporters", ("services", "api", "activities", "cli")),
        ("extraction", ("services", "api", "activities", "cli", "workflows", "fastapi")),
        # the HTTP layer reaches the workflows through core.temporal, never through activities
        ("api", ("activities", "cli")),
    ],
)
def test_the_layers_point_one_way(folder: str, forbidden: tuple[str, ...]) -> None:
    assert offenders(folder, forbidden) == []


def test_route_modules_do_not_import_each_other() -> None:
    wrong = [
        f"{path} imports {name}"
        for path, names in modules("api/routes").items()
        for name in names
        if name.startswith("api.routes.")
    ]
    assert wrong == []


def test_no_sql_in_routes() -> None:
    """Routes parse, call one operation and shape the answer: queries live in services/."""
    sql = re.compile(r"(?<![.\w])(select|update|delete)\(|session\.(exec|execute|get|add|commit)\(")
    wrong = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in sorted((ROOT / "api" / "routes").glob("*.py"))
        if p.name != "ws.py"  # the WebSocket's own watcher is the next one to move (issue 11)
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if sql.search(line)
    ]
    assert wrong == []


def openapi() -> dict:  # type: ignore[type-arg]
    return create_app(Settings(database_url="sqlite://")).openapi()


def json_answers(spec: dict) -> list[tuple[str, dict]]:  # type: ignore[type-arg]
    out = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            for code, response in op.get("responses", {}).items():
                media = response.get("content", {})
                content = media.get("application/json")
                download = len(media) > 1  # an export: a file in the asked format, not a model
                if code.startswith("2") and content and not download:
                    out.append((f"{method.upper()} {path}", content.get("schema", {})))
    return out


#: Routes another change owns; remove an entry once its route names a model.
NOT_YET: set[str] = set()


def test_every_json_route_names_a_response_model() -> None:
    answers = json_answers(openapi())
    assert len(answers) > 25
    untyped = [route for route, schema in answers if "$ref" not in str(schema)]
    assert sorted(set(untyped) - NOT_YET) == []


def test_answers_use_camel_case_field_names() -> None:
    spec = openapi()
    schemas = spec["components"]["schemas"]
    todo = [str(schema) for _, schema in json_answers(spec)]
    referenced: set[str] = set()
    while todo:  # every model an answer names, and the models inside those
        for ref in re.findall(r"'\$ref': '#/components/schemas/([^']+)'", todo.pop()):
            if ref not in referenced:
                referenced.add(ref)
                todo.append(str(schemas[ref]))
    assert {"BatchPublic", "FilePublic", "TemplatePublic"} <= referenced
    snake = [
        f"{name}.{field}"
        for name in sorted(referenced)
        for field in schemas[name].get("properties", {})
        if "_" in field
    ]
    assert snake == []


def test_the_workflows_permanent_errors_come_from_the_vocabulary() -> None:
    assert PERMANENT_ERRORS == [code.value for code in ErrorCode if code.permanent]
    for code in ("CorruptFile", "EncryptedFile", "ResourceLimit", "SupersededAttempt"):
        assert code in PERMANENT_ERRORS
    for code in ("TransientExtractionError", "EngineError", "Cancelled"):
        assert code not in PERMANENT_ERRORS
