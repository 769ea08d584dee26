"""The one pricing function: line totals, discount, tax on the discounted amount, total.

Every amount is ``Decimal`` rounded half-up to the cent:

* a line's total is ``quantity × unit price × (1 − line discount %)``, rounded;
* the subtotal is the sum of the rounded line totals;
* the proposal discount is ``subtotal × percent`` (rounded) or a fixed amount (at most the
  subtotal);
* each line's tax is its share of the discounted subtotal × its tax rate, rounded per line;
  the tax is the sum of those;
* total = subtotal − discount + tax, exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..core.errors import Invalid
from ..core.money import CENT, MAX_MONEY

HUNDRED = Decimal(100)
ZERO = Decimal("0.00")
MAX_QUANTITY = Decimal("9999999999.99")  # NUMERIC(12,2)
DISCOUNT_TYPES = ("percent", "amount")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PriceLine:
    """What one line contributes: quantity, unit price, line discount % and tax rate %."""

    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal = Decimal(0)
    tax_rate: Decimal = Decimal(0)


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal  # the line total after its own discount (stored as line_total)
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    lines: tuple[LineAmounts, ...]
    subtotal: Decimal
    discount: Decimal
    discount_percent: Decimal  # the discount as a share of the subtotal (for approval rules)
    taxable: Decimal  # subtotal − discount
    tax: Decimal
    total: Decimal


def _check(line: PriceLine) -> None:
    if not (Decimal(0) < line.quantity <= MAX_QUANTITY):
        raise Invalid("Quantity must be more than 0.")
    if not (Decimal(0) <= line.unit_price <= MAX_MONEY):
        raise Invalid("Unit price must be between 0 and the largest amount.")
    if not (Decimal(0) <= line.discount_percent <= HUNDRED):
        raise Invalid("A line discount must be between 0 and 100 %.")
    if not (Decimal(0) <= line.tax_rate <= HUNDRED):
        raise Invalid("A tax rate must be between 0 and 100 %.")


def price(
    lines: Sequence[PriceLine], discount_type: str = "percent", discount_value: Decimal = ZERO
) -> Totals:
    """Totals of a proposal (see the module docstring); ``Invalid`` for out-of-range input."""
    if discount_type not in DISCOUNT_TYPES:
        raise Invalid("The discount is a percent or an amount.")
    if discount_value < 0:
        raise Invalid("A discount can't be negative.")
    nets: list[Decimal] = []
    for line in lines:
        _check(line)
        nets.append(
            cents(line.quantity * line.unit_price * (HUNDRED - line.discount_percent) / HUNDRED)
        )
    subtotal = sum(nets, ZERO)
    if discount_type == "percent":
        if discount_value > HUNDRED:
            raise Invalid("A discount can't be more than 100 %.")
        discount = cents(subtotal * discount_value / HUNDRED)
        factor = (HUNDRED - discount_value) / HUNDRED
    else:
        discount = min(cents(discount_value), subtotal)
        factor = (subtotal - discount) / subtotal if subtotal else Decimal(0)
    taxes = [
        cents(net * factor * line.tax_rate / HUNDRED) for net, line in zip(nets, lines, strict=True)
    ]
    tax = sum(taxes, ZERO)
    total = subtotal - discount + tax
    if total > MAX_MONEY or subtotal > MAX_MONEY:
        raise Invalid("The total is larger than an amount can be.")
    share = cents(discount * HUNDRED / subtotal) if subtotal else ZERO
    return Totals(
        lines=tuple(LineAmounts(n, t) for n, t in zip(nets, taxes, strict=True)),
        subtotal=subtotal,
        discount=discount,
        discount_percent=share,
        taxable=subtotal - discount,
        tax=tax,
        total=total,
    )
