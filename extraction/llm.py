"""The ``llm`` engine: any OpenAI-compatible chat-completions endpoint (OpenAI, Ollama, vLLM ...).

The document text goes out with the template's JSON Schema; the JSON answer is checked against
the schema (one corrective round trip when it is not). Rate limits, server errors and timeouts
raise TransientExtractionError so the caller (the Temporal activity) retries with back-off.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

import httpx

from core.net_guard import UrlRefused, check_url
from extraction.document import Document
from extraction.finders.locate import fold
from extraction.normalise import find_amounts, parse_amount
from extraction.schema_check import check_answer
from extraction.types import (
    EngineOptions,
    ExtractionError,
    FieldResult,
    TemplateSpec,
    TransientExtractionError,
)

log = logging.getLogger("docbatch.llm")

MAX_CHARS = 24_000  # of document text sent; invoices and receipts fit well within this
LLM_CONFIDENCE = 0.7  # the model gives no calibrated confidence; found verbatim on the page: higher


@dataclass(frozen=True)
class Endpoint:
    """Where the chat request goes. ``own`` is a template's own URL: guarded, never the operator's
    key."""

    base: str
    key: str
    model: str
    timeout: float
    own: bool = False
    allow_private: bool = False


def endpoint(template: TemplateSpec, options: EngineOptions) -> Endpoint:
    """The template's choice among the operator's endpoints, or its own URL with its own key
    only."""
    eng = template.engine or {}
    timeout = float(eng.get("timeout") or 120)
    name = eng.get("endpoint")
    if name:
        conf = options.llm_endpoints.get(str(name))
        if conf is None:
            raise ExtractionError(
                "InvalidTemplate",
                f"The template names the LLM endpoint '{name}', which this "
                "installation does not have (DOCBATCH_LLM_ENDPOINTS).",
            )
        base, key = str(conf.get("base_url") or ""), str(conf.get("api_key") or "")
        model = str(eng.get("model") or conf.get("model") or "")
        own = False
    elif eng.get("base_url"):
        base, key = (
            str(eng["base_url"]),
            str(eng.get("api_key") or ""),
        )  # the author's key, never the operator's
        model = str(eng.get("model") or options.llm_model or "")
        own = True
    else:
        base, key = options.llm_base_url, options.llm_api_key
        model = str(eng.get("model") or options.llm_model or "")
        own = False
    if not base or not model:
        raise ExtractionError(
            "InvalidTemplate",
            "The template uses the LLM engine but no endpoint is configured: "
            "set the base URL and model in the settings or the template's engine.",
        )
    return Endpoint(base.rstrip("/"), key, model, timeout, own, options.llm_allow_private)


def _post(ep: Endpoint, body: dict[str, Any], headers: dict[str, str]) -> httpx.Response:
    """POST to the endpoint; a template's own URL goes only to an address the guard checked."""
    url = f"{ep.base}/chat/completions"
    if not ep.own:
        return httpx.post(url, json=body, headers=headers, timeout=ep.timeout)
    try:
        target = check_url(url, ep.allow_private)
    except UrlRefused as exc:
        raise ExtractionError(
            "InvalidTemplate", f"The template's LLM URL is refused: {exc}"
        ) from None
    parsed = httpx.URL(url)
    host_header = parsed.netloc.decode("ascii").rsplit("@", 1)[-1]
    pinned = parsed.copy_with(host=target.addresses[0])
    extensions = {"sni_hostname": parsed.host} if parsed.scheme == "https" else {}
    with httpx.Client(timeout=ep.timeout, follow_redirects=False) as client:
        request = client.build_request(
            "POST",
            pinned,
            json=body,
            headers={**headers, "Host": host_header},
            extensions=extensions,
        )
        return client.send(request)


def sub_schema(schema: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    props = schema.get("properties", {})
    return {"type": "object", "properties": {k: props[k] for k in fields if k in props}}


def build_messages(
    doc: Document, template: TemplateSpec, fields: list[str]
) -> list[dict[str, str]]:
    schema = sub_schema(template.schema, fields)
    system = (
        "You extract data from business documents (invoices, receipts). Reply with ONE JSON object "
        "and nothing else. It must conform to this JSON Schema; each property's description says "
        "what to extract:\n" + json.dumps(schema, ensure_ascii=False) + "\n"
        "Rules: use null for a value that is not in the document; dates as YYYY-MM-DD; amounts as "
        "plain numbers without currency symbols or thousands separators; currency as an ISO 4217 "
        "code; copy names and identifiers exactly as printed."
    )
    if template.instructions:
        system += "\nInstructions for this template: " + template.instructions
    text = "\n\n".join(f"--- page {p.number} ---\n{p.text}" for p in doc.pages)
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS] + "\n[... truncated]"
    return [
        {"role": "system", "content": system},
        {"role": "user", "content": "Document:\n" + text},
    ]


def chat(ep: Endpoint, messages: list[dict[str, str]], json_mode: bool = True) -> str:
    """One chat-completions call. The endpoint's reply body is logged, never put in an error
    message: messages reach the caller, and a reply can carry anything the endpoint chose."""
    body: dict[str, Any] = {"model": ep.model, "messages": messages, "temperature": 0}
    if json_mode:
        body["response_format"] = {"type": "json_object"}
    headers = {"Authorization": f"Bearer {ep.key}"} if ep.key else {}
    where = "the template's LLM endpoint" if ep.own else "the LLM endpoint"
    try:
        resp = _post(ep, body, headers)
    except (httpx.TimeoutException, httpx.TransportError) as exc:
        raise TransientExtractionError(
            f"{where} did not answer ({exc.__class__.__name__})."
        ) from exc
    if resp.status_code >= 400:
        log.warning(
            "LLM endpoint %s answered HTTP %s: %.300s", ep.base, resp.status_code, resp.text
        )
    if resp.status_code == 429 or resp.status_code >= 500:
        raise TransientExtractionError(f"{where} answered HTTP {resp.status_code}; retrying later.")
    if resp.status_code == 400 and json_mode and "response_format" in resp.text:
        return chat(ep, messages, json_mode=False)
    if resp.status_code >= 400:
        raise ExtractionError(
            "LLMError",
            f"{where} refused the request (HTTP {resp.status_code}); "
            "check the endpoint, model and key.",
        )
    try:
        return str(resp.json()["choices"][0]["message"]["content"] or "")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        log.warning("LLM endpoint %s sent a non-chat answer: %.300s", ep.base, resp.text)
        raise TransientExtractionError(
            f"{where} sent an answer that is not chat-completions JSON."
        ) from exc


def parse_json(content: str) -> Any:
    s = content.strip()
    m = re.search(r"```(?:json)?\s*(.*?)```", s, re.DOTALL)
    if m:
        s = m.group(1)
    start, end = s.find("{"), s.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object in the answer")
    return json.loads(s[start : end + 1])


def locate(doc: Document, value: Any) -> tuple[int | None, list[float] | None]:
    """Where a value appears on the page, so the UI can show the LLM's answer too."""
    if isinstance(value, (list, dict)) or value is None:
        return None, None
    want_amount = parse_amount(value) if isinstance(value, (int, float)) else None
    needle = fold(str(value)).strip()
    for page in doc.pages:
        for line in page.lines:
            for seg in line.segments:
                hit = (
                    want_amount is not None
                    and any(a[0] == want_amount for a in find_amounts(seg.text))
                ) or (want_amount is None and len(needle) >= 3 and needle in fold(seg.text))
                if hit:
                    return page.number, page.fraction(seg.box)
    return None, None


def llm_fields(
    doc: Document, template: TemplateSpec, fields: list[str], options: EngineOptions
) -> dict[str, FieldResult]:
    ep = endpoint(template, options)
    messages = build_messages(doc, template, fields)
    errors: list[str] = []
    values: dict[str, Any] = {}
    for attempt in range(2):
        content = chat(ep, messages)
        try:
            answer = parse_json(content)
        except ValueError as exc:
            errors = [f"the answer is not JSON ({exc})"]
            answer = None
        if answer is not None:
            values, errors = check_answer(answer, template.schema, fields)
        if not errors:
            break
        if attempt == 0:  # one corrective round trip, then keep what conforms
            messages = messages + [
                {"role": "assistant", "content": content},
                {
                    "role": "user",
                    "content": "Your answer does not conform to the schema: "
                    + "; ".join(errors[:10])
                    + ". Reply again with only the corrected JSON object.",
                },
            ]
    if answer is None and not values:
        raise ExtractionError(
            "LLMError", f"The LLM did not return JSON for the template: {'; '.join(errors)}"
        )
    out: dict[str, FieldResult] = {}
    for name, value in values.items():
        page, box = locate(doc, value)
        conf = LLM_CONFIDENCE + (0.15 if page is not None else 0.0)
        out[name] = FieldResult(value, conf, page, box, source="llm")
    return out
