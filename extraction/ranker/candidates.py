"""Candidates for the ranked fields, each described by layout and content features.

A candidate is a possible value (a company line, a run of address lines, an amount) with the
features a small learned model weighs to pick the right one. Features say what kind of text a
candidate is and where it sits (line index, position and size on the page, labels next to it,
agreement with other evidence such as cash minus change); none names a vendor or a word seen in
one vendor's documents.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

from extraction.document import Document, Line, Page, Segment, union_box
from extraction.finders.locate import LabelHit, fold
from extraction.finders.parties import (
    ADDRESS_STOP,
    ADDRESS_WORD,
    CONTACT_DOMAIN,
    LEGAL_FORM,
    NOT_A_NAME,
    OWNER_LINE,
    STRONG_FORM,
    clean_name,
    is_name_like,
    slogan_lines,
)
from extraction.finders.regions import (
    AU_STATE,
    CA_CODE,
    CA_PROVINCE,
    NANP_PHONE,
    US_STATE,
)
from extraction.normalise import find_amounts, find_dates, tidy_text
from extraction.ranker import totals as total_checks
from extraction.ranker.company import FORM_END, company_features, neighbour_features
from extraction.ranker.respell import readings, repair, respace, unknown_share

COMPANY_LINES = 14  # receipts and letterheads print the issuer in their first lines
ADDRESS_LINES = 22
ADDRESS_SPAN = 6
POSTCODE = re.compile(
    r"(?<![\d-])\d{5}(?:-\d{4})?(?!\d)|\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b|(?<!\d)\d{4}(?!\d)"
)
PHONE = re.compile(
    r"(\btel\b|\bphone\b|\bfax\b|\bh/?p\b|\bmobile\b)|\(?\d{2,4}\)?[\s-]?\d{3,4}[\s-]\d{3,4}", re.I
)
CURRENCY_MARK = re.compile(
    r"(?:^|\s)(?:[A-Z]{3}|RM|Rs\.?|[$€£¥₹])\s?\d|\d\s?(?:[$€£¥₹]|[A-Z]{3})\b"
)

# a name that ends in its company's legal form ('Halvorsen Foods Corp.') goes on over no line
# of an address ('STATION PLAZA' under it)
CORPORATE_END = re.compile(
    r"(?:" + STRONG_FORM.pattern + r"|\bcorp(?:oration)?\b|\bco\b)\W*$", re.IGNORECASE
)
# the building or centre an address may start with, besides ``ADDRESS_WORD``
BUILDING_WORD = re.compile(r"\b(?:plaza|centre|center|tower)\b", re.IGNORECASE)

# a store-number line under a shop's name ('Store #3582', 'STORE 0417', 'Restaurant #12345'; the
# '#' read as '$'): it continues no name
STORE_NUMBER = r"\s*(?:[#$]|no\s?\.?|nr\s?\.?)?\s*:?\s*#?\d+\s*$"  # after the word, to the end
STORE_NUMBER_LINE = re.compile(
    r"^\s*(?:store|str|shop|branch|location|loc|outlet|restaurant|site)" + STORE_NUMBER, re.I
)
# a town line ending with a state or province and its postcode ('CHIRTPORT, NV 89101',
# 'PERTH WA 6000', 'Toronto, ON M5V 2T6'): an address, whatever legal form its state code spells
TOWN_LINE = re.compile(
    r"[A-Za-z]{3},?\s+(?:" + US_STATE + r"\.?,?\s+\d{5}(?:-\d{4})?"
    r"|" + AU_STATE + r"\.?,?\s+\d{4}"
    r"|" + CA_PROVINCE + r"\.?,?\s+" + CA_CODE + r")"
    r"\W*$"
)

# the year a shop was founded, on a line of its own ('Est. 1973', 'SINCE 1985'), maybe after a
# few words ('Serving Springfield since 1993', 'Family owned since 1962')
ESTABLISHED = re.compile(
    r"^\W*(?:[^\W\d_][^\d]{0,40}?\s)?(?:est\.?|established|since|founded)\s*(?:in\s+)?"
    r"(?:19|20)\d\d\W*$",
    re.I,
)
# a possessive's apostrophe read as a full stop or comma ('ULRICH.S SUBS'), or as a gap before
# a lone S with more of the name after it ("WHITFIELD S MARKETPLACE"; 'MART S/B' is a legal form)
POSSESSIVE_MARK = re.compile(r"(?<=[A-Za-z]{2})[.,`](?=[Ss]\b)|(?<=[A-Za-z]{3}) (?=S [A-Za-z])")
# 'WELCOME TO L&K PROVISIONS': the name follows the greeting
GREETING = re.compile(r"^\W*welcome\s+to\s+(?=\S)", re.I)
# an Irish county after the town ('BALLINA, CO. MAYO'): 'Co.' there is no legal form
COUNTY = re.compile(r",\s*Co\.\s+(?!(?:ltd|limited|inc|llc|plc|pte|kg)\b)[A-Za-z]{3,}\W*$", re.I)


@dataclass
class Ranked:
    """A candidate value with its features; ``page``/``box`` say where it was printed."""

    value: object
    page: int
    box: list[float]
    features: dict[str, float] = field(default_factory=dict)


def _mostly_ascii(page: Page) -> bool:
    """An OCR page whose letters are nearly all ASCII: a stray accent there is a misreading."""
    if page.source != "ocr":
        return False
    letters = [ch for w in page.words for ch in w.text if ch.isalpha()]
    return bool(letters) and sum(not ch.isascii() for ch in letters) <= 0.01 * len(letters)


def _without_ornaments(text: str) -> str:
    """A name on a page of ASCII letters without its ornaments ('EMPORIUM ★女★'): words with no
    ASCII letter or digit and a character outside ASCII (stars, hearts, a glyph read into them)."""
    words = text.split()
    kept = [w for w in words if w.isascii() or re.search(r"[A-Za-z0-9]", w)]
    return " ".join(kept) if len(kept) < len(words) else text


def _unaccent(text: str) -> str:
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def _letters(text: str) -> int:
    return sum(ch.isalpha() for ch in text)


def _upper_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) / len(letters) if letters else 0.0


def _line_text(line: Line) -> str:
    return re.sub(r"\s+", " ", " ".join(s.text for s in line.segments)).strip()


def _median_height(page: Page) -> float:
    heights = [w.height for w in page.words if w.height > 0]
    return median(heights) if heights else 1.0


def _geometry(page: Page, box: list[float], med_h: float) -> dict[str, float]:
    w = max(1.0, page.width)
    h = max(1.0, page.height)
    return {
        "y_rel": box[1] / h,
        "h_rel": (box[3] - box[1]) / max(1e-6, med_h),
        "xc_off": abs((box[0] + box[2]) / 2 - w / 2) / w,
        "w_rel": (box[2] - box[0]) / w,
        "x0_rel": box[0] / w,
    }


def _text_features(text: str) -> dict[str, float]:
    letters = _letters(text)
    digits = sum(ch.isdigit() for ch in text)
    return {
        "n_words": float(len(text.split())),
        "n_chars": float(len(text)),
        "letters": float(letters),
        "digit_ratio": digits / max(1, len(text)),
        "upper_ratio": _upper_ratio(text),
        "legal": float(bool(LEGAL_FORM.search(text))),
        "strong_form": float(bool(STRONG_FORM.search(text))),
        "not_name": float(bool(NOT_A_NAME.match(text.strip()))),
        "name_like": float(is_name_like(text)),
        "addr_words": float(len(ADDRESS_WORD.findall(text))),
        "stop": float(bool(ADDRESS_STOP.search(text))),
        "phone": float(bool(PHONE.search(text))),
        "paren": float("(" in text),
        "date": float(bool(find_dates(text))),
        "amount": float(any(a[3] for a in find_amounts(text))),
        "punct_end": float(text.rstrip()[-1:] in ".!"),
    }


# ----------------------------------------------------------------------------- company


# a web or e-mail address: printed under a shop's name, never the name
WEB_ADDRESS = re.compile(r"www\.|https?:|\w@\w", re.I)


def monogram_of(text: str, name: str) -> bool:
    """``text`` ends with the initials of ``name`` printed under it, or of its first words: a
    logo's monogram ('C SP' over "STRAND'S PROVISIONS", 'C LH' over 'Little Harvest
    Outfitters', '< KG' over 'K&M GRILL'), read with the logo's ring as a letter or a symbol."""
    words = text.split()
    by_word = "".join(m.group(0) for w in name.split() if (m := re.search(r"[A-Za-z]", w)))
    by_letter_run = "".join(w[0] for w in re.findall(r"[A-Za-z][\w']*", name))
    return (
        len(words) >= 2
        and all(
            len(w) <= 3 and ((w.isalpha() and w.isupper()) or (len(w) == 1 and not w.isalnum()))
            for w in words
        )
        and len(words[-1]) >= 2
        and words[-1].isalpha()
        and any(
            len(initials) >= 2 and initials.upper().startswith(words[-1])
            for initials in (by_word, by_letter_run)
        )
    )


def _domain_names(page: Page) -> set[str]:
    """The names the page's web and e-mail addresses spell, lower-case letters and digits: the
    whole domain and each hyphenated part ('www.rdchophouse-survey.com': 'rdchophousesurvey',
    'rdchophouse', 'survey')."""
    names: set[str] = set()
    for line in page.lines:
        for m in CONTACT_DOMAIN.finditer(_line_text(line)):
            domain = m.group(1).lower()
            names.update({domain.replace("-", ""), *domain.split("-")})
    return {n for n in names if len(n) >= 4}


def _spelled(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(value))


def company_candidates(doc: Document, rule_values: dict[str, str]) -> list[Ranked]:
    """Name-like segments and lines (alone or joined with the next line) at the top of page 1."""
    if not doc.pages or not doc.pages[0].lines:
        return []
    page = doc.pages[0]
    med_h = _median_height(page)
    lines = page.lines[:COMPANY_LINES]
    first_addr = next(
        (
            i
            for i, ln in enumerate(page.lines[:ADDRESS_LINES])
            if ADDRESS_WORD.search(_line_text(ln)) and POSTCODE.search(_line_text(ln))
        ),
        -1,
    )
    heights = [ln.box[3] - ln.box[1] for ln in lines]
    tallest = max(heights) if heights else 1.0
    rule_folded = {k: fold(v) for k, v in rule_values.items() if v}
    plain = _mostly_ascii(page)
    all_text = [fold(_line_text(ln)) for ln in page.lines]
    out: dict[str, Ranked] = {}
    name_rank = 0
    # a slogan beside the name is no name, alone or joined with it
    slogans = slogan_lines(page.lines)
    owners = _owner_lines(lines)
    domains = _domain_names(page)
    for i, line in enumerate(lines):
        line_text = _line_text(line)
        if (
            i in slogans
            or i in owners
            or TOWN_LINE.search(line_text)
            or STORE_NUMBER_LINE.match(line_text)
            or ESTABLISHED.match(line_text)
            or (i > 0 and _line_text(lines[i - 1]).rstrip().endswith(","))
            or (i + 1 < len(lines) and monogram_of(line_text, _line_text(lines[i + 1])))
        ):
            continue  # no name starts on a slogan, town, store-number or founding-year line,
            # on a line that goes on with the one above ('Jalan Raya 1,' / 'Laman Kepong,') or
            # on the monogram of the name below
        pieces: list[tuple[str, list[Segment], int]] = [(s.text, [s], 0) for s in line.segments]
        if len(line.segments) > 1:
            pieces.append((line_text, line.segments, 0))
        greeting = GREETING.match(line_text)
        if greeting and _letters(line_text[greeting.end() :]) >= 3:
            line_text = line_text[greeting.end() :]
            pieces = [(line_text, line.segments, 0)]
        joined_text, joined_segs, last = line_text, list(line.segments), line
        for extra in (1, 2):  # names printed over two or three lines
            if i + extra >= len(page.lines):
                break
            nxt = page.lines[i + extra]
            if (
                i + extra in slogans
                or i + extra in owners
                or nxt.box[1] - last.box[3] >= 1.2 * max(1e-6, last.box[3] - last.box[1])
                or any(rx.match(_line_text(nxt)) for rx in (STORE_NUMBER_LINE, ESTABLISHED))
                or (
                    CORPORATE_END.search(joined_text)
                    and any(rx.search(_line_text(nxt)) for rx in (ADDRESS_WORD, BUILDING_WORD))
                )
            ):
                break
            joined_text, joined_segs, last = (
                joined_text + " " + _line_text(nxt),
                joined_segs + nxt.segments,
                nxt,
            )
            pieces.append((joined_text, list(joined_segs), extra))
        after_colon: set[str] = set()
        for text, segs, _joined in list(pieces):
            if ":" in text and _letters(text.split(":", 1)[1]) >= 3:  # 'OWNED BY: NAME SDN BHD'
                pieces.append((text.split(":", 1)[1], segs, _joined))
                after_colon.add(text.split(":", 1)[1])
        below = [_line_text(ln) for ln in page.lines[i + 1 : i + 4]]
        line_name_like = is_name_like(line_text)
        for text, segs, joined in pieces:
            if (
                TOWN_LINE.search(text)
                or COUNTY.search(text)
                or STORE_NUMBER_LINE.match(text)
                or NANP_PHONE.search(text)
                or WEB_ADDRESS.search(text)
            ):
                continue  # a town, store number, phone or web address
            value = respace(tidy_text(clean_name(text))).strip("'\"` ")
            value = POSSESSIVE_MARK.sub("'", value)  # 'ULRICH.S SUBS': the apostrophe read as '.'
            if plain:
                value = _without_ornaments(_unaccent(value))
            if (
                _letters(value) < 2
                or len(value) > 90
                or BROKEN_START.match(value)
                or _closes_first(value)
            ):
                # '& TEA LEAF SDN BHD', 'ALAM) SDN BHD': the start of the name is on a line above
                continue
            printed_text, printed = value, fold(value)
            value, repairs = repair(value)  # 'GA RDENIA' read as 'GARDENIA'
            key = fold(value)
            if key in out:
                continue
            box = union_box([s.box for s in segs])
            feats = {**_text_features(value), **_geometry(page, box, med_h)}
            raw = _text_features(text)
            feats.update(
                {
                    "idx": float(i),
                    "name_rank": float(name_rank),
                    "joined": float(joined),
                    "h_tallest": (line.box[3] - line.box[1]) / max(1e-6, tallest),
                    "raw_stop": raw["stop"],
                    "raw_digit_ratio": raw["digit_ratio"],
                    "cleaned_share": len(value) / max(1, len(text)),
                    "to_first_addr": float(first_addr - i) if first_addr >= 0 else -99.0,
                    "repeated": float(sum(printed in t for t in all_text) - 1 - joined),
                    "conf": min((s.conf for s in segs), default=1.0),
                    "n_segments": float(len(line.segments)),
                    "rule_legal": float(rule_folded.get("legal") in (key, printed)),
                    "rule_top": float(rule_folded.get("top") in (key, printed)),
                    "rule_chosen": float(rule_folded.get("chosen") in (key, printed)),
                    "legal_end": float(bool(re.search(LEGAL_FORM.pattern + r"\W*$", value, re.I))),
                    "paren_unbalanced": float(value.count("(") != value.count(")")),
                    "starts_connector": float(bool(re.match(r"[&),.\-]|and\b|of\b", value, re.I))),
                    "symbols": float(len(re.findall(r"[^\w\s.&()',/\-]", value))),
                    "colon": float(":" in text),
                    "after_greeting": float(bool(greeting)),
                    "domain_spelled": float(_spelled(value) in domains),
                    **company_features(value, line_text, below[joined:], text in after_colon),
                    **neighbour_features(page.lines, i, value),
                }
            )
            unknown = unknown_share(value)
            feats.update(
                {"c_unknown": unknown, "c_unknown_fixed": unknown_share(printed_text) - unknown}
            )
            feats.update({"c_split": 0.0, "c_all": 0.0})
            feats.update(
                {"c_join": float("join" in repairs), "c_digits": float("digits" in repairs)}
            )
            out[key] = Ranked(value, line.page, box, feats)
            for other, kind in readings(value):  # 'PRINTSDN BHD' read as 'PRINT SDN BHD'
                if fold(other) not in out:
                    out[fold(other)] = Ranked(other, line.page, box, _reread(feats, other, kind))
        if line_name_like:
            name_rank += 1
    return list(out.values())


def _owner_lines(lines: list[Line]) -> set[int]:
    """Lines naming the shop's owner: an owner line, and the line below one that ends with its
    label ('OWNED BY :' over 'NAME SDN BHD')."""
    out: set[int] = set()
    for i, line in enumerate(lines):
        text = _line_text(line)
        m = OWNER_LINE.match(text)
        if m:
            out.add(i)
            if m.group().lower().rstrip().endswith("by") and _letters(text[m.end() :]) < 3:
                out.add(i + 1)
    return out


def _reread(feats: dict[str, float], value: str, kind: str) -> dict[str, float]:
    """Features of another reading of a candidate: those of the line it was read from, its own
    text's, and which repair made it."""
    return {
        **feats,
        **_text_features(value),
        "c_unknown": unknown_share(value),
        "c_unknown_fixed": feats["c_unknown"] - unknown_share(value),
        f"c_{kind}": 1.0,
    }


BROKEN_START = re.compile(r"(?:[&),.\-]|and\s|of\s)", re.IGNORECASE)


def _closes_first(text: str) -> bool:
    """A ')' before any '(': the text starts inside a parenthesis."""
    close, open_ = text.find(")"), text.find("(")
    return close >= 0 and (open_ < 0 or close < open_)


# ----------------------------------------------------------------------------- totals


TOTAL_OWNERS = ("grand_total", "net_total", "tax_total", "_other_amount")


def total_candidates(
    doc: Document,
    hits: list[LabelHit],
    rule_value: Decimal | None,
    cash_minus_change: Decimal | None,
) -> list[Ranked]:
    """Every amount with cents (or every amount when the document prints none)."""
    by_line: dict[int, list[LabelHit]] = {}
    for hit in hits:
        by_line.setdefault(id(hit.line), []).append(hit)
    all_lines = doc.lines
    n_lines = max(1, len(all_lines))
    found: list[tuple[Decimal, Line, Segment, int, bool, str]] = []
    for k, line in enumerate(all_lines):
        if total_checks.SUGGESTED_TIP.match(line.text):
            continue  # '18% $11.81 (Total $77.44)': a suggestion, not what was paid
        for seg in line.segments:
            text = total_checks.ocr_digits(seg.text)
            for val, s, _e, has_dec in find_amounts(text):
                found.append((val, line, seg, k, has_dec, text[max(0, s - 4) : s]))
    decimals_seen = any(f[4] for f in found)
    values = sorted({f[0] for f in found if f[0] > 0}, reverse=True)
    counts: dict[Decimal, int] = {}
    for f in found:
        counts[f[0]] = counts.get(f[0], 0) + 1
    value_set = set(values)
    pages = {p.number: p for p in doc.pages}
    # amounts on lines labelled as net and as tax: net + tax = total checks a candidate
    labelled: dict[str, set[Decimal]] = {
        "net_total": set(),
        "tax_total": set(),
        "grand_total": set(),
    }
    grand_lines: list[int] = []
    for val, line, _seg, k, has_dec, _b in found:
        owners_here = {o for h in by_line.get(id(line), []) for o in h.owners}
        for owner in labelled:
            if owner in owners_here and (has_dec or not decimals_seen):
                labelled[owner].add(val)
        if "grand_total" in owners_here:
            grand_lines.append(k)
    last_grand = max(grand_lines, default=-1)
    net_tax = {
        n + t for n in labelled["net_total"] for t in labelled["tax_total"] if n > 0 and t >= 0
    }
    per_line = total_checks.line_amounts(all_lines)
    pay = total_checks.payment(all_lines, per_line)
    out: dict[tuple[Decimal, int], Ranked] = {}
    for val, line, seg, k, has_dec, before in found:
        if val <= 0 or (decimals_seen and not has_dec):
            continue
        key = (val, k)
        if key in out:
            continue
        line_hits = by_line.get(id(line), [])
        prev_hits = (
            by_line.get(id(all_lines[k - 1]), [])
            if k > 0 and all_lines[k - 1].page == line.page
            else []
        )
        owners = {o for h in line_hits for o in h.owners}
        prev_owners = {o for h in prev_hits for o in h.owners}
        label_text = " ".join(fold(h.label) for h in line_hits)
        line_amounts = [a for s2 in line.segments for a in find_amounts(s2.text)]
        rightmost = line_amounts and line_amounts[-1][0] == val
        page = pages.get(line.page)
        med_h = _median_height(page) if page else 1.0
        feats = {
            "l_grand": float("grand_total" in owners),
            "l_net": float("net_total" in owners),
            "l_tax": float("tax_total" in owners),
            "l_other": float("_other_amount" in owners),
            "l_none": float(not owners),
            "l_weight": max((h.weight for h in line_hits), default=0.0),
            "l_len": float(max((len(h.label) for h in line_hits), default=0)),
            "l_round": float("round" in label_text),
            "l_incl": float(bool(re.search(r"incl|inc\b|inclusive", label_text))),
            "l_excl": float(bool(re.search(r"excl|before|without|sub", label_text))),
            "l_due": float(bool(re.search(r"due|payable|balance|pay", label_text))),
            "l_cash": float(
                bool(re.search(r"cash|tender|tunai|paid|card|visa|master", label_text))
            ),
            "l_change": float(bool(re.search(r"change|baki", label_text))),
            "p_grand": float("grand_total" in prev_owners),
            "p_other": float("_other_amount" in prev_owners),
            "line_rel": k / n_lines,
            "val_rank": float(values.index(val)) if val in value_set else 99.0,
            "is_max": float(bool(values) and val == values[0]),
            "count": float(counts.get(val, 0)),
            "has_dec": float(has_dec),
            "currency": float(
                bool(CURRENCY_MARK.search(seg.text))
                or bool(re.search(r"[$€£]|RM|[A-Z]{3}", before))
            ),
            "n_amounts_line": float(len(line_amounts)),
            "rightmost": float(bool(rightmost)),
            "pct_line": float("%" in line.text),
            "mult05": float((val * 100) % 5 == 0),
            "near_other": float(any(0 < abs(val - v) < Decimal("0.05") for v in values[:60])),
            "near_above": float(
                any(0 < abs(val - f2[0]) < Decimal("0.05") and f2[3] < k for f2 in found)
            ),
            "cash_change": float(
                cash_minus_change is not None and abs(val - cash_minus_change) < Decimal("0.015")
            ),
            "sum_of_two": float(_sum_of_two(val, values)),
            "rule_match": float(rule_value is not None and val == rule_value),
            "net_plus_tax": float(val in net_tax),
            "is_net": float(val in labelled["net_total"]),
            "last_grand_line": float(k == last_grand),
            "below_last_grand": float(last_grand >= 0 and k > last_grand),
            "n_grand_same": float(sum(1 for v in labelled["grand_total"] if v == val)),
            "line_currency": float(
                bool(re.search(r"[$€£¥₹]|\bRM\b|\b(?:USD|EUR|GBP|MYR|SGD)\b", line.text))
            ),
            "h_rel": (line.box[3] - line.box[1]) / max(1e-6, med_h),
            "x_rel": seg.box[2] / max(1.0, page.width if page else 1.0),
            **total_checks.total_features(val, k, all_lines, per_line, pay, value_set),
        }
        out[key] = Ranked(val, line.page, seg.box, feats)
    return list(out.values())


def _sum_of_two(val: Decimal, values: list[Decimal]) -> bool:
    """``val`` is the sum of two other printed amounts (net + tax = total)."""
    small = [v for v in values if v < val][:40]
    have = set(small)
    return any((val - v) in have and (val - v) != v for v in small)


RELATIVE = {
    "company": ("h_rel", "h_tallest", "legal", "strong_form", "name_like", "letters", "conf"),
    "address": ("post_any", "addr_frac", "length", "n_chars", "street_words", "addr_word_frac"),
    "total": ("l_grand", "l_weight", "line_rel", "h_rel", "count"),
}


def add_relative(field: str, cands: list[Ranked]) -> list[Ranked]:
    """Each candidate compared with the document's others: how far below the best it is, and
    whether it is the first (top-most) candidate that has the feature at its best value."""
    names = RELATIVE.get(field, ())
    order = sorted(
        range(len(cands)), key=lambda i: (cands[i].page, cands[i].box[1], cands[i].box[0])
    )
    for name in names:
        values = [c.features.get(name, 0.0) for c in cands]
        if not values:
            continue
        best = max(values)
        first = next((i for i in order if values[i] == best), -1)
        for i, c in enumerate(cands):
            c.features[f"{name}_dmax"] = values[i] - best
            c.features[f"{name}_first"] = float(i == first)
    return cands


# the rest of a name wrapped after its '&' ('& WELLNESS', '& RENTAL'): a few words, no digits
AMPERSAND_REST = re.compile(r"^& [^\d&]{2,30}$")


def _short_rest(rest: str) -> bool:
    """The rest of a name wrapped after its '&': a few words ('& WELLNESS'), or a few more when
    they end in a registered form ('& TEA LEAF (M) SDN. BHD.')."""
    words = len(rest.split())
    return words <= 4 or (words <= 7 and bool(FORM_END.search(rest)))


def settled_company(
    best: int, values: list[str], features: list[dict[str, float]] | None = None
) -> int:
    """The ranker's company pick, with the rest of its name wrapped onto the next line after an
    '&' ("MOREAU'S PHARMACY" over '& WELLNESS' or '& CO. SDN. BHD.'), or with the start of its
    name on the line above in the same tallest type ('STANDALE' over 'STONE WORKS') or read apart
    from its trade's words ('WILMORE' over 'BUILDING SUPPLY') or part of the name the shop's web
    address spells ('FERNVILLE' of 'FERNVILLE   TACOS' beside 'www.fernvilletacos.com'): the
    joined candidate; a slogan in small type over the name in the largest type, or under a
    greeting naming the shop: the name. Shared by the engine and the k-fold of
    ``tools/train_ranker.py``, so the k-fold measures what the engine returns."""
    picked = values[best]
    longer = [
        (len(v), i)
        for i, v in enumerate(values)
        if v.startswith(picked + " ")
        and AMPERSAND_REST.match(v[len(picked) + 1 :])
        and _short_rest(v[len(picked) + 1 :])
    ]
    if longer:
        return min(longer)[1]
    if features:
        best = _spelled_by_domain(best, values, features)
        best = _greeted_name(best, values, features)
    best = _with_trade_words(best, values)
    if not features:
        return best
    best = _whole_name_line(best, values, features)
    return _name_below_slogan(_started_above(best, values, features), values, features)


# words that say what a shop sells or is, never which shop it is
TRADE_WORDS = frozenset(
    {
        "&",
        "and",
        "supply",
        "supplies",
        "building",
        "hardware",
        "home",
        "garden",
        "store",
        "stores",
        "market",
        "marketplace",
        "supermarket",
        "grocer",
        "grocers",
        "eatery",
        "mart",
        "grocery",
        "pharmacy",
        "drug",
        "drugs",
        "meats",
        "meat",
        "quality",
        "foods",
        "food",
        "deli",
        "bakery",
        "cafe",
        "coffee",
        "grill",
        "kitchen",
        "tavern",
        "pub",
        "bar",
        "diner",
        "restaurant",
        "pizza",
        "pizzeria",
        "gas",
        "go",
        "fuel",
        "station",
        "service",
        "goods",
        "dry",
        "general",
        "books",
        "stationery",
        "stationer",
        "stationers",
        "liquor",
        "wine",
        "spirits",
        "auto",
        "parts",
        "tire",
        "tires",
        "center",
        "centre",
        "shop",
        "outlet",
        "depot",
        "stop",
        "travel",
        "plaza",
        "wellness",
        "apparel",
        "clothing",
        "lumber",
        "nursery",
        "florist",
        "bistro",
        "brewery",
        "tea",
        "house",
        "inn",
        "motel",
        "hotel",
    }
)


def _trade_only(text: str) -> bool:
    words = re.findall(r"[a-z&]+", text.lower())
    return bool(words) and all(w in TRADE_WORDS for w in words)


def _with_trade_words(best: int, values: list[str]) -> int:
    """A name read apart from the words of its trade ('ZEPHYR' and 'GAS & GO', 'WILMORE' over
    'BUILDING SUPPLY', 'KORVAN' over 'STATIONERY SDN. BHD': a trade and a registered form are no
    name of their own): the candidate that joins them, when the ranker picked either part."""
    picked = values[best]
    trade_pick = _trade_only(STRONG_FORM.sub(" ", picked))  # a registered form aside
    joins = []
    for i, value in enumerate(values):
        if trade_pick and value.endswith(" " + picked):
            rest = value[: -len(picked) - 1]
        elif not trade_pick and value.startswith(picked + " "):
            rest = value[len(picked) + 1 :]
        else:
            continue
        # the other part is of the other kind: the name's words to a trade pick, trade words
        # to a name pick (two names, or two trade phrases, are left to the ranker)
        if len(rest.split()) <= 3 and _trade_only(rest) != trade_pick:
            joins.append((len(rest.split()), i))
    return min(joins)[1] if joins else best  # the nearest join: no line beyond the name's


def _whole_name_line(best: int, values: list[str], features: list[dict[str, float]]) -> int:
    """A pick that is the first of two boxes of one line, the other a name-like part in the same
    case and type ('THE OLD' beside 'EMBER': the detector split a widely spaced name): the
    whole line."""
    picked, own = values[best], features[best]
    if own.get("joined") or own.get("n_segments", 1.0) < 2 or LEGAL_FORM.search(picked):
        return best
    rests = {
        value
        for value, feats in zip(values, features)
        if feats.get("idx") == own.get("idx")
        and not feats.get("joined")
        and feats.get("name_like")
        and not feats.get("not_name")
        and not re.search(r"\d", value)
        and abs(feats.get("upper_ratio", 0.0) - own.get("upper_ratio", 0.0)) < 0.2
        and abs(feats.get("h_rel", 0.0) - own.get("h_rel", 0.0)) < 0.2 * own.get("h_rel", 1.0)
    }
    for i, (value, feats) in enumerate(zip(values, features)):
        if (
            feats.get("idx") == own.get("idx")
            and not feats.get("joined")
            and value.startswith(picked + " ")
            and value[len(picked) + 1 :] in rests
            and len(value.split()) <= 5
        ):
            return i
    return best


def _spelled_by_domain(best: int, values: list[str], features: list[dict[str, float]]) -> int:
    """A pick that is part of a name the receipt's web or e-mail address spells whole ('FERNVILLE'
    of 'FERNVILLE   TACOS' beside 'www.fernvilletacos.com'): the whole name, on its line or
    joined with the next; a pick without a legal form elsewhere ('Great Value Every Day'): that
    name, when it is printed on one of the first four lines ('J&R FOODS' for www.jrfoods.com)."""
    picked, own = values[best], features[best]
    if own.get("domain_spelled"):
        return best
    for i, (value, feats) in enumerate(zip(values, features)):
        if (
            feats.get("domain_spelled")
            and feats.get("joined", 0.0) <= 1.0
            and own.get("idx")
            in (feats.get("idx"), feats.get("idx", 0.0) + feats.get("joined", 0.0))
            and (value.startswith(picked + " ") or value.endswith(" " + picked))
        ):
            return i
    if FORM_END.search(picked) or LEGAL_FORM.search(picked):
        return best  # a registered name the ranker picked stays ('… SDN BHD' beside its brand)
    for i, feats in enumerate(features):  # a slogan or a line picked instead of the name
        if feats.get("domain_spelled") and not feats.get("joined") and feats.get("idx", 99) <= 3:
            return i
    return best


def _greeted_name(best: int, values: list[str], features: list[dict[str, float]]) -> int:
    """A pick without a legal form on one of the two lines under a greeting that names the shop
    ('WELCOME TO FOX & TULIP' over the slogan 'Great Value Every Day'): the name greeted."""
    own = features[best]
    if FORM_END.search(values[best]):
        return best
    for i, feats in enumerate(features):
        if (
            feats.get("after_greeting")
            and not feats.get("joined")
            and 0 < own.get("idx", 0.0) - feats.get("idx", 0.0) <= 2
            and is_name_like(values[i])
        ):
            return i
    return best


def _started_above(best: int, values: list[str], features: list[dict[str, float]]) -> int:
    """The pick joined with the name-like line right above it when both lines are set in the
    page's tallest type, larger than its text (a name too long for one line of a receipt's
    large print)."""
    picked, own = values[best], features[best]
    if (
        not own.get("c_above_namey")
        or own.get("h_tallest", 0.0) < 0.9
        or own.get("h_rel", 0.0) < 1.3
    ):
        return best
    for i, (value, feats) in enumerate(zip(values, features)):
        if (
            value.endswith(" " + picked)
            and feats.get("joined") == 1.0
            and feats.get("idx") == own.get("idx", 0.0) - 1
            and feats.get("h_tallest", 0.0) >= 0.9
            and len(value.split()) - len(picked.split()) <= 2
        ):
            return i
    return best


def _name_below_slogan(best: int, values: list[str], features: list[dict[str, float]]) -> int:
    """A pick in small type right above a line in the page's tallest, large type ('Serving the
    Community' over 'The Hungry Bell'): a slogan over the name, so the name below. A pick with
    a legal form of its own stays."""
    own = features[best]
    if own.get("h_tallest", 1.0) >= 0.7 or own.get("joined", 0.0) or FORM_END.search(values[best]):
        return best
    for i, feats in enumerate(features):
        if (
            feats.get("idx") == own.get("idx", 0.0) + 1
            and feats.get("joined") == 0.0
            and feats.get("h_tallest", 0.0) >= 0.95
            and feats.get("h_rel", 0.0) >= 1.5
            and is_name_like(values[i])
        ):
            return i
    return best
