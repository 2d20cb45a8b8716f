#!/usr/bin/env bash
# What a newcomer cares about, measured afresh: lines per layer, JSON routes that name a response
# model in /openapi.json, places outside core/access.py that write the access rule, lint and
# type-check status. Usage: tools/codebase_facts.sh [checkout]  (uses the checkout's .venv)
set -u
cd "${1:-.}"
echo "== lines per layer (python, product code)"
for d in api services core workflows activities extraction exporters cli; do
  printf "%-12s %6s\n" "$d/" "$( [ -d $d ] && find $d -name "*.py" | xargs cat | wc -l || echo 0)"
done
echo "== routes with a response model (JSON routes in the OpenAPI schema)"
.venv/bin/python - <<'PY'
from api.app import create_app
from core.settings import Settings
spec = create_app(Settings(database_url="sqlite://")).openapi()
ops = [(m.upper(), p, op) for p, item in spec["paths"].items() for m, op in item.items()]
def typed(op):
    for code, r in op.get("responses", {}).items():
        if code.startswith("2"):
            for media, c in r.get("content", {}).items():
                if media == "application/json" and "$ref" in str(c.get("schema")):
                    return True
    return False
def json_route(op):  # a download (a binary file in several types) is not a JSON answer
    return any(media == "application/json" and len(r.get("content", {})) == 1
               for code, r in op.get("responses", {}).items()
               if code.startswith("2") for media, c in r.get("content", {}).items())
jr = [o for o in ops if json_route(o[2])]
print(f"{len(ops)} operations in /openapi.json, {len(jr)} answer JSON; "
      f"{sum(typed(o[2]) for o in jr)} of those name a response model")
for m, p, op in jr:
    if not typed(op): print("   untyped:", m, p)
PY
echo "== places the access rule (org / deleted / project) is written outside core/access.py"
grep -rnE "deleted_at(\.is_\(None\)| is None| is not None)|\.org_id (==|!=) |principal\.project_id" \
  --include=*.py api services cli core workflows activities exporters 2>/dev/null \
  | grep -v "^core/access.py" | tee /dev/stderr | wc -l
echo "== lines over 100 characters (ruff E501), ruff check, ruff format --check, mypy"
.venv/bin/ruff check --select E501 . 2>&1 | grep -E "^Found|^All checks"
.venv/bin/ruff check . 2>&1 | grep -E "^Found|^All checks"
.venv/bin/ruff format --check . 2>&1 | tail -n 1
if grep -q "tool.mypy" pyproject.toml; then .venv/bin/mypy 2>&1 | tail -n 1; else .venv/bin/mypy --strict core workflows api 2>&1 | tail -n 1; fi
