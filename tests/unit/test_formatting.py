from decimal import Decimal

from smartweb_ui.services.core.audit import diff
from smartweb_ui.services.core.formatting import format_money, format_money_short


def test_money_is_formatted_without_floats() -> None:
    assert format_money(Decimal("12500.495")) == "$12,500.50"
    assert format_money(Decimal("12500.00")) == "$12,500"
    assert format_money(Decimal("12500.495"), cents=True) == "$12,500.50"
    assert format_money(Decimal("-3.10"), "EUR", cents=True) == "-€3.10"
    assert format_money(Decimal("10"), "MXN") == "10 MXN"
    assert format_money_short(Decimal("1250000")) == "$1.2M"
    assert format_money_short(Decimal("85000")) == "$85K"


def test_audit_diff_keeps_only_changed_keys() -> None:
    d = diff({"a": 1, "b": Decimal("2.50"), "c": "x"}, {"a": 1, "b": Decimal("3.00"), "c": "x"})
    assert d == {"before": {"b": "2.50"}, "after": {"b": "3.00"}}


def test_money_never_rounds_up() -> None:
    """$99,999.50 is never shown as $100,000 (nor $100K) anywhere."""
    assert format_money(Decimal("99999.50")) == "$99,999.50"
    assert format_money(Decimal("99999.50"), cents=True) == "$99,999.50"
    assert format_money_short(Decimal("99999.50")) == "$99.9K"
    assert format_money_short(Decimal("999999.99")) == "$999.9K"
