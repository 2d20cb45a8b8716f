"""States, provinces, postcodes and phone numbers of the countries whose receipts print them on a
town line, shared by the date rules (which way a date is written) and the address candidates."""

from __future__ import annotations

import re

# fmt: off
US_STATES = [
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN",
    "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH",
    "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT",
    "VT", "VA", "WA", "WV", "WI", "WY", "PR",
]
CA_PROVINCES = ["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"]
AU_STATES = ["NSW", "VIC", "QLD", "SA", "WA", "TAS", "NT", "ACT"]
# fmt: on

# regular-expression parts: one of the codes
US_STATE = r"(?:" + "|".join(US_STATES) + r")"
CA_PROVINCE = r"(?:" + "|".join(CA_PROVINCES) + r")"
AU_STATE = r"(?:" + "|".join(AU_STATES) + r")"
# a Canadian postcode, also with OCR's O/0, I/1 and L/1 confusions where digits belong ('C1B 0L6'
# read 'CIB OL6')
CA_CODE = r"[A-Z][\dOIL][A-Z]\s?[\dOIL][A-Z][\dOIL]"

# a North American phone number ('(217) 555-0199', '217-555-0199', '217.555.0199')
NANP_PHONE = re.compile(  # also spaced out, as some tills print it: '( 479 ) 273 - 0023'
    r"\(\s?\d{3}\s?\)\s?\d{3}\s?-\s?\d{4}|(?<![\d.-])\d{3}([-.])\d{3}\1\d{4}(?![\d-])"
)
