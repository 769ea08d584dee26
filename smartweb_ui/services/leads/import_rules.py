"""Rules of the CSV import: importable fields, header synonyms, US states, trades, and the
validation of one row."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ...models import BusinessType, LeadSource
from ..core.errors import Invalid
from ..core.labels import label as enum_label
from ..core.text import has_control_chars
from ..core.validate import EMAIL_RE, US_STATES, ZIP_RE, phone_digits
from .actions import clean_tag
from .dedup import website_domain

# field -> label shown in the column-mapping form
FIELDS: dict[str, str] = {
    "name": "Company name (required)",
    "dba_name": "DBA name",
    "business_type": "Business type",
    "phone": "Phone",
    "email": "E-mail",
    "website": "Website",
    "street_address": "Street address",
    "city": "City",
    "state": "State",
    "zip_code": "ZIP",
    "license_number": "Licence number",
    "license_state": "Licence state",
    "years_in_business": "Years in business",
    "employee_count": "Employees",
    "annual_revenue": "Annual revenue",
    "google_rating": "Google rating",
    "google_reviews_count": "Google reviews",
    "facebook_url": "Facebook",
    "linkedin_url": "LinkedIn",
    "instagram_url": "Instagram",
    "source": "Lead source",
    "tags": "Tags (; separated)",
}

SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("company", "company name", "business", "business name", "account", "organization"),
    "dba_name": ("dba", "doing business as"),
    "business_type": ("type", "trade", "industry", "category"),
    "phone": ("phone number", "telephone", "tel", "mobile", "main phone"),
    "email": ("e-mail", "email address", "mail"),
    "website": ("web", "url", "site", "homepage", "domain"),
    "street_address": ("address", "street", "address1", "address line 1"),
    "zip_code": ("zip", "postal code", "postcode", "zipcode"),
    "state": ("st", "province", "region"),
    "license_number": ("license", "licence", "license no", "license #"),
    "years_in_business": ("years", "years in business"),
    "employee_count": ("employees", "staff", "headcount"),
    "annual_revenue": ("revenue", "annual revenue", "sales"),
    "google_rating": ("rating", "google rating", "stars"),
    "google_reviews_count": ("reviews", "review count", "google reviews"),
    "facebook_url": ("facebook",),
    "linkedin_url": ("linkedin",),
    "instagram_url": ("instagram",),
    "tags": ("tag", "labels"),
}


_TRADES = {
    "plumb": BusinessType.PLUMBING,
    "hvac": BusinessType.HVAC,
    "heating": BusinessType.HVAC,
    "air condition": BusinessType.HVAC,
    "roof": BusinessType.ROOFING,
    "electric": BusinessType.ELECTRICAL,
    "general contract": BusinessType.GENERAL_CONTRACTOR,
    "general_contract": BusinessType.GENERAL_CONTRACTOR,
    "landscap": BusinessType.LANDSCAPING,
    "lawn": BusinessType.LANDSCAPING,
    "paint": BusinessType.PAINTING,
    "pest": BusinessType.PEST_CONTROL,
    "extermin": BusinessType.PEST_CONTROL,
}


def business_type_of(text: str) -> str:
    """The business type for free text ('Plumber', 'HVAC', 'roofing'...); 'other' when unknown."""
    value = re.sub(r"\s+", " ", (text or "").strip().lower())
    if value in {b.value for b in BusinessType}:
        return value
    for stem, kind in _TRADES.items():
        if stem in value:
            return kind.value
    return BusinessType.OTHER.value


def _int(value: str, what: str, errors: list[str], *, maximum: int = 10**9) -> int | None:
    text = value.replace(",", "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > maximum:
        errors.append(f"{what} “{value}” is not a whole number")
        return None
    return int(text)


# What a cell may hold, by field (longer text rejects the row: nothing is cut silently).
MAX_CHARS = {"name": 200, "website": 300, "facebook_url": 300, "linkedin_url": 300,
             "instagram_url": 300, "tags": 500}  # fmt: skip
DEFAULT_MAX_CHARS = 200


def _shown(value: str) -> str:
    """A cell as an error message quotes it (long values are shortened for the message only)."""
    return value if len(value) <= 60 else value[:57] + "…"


def validate_row(values: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Clean values and the reasons the row is rejected (empty when it is good)."""
    errors: list[str] = []
    for key, raw in values.items():
        limit = MAX_CHARS.get(key, DEFAULT_MAX_CHARS)
        if has_control_chars(raw or "", multiline=False):
            errors.append(f"{key.replace('_', ' ')} contains characters that can't be stored")
        elif len((raw or "").strip()) > limit:
            errors.append(f"{key.replace('_', ' ')} is longer than {limit} characters")
    if errors:
        return {}, errors
    get = lambda k: (values.get(k) or "").strip()  # noqa: E731
    clean: dict[str, Any] = {"name": get("name")}
    if not clean["name"]:
        errors.append("name is required")
    phone = get("phone")
    if phone:
        digits = phone_digits(phone)
        if digits:
            clean["phone"] = f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
        else:
            errors.append(f"phone “{_shown(phone)}” is not a 10-digit US number")
    email = get("email").lower()
    if email:
        if EMAIL_RE.match(email) and len(email) <= 254:
            clean["email"] = email
        else:
            errors.append(f"e-mail “{_shown(get('email'))}” is not a valid address")
    website = get("website")
    if website:
        domain = website_domain(website)
        if domain:
            clean["website"], clean["website_domain"] = website, domain
        else:
            errors.append(f"website “{_shown(website)}” is not a valid address")
    state = get("state").upper()
    if state:
        code = US_STATES.get(state) or (state if state in US_STATES.values() else None)
        if code:
            clean["state"] = code
        else:
            errors.append(f"state “{_shown(get('state'))}” is not a US state code")
    zip_code = get("zip_code")
    if zip_code:
        if ZIP_RE.match(zip_code):
            clean["zip_code"] = zip_code
        else:
            errors.append(f"ZIP “{_shown(zip_code)}” is not 5 digits (or ZIP+4)")
    for key in ("dba_name", "street_address", "city", "license_number", "license_state"):
        if get(key):
            clean[key] = get(key)
    for key in ("facebook_url", "linkedin_url", "instagram_url"):
        if get(key):
            clean[key] = get(key)
    trade = get("business_type")
    kind = business_type_of(trade)
    if trade and kind == BusinessType.OTHER.value and trade.lower() != "other":
        known = ", ".join(enum_label(b) for b in BusinessType)
        errors.append(f"trade “{_shown(trade)}” matches none of {known} (write Other to keep it)")
    clean["business_type"] = BusinessType(kind)
    for key, label in (
        ("years_in_business", "years in business"),
        ("employee_count", "employees"),
        ("google_reviews_count", "reviews"),
    ):
        number = _int(get(key), label, errors, maximum=10_000_000)
        if number is not None:
            clean[key] = number
    for key, label, top in (
        ("annual_revenue", "revenue", Decimal("999999999999.99")),
        ("google_rating", "Google rating", Decimal(5)),
    ):
        raw = get(key).replace("$", "").replace(",", "")
        if raw:
            try:
                number = Decimal(raw)
                if not (0 <= number <= top):
                    raise InvalidOperation
                clean[key] = number.quantize(
                    Decimal("0.01") if key == "annual_revenue" else Decimal("0.1")
                )
            except (InvalidOperation, ValueError):
                errors.append(f"{label} “{get(key)}” is not a number from 0 to {top}")
    source = get("source").lower().replace(" ", "_")
    if source:
        if source in {s.value for s in LeadSource}:
            clean["source"] = source
        else:
            errors.append(f"source “{get('source')}” is unknown")
    tags = [t for t in re.split(r"[;|]", get("tags")) if t.strip()]
    try:
        clean["tags"] = sorted({clean_tag(t) for t in tags})
    except Invalid:
        errors.append(f"tags “{get('tags')}” are not valid")
    return clean, errors
