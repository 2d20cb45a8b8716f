"""Learning from corrections: vendor memory and a per-organisation ranker model.

The worker passes what an organisation's template learned through ``EngineOptions.learning``
(plain JSON, so it crosses the engine's process boundary): ``{"model": {"version", "fields"}
| None, "memory": [entries]}``. ``Learned`` is its parsed form; the ranker asks it for the trees
to score a field with and whether the vendor memory recognises one of the candidates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from extraction.document import Document
from extraction.learning.memory import Entry, recall
from extraction.ranker.candidates import Ranked
from extraction.ranker.model import Trees


@dataclass(frozen=True)
class Learned:
    version: str
    fields: dict[str, Trees]
    memory: list[Entry]

    def trees(self, name: str, builtin: Trees) -> Trees:
        """The organisation's trees for a ranked field, else the built-in ones."""
        return self.fields.get(name, builtin)

    def remembered(self, name: str, doc: Document, cands: list[Ranked]) -> Ranked | None:
        """The candidate a person confirmed on this layout before, if the memory finds one."""
        return recall(self.memory, doc, name, cands)


def load(payload: dict[str, Any] | None) -> Learned | None:
    """The parsed form of ``EngineOptions.learning`` (None when nothing was learned)."""
    if not payload:
        return None
    model = payload.get("model") or {}
    fields = {name: Trees.from_json(spec) for name, spec in (model.get("fields") or {}).items()}
    memory = [Entry.from_json(e) for e in payload.get("memory") or []]
    if not fields and not memory:
        return None
    return Learned(str(model.get("version", "")), fields, memory)


def pick(
    learned: Learned | None, name: str, doc: Document, trees: Trees, cands: list[Ranked]
) -> tuple[float, Ranked] | None:
    """The ranker's choice for one field with what was learned: the remembered candidate when the
    layout is known, else the best by the organisation's (or the built-in) trees."""
    use = learned.trees(name, trees) if learned else trees
    scored = [(use.score(c.features), c) for c in cands]
    if not scored:
        return None
    prob, chosen = max(scored, key=lambda pc: pc[0])
    memo = learned.remembered(name, doc, cands) if learned else None
    if memo is not None:
        return max(use.score(memo.features), 0.9), memo
    return prob, chosen
