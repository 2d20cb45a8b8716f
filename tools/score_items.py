#!/usr/bin/env python3
"""Score extracted line items against labelled documents (score.py leaves list fields out).

Usage: python tools/score_items.py LABEL_DIR PRED_DIR [--show-misses N] [--json]

LABEL_DIR and PRED_DIR are laid out as for ``../shared/eval/score.py``. A label's items are
``fields.line_items`` with ``description`` (or ``name``), ``quantity``, ``unit_price`` and
``amount`` (or ``line_total``); documents without labelled items, or whose items carry no
amount, are skipped. Label and prediction rows are paired in order by their amount (a longest
common subsequence), so a row found twice or a totals line taken for an item costs precision,
a row missed costs recall.
For the paired rows, a description counts as right when it equals the label after score.py's
text normalisation with all whitespace collapsed; quantities and unit prices as numbers.

Prints per set: documents, the share whose row count is right, row recall and precision, and
the share of paired rows whose description, quantity and unit price are right.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any


def number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return abs(Decimal(str(value))).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def text(value: Any) -> str:
    s = unicodedata.normalize("NFKC", str(value or "")).casefold()
    return re.sub(r"\s+", " ", s).strip(" .,:;-_/|*#")


def label_rows(fields: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "description": row.get("description", row.get("name")),
            "quantity": row.get("quantity"),
            "unit_price": row.get("unit_price"),
            "amount": row.get("amount", row.get("line_total")),
        }
        for row in fields.get("line_items") or []
        if isinstance(row, dict)
    ]


def paired(labels: list[Decimal | None], preds: list[Decimal | None]) -> list[tuple[int, int]]:
    """Index pairs of the longest common subsequence of two amount lists."""
    n, m = len(labels), len(preds)
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            same = labels[i] is not None and labels[i] == preds[j]
            best[i][j] = best[i + 1][j + 1] + 1 if same else max(best[i + 1][j], best[i][j + 1])
    out, i, j = [], 0, 0
    while i < n and j < m:
        if labels[i] is not None and labels[i] == preds[j]:
            out.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return out


@dataclass
class Tally:
    documents: int = 0
    right_count: int = 0
    labelled: int = 0
    predicted: int = 0
    matched: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PARTS, 0))
    checked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(PARTS, 0))
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float | None]:
        out: dict[str, float | None] = {
            "documents": self.documents,
            "row_count_right": self.right_count / max(1, self.documents),
            "row_recall": self.matched / max(1, self.labelled),
            "row_precision": self.matched / max(1, self.predicted),
        }
        out.update({p: self.right[p] / self.checked[p] if self.checked[p] else None for p in PARTS})
        return out


PARTS = ("description", "quantity", "unit_price")


def score_document(tally: Tally, name: str, labels: list[dict], preds: list[dict]) -> None:
    tally.documents += 1
    tally.right_count += len(labels) == len(preds)
    tally.labelled += len(labels)
    tally.predicted += len(preds)
    pairs = paired([number(r["amount"]) for r in labels], [number(r.get("amount")) for r in preds])
    tally.matched += len(pairs)
    if len(pairs) < max(len(labels), len(preds)):
        tally.misses.append(
            f"{name}: {len(labels)} labelled, {len(preds)} found, {len(pairs)} paired"
        )
    for i, j in pairs:
        label, pred = labels[i], preds[j]
        for part in PARTS:
            if label.get(part) in (None, ""):
                continue
            tally.checked[part] += 1
            if part == "description":
                ok = text(label[part]) == text(pred.get(part))
                if not ok:
                    tally.misses.append(
                        f"{name} row {i + 1}: {label[part]!r} -> {pred.get(part)!r}"
                    )
            else:
                ok = number(label[part]) == number(pred.get(part))
            tally.right[part] += ok


def prediction(pred_dir: Path, label_path: Path, file_name: str) -> dict[str, Any]:
    for candidate in (Path(file_name).with_suffix(".json").name, f"{label_path.stem}.json"):
        path = pred_dir / candidate
        if path.is_file():
            data = json.loads(path.read_text())
            return data.get("fields", data) if isinstance(data, dict) else {}
    return {}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("label_dir", type=Path)
    ap.add_argument("pred_dir", type=Path)
    ap.add_argument("--show-misses", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    tally = Tally()
    for label_path in sorted(args.label_dir.glob("*.json")):
        label = json.loads(label_path.read_text())
        if not isinstance(label, dict) or "fields" not in label:
            continue
        labels = label_rows(label["fields"])
        if not any(number(row["amount"]) is not None for row in labels):
            continue  # no rows, or rows without amounts: nothing to pair them by
        pred = prediction(args.pred_dir, label_path, label.get("file", label_path.name))
        rows = [r for r in pred.get("line_items") or [] if isinstance(r, dict)]
        score_document(tally, label.get("file", label_path.name), labels, rows)
    figures = tally.figures()
    if args.json:
        print(json.dumps(figures))
        return 0
    for miss in tally.misses[: args.show_misses]:
        print("miss:", miss)
    shown = {k: "n/a" if v is None else f"{v:.3f}" for k, v in figures.items()}
    print(
        f"documents {tally.documents}  row count right {shown['row_count_right']}  "
        f"rows: recall {shown['row_recall']} precision {shown['row_precision']}  "
        + "  ".join(f"{p} {shown[p]}" for p in PARTS)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
