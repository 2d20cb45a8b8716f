"""Retrain for one organisation's template: evaluate, then keep or switch (no database here).

``learn`` takes the organisation's reviewed documents (``documents.org_document``) and returns
the held-out figures, the new vendor memory and, when it beat the built-in model on documents it
did not see, the organisation's model to switch to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from extraction.learning.examples import Example, builtin_examples
from extraction.learning.train import Evaluation, OrgDocument, evaluate, fit, memory_of
from extraction.ranker.model import load_model

RANKED_FIELDS = ("company", "address", "total")
#: fewer reviewed documents than this: nothing to hold out, the built-in model stays
MIN_DOCUMENTS = 3


@dataclass
class Outcome:
    evaluation: Evaluation | None
    memory: list[dict[str, Any]]
    model: dict[str, Any] | None = None  # {"fields": {name: trees}}; set only when it switches
    notes: list[str] = field(default_factory=list)

    @property
    def switch(self) -> bool:
        return self.model is not None


def learn(
    docs: list[OrgDocument], *, builtin: list[Example] | None = None, folds: int = 5
) -> Outcome:
    """Evaluate an organisation model against the built-in one, held out by document."""
    memory = [e.to_json() for e in memory_of(docs)]
    shipped = load_model()
    if len(docs) < MIN_DOCUMENTS or shipped is None:
        return Outcome(
            None, memory, None, [f"{len(docs)} reviewed documents; {MIN_DOCUMENTS} needed"]
        )
    base = builtin_examples() if builtin is None else builtin
    fields = [f for f in RANKED_FIELDS if any(f in d.example.fields for d in docs)]
    evaluation = evaluate(base, docs, shipped.fields, fields, folds)
    if not evaluation.better:
        return Outcome(evaluation, memory, None, ["the built-in model was as good or better"])
    trees = {}
    for name in fields:
        fitted = fit(base, [d.example for d in docs], name)
        if fitted is not None:
            trees[name] = fitted.to_json()
    return Outcome(evaluation, memory, {"fields": trees})
