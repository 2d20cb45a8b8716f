"""A synthetic batch for the benchmark and the streaming tests (no database needed)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from exporters.model import ExportBatch, ExportFile


def invoice_schema() -> dict[str, Any]:
    from extraction.builtin_templates import INVOICE_SCHEMA

    return INVOICE_SCHEMA


def synthetic_invoice_batch(
    n_files: int = 50, n_items: int = 10, n_failed: int = 0, n_pending: int = 0
) -> ExportBatch:
    """``n_files`` completed invoices with ``n_items`` line items each (plus failures/pending)."""
    t0 = datetime(2024, 5, 1, 9, 0, 0)
    results = []
    for i in range(n_files):
        items = [
            {
                "description": f"Item {j + 1} of invoice {i + 1}: Müller widget, size {j % 5}",
                "quantity": j + 1,
                "unit_price": round(9.99 + j * 1.25, 2),
                "amount": round((j + 1) * (9.99 + j * 1.25), 2),
            }
            for j in range(n_items)
        ]
        net = round(sum(it["amount"] for it in items), 2)
        results.append(
            ExportFile(
                fileId=f"file_{i:016x}",
                fileName=f"invoice-{i + 1:03d}.pdf",
                status="completed",
                fields={
                    "invoice_number": f"INV-2024-{i + 1:05d}",
                    "issue_date": f"2024-04-{i % 28 + 1:02d}",
                    "due_date": f"2024-05-{i % 28 + 1:02d}",
                    "seller_name": "Société Générale d'Équipement SARL",
                    "buyer_name": f"Kunde {i + 1} GmbH, Straße {i + 1}",
                    "currency": "EUR",
                    "net_total": net,
                    "tax_total": round(net * 0.2, 2),
                    "grand_total": round(net * 1.2, 2),
                    "iban": "DE89370400440532013000",
                    "line_items": items,
                },
                confidence={"invoice_number": 0.97, "grand_total": 0.91},
                pages=1 + i % 3,
                finishedAt=t0 + timedelta(seconds=30 * i),
            )
        )
    failures = [
        ExportFile(
            fileId=f"file_failed{i:08x}",
            fileName=f"scan-{i + 1}.tiff",
            status="failed",
            errorCode="unreadable",
            errorMessage="The image is too blurry to read.",
            finishedAt=t0,
        )
        for i in range(n_failed)
    ]
    pending = [
        ExportFile(fileId=f"file_pend{i:08x}", fileName=f"late-{i + 1}.pdf", status="queued")
        for i in range(n_pending)
    ]
    return ExportBatch(
        id="batch_00000000bench050",
        name=f"Invoices April 2024 ({n_files} files)",
        templateId="tpl_invoice",
        templateName="invoice",
        templateSchema=invoice_schema(),
        projectId="proj_bench",
        status="processing" if pending else "completed",
        totalFiles=n_files + n_failed + n_pending,
        completedFiles=n_files,
        failedFiles=n_failed,
        createdAt=t0,
        finishedAt=None if pending else t0 + timedelta(minutes=30),
        exportedAt=t0 + timedelta(hours=1),
        inProgress=bool(pending),
        results=results,
        failures=failures,
        pending=pending,
    )
