"""A per-organisation ranker: the built-in examples plus the organisation's corrected documents.

``evaluate`` holds the organisation's documents out by document (k-fold): each fold's model is
trained on the built-in examples and the other folds' documents, then it and the built-in model
pick a candidate on the held-out documents. ``decide`` switches only when the organisation's
model picks more right values than the built-in one.

LightGBM's LambdaMART, as for the built-in model (``tools/train_ranker.py``): the same trees,
stored as JSON and evaluated in plain Python by ``extraction.ranker.model.Trees``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from extraction.learning.examples import Example, Row
from extraction.learning.memory import Entry, add
from extraction.ranker.model import Trees

PARAMS: dict[str, Any] = {
    "objective": "lambdarank",
    "n_estimators": 120,
    "learning_rate": 0.08,
    "num_leaves": 8,
    "min_child_samples": 5,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "random_state": 0,
    "verbose": -1,
    "n_jobs": 1,
}
#: the organisation's documents weigh as much as this share of the built-in ones (each is repeated)
ORG_SHARE = 0.3
MAX_REPEAT = 50

Picker = Callable[[Example, str], int | None]


def feature_names(examples: list[Example], name: str) -> list[str]:
    names: set[str] = set()
    for ex in examples:
        for feats, _ok in ex.fields.get(name, [])[:1]:
            names.update(feats)
    return sorted(names)


def fit(
    builtin: list[Example], org: list[Example], name: str, *, org_needed: bool = True
) -> Trees | None:
    """One field's trees; None when no organisation document has a right candidate for it
    (``org_needed=False``: fitted on the built-in examples alone then, for comparisons)."""
    import lightgbm as lgb
    import numpy as np

    useful = [ex for ex in org if any(ok for _f, ok in ex.fields.get(name, []))]
    base = [ex for ex in builtin if any(ok for _f, ok in ex.fields.get(name, []))]
    if (org_needed and not useful) or not (useful or base):
        return None
    repeat = max(1, min(MAX_REPEAT, round(ORG_SHARE * len(base) / max(1, len(useful)))))
    features = feature_names(base + useful, name)
    xs: list[list[float]] = []
    ys: list[int] = []
    groups: list[int] = []
    for ex, times in [(e, 1) for e in base] + [(e, repeat) for e in useful]:
        rows = ex.fields[name]
        for _ in range(times):
            xs += [[feats.get(f, 0.0) for f in features] for feats, _ok in rows]
            ys += [int(ok) for _f, ok in rows]
            groups.append(len(rows))
    # the native API (the scikit-learn wrapper would need scikit-learn at runtime);
    # the parameters' scikit-learn names are LightGBM aliases
    data = lgb.Dataset(np.array(xs, dtype=float), np.array(ys), group=groups, free_raw_data=True)
    booster = lgb.train(PARAMS, data)
    trees = [_flatten(t["tree_structure"]) for t in booster.dump_model()["tree_info"]]
    return Trees(features, 0.0, 1.0, trees)


def _flatten(
    root: dict[str, Any],
) -> tuple[list[int], list[float], list[int], list[int], list[float]]:
    """A LightGBM tree (nested dicts, '<=' splits) as the arrays ``Trees`` evaluates."""
    arrays: tuple[list[int], list[float], list[int], list[int], list[float]] = ([], [], [], [], [])
    feature, threshold, left, right, value = arrays

    def walk(node: dict[str, Any]) -> int:
        i = len(feature)
        feature.append(-2)
        threshold.append(-2.0)
        left.append(-1)
        right.append(-1)
        value.append(float(node.get("leaf_value", 0.0)))
        if "split_feature" in node:
            if node.get("decision_type", "<=") != "<=":
                raise ValueError(f"unsupported split {node.get('decision_type')}")
            feature[i] = int(node["split_feature"])
            threshold[i] = float(node["threshold"])
            left[i] = walk(node["left_child"])
            right[i] = walk(node["right_child"])
        return i

    walk(root)
    return arrays


def best(trees: Trees, rows: list[Row]) -> int | None:
    """The index of the candidate the trees score highest."""
    if not rows:
        return None
    scores = [trees.score(f) for f, _ok in rows]
    return max(range(len(rows)), key=lambda i: (scores[i], -i))


@dataclass
class Evaluation:
    """Held-out figures: per field, how many documents the built-in and the organisation's
    model (alone, and with the vendor memory) got right."""

    documents: int
    folds: int
    builtin: dict[str, int]
    learned: dict[str, int]
    with_memory: dict[str, int]
    tested: dict[str, int]

    @property
    def better(self) -> bool:
        return sum(self.learned.values()) > sum(self.builtin.values())

    def to_json(self) -> dict[str, Any]:
        def acc(hits: dict[str, int]) -> dict[str, float]:
            return {k: round(hits.get(k, 0) / n, 3) for k, n in self.tested.items() if n}

        return {
            "documents": self.documents,
            "folds": self.folds,
            "tested": self.tested,
            "builtin": acc(self.builtin),
            "learned": acc(self.learned),
            "withMemory": acc(self.with_memory),
            "builtinRight": sum(self.builtin.values()),
            "learnedRight": sum(self.learned.values()),
            "withMemoryRight": sum(self.with_memory.values()),
        }


@dataclass
class OrgDocument:
    """An organisation's reviewed document as training material."""

    example: Example
    memory: Entry
    #: the memory's pick per field when it is used (the candidate index), computed on demand
    recall_index: Callable[[list[Entry], str], int | None]


def evaluate(
    builtin: list[Example],
    docs: list[OrgDocument],
    builtin_trees: dict[str, Trees],
    fields: list[str],
    folds: int = 5,
) -> Evaluation:
    """k-fold over the organisation's documents (k = min(folds, documents))."""
    k = max(2, min(folds, len(docs)))
    tested = dict.fromkeys(fields, 0)
    base = dict.fromkeys(fields, 0)
    learned = dict.fromkeys(fields, 0)
    memory = dict.fromkeys(fields, 0)
    for fold in range(k):
        test = [d for i, d in enumerate(docs) if i % k == fold]
        train = [d for i, d in enumerate(docs) if i % k != fold]
        if not test:
            continue
        entries: list[Entry] = []
        for d in train:
            entries = add(entries, d.memory)
        for name in fields:
            trees = fit(builtin, [d.example for d in train], name) if train else None
            for d in test:
                rows = d.example.fields.get(name)
                if rows is None:
                    continue
                tested[name] += 1
                ref = builtin_trees.get(name)
                pick_base = best(ref, rows) if ref else None
                pick = best(trees, rows) if trees else pick_base
                base[name] += _ok(rows, pick_base)
                learned[name] += _ok(rows, pick)
                remembered = d.recall_index(entries, name)
                memory[name] += _ok(rows, remembered if remembered is not None else pick)
    return Evaluation(len(docs), k, base, learned, memory, tested)


def _ok(rows: list[Row], pick: int | None) -> int:
    return int(pick is not None and rows[pick][1])


def memory_of(docs: list[OrgDocument]) -> list[Entry]:
    entries: list[Entry] = []
    for d in docs:
        entries = add(entries, d.memory)
    return entries
