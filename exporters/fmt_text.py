"""Plain text: aligned for a terminal or an e-mail (UTF-8). Streams one document at a time.

Alignment counts display columns, not code points: East Asian wide characters take two
columns, combining marks (Thai vowels and tone marks) none. Values on several lines are
indented under their first line. Control characters other than newline are shown as U+FFFD.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

from exporters.common import (
    clean_text,
    display_text,
    failure_reason,
    field_specs,
    in_progress_notice,
    item_columns,
    rechunk,
    summary_items,
    typed_field,
)
from exporters.model import ExportBatch
from exporters.registry import Exporter, register

RULE = 78
MAX_COL = 40  # item table columns wider than this are wrapped


def width(s: str) -> int:
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def pad(s: str, n: int, right: bool = False) -> str:
    fill = " " * max(0, n - width(s))
    return fill + s if right else s + fill


def _clean(s: str) -> str:
    return clean_text(s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    "))


def _wrap(s: str, n: int) -> list[str]:
    """Split text into lines of at most ``n`` display columns (hard wrap, keeps every char)."""
    out: list[str] = []
    for line in s.split("\n"):
        cur, w = "", 0
        for ch in line:
            cw = width(ch)
            if w + cw > n and cur:
                out.append(cur)
                cur, w = "", 0
            cur += ch
            w += cw
        out.append(cur)
    return out or [""]


def _kv(label: str, value: str, lw: int, indent: str = "") -> Iterator[str]:
    lines = _clean(value).split("\n")
    yield f"{indent}{pad(label, lw)} : {lines[0]}".rstrip() + "\n"
    for more in lines[1:]:
        yield f"{indent}{' ' * lw}   {more}\n"


def _table(
    headers: list[str], numeric: list[bool], rows: list[list[str]], indent: str
) -> Iterator[str]:
    cols = len(headers)
    wrapped = [[_wrap(_clean(c), MAX_COL) for c in r] for r in rows]
    widths = [width(h) for h in headers]
    for r in wrapped:
        for i, cell in enumerate(r):
            widths[i] = max(widths[i], *(width(x) for x in cell))
    sep = "  "
    yield (
        indent
        + sep.join(pad(h, widths[i], numeric[i]) for i, h in enumerate(headers)).rstrip()
        + "\n"
    )
    yield indent + sep.join("-" * widths[i] for i in range(cols)) + "\n"
    for r in wrapped:
        height = max(len(c) for c in r)
        for k in range(height):
            parts = [
                pad(c[k] if k < len(c) else "", widths[i], numeric[i]) for i, c in enumerate(r)
            ]
            yield indent + sep.join(parts).rstrip() + "\n"


def iter_text(batch: ExportBatch) -> Iterator[str]:
    specs = field_specs(batch.templateSchema)
    title = _clean(batch.name).replace("\n", " ")
    yield title + "\n" + "=" * max(3, min(RULE, width(title))) + "\n"
    yield _clean(f"docbatch combined export · template “{batch.templateName}”") + "\n\n"
    notice = in_progress_notice(batch)
    if notice:
        yield "!! " + notice + "\n\n"
    summary = summary_items(batch)
    lw = max(width(k) for k, _ in summary)
    for k, v in summary:
        yield from _kv(k, v, lw)

    yield f"\n\nRESULTS ({len(batch.results)})\n" + "=" * RULE + "\n"
    if not batch.results:
        yield "No file has finished yet.\n"
    scalar_w = max((width(s.name) for s in specs if not s.is_line_items), default=0)
    for i, f in enumerate(batch.results, start=1):
        yield "\n[%d] %s\n" % (i, _clean(f.fileName).replace("\n", " "))
        meta = f"    file id {f.fileId}"
        if f.pages is not None:
            meta += f" · {f.pages} page(s)"
        yield meta + "\n" + "    " + "-" * (RULE - 4) + "\n"
        for s in specs:
            raw = f.fields.get(s.name)
            if s.is_line_items and (raw is None or isinstance(raw, list)):
                items = typed_field(s, raw) or []
                yield f"    {s.name}: {len(items)} item(s)\n"
                if items:
                    cols = item_columns(s, items)
                    headers = ["#"] + [c.name for c in cols]
                    numeric = [True] + [c.type in ("number", "integer") for c in cols]
                    rows = []
                    for j, it in enumerate(items, start=1):
                        if isinstance(it, dict):
                            rows.append(
                                [str(j)] + [display_text(it.get(c.name), c.type) for c in cols]
                            )
                        else:
                            rows.append([str(j), display_text(it)] + [""] * (len(cols) - 1))
                    yield from _table(headers, numeric, rows, indent="      ")
            else:
                yield from _kv(s.name, display_text(raw, s.type, s.format), scalar_w, indent="    ")

    yield f"\n\nFAILED FILES ({len(batch.failures)})\n" + "=" * RULE + "\n"
    if not batch.failures:
        yield "No file failed.\n"
    for i, f in enumerate(batch.failures, start=1):
        yield "[%d] %s\n    file id %s\n" % (i, _clean(f.fileName).replace("\n", " "), f.fileId)
        yield from _kv("reason", failure_reason(f), 6, indent="    ")

    if batch.pending:
        yield (
            f"\n\nPENDING FILES ({len(batch.pending)}): "
            "not finished when exported, not in the results\n"
        )
        yield "=" * RULE + "\n"
        for i, f in enumerate(batch.pending, start=1):
            yield f"[{i}] {_clean(f.fileName)}  ({f.status}, file id {f.fileId})\n"
    yield "\n"


def render(batch: ExportBatch, **_options: object) -> Iterator[bytes]:
    return rechunk(iter_text(batch))


register(
    Exporter(format="text", media_type="text/plain; charset=utf-8", extension="txt", render=render)
)
