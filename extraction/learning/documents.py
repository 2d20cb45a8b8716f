"""A reviewed document as training material: its candidates labelled by the values a person
confirmed or corrected, and the vendor-memory entry those values make."""

from __future__ import annotations

from typing import Any

from extraction.document import Document
from extraction.finders.concepts import field_spec
from extraction.learning.examples import Example
from extraction.learning.matching import labels
from extraction.learning.memory import Entry, recall, remember
from extraction.learning.train import OrgDocument
from extraction.ranker import RANKED, applies, document_candidates
from extraction.ranker.candidates import Ranked
from extraction.types import TemplateSpec


def ranked_names(template: TemplateSpec) -> dict[str, str]:
    """Template field -> ranked field, for the template's fields the ranker can rank."""
    out = {}
    for name, schema in template.schema.get("properties", {}).items():
        spec = field_spec(name, schema if isinstance(schema, dict) else {})
        if spec.pattern is None and spec.concept in RANKED:
            out[name] = RANKED[spec.concept]
    return out


def org_document(
    doc_id: str,
    doc: Document,
    template: TemplateSpec,
    values: dict[str, Any],
    boxes: dict[str, list[float] | None] | None = None,
) -> OrgDocument | None:
    """``values``: the reviewed document's effective values by template field (corrections win).
    None when the ranker does not read this kind of document (it ranks OCR-read pages)."""
    from extraction.finders.fields import Finder

    props = template.schema.get("properties", {})
    specs = [field_spec(n, s if isinstance(s, dict) else {}) for n, s in props.items()]
    finder = Finder(doc, specs)
    if not applies(finder):
        return None
    cands = document_candidates(finder)
    page = doc.pages[0]
    example = Example(doc_id)
    chosen: dict[str, Ranked] = {}
    for field, ranked in ranked_names(template).items():
        if values.get(field) in (None, ""):
            continue
        found = cands.get(ranked, [])
        ok = labels(
            ranked, found, values[field], (boxes or {}).get(field), (page.width, page.height)
        )
        example.fields[ranked] = [(c.features, good) for c, good in zip(found, ok)]
        right = [c for c, good in zip(found, ok) if good]
        if right:
            chosen[ranked] = right[0]
    entry = remember(doc, chosen)

    def recall_index(entries: list[Entry], name: str) -> int | None:
        hit = recall(entries, doc, name, cands.get(name, []))
        return None if hit is None else next(i for i, c in enumerate(cands[name]) if c is hit)

    return OrgDocument(example, entry, recall_index)
