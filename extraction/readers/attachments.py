"""Embedded invoice files (Factur-X, ZUGFeRD, XRechnung) of a PDF, unpacked in a child process.

pdfium inflates an attachment whole before it says how long it is, and a few hundred kilobytes
of PDF can inflate to a gigabyte. So the worker only lists names; when one looks like an invoice
file, a short-lived child process with a memory limit (RLIMIT_AS) and a time limit unpacks it.
A hostile file then fails alone (``ResourceLimit``) and the worker lives on.

Run as ``python -m extraction.readers.attachments MAX_BYTES INDEX...`` with the PDF on stdin.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys

from extraction.types import ExtractionError

MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024  # an invoice XML is a few hundred KB at most
CHILD_MEMORY_BYTES = (
    1024 * 1024 * 1024
)  # address space of the child (the interpreter needs ~200 MB)
CHILD_SECONDS = 60.0

INVOICE_XML_NAMES = (
    "factur-x.xml",
    "zugferd-invoice.xml",
    "zugferd_invoice.xml",
    "xrechnung.xml",
    "order-x.xml",
)


def wanted(name: str) -> bool:
    name = name.lower()
    return name in INVOICE_XML_NAMES or (name.endswith(".xml") and "invoice" in name)


def unpack(data: bytes, indexes: list[int]) -> dict[str, bytes]:
    """The attachments at ``indexes``, each at most MAX_ATTACHMENT_BYTES once inflated."""
    if not indexes:
        return {}
    command = [
        sys.executable,
        "-m",
        "extraction.readers.attachments",
        str(MAX_ATTACHMENT_BYTES),
        *map(str, indexes),
    ]
    try:
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=CHILD_SECONDS, check=False
        )
    except subprocess.TimeoutExpired:
        raise ExtractionError(
            "ResourceLimit",
            f"The PDF's embedded invoice file took longer than {CHILD_SECONDS:.0f} s to unpack.",
        ) from None
    if done.returncode != 0:
        raise ExtractionError(
            "ResourceLimit",
            "The PDF's embedded invoice file could not be unpacked within "
            f"{CHILD_MEMORY_BYTES // 1024 // 1024} MB of memory.",
        )
    answer = json.loads(done.stdout or b"{}")
    if "tooLarge" in answer:
        name, size = answer["tooLarge"], answer["size"]
        raise ExtractionError(
            "ResourceLimit",
            f"The PDF's embedded file {name} unpacks to "
            f"{size / 1024 / 1024:.0f} MB; the limit is "
            f"{MAX_ATTACHMENT_BYTES // 1024 // 1024} MB.",
        )
    return {name: base64.b64decode(value) for name, value in answer.get("files", {}).items()}


def _child(limit: int, indexes: list[int]) -> dict:
    import ctypes

    import pypdfium2
    import pypdfium2.raw as pdfium_c

    pdf = pypdfium2.PdfDocument(sys.stdin.buffer.read())
    files: dict[str, str] = {}
    for index in indexes:
        att = pdf.get_attachment(index)
        name = (att.get_name() or "").lower()
        size = ctypes.c_ulong()
        if not pdfium_c.FPDFAttachment_GetFile(att, None, 0, ctypes.byref(size)) and not size.value:
            continue  # a broken attachment must not spoil the visible page
        if size.value > limit:
            return {"tooLarge": name, "size": size.value}
        try:
            files[name] = base64.b64encode(bytes(att.get_data())).decode()
        except pypdfium2.PdfiumError:
            continue
    return {"files": files}


if __name__ == "__main__":
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.stdout.write(json.dumps(_child(int(sys.argv[1]), [int(i) for i in sys.argv[2:]])))
