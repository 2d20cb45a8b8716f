"""The first export of a batch imports only its own format (issue 13: pandas, python-docx and
WeasyPrint cost about half a second to import; a JSON download must not pay for them)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import sys
from exporters.registry import get_exporter
from tests.exporters.samples import synthetic_invoice_batch
assert b"".join(get_exporter("json").render(synthetic_invoice_batch(2, 2)))
print(sorted(m for m in ("pandas", "docx", "weasyprint", "exporters.fmt_csv") if m in sys.modules))
assert get_exporter("csv") is not None and get_exporter("CSV") is get_exporter("csv")
print(sorted(m for m in ("pandas", "docx") if m in sys.modules))
# a name that is no format is refused (and only then is every format loaded, for the 400's list)
assert (
    get_exporter("exe") is None
    and get_exporter("../json") is None
    and get_exporter("registry") is None
)
"""


def test_json_export_imports_no_other_format() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    first, after = out.stdout.splitlines()
    assert first == "[]"  # nothing of csv, docx or pdf loaded for a JSON export
    assert after == "[]"  # getting the CSV exporter does not import pandas either: rendering does
