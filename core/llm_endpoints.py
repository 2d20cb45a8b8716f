"""Which LLM endpoints a template may use, checked when the template is saved.

The operator names endpoints (``DOCBATCH_LLM_ENDPOINTS``) and holds their keys; a template picks
one with ``engine.endpoint``. A template may instead bring its own ``engine.base_url`` (with its
own ``api_key``): that URL never receives an operator key, and its host must pass the same
address guard as webhooks (``core.net_guard``; ``DOCBATCH_LLM_ALLOW_PRIVATE`` opens private and
loopback hosts, metadata addresses never).
"""

from __future__ import annotations

from typing import Any

from core.net_guard import UrlRefused, check_url
from core.settings import Settings


def url_problem(url: str, allow_private: bool) -> str | None:
    """Why a template's own LLM URL may not be called, in words for the template's author."""
    try:
        check_url(url, allow_private)
    except UrlRefused as exc:
        text = str(exc).replace(
            "webhooks may not call it.", "a template's LLM engine may not call it."
        )
        return text.replace("DOCBATCH_WEBHOOK_ALLOW_PRIVATE", "DOCBATCH_LLM_ALLOW_PRIVATE")
    return None


def check_template_engine(settings: Settings, engine: Any) -> list[str]:
    """Problems with a template's engine settings against this installation's endpoints."""
    if not isinstance(engine, dict):
        return []
    errors: list[str] = []
    name = engine.get("endpoint")
    base = engine.get("base_url")
    if name is not None:
        known = ", ".join(sorted(settings.llm_endpoints)) or "none are configured"
        if name not in settings.llm_endpoints:
            errors.append(
                f"engine.endpoint: '{name}' is not an LLM endpoint of this installation "
                f"({known}; the operator sets DOCBATCH_LLM_ENDPOINTS)."
            )
        if base:
            errors.append(
                "engine: give either 'endpoint' (one the operator configured) or 'base_url' "
                "(your own, with your own api_key), not both."
            )
    if isinstance(base, str) and base.startswith(("http://", "https://")):
        problem = url_problem(base, settings.llm_allow_private)
        if problem:
            errors.append(f"engine.base_url: {problem}")
    return errors
