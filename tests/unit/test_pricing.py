"""The one pricing function: exact Decimal arithmetic, half-up to the cent, for any input."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smartweb_ui.services.core.errors import Invalid
from smartweb_ui.services.proposals.pricing import PriceLine, price

CENT = Decimal("0.01")


def cents(places: int, lo: int, hi: int) -> st.SearchStrategy[Decimal]:
    return st.integers(lo, hi).map(lambda n: Decimal(n).scaleb(-places))


lines_st = st.lists(
    st.builds(
        PriceLine,
        quantity=cents(2, 1, 100_000),  # 0.01 .. 1,000
        unit_price=cents(2, 0, 5_000_000),  # 0 .. 50,000
        discount_percent=cents(2, 0, 10_000),  # 0 .. 100 %
        tax_rate=cents(2, 0, 3_000),  # 0 .. 30 %
    ),
    min_size=0,
    max_size=12,
)


@settings(max_examples=400, deadline=None)
@given(lines=lines_st, pct=cents(2, 0, 10_000))
def test_percent_discount_totals_add_up_to_the_cent(lines: list[PriceLine], pct: Decimal) -> None:
    t = price(lines, "percent", pct)
    for amount in (t.subtotal, t.discount, t.tax, t.total, *(a.net for a in t.lines)):
        assert amount == amount.quantize(CENT)  # every amount is whole cents
    assert t.subtotal == sum((a.net for a in t.lines), Decimal(0))
    assert t.tax == sum((a.tax for a in t.lines), Decimal(0))
    assert t.total == t.subtotal - t.discount + t.tax
    assert t.discount == (t.subtotal * pct / 100).quantize(CENT, ROUND_HALF_UP)
    assert Decimal(0) <= t.discount <= t.subtotal
    # Each line's tax is on its discounted share, off by at most half a cent from exact.
    for line, amounts in zip(lines, t.lines, strict=True):
        exact = amounts.net * (100 - pct) / 100 * line.tax_rate / 100
        assert abs(amounts.tax - exact) <= Decimal("0.005")
        gross = line.quantity * line.unit_price * (100 - line.discount_percent) / 100
        assert abs(amounts.net - gross) <= Decimal("0.005")


@settings(max_examples=300, deadline=None)
@given(lines=lines_st, amount=cents(2, 0, 10_000_000))
def test_amount_discount_never_exceeds_the_subtotal(
    lines: list[PriceLine], amount: Decimal
) -> None:
    t = price(lines, "amount", amount)
    assert t.discount == min(amount, t.subtotal)
    assert t.total == t.subtotal - t.discount + t.tax
    assert t.total >= 0
    taxable_exact = (
        sum(
            (a.net * (t.subtotal - t.discount) / t.subtotal * li.tax_rate / 100)
            for a, li in zip(t.lines, lines, strict=True)
        )
        if t.subtotal
        else Decimal(0)
    )
    assert abs(t.tax - taxable_exact) <= Decimal("0.005") * max(1, len(lines))


def test_rounding_edges_are_half_up() -> None:
    # 0.125 rounds up to 0.13; 0.005 to 0.01; 2.675 (a float trap) to 2.68.
    assert price([PriceLine(Decimal("1"), Decimal("0.125"))]).total == Decimal("0.13")
    assert price([PriceLine(Decimal("0.5"), Decimal("0.01"))]).total == Decimal("0.01")
    assert price([PriceLine(Decimal("1"), Decimal("2.675"))]).total == Decimal("2.68")
    # 3 × 33.33 with 10 %: 99.99 − 10.00 (9.999 → 10.00) = 89.99; tax 8.25 % of 89.991 → 7.42
    t = price(
        [PriceLine(Decimal(3), Decimal("33.33"), tax_rate=Decimal("8.25"))], "percent", Decimal(10)
    )
    assert (t.subtotal, t.discount, t.tax, t.total) == (
        Decimal("99.99"),
        Decimal("10.00"),
        Decimal("7.42"),
        Decimal("97.41"),
    )


def test_a_full_discount_leaves_no_tax() -> None:
    t = price([PriceLine(Decimal(2), Decimal("50"), tax_rate=Decimal(20))], "percent", Decimal(100))
    assert (t.discount, t.tax, t.total) == (Decimal("100.00"), Decimal("0.00"), Decimal("0.00"))


@pytest.mark.parametrize(
    ("line", "kind", "value"),
    [
        (PriceLine(Decimal(0), Decimal(1)), "percent", Decimal(0)),
        (PriceLine(Decimal(1), Decimal(-1)), "percent", Decimal(0)),
        (PriceLine(Decimal(1), Decimal(1), Decimal(101)), "percent", Decimal(0)),
        (PriceLine(Decimal(1), Decimal(1)), "percent", Decimal(101)),
        (PriceLine(Decimal(1), Decimal(1)), "amount", Decimal(-1)),
        (PriceLine(Decimal(1), Decimal(1)), "coupon", Decimal(1)),
    ],
)
def test_out_of_range_input_is_refused(line: PriceLine, kind: str, value: Decimal) -> None:
    with pytest.raises(Invalid):
        price([line], kind, value)
