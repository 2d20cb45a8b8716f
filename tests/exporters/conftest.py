"""Sample export batches for the format tests: hostile values, a failure, an in-progress batch."""

from __future__ import annotations

from datetime import datetime

import pytest

from exporters.model import ExportBatch, ExportFile

HOSTILE_SCHEMA = {
    "type": "object",
    "properties": {
        "invoice_number": {"type": "string"},
        "seller_name": {"type": "string"},
        "notes": {"type": "string"},
        "issue_date": {"type": "string", "format": "date"},
        "1st total/€": {"type": "number"},
        "formula": {"type": "string"},
        "paid": {"type": "boolean"},
        "line_items": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "description": {"type": "string"},
                    "quantity": {"type": "number"},
                    "amount": {"type": "number"},
                },
            },
        },
    },
}

THAI = "ใบเสร็จรับเงิน"
CHINESE = "发票"
GERMAN = "Müller & Söhne GmbH, Straße"
FRENCH = "Société Générale, reçu façonné"
QUOTED = 'He said "hi", <b>bold</b> & more'
MULTILINE = "line one\nline two, with comma\nline three"
EMOJI = "Paid ✅ 🎉"


def _dt(h: int) -> datetime:
    return datetime(2024, 5, 1, h, 30, 15, 250000)


def make_batch(in_progress: bool = False) -> ExportBatch:
    results = [
        ExportFile(
            fileId="file_hostile01",
            fileName='receipt "one", <1>.pdf',
            status="completed",
            fields={
                "invoice_number": "INV-001",
                "seller_name": QUOTED,
                "notes": MULTILINE,
                "issue_date": "2024-04-30",
                "1st total/€": 1234.5,
                "formula": '=HYPERLINK("http://x")',
                "paid": True,
                "line_items": [
                    {"description": THAI, "quantity": 2, "amount": 10.25},
                    {"description": CHINESE + " " + EMOJI, "quantity": "3", "amount": -4.5},
                    {"description": "+SUM(A1)", "quantity": 1, "amount": 0},
                ],
            },
            confidence={"invoice_number": 0.98, "1st total/€": 0.75},
            pages=2,
            finishedAt=_dt(10),
        ),
        ExportFile(
            fileId="file_hostile02",
            fileName=f"{THAI}.png",
            status="completed",
            fields={
                "invoice_number": "@INV-002",
                "seller_name": GERMAN,
                "notes": FRENCH,
                "issue_date": None,
                "1st total/€": "99.90",
                "formula": "-cmd|' /C calc'!A0",
                "paid": False,
                "line_items": [],
            },
            pages=1,
            finishedAt=_dt(11),
        ),
        ExportFile(
            fileId="file_hostile03",
            fileName=f"{CHINESE}-scan.pdf",
            status="completed",
            fields={
                "invoice_number": "INV-003",
                "seller_name": f"{CHINESE} {THAI}",
                "notes": EMOJI,
                "1st total/€": -12.5,
                "formula": "+1+1",
                "line_items": [{"description": 'Tab\tand "quotes"', "quantity": 1.5, "amount": 3}],
            },
            pages=1,
            finishedAt=_dt(12),
        ),
    ]
    failures = [
        ExportFile(
            fileId="file_failed01",
            fileName="broken & <bad>.pdf",
            status="failed",
            errorCode="unreadable",
            errorMessage='The file could not be read: "corrupt" <xref> & trailer',
            finishedAt=_dt(13),
        )
    ]
    pending = []
    if in_progress:
        pending = [
            ExportFile(fileId="file_pending01", fileName="later-1.pdf", status="processing"),
            ExportFile(fileId="file_pending02", fileName="later-2.pdf", status="queued"),
        ]
    return ExportBatch(
        id="batch_0123456789abcdef",
        name=f'Q2 {GERMAN} / "{THAI}" {CHINESE} <batch>',
        templateId="tpl_hostile",
        templateName="Hostile invoice ✓",
        templateSchema=HOSTILE_SCHEMA,
        projectId="proj_1",
        status="processing" if in_progress else "completed",
        totalFiles=len(results) + len(failures) + len(pending),
        completedFiles=len(results),
        failedFiles=len(failures),
        createdAt=_dt(9),
        finishedAt=None if in_progress else _dt(14),
        exportedAt=_dt(15),
        inProgress=in_progress,
        results=results,
        failures=failures,
        pending=pending,
    )


@pytest.fixture
def batch() -> ExportBatch:
    return make_batch()


@pytest.fixture
def partial_batch() -> ExportBatch:
    return make_batch(in_progress=True)
