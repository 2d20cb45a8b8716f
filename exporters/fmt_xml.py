"""XML (lxml): well-formed UTF-8, validated by ``exporters/docbatch-export.xsd``.

Field names are never used as element names: every field is ``<field name="…" type="…">`` so
any name works (``1st total/€`` included). ``type`` is the value's JSON type (string, number,
integer, boolean, null, list, object) or ``lineItems``. Line items are ``<item index="1">``
elements holding ``<field>`` elements; list values hold ``<value type="…">`` elements; object
values hold ``<field>`` elements. Characters XML 1.0 cannot carry (C0 controls) become U+FFFD.
Written with ``lxml.etree.xmlfile``, one ``<document>`` at a time, so the export streams.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from exporters.common import (
    FieldSpec,
    clean_text,
    field_specs,
    fmt_time,
    in_progress_notice,
    item_columns,
    number_text,
    typed_field,
    value_type,
)
from exporters.model import ExportBatch, ExportFile
from exporters.registry import Exporter, register

FORMAT_VERSION = "1"


class _Sink:
    """A file-like object lxml writes into; the generator drains it between documents."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.parts.append(bytes(data))

    def drain(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _text(el: etree._Element, value: str) -> None:
    el.text = clean_text(value)


def _set(el: etree._Element, key: str, value: str) -> None:
    el.set(key, clean_text(value))


def _value_into(el: etree._Element, value: Any) -> None:
    """Write a typed value into ``el`` (a <field> or <value>) and set its ``type``."""
    t = value_type(value)
    _set(el, "type", t)
    if value is None:
        return
    if t == "boolean":
        el.text = "true" if value else "false"
    elif t in ("integer", "number"):
        el.text = number_text(value)
    elif t == "string":
        _text(el, value)
    elif t == "list":
        for v in value:
            _value_into(etree.SubElement(el, "value"), v)
    elif t == "object":
        for k, v in value.items():
            sub = etree.SubElement(el, "field")
            _set(sub, "name", str(k))
            _value_into(sub, v)


def _field_element(
    parent: etree._Element, spec: FieldSpec, raw: Any, confidence: float | None
) -> None:
    el = etree.SubElement(parent, "field")
    _set(el, "name", spec.name)
    value = typed_field(spec, raw)
    if spec.is_line_items and isinstance(value, list):
        el.set("type", "lineItems")
        if confidence is not None:
            el.set("confidence", repr(float(confidence)))
        cols = item_columns(spec, value)
        for i, item in enumerate(value, start=1):
            it = etree.SubElement(el, "item")
            it.set("index", str(i))
            if isinstance(item, dict):
                for c in cols:
                    if c.name in item:
                        sub = etree.SubElement(it, "field")
                        _set(sub, "name", c.name)
                        _value_into(sub, item[c.name])
            else:
                sub = etree.SubElement(it, "value")
                _value_into(sub, item)
        return
    _value_into(el, value)
    if confidence is not None:
        el.set("confidence", repr(float(confidence)))


def _simple(parent: etree._Element, tag: str, text: str | None) -> None:
    el = etree.SubElement(parent, tag)
    if text:
        _text(el, text)


def _batch_element(batch: ExportBatch) -> etree._Element:
    b = etree.Element("batch")
    _simple(b, "id", batch.id)
    _simple(b, "name", batch.name)
    _simple(b, "projectId", batch.projectId)
    _simple(b, "status", batch.status)
    _simple(b, "inProgress", "true" if batch.inProgress else "false")
    notice = in_progress_notice(batch)
    if notice:
        _simple(b, "notice", notice)
    _simple(b, "createdAt", fmt_time(batch.createdAt))
    if batch.finishedAt is not None:
        _simple(b, "finishedAt", fmt_time(batch.finishedAt))
    _simple(b, "exportedAt", fmt_time(batch.exportedAt))
    _simple(b, "totalFiles", str(batch.totalFiles))
    _simple(b, "completedFiles", str(batch.completedFiles))
    _simple(b, "failedFiles", str(batch.failedFiles))
    _simple(b, "pendingFiles", str(len(batch.pending)))
    return b


def _template_element(batch: ExportBatch, specs: list[FieldSpec]) -> etree._Element:
    t = etree.Element("template")
    _set(t, "id", batch.templateId)
    _set(t, "name", batch.templateName)
    for s in specs:
        f = etree.SubElement(t, "fieldDef")
        _set(f, "name", s.name)
        f.set("type", s.kind)
        if s.format:
            _set(f, "format", s.format)
        for c in s.columns:
            col = etree.SubElement(f, "column")
            _set(col, "name", c.name)
            _set(col, "type", c.type or "any")
            if c.format:
                _set(col, "format", c.format)
    return t


def _file_attrs(el: etree._Element, f: ExportFile) -> None:
    _set(el, "fileId", f.fileId)
    _set(el, "fileName", f.fileName)


def _document(f: ExportFile, specs: list[FieldSpec]) -> etree._Element:
    d = etree.Element("document")
    _file_attrs(d, f)
    if f.pages is not None:
        d.set("pages", str(f.pages))
    if f.finishedAt is not None:
        d.set("finishedAt", fmt_time(f.finishedAt))
    d.set("needsReview", "true" if f.needsReview else "false")
    d.set("reviewed", "true" if f.reviewed else "false")
    for s in specs:
        _field_element(d, s, f.fields.get(s.name), f.confidence.get(s.name))
        if s.name in f.corrected:
            d[-1].set("corrected", "true")
    return d


def _failure(f: ExportFile) -> etree._Element:
    d = etree.Element("failure")
    _file_attrs(d, f)
    if f.errorCode:
        _set(d, "errorCode", f.errorCode)
    if f.finishedAt is not None:
        d.set("finishedAt", fmt_time(f.finishedAt))
    _simple(d, "reason", f.errorMessage or f.errorCode or "failed (no reason recorded)")
    return d


def _pending(f: ExportFile) -> etree._Element:
    d = etree.Element("pendingFile")
    _file_attrs(d, f)
    _set(d, "status", f.status)
    return d


def render(batch: ExportBatch, **_options: object) -> Iterator[bytes]:
    specs = field_specs(batch.templateSchema)
    sink = _Sink()
    with etree.xmlfile(sink, encoding="utf-8") as xf:
        xf.write_declaration()
        with xf.element("export", {"format": "docbatch-export", "formatVersion": FORMAT_VERSION}):
            xf.write("\n")
            xf.write(_batch_element(batch), pretty_print=True)
            xf.write(_template_element(batch, specs), pretty_print=True)
            with xf.element("results", {"count": str(len(batch.results))}):
                xf.write("\n")
                for f in batch.results:
                    xf.write(_document(f, specs), pretty_print=True)
                    xf.flush()
                    yield sink.drain()
            xf.write("\n")
            with xf.element("failures", {"count": str(len(batch.failures))}):
                xf.write("\n")
                for f in batch.failures:
                    xf.write(_failure(f), pretty_print=True)
            xf.write("\n")
            with xf.element("pending", {"count": str(len(batch.pending))}):
                xf.write("\n")
                for f in batch.pending:
                    xf.write(_pending(f), pretty_print=True)
            xf.write("\n")
    sink.parts.append(b"\n")
    data = sink.drain()
    if data:
        yield data


register(Exporter(format="xml", media_type="application/xml", extension="xml", render=render))
