"""Checks of the contact data SmartWeb stores: e-mail addresses, US phones, states and ZIPs.

Each ``clean_*`` returns the stored form or raises ``Invalid`` naming the value; an empty value
is "" (the caller decides whether the field is required).
"""

from __future__ import annotations

import re
from typing import Any

from .errors import Invalid

EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
ZIP_RE = re.compile(r"^\d{5}(-\d{4})?$")

_STATES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "FLORIDA": "FL", "GEORGIA": "GA",
    "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL", "INDIANA": "IN", "IOWA": "IA",
    "KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA", "MAINE": "ME", "MARYLAND": "MD",
    "MASSACHUSETTS": "MA", "MICHIGAN": "MI", "MINNESOTA": "MN", "MISSISSIPPI": "MS",
    "MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE", "NEVADA": "NV", "NEW HAMPSHIRE": "NH",
    "NEW JERSEY": "NJ", "NEW MEXICO": "NM", "NEW YORK": "NY", "NORTH CAROLINA": "NC",
    "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR", "PENNSYLVANIA": "PA",
    "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD", "TENNESSEE": "TN",
    "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA", "WASHINGTON": "WA",
    "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY", "DISTRICT OF COLUMBIA": "DC",
    "PUERTO RICO": "PR",
}  # fmt: skip
# Upper-case full name or code -> code.
US_STATES: dict[str, str] = {**_STATES, **{code: code for code in _STATES.values()}}


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def clean_email_address(value: Any, *, required: bool = True) -> str:
    """A lower-case e-mail address (at most 254 characters)."""
    text = _text(value).lower()
    if not text:
        if required:
            raise Invalid("Enter an e-mail address.")
        return ""
    if len(text) > 254 or not EMAIL_RE.match(text):
        raise Invalid(f"“{text[:80]}” is not a valid e-mail address.")
    return text


def phone_digits(phone: str | None) -> str:
    """The 10 national digits of a US phone ('' if it is not one)."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) == 10 else ""


def format_phone(phone: str | None) -> str | None:
    """'(512) 555-0100' for a US number; None for empty input; Invalid otherwise."""
    if not (phone or "").strip():
        return None
    digits = phone_digits(phone)
    if not digits:
        raise Invalid(f"Phone “{str(phone)[:40]}” is not a 10-digit US number.")
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def clean_us_state(value: Any) -> str:
    """The two-letter code of a US state ("Texas", "tx" -> "TX")."""
    text = _text(value).upper()
    if not text:
        return ""
    code = US_STATES.get(text)
    if code is None:
        raise Invalid(f"“{text[:40]}” is not a US state.")
    return code


def clean_zip(value: Any) -> str:
    """A 5-digit ZIP or ZIP+4."""
    text = _text(value)
    if text and not ZIP_RE.match(text):
        raise Invalid(f"ZIP “{text[:20]}” is not 5 digits (or ZIP+4).")
    return text
