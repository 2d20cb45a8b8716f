"""Embedded e-invoice XML (Factur-X / ZUGFeRD CII): when present, its values are exact."""

from __future__ import annotations

from typing import Any

from extraction.types import FieldResult, TemplateSpec


def fields_from_xml(attachments: dict[str, bytes], template: TemplateSpec) -> dict[str, FieldResult]:
    return {}
