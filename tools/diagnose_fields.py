#!/usr/bin/env python3
"""Where field finding loses receipts: ``python tools/diagnose_fields.py [CORPUS_DIR]``.

Runs the same vendor-grouped k-fold as ``make train`` (the ranker fitted on the other vendors),
then lists every held-out miss per field: the label, the value chosen, whether the label's value
was among the candidates at all (a ranking miss) or not (a candidate or cleaning miss, with the
closest candidate), and whether the perfect transcription's candidates hold it (an OCR miss when
only those do). Dates (rules only) are listed with the printed date lines. The summary counts
how the closest candidate differs from the label (spacing, punctuation or characters) and, for
company and address, how many labels of repeat vendors spell the same text another way than
that vendor's other receipts (annotation noise no reader can match). Nothing is written.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import tools.train_ranker as tr


def closest(gold: str, values: list[str], field: str, scorer) -> tuple[str, float]:
    """The candidate nearest the label (normalised as the scorer compares)."""
    g = scorer.norm_text(gold)
    best, ratio = "", 0.0
    for v in values:
        r = difflib.SequenceMatcher(None, g, scorer.norm_text(v)).ratio()
        if r > ratio:
            best, ratio = v, r
    return best, ratio


def difference(gold: str, near: str) -> str:
    """How the closest candidate differs from the label: not at all (a ranking miss), only in
    spacing, only in punctuation (spaces included), or in letters and digits."""
    if gold.upper().split() == near.upper().split():
        return "none"
    if gold.replace(" ", "").upper() == near.replace(" ", "").upper():
        return "spacing"
    if re.sub(r"[\W_]", "", gold).upper() == re.sub(r"[\W_]", "", near).upper():
        return "punctuation"
    return "characters"


def label_disagreement(folder: Path, field: str) -> tuple[int, int]:
    """Receipts of vendors with several receipts whose labels for ``field`` name the same text
    (letters and digits) but spell it differently, against those receipts in all: the labels
    outside each vendor's most common spelling are ones no reader of the same print matches."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sorted(folder.glob("*.json")):
        label = json.loads(path.read_text(encoding="utf-8"))
        value = (label.get("fields") or {}).get(field) or ""
        vendor = (label.get("meta") or {}).get("vendor_key") or path.stem
        if value:
            key = re.sub(r"[\W_]", "", value).upper()
            groups[(vendor, key)].append(" ".join(value.upper().split()))
    repeated = [spellings for spellings in groups.values() if len(spellings) > 1]
    odd = sum(len(s) - Counter(s).most_common(1)[0][1] for s in repeated)
    return odd, sum(len(s) for s in repeated)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--fields", default="company,address,total,date")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write the misses as JSON lines to this file")
    args = ap.parse_args(argv)
    corpus = args.corpus.resolve()
    folder = corpus / "sroie"
    if not folder.is_dir():
        print(f"No receipts at {folder}: nothing to diagnose.")
        return 0
    scorer = tr.load_scorer(corpus)
    labels = sorted(str(p) for p in folder.glob("*.json"))
    jobs = [(p, str(corpus), False) for p in labels] + [(p, str(corpus), True) for p in labels]
    synthetic = [(p, str(corpus), False) for p in tr.synthetic_labels(tr.SYNTH_TRAIN)]
    with ProcessPoolExecutor(args.jobs) as pool:
        docs = list(pool.map(tr.doc_rows, jobs, chunksize=4))
        extra = list(pool.map(tr.doc_rows, synthetic, chunksize=4))
    gt_by_file = {d["file"]: d for d in docs if d["gt"]}
    tr.MISSES.clear()
    figures = tr.kfold(docs, args.folds, extra)  # the same training sets as make train's
    wanted = set(args.fields.split(","))
    out = []
    kinds: dict[str, Counter[str]] = {}
    ways: dict[str, Counter[str]] = {}
    for name, file, gold, picked, _rule in tr.MISSES:
        if name not in wanted:
            continue
        ocr = next(d for d in docs if not d["gt"] and d["file"] == file)
        values = ocr["fields"][name]["values"]
        rows = ocr["fields"][name]["rows"]
        in_cands = any(ok for _f, ok in rows)
        gt = gt_by_file.get(file, {}).get("fields", {}).get(name, {})
        in_gt = any(ok for _f, ok in gt.get("rows", []))
        near, ratio = closest(gold, values, name, scorer)
        kind = "ranking" if in_cands else ("ocr" if in_gt else "candidates")
        kinds.setdefault(name, Counter())[kind] += 1
        ways.setdefault(name, Counter())[f"{kind}/{difference(gold, near)}"] += 1
        out.append(
            {
                "field": name,
                "file": file,
                "kind": kind,
                "gold": gold,
                "picked": picked,
                "closest": near,
                "closest_ratio": round(ratio, 3),
            }
        )
    if "date" in wanted:
        for d in docs:
            if d["gt"] or d.get("date_ok", True):
                continue
            label = json.loads((folder / Path(d["file"]).with_suffix(".json").name).read_text())
            gt = gt_by_file.get(d["file"], {})
            kind = "ocr" if gt.get("date_ok") else "rules"
            kinds.setdefault("date", Counter())[kind] += 1
            out.append(
                {
                    "field": "date",
                    "file": d["file"],
                    "kind": kind,
                    "gold": label["fields"]["date"],
                    "picked": d.get("date_value", "?"),
                    "closest": "",
                    "closest_ratio": 0.0,
                }
            )
    for m in out:
        print(
            f"{m['field']:8s} {m['kind']:10s} {m['file']:18s} gold={m['gold']!r}\n"
            f"{'':38s} picked={m['picked']!r}\n"
            f"{'':38s} closest={m['closest']!r} ({m['closest_ratio']})"
        )
    print()
    for name, f in figures.items():
        print(
            f"{name:8s} ranker {f['ranker']:.3f} rules {f['rules']:.3f} "
            f"ceiling {f['ceiling']:.3f}  "
            f"misses: {dict(kinds.get(name, {}))}"
        )
        if name in ways:
            print(f"{'':8s} closest candidate differs in: {dict(sorted(ways[name].items()))}")
        if name in ("company", "address"):
            odd, repeated = label_disagreement(folder, name)
            print(
                f"{'':8s} labels spelt two ways for one vendor's same {name}: {odd} of the "
                f"{repeated} receipts of repeat vendors"
            )
    if "date" in kinds:
        print(f"date     misses: {dict(kinds['date'])}")
    if args.json:
        args.json.write_text(
            "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in out), encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
