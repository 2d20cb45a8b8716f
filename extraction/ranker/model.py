"""The shipped field ranker: gradient-boosted trees, stored as JSON, evaluated in plain Python.

``make train`` fits one model per ranked field on the corpus (``tools/train_ranker.py``) and
writes ``model.json`` beside this module with its version, training data attribution and
cross-validated figures. Inference needs no machine-learning library: a few hundred small trees
over a few dozen candidates take a few milliseconds per document (candidates and scoring
together: 24 ms per receipt, against 5 ms for the rules alone).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).with_name("model.json")


@dataclass(frozen=True)
class Trees:
    """One field's boosted trees: log-odds = init + rate * sum(leaf values)."""

    features: list[str]
    init: float
    rate: float
    trees: list[tuple[list[int], list[float], list[int], list[int], list[float]]]

    def score(self, feats: dict[str, float]) -> float:
        """Probability that a candidate with these features is the field's value."""
        x = [float(feats.get(name, 0.0)) for name in self.features]
        total = self.init
        for feature, threshold, left, right, value in self.trees:
            node = 0
            while left[node] >= 0:
                node = left[node] if x[feature[node]] <= threshold[node] else right[node]
            total += self.rate * value[node]
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, total))))

    def to_json(self) -> dict[str, Any]:
        return {
            "features": self.features,
            "init": self.init,
            "rate": self.rate,
            "trees": [list(t) for t in self.trees],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Trees:
        trees = [
            (list(t[0]), list(t[1]), list(t[2]), list(t[3]), list(t[4])) for t in data["trees"]
        ]
        return cls(list(data["features"]), float(data["init"]), float(data["rate"]), trees)


@dataclass(frozen=True)
class RankerModel:
    version: str
    fields: dict[str, Trees]
    meta: dict[str, Any]


def load_model(path: Path = MODEL_PATH) -> RankerModel | None:
    """The model file, or None when none was trained (the rules then decide alone)."""
    return _load(str(path))


@lru_cache(maxsize=4)
def _load(path: str) -> RankerModel | None:
    p = Path(path)
    if not p.is_file():
        return None
    data = json.loads(p.read_text(encoding="utf-8"))
    fields = {name: Trees.from_json(spec) for name, spec in data.get("fields", {}).items()}
    meta = {k: v for k, v in data.items() if k != "fields"}
    return RankerModel(str(data.get("version", "")), fields, meta)
