"""The one label for every stored enum value ("general_contractor" -> "General contractor")."""

from __future__ import annotations

from enum import Enum

from ...models import enums

# Values whose label is not the value with spaces and a capital.
_SPECIAL = {
    "hvac": "HVAC",
    "ai_campaign": "AI campaign",
    "ai_call": "AI call",
    "sms": "SMS",
    "dba": "DBA",
}


def label(value: object) -> str:
    """The label a person reads for an enum value (or its stored string); "" for empty."""
    raw = value.value if isinstance(value, Enum) else value
    text = "" if raw is None else str(raw)
    if not text:
        return ""
    special = _SPECIAL.get(text.lower())
    return special if special else text.replace("_", " ").capitalize()


def _all_values() -> dict[str, str]:
    out: dict[str, str] = {}
    for item in vars(enums).values():
        if isinstance(item, type) and issubclass(item, Enum) and item is not Enum:
            out.update({str(m.value): label(m) for m in item})
    return out


# Every enum value of the data model with its label (the pages' one lookup table).
LABELS: dict[str, str] = _all_values()
