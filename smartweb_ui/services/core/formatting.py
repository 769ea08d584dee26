"""Display formatting shared by the pages (money in the organization's currency, dates)."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import ROUND_DOWN, Decimal

from .money import quantize_money

_SYMBOLS = {"USD": "$", "CAD": "CA$", "AUD": "A$", "EUR": "€", "GBP": "£"}


def format_money(
    value: Decimal | int | str | None, currency: str = "USD", *, cents: bool = False
) -> str:
    """The one money format of the app: ``$12,500`` for whole amounts, ``$99,999.50`` when
    there are cents (or always with ``cents=True``). It never rounds: the cents that are
    there are shown (the amount itself is half-up to the cent, ``quantize_money``)."""
    amount = quantize_money(value)
    sign = "-" if amount < 0 else ""
    amount = abs(amount)
    whole = amount == amount.to_integral_value()
    body = f"{amount:,.2f}" if cents or not whole else f"{amount.to_integral_value():,}"
    symbol = currency_symbol(currency)
    return f"{sign}{symbol}{body}" if symbol else f"{sign}{body} {currency.upper()}"


def format_money_short(value: Decimal | int | str | None, currency: str = "USD") -> str:
    """Compact money for tight spaces: ``$1.2M``, ``$85K``. Truncated, never rounded up:
    $99,999.50 is ``$99.9K``, not ``$100K``."""
    amount = quantize_money(value)
    symbol = currency_symbol(currency)
    for limit, suffix in ((Decimal(1_000_000), "M"), (Decimal(1_000), "K")):
        if abs(amount) >= limit:
            scaled = (amount / limit).quantize(Decimal("0.1"), rounding=ROUND_DOWN)
            text = f"{scaled:f}".rstrip("0").rstrip(".")
            return f"{symbol}{text}{suffix}"
    return format_money(amount, currency)


def currency_symbol(currency: str) -> str:
    """``$`` for USD and the like; "" when the code has no short symbol here."""
    return _SYMBOLS.get(currency.upper(), "")


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    return f"{value:%b} {value.day}, {value.year}"


def format_datetime(
    value: datetime | None, tz: tzinfo, *, with_year: bool = True, empty: str = ""
) -> str:
    """``Mar 5, 2026, 14:05 EST`` (or ``Mar 5, 14:05 EST``) on the organization's wall clock,
    the zone named — the one date-and-time format of the app."""
    if value is None:
        return empty
    local = value.astimezone(tz)
    day = format_date(local) if with_year else f"{local:%b} {local.day}"
    zone = local.tzname() or ""
    return f"{day}, {local:%H:%M} {zone}".rstrip()


def initials(name: str) -> str:
    """``Morgan Reyes`` -> ``MR`` (``?`` for an empty name)."""
    parts = [p for p in (name or "").split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"
