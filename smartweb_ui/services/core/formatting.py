"""Display formatting shared by the pages (money in the organization's currency, dates)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
_SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "EUR": "€", "GBP": "£"}


def quantize_money(value: Decimal | int | str | None) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def format_money(
    value: Decimal | int | str | None, currency: str = "USD", *, cents: bool = False
) -> str:
    """``$12,500`` (or ``$12,500.00`` with cents) — never via float."""
    amount = Decimal(value or 0).quantize(CENT if cents else Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    body = f"{amount:,.2f}" if cents else f"{amount:,}"
    symbol = _SYMBOLS.get(currency.upper())
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{body} {currency.upper()}"


def format_money_short(value: Decimal | int | str | None, currency: str = "USD") -> str:
    """Compact money for tight spaces: ``$1.2M``, ``$85K``."""
    amount = quantize_money(value)
    symbol = _SYMBOLS.get(currency.upper(), "")
    for limit, suffix in ((Decimal(1_000_000), "M"), (Decimal(1_000), "K")):
        if abs(amount) >= limit:
            scaled = (amount / limit).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            text = f"{scaled:f}".rstrip("0").rstrip(".")
            return f"{symbol}{text}{suffix}"
    return format_money(amount, currency)


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%b} {value.day}, {value.year}"
