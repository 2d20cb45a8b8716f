#!/usr/bin/env python3
"""Train the field ranker on the corpus receipts: ``make train`` (``python tools/train_ranker.py``).

Every receipt is read the way the engine reads it (OCR, cached in ~/.cache/docbatch/ocr), its
candidates are labelled by the corpus scorer's own comparison, and one small gradient-boosted
model per field is fitted. Before the final fit, a vendor-grouped k-fold (no vendor in two folds)
prints what the ranker gets right on vendors it never saw, next to the rules alone and to the
share of documents where any candidate was right (the ceiling the candidates allow).
The perfect transcriptions (``*.ocr-gt.csv``) are added as extra training documents of the same
vendor, never as test documents.

Synthetic receipts from other countries (``tools/synth_receipts.py``, US mostly, photo damage,
seed ranges ``SYNTH_TRAIN``, plain and ``--hard``) join every training set too, never a test
set: the corpus is Malaysian only, and without them the ranker had never seen a suite line or a
Canadian or UK postcode. Their names, streets and towns are drawn from syllables, so they teach
layouts, not strings. After the k-fold, the fitted ranker is scored on the held-out seed ranges
``SYNTH_HELD_OUT`` (plain and hard); see the README for the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import math
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extraction.builtin_templates import RECEIPT_SCHEMA
from extraction.ranker.model import MODEL_PATH, Trees

FIELDS = {
    "company": "company",
    "address": "address",
    "total": "total",
}  # ranked field -> label name
# LambdaMART ranks each receipt's candidates together; in the vendor-grouped k-fold it beat a
# pointwise boosted classifier (scikit-learn) on company, address and total, which did not beat
# the rules on company and address. Override for experiments with DOCBATCH_LGBM_PARAMS (JSON).
LGBM_PARAMS = {
    "objective": "lambdarank",
    "n_estimators": 200,
    "learning_rate": 0.05,
    "num_leaves": 8,
    "min_child_samples": 5,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "random_state": 0,
    "verbose": -1,
    # a few thousand rows per fit: OpenMP threads only wait for each other on a shared machine
    # (the whole dry run 75 s -> 12 s with the documents read, same figures)
    "num_threads": 1,
}
LGBM_PARAMS.update(json.loads(os.environ.get("DOCBATCH_LGBM_PARAMS", "{}")))
ATTRIBUTION = [
    "SROIE 2019 scanned receipts "
    "(Huang et al., ICDAR 2019, doi:10.1109/ICDAR.2019.00244), CC BY 4.0",
]
# seed ranges of synthetic receipts ('hard:' for synth_receipts.py's --hard ones: till lines,
# photo damage)
SYNTH_TRAIN = ("20000-20299", "hard:21000-21299")  # added to every training set
SYNTH_HELD_OUT = ("9500-9599", "hard:9600-9699")  # scored after the fit, never trained on
SYNTH_CACHE = Path(os.environ.get("DOCBATCH_SYNTH_CACHE", Path.home() / ".cache" / "docbatch"))


def synthetic_labels(specs: tuple[str, ...]) -> list[str]:
    """Label files of the synthetic receipts of the seed ranges ``specs``, drawn once into a
    cache folder."""
    from tools import synth_receipts

    labels: list[str] = []
    for spec in specs:
        hard = spec.startswith("hard:")
        seeds = spec.removeprefix("hard:")
        kind = "hard-" if hard else ""
        folder = SYNTH_CACHE / f"synth-{kind}{seeds}-{synth_receipts.VERSION}"
        if not (folder / ".complete").exists():
            synth_receipts.make(folder, seeds, hard)
            (folder / ".complete").touch()
        labels += sorted(str(p) for p in folder.glob("*.json"))
    return labels


def load_scorer(corpus: Path):
    path = corpus.parent / "eval" / "score.py"
    spec = importlib.util.spec_from_file_location("score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"No scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def doc_rows(args: tuple[str, str, bool]) -> dict:
    """Candidates, labels and the rules' answers for one document (runs in a worker process)."""
    label_path, corpus, use_gt = args
    from extraction.finders.concepts import field_spec
    from extraction.finders.fields import Finder, find_fields
    from extraction.ranker import document_candidates
    from extraction.types import TemplateSpec
    from tools.corpus_docs import gt_document, ocr_document

    scorer = load_scorer(Path(corpus))
    label = json.loads(Path(label_path).read_text(encoding="utf-8"))
    folder = Path(label_path).parent
    image = folder / label["file"]
    if use_gt:
        meta = label["meta"]["image"]
        doc = gt_document(image.with_suffix(".ocr-gt.csv"), meta["width"], meta["height"])
    else:
        doc = ocr_document(image)
    template = TemplateSpec("receipt", RECEIPT_SCHEMA)
    specs = [field_spec(n, s) for n, s in RECEIPT_SCHEMA["properties"].items()]
    finder = Finder(doc, specs)
    cands = document_candidates(finder)
    rules = find_fields(doc, template, use_ranker=False)
    out = {
        "vendor": label["meta"].get("vendor_key") or label["file"],
        "gt": use_gt,
        "file": label["file"],
        "fields": {},
    }
    for name, label_name in FIELDS.items():
        gold = label["fields"].get(label_name)
        if not gold:
            continue
        found = cands.get(name, [])
        rows = [(c.features, bool(scorer.same(label_name, gold, c.value))) for c in found]
        rule_value = rules[label_name].value if label_name in rules else None
        out["fields"][name] = {
            "rows": rows,
            "rules_ok": bool(scorer.same(label_name, gold, rule_value)),
            "values": [str(c.value) for c in found],
            "gold": str(gold),
            "rule_value": str(rule_value),
        }
    gold = label["fields"].get("date")
    if gold:
        out["date_value"] = str(rules["date"].value) if "date" in rules else ""
        out["date_ok"] = bool(
            scorer.same("date", gold, rules["date"].value if "date" in rules else None)
        )
    return out


def fit(docs: list[dict], name: str, features: list[str]) -> Trees:
    """LightGBM's LambdaMART: trees fitted to rank each document's right candidate first."""
    import lightgbm as lgb
    import numpy as np

    xs, ys, groups = [], [], []
    for d in docs:
        rows = d["fields"].get(name, {}).get("rows", [])
        if not rows or not any(ok for _f, ok in rows):
            continue  # nothing to learn from a document whose candidates are all wrong
        xs += [[feats.get(f, 0.0) for f in features] for feats, _ok in rows]
        ys += [int(ok) for _f, ok in rows]
        groups.append(len(rows))
    x, y = np.array(xs, dtype=float), np.array(ys)
    # the native API (the scikit-learn wrapper would need scikit-learn); its parameter aliases
    # take the same names as the wrapper's
    booster = lgb.train(LGBM_PARAMS, lgb.Dataset(x, y, group=groups, params={"verbose": -1}))
    trees = [_flatten(t["tree_structure"]) for t in booster.dump_model()["tree_info"]]
    model = Trees(features, 0.0, 1.0, trees)
    raw = booster.predict(x[:50])
    assert all(
        abs(r - math.log(m / (1 - m))) < 1e-4
        for r, m in zip(raw, [model.score(dict(zip(features, row))) for row in x[:50]])
        if 0 < m < 1
    )
    return model


def _flatten(root: dict) -> tuple[list[int], list[float], list[int], list[int], list[float]]:
    """A LightGBM tree (nested dicts, '<=' splits) as the arrays ``Trees`` evaluates."""
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []

    def add(node: dict) -> int:
        i = len(feature)
        feature.append(-2)
        threshold.append(-2.0)
        left.append(-1)
        right.append(-1)
        value.append(float(node.get("leaf_value", 0.0)))
        if "split_feature" in node:
            assert node.get("decision_type", "<=") == "<=", node.get("decision_type")
            feature[i] = int(node["split_feature"])
            threshold[i] = float(node["threshold"])
            left[i] = add(node["left_child"])
            right[i] = add(node["right_child"])
        return i

    add(root)
    return feature, threshold, left, right, value


MISSES: list[tuple[str, str, str, str, str]] = []


def best_index(model: Trees, doc: dict, name: str) -> int | None:
    rows = doc["fields"][name]["rows"]
    if not rows:
        return None
    return max(range(len(rows)), key=lambda i: model.score(rows[i][0]))


def pick_ok(models: dict[str, Trees], doc: dict, name: str) -> bool:
    """Whether the engine's answer is right: the ranker's pick, with the address and the company
    settled by the same rules as at inference (``settled_address``, ``settled_company``)."""
    field = doc["fields"][name]
    best = best_index(models[name], doc, name)
    if best is None:
        MISSES.append((name, doc["file"], field["gold"], "(no candidate)", field["rule_value"]))
        return False
    if name == "address":
        from extraction.ranker.address import settled_address
        from extraction.ranker.candidates import settled_company

        company = ""
        if "company" in models and "company" in doc["fields"]:
            names = doc["fields"]["company"]
            pick = best_index(models["company"], doc, "company")
            if pick is not None:
                pick = settled_company(pick, names["values"], [r[0] for r in names["rows"]])
                company = names["values"][pick]
        best = settled_address(best, field["values"], company)
    if name == "company":
        from extraction.ranker.candidates import settled_company

        best = settled_company(best, field["values"], [r[0] for r in field["rows"]])
    if not field["rows"][best][1]:
        MISSES.append(
            (name, doc["file"], field["gold"], field["values"][best], field["rule_value"])
        )
    return field["rows"][best][1]


def kfold(
    docs: list[dict], folds: int, extra: list[dict] | None = None
) -> dict[str, dict[str, float]]:
    """Vendor-grouped k-fold: accuracy per field on vendors held out of training (``extra``
    documents join every training set and no test set)."""
    extra = extra or []
    vendors = sorted(
        {d["vendor"] for d in docs}, key=lambda v: hashlib.sha256(v.encode()).hexdigest()
    )
    fold_of = {v: i % folds for i, v in enumerate(vendors)}
    features = {name: feature_names(docs + extra, name) for name in FIELDS}
    tally = {name: {"hits": 0, "rules": 0, "ceiling": 0, "n": 0, "folds": []} for name in FIELDS}
    for k in range(folds):
        models = {
            name: fit(
                [d for d in docs if fold_of[d["vendor"]] != k and name in d["fields"]]
                + [d for d in extra if name in d["fields"]],
                name,
                features[name],
            )
            for name in FIELDS
        }
        for name in FIELDS:
            test = [
                d for d in docs if fold_of[d["vendor"]] == k and not d["gt"] and name in d["fields"]
            ]
            ok = [pick_ok(models, d, name) for d in test]
            t = tally[name]
            t["folds"].append(round(sum(ok) / max(1, len(ok)), 3))
            t["hits"] += sum(ok)
            t["rules"] += sum(d["fields"][name]["rules_ok"] for d in test)
            t["ceiling"] += sum(any(r[1] for r in d["fields"][name]["rows"]) for d in test)
            t["n"] += len(test)
    return {
        name: {
            "ranker": t["hits"] / t["n"],
            "rules": t["rules"] / t["n"],
            "ceiling": t["ceiling"] / t["n"],
            "documents": t["n"],
            "folds": t["folds"],
        }
        for name, t in tally.items()
    }


def held_out_figures(models: dict[str, Trees], held: list[dict]) -> dict[str, dict[str, float]]:
    """Per field: the fitted ranker scored on the ``held`` documents."""
    result: dict[str, dict[str, float]] = {}
    for name in models:
        test = [d for d in held if name in d["fields"]]
        if not test:
            continue
        result[name] = {
            "ranker": sum(pick_ok(models, d, name) for d in test) / len(test),
            "rules": sum(d["fields"][name]["rules_ok"] for d in test) / len(test),
            "ceiling": sum(any(r[1] for r in d["fields"][name]["rows"]) for d in test) / len(test),
            "documents": len(test),
        }
    return result


def feature_names(docs: list[dict], name: str) -> list[str]:
    names: set[str] = set()
    for d in docs:
        for feats, _ok in d["fields"].get(name, {}).get("rows", [])[:1]:
            names.update(feats)
    drop = tuple(
        filter(None, os.environ.get("DOCBATCH_RANKER_DROP", "").split(","))
    )  # for ablations
    return sorted(n for n in names if not (drop and n.startswith(drop)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--no-gt", action="store_true", help="train on OCR readings only")
    ap.add_argument(
        "--gt-only",
        action="store_true",
        help="train and test on the perfect transcriptions only (fast, no OCR; for diagnosis)",
    )
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument(
        "--show-misses",
        type=int,
        default=0,
        metavar="N",
        help="list N held-out misses: field | file | label | ranker's value | rules' value",
    )
    ap.add_argument(
        "--no-synthetic",
        action="store_true",
        help="train on the corpus only (no synthetic receipts from other countries)",
    )
    ap.add_argument(
        "--dry-run", action="store_true", help="print the k-fold figures, write nothing"
    )
    args = ap.parse_args(argv)
    folder = args.corpus.resolve() / "sroie"
    if not folder.is_dir():
        print(
            f"No receipts at {folder}: nothing to train on "
            "(the corpus is not part of the repository)."
        )
        return 0
    labels = sorted(str(p) for p in folder.glob("*.json"))
    corpus = str(args.corpus.resolve())
    jobs = [] if args.gt_only else [(p, corpus, False) for p in labels]
    if not args.no_gt:
        jobs += [(p, corpus, True) for p in labels]
    synthetic = [] if args.no_synthetic else synthetic_labels(SYNTH_TRAIN)
    held_out = synthetic_labels(SYNTH_HELD_OUT)
    with ProcessPoolExecutor(args.jobs) as pool:
        docs = list(pool.map(doc_rows, jobs, chunksize=4))
        extra = list(pool.map(doc_rows, [(p, corpus, False) for p in synthetic], chunksize=4))
        held = list(pool.map(doc_rows, [(p, corpus, False) for p in held_out], chunksize=4))
    if args.gt_only:
        for d in docs:
            d["gt"] = False
    figures = kfold(docs, args.folds, extra)
    print(
        f"vendor-grouped {args.folds}-fold on {folder} (accuracy on held-out vendors' OCR readings)"
    )
    print(f"  {'field':10s} {'ranker':>7s} {'rules':>7s} {'ceiling':>8s} {'docs':>5s}  per fold")
    for name, f in figures.items():
        print(
            f"  {name:10s} {f['ranker']:7.3f} {f['rules']:7.3f} {f['ceiling']:8.3f} "
            f"{f['documents']:5d}  {f['folds']}"
        )
    tested = [d for d in docs if not d["gt"]]
    dates = [d["date_ok"] for d in tested if "date_ok" in d]
    hits = sum(f["ranker"] * f["documents"] for f in figures.values()) + sum(dates)
    n = sum(f["documents"] for f in figures.values()) + len(dates)
    print(f"  {'date':10s} {sum(dates) / max(1, len(dates)):7.3f} (rules only, nothing fitted)")
    print(f"  {'overall':10s} {hits / max(1, n):7.3f} (the engine on held-out vendors, {n} fields)")
    for miss in MISSES[: args.show_misses]:
        print("miss:", " | ".join(miss))
    if synthetic:
        print(
            f"  with {len(extra)} synthetic receipts (seeds {', '.join(SYNTH_TRAIN)}) "
            "in every training set"
        )
    docs = docs + extra
    fitted = {
        name: fit([d for d in docs if name in d["fields"]], name, feature_names(docs, name))
        for name in FIELDS
    }
    synthetic_figures = held_out_figures(fitted, held)
    for name, f in synthetic_figures.items():
        print(
            f"  held-out synthetic receipts ({', '.join(SYNTH_HELD_OUT)}): "
            f"{name} {f['ranker']:.3f}, "
            f"rules {f['rules']:.3f}, ceiling {f['ceiling']:.3f} ({f['documents']} receipts)"
        )
    if args.dry_run:
        return 0
    # a field keeps the rules when the ranker does worse than them on held-out vendors; on a tie
    # the ranker stays, since per-organisation learning (extraction/learning) builds on it
    models = {
        name: m for name, m in fitted.items() if figures[name]["ranker"] >= figures[name]["rules"]
    }
    today = dt.date.today().isoformat()
    body = {
        "version": f"ranker-{today}-{len(docs)}docs",
        "trained": today,
        "training_data": ATTRIBUTION
        + (
            [f"synthetic receipts drawn by tools/synth_receipts.py ({', '.join(SYNTH_TRAIN)})"]
            if synthetic
            else []
        ),
        "documents": len(labels),
        "synthetic_documents": len(extra),
        "kfold": {"folds": args.folds, "grouped_by": "meta.vendor_key", "figures": figures},
        "synthetic": {
            "trained_on_seeds": list(SYNTH_TRAIN) if synthetic else None,
            "held_out_seeds": list(SYNTH_HELD_OUT),
            "held_out_figures": synthetic_figures,
        },
        "rules_kept_for": [name for name in FIELDS if name not in models],
        "fields": {name: m.to_json() for name, m in models.items()},
    }
    args.out.write_text(json.dumps(body, separators=(",", ":")) + "\n", encoding="utf-8")
    print(
        f"wrote {args.out} ({args.out.stat().st_size // 1024} KB): "
        f"ranker for {', '.join(models) or 'no field'}"
        f"; rules kept for {', '.join(body['rules_kept_for']) or 'no field'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
