"""The proposal builder in the browser: a rep builds a proposal with three lines and a 10 %
discount; the totals on screen are the pricing function's, to the cent."""

from __future__ import annotations

import re
from decimal import Decimal

from playwright.sync_api import Page, expect

from smartweb_ui.services.core.formatting import format_money
from smartweb_ui.services.proposals.pricing import PriceLine, price

from .helpers import goto, login, screenshot

LINE = "tr[data-line-id]"


def _blur_fill(page: Page, selector: str, value: str) -> None:
    box = page.locator(selector)
    box.fill(value)
    box.press("Tab")


def test_rep_builds_a_proposal_and_the_totals_are_the_servers(page: Page) -> None:
    login(page, "rep@demo.smartweb.test")
    goto(page, "/proposals")
    page.locator("#new-proposal").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"/proposals/[0-9a-f-]{36}$"))
    expect(page.locator("#proposal-number")).to_have_text(re.compile(r"^P-\d{4}-\d{4,}$"))

    picker = page.locator("select#add-product")
    for n in range(3):
        options = picker.locator("option")
        expect(options.nth(1)).to_be_attached()
        picker.select_option(index=1 + n)
        expect(page.locator(LINE)).to_have_count(n + 1)

    # Each edit is answered with the re-priced line: wait for its amount before the next one.
    first = page.locator(LINE).first
    price_1 = Decimal(first.locator('input[data-field="unit_price"]').input_value())
    _blur_fill(page, f'{LINE} >> nth=0 >> input[data-field="quantity"]', "3")
    expect(page.locator(LINE).first.locator("td").nth(5)).to_have_text(
        format_money(price_1 * 3, cents=True)
    )
    second = page.locator(LINE).nth(1)
    price_2 = Decimal(second.locator('input[data-field="unit_price"]').input_value())
    _blur_fill(page, f'{LINE} >> nth=1 >> input[data-field="discount"]', "5")
    expect(page.locator(LINE).nth(1).locator("td").nth(5)).to_have_text(
        format_money(price([PriceLine(Decimal(1), price_2, Decimal(5))]).subtotal, cents=True)
    )
    subtotal_before = page.locator("#total-subtotal").inner_text()
    _blur_fill(page, "#discount-value", "10")
    expect(page.locator("#total-discount")).not_to_have_text("−$0.00")
    expect(page.locator("#total-subtotal")).to_have_text(subtotal_before)

    lines = []
    for n in range(3):
        row = page.locator(LINE).nth(n)
        cells = row.locator("td")
        tax = cells.nth(4).inner_text().replace("%", "").strip()
        lines.append(
            PriceLine(
                Decimal(row.locator('input[data-field="quantity"]').input_value()),
                Decimal(row.locator('input[data-field="unit_price"]').input_value()),
                Decimal(row.locator('input[data-field="discount"]').input_value()),
                Decimal(tax),
            )
        )
    expected = price(lines, "percent", Decimal(10))
    assert expected.discount > 0
    expect(page.locator("#total-subtotal")).to_have_text(
        format_money(expected.subtotal, cents=True)
    )
    expect(page.locator("#total-discount")).to_have_text(
        "−" + format_money(expected.discount, cents=True)
    )
    expect(page.locator("#total-tax")).to_have_text(format_money(expected.tax, cents=True))
    expect(page.locator("#total-total")).to_have_text(format_money(expected.total, cents=True))
    screenshot(page, "proposal-builder")

    # Reorder: the last line moves up one place.
    last_id = page.locator(LINE).nth(2).get_attribute("data-line-id")
    page.locator(LINE).nth(2).get_by_label("Move up").click()
    expect(page.locator(LINE).nth(1)).to_have_attribute("data-line-id", last_id or "")

    # The list shows it with the same total.
    goto(page, "/proposals")
    number = page.locator("tr[data-proposal-id]").first
    expect(number).to_contain_text(format_money(expected.total, cents=True))
