"""Money: ``Decimal`` to the cent, half-up; never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from .errors import Invalid

CENT = Decimal("0.01")
# NUMERIC(14,2): the largest amount a money column holds.
MAX_MONEY = Decimal("999999999999.99")


def quantize_money(value: Decimal | int | str | None) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(raw: Any, what: str = "Value") -> Decimal:
    """An amount typed by a person (``12,500``, ``$12500.50``) between 0 and MAX_MONEY."""
    if isinstance(raw, bool):
        raise Invalid(f"{what} must be an amount, like 12500 or 12500.50.")
    try:
        value = Decimal(str(raw).strip().replace(",", "").lstrip("$"))
    except (InvalidOperation, ValueError):
        raise Invalid(f"{what} must be an amount, like 12500 or 12500.50.") from None
    if not value.is_finite() or value < 0 or value > MAX_MONEY:
        raise Invalid(f"{what} must be between 0 and {MAX_MONEY:,}.")
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money_or_none(raw: Any) -> Decimal | None:
    """Lenient form for links: a bad or empty value is no amount."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        return parse_money(raw)
    except Invalid:
        return None
