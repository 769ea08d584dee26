"""The edit dialogs of two lists, in Chromium: a product added to the catalog and edited, a
contact added to a lead, edited and removed; a refusal shows inside the dialog."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from .helpers import goto, login

MANAGER = "manager@demo.smartweb.test"


def _toast(page: Page, text: str):  # type: ignore[no-untyped-def]
    return page.locator("[data-sonner-toast]").filter(has_text=text)


def test_a_manager_adds_a_product_and_edits_it(page: Page) -> None:
    login(page, MANAGER)
    goto(page, "/products")
    sku = f"SVC-{uuid.uuid4().hex[:6].upper()}"
    page.get_by_role("button", name="New product").click()
    dialog = page.get_by_role("dialog")
    dialog.locator('input[name="sku"]').fill(sku)
    dialog.locator('input[name="name"]').fill("Spring tune-up visit")
    dialog.locator('input[name="unit_price"]').fill("149.50")
    dialog.locator("#submit-product").click()
    expect(_toast(page, "Product saved.")).to_be_visible()
    row = page.locator("[data-product-id]").filter(has_text=sku)
    expect(row).to_contain_text("Spring tune-up visit")
    expect(row).to_contain_text("149.50")

    row.get_by_role("button", name="Edit").click()
    expect(dialog.locator('input[name="sku"]')).to_have_value(sku)  # the row it was opened for
    dialog.locator('input[name="name"]').fill("Spring tune-up, two visits")
    dialog.locator('input[name="unit_price"]').fill("not a price")
    dialog.locator("#submit-product").click()
    expect(dialog).to_be_visible()  # refused: the dialog stays with the message
    dialog.locator('input[name="unit_price"]').fill("279.00")
    dialog.locator("#submit-product").click()
    expect(dialog).to_have_count(0)
    expect(row).to_contain_text("Spring tune-up, two visits")
    expect(row).to_contain_text("279.00")

    page.get_by_role("button", name="New product").click()  # a new one starts blank
    expect(dialog.locator('input[name="sku"]')).to_have_value("")
    page.keyboard.press("Escape")


def test_a_contact_is_added_to_a_lead_edited_and_removed(page: Page) -> None:
    login(page, MANAGER)
    goto(page, "/leads")
    lead_id = page.locator("[data-lead-row]").first.get_attribute("data-lead-id") or ""
    goto(page, f"/leads/{lead_id}")
    name = f"Dana Whitfield {uuid.uuid4().hex[:4]}"
    page.locator("#add-contact").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Add contact")
    dialog.locator('input[name="full_name"]').fill(name)
    dialog.locator('input[name="role"]').fill("Office manager")
    dialog.locator("#submit-contact").click()
    expect(_toast(page, "Contact saved.")).to_be_visible()
    row = page.locator("[data-contact-id]").filter(has_text=name)
    expect(row).to_contain_text("Office manager")

    row.get_by_role("button", name="Edit contact").click()
    expect(dialog).to_contain_text("Edit contact")
    expect(dialog.locator('input[name="full_name"]')).to_have_value(name)
    dialog.locator('input[name="role"]').fill("Owner")
    dialog.locator("#submit-contact").click()
    expect(dialog).to_have_count(0)
    expect(row).to_contain_text("Owner")

    row.get_by_role("button", name="Remove contact").click()
    expect(_toast(page, "Contact removed.")).to_be_visible()
    expect(page.locator("[data-contact-id]").filter(has_text=name)).to_have_count(0)
