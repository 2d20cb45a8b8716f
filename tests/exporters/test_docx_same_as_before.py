"""The DOCX exporter writes body rows as XML fragments for speed (issue 13): its document must be
byte for byte what the previous python-docx-only exporter (kept in bench/baseline) wrote."""

from __future__ import annotations

import io
import zipfile

import pytest

from bench.baseline.docx_v1 import build_docx as build_docx_v1
from exporters.fmt_docx import build_docx
from tests.exporters.conftest import make_batch
from tests.exporters.samples import synthetic_invoice_batch


def _document_xml(data: bytes) -> bytes:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")


def _odd_batch():
    """No items, a non-dict item, tabs, CR, control characters, spaces to preserve, a wide
    template."""
    b = make_batch(in_progress=True)
    many = {f"field {i}": {"type": "string"} for i in range(11)}
    schema = {"type": "object", "properties": {**b.templateSchema["properties"], **many}}
    b = b.model_copy(update={"templateSchema": schema})
    b.results[0].fields.update({f"field {i}": f" v\t{i}\r\x01 " for i in range(11)})
    b.results[0].fields["line_items"] = []
    b.results[1].fields["line_items"] = ["plain string item", {"description": "  padded  "}]
    return b


@pytest.mark.parametrize(
    "make",
    [
        lambda: synthetic_invoice_batch(4, 3, n_failed=2, n_pending=2),
        make_batch,
        lambda: make_batch(in_progress=True),
        _odd_batch,
    ],
    ids=["synthetic", "hostile", "partial", "odd"],
)
def test_docx_document_identical_to_previous_exporter(make):
    batch = make()
    assert _document_xml(build_docx(batch)) == _document_xml(build_docx_v1(batch))
