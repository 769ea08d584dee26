"""What a sales team meets in its first week on the inbox and the lead page: a row opens its
lead, the selection follows what is shown, the executive is offered no action, Ctrl-K finds a
deal by its company, the edit form saves, and nothing overflows its card at phone width."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Page, expect

from .helpers import OVERFLOW_JS, goto, login, screenshot

ROW = "[data-lead-row]"
MANAGER = "manager@demo.smartweb.test"
REP = "rep@demo.smartweb.test"
EXEC = "exec@demo.smartweb.test"
PHONE = {"width": 390, "height": 844}


def _open_leads(page: Page) -> None:
    goto(page, "/leads")  # rows from tablet width, cards at phone width
    expect(page.locator(f"{ROW}:visible, [data-lead-card]:visible").first).to_be_visible()


def _bulk_bar(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_text(re.compile(r"^\d+ selected$"))


def test_a_click_anywhere_on_a_row_opens_the_lead_but_the_checkbox_selects(page: Page) -> None:
    login(page, MANAGER)
    _open_leads(page)
    row = page.locator(ROW).nth(1)
    row.locator("[data-row-checkbox] button").click()
    expect(_bulk_bar(page)).to_have_text("1 selected")
    expect(page).to_have_url(re.compile(r"/leads(\?|$)"))
    lead_id = row.get_attribute("data-lead-id")
    row.locator("[data-lead-status]").click()  # not the company link: the row itself
    page.wait_for_url(re.compile(rf"/leads/{lead_id}"))


def test_selection_clears_when_the_search_or_the_view_changes(page: Page) -> None:
    login(page, MANAGER)
    _open_leads(page)
    page.locator(ROW).first.locator("[data-row-checkbox] button").click()
    page.locator(ROW).nth(2).locator("[data-row-checkbox] button").click()
    expect(_bulk_bar(page)).to_have_text("2 selected")
    name = page.locator(f"{ROW} a[data-lead-link]").nth(4).inner_text().strip()
    page.get_by_placeholder("Search leads").fill(name)
    expect(page.locator(ROW).first.locator("a[data-lead-link]")).to_have_text(name)
    expect(_bulk_bar(page)).to_have_count(0)

    page.get_by_placeholder("Search leads").fill("")
    expect(page.locator(ROW).nth(3)).to_be_visible()
    page.locator(ROW).first.locator("[data-row-checkbox] button").click()
    expect(_bulk_bar(page)).to_have_text("1 selected")
    page.locator('[data-view="hot"]').click()
    expect(page.locator('[data-view="hot"]')).to_contain_text("open leads")
    expect(_bulk_bar(page)).to_have_count(0)


def test_the_executive_is_offered_no_action_on_a_lead(page: Page) -> None:
    login(page, EXEC)
    _open_leads(page)
    expect(page.locator(f"{ROW} [data-row-checkbox] button")).to_have_count(0)  # no bulk action
    expect(page.locator("#new-lead")).to_have_count(0)
    lead_id = page.locator(ROW).first.get_attribute("data-lead-id")
    goto(page, f"/leads/{lead_id}")
    expect(page.get_by_test_id("profile-card")).to_be_visible()
    for button in ("#log-call", "#log-email", "#log-meeting", "#log-note", "#add-task",
                   "#edit-lead", "#convert-lead"):  # fmt: skip
        expect(page.locator(button)).to_have_count(0)
    expect(page.get_by_test_id("tag-form")).to_have_count(0)
    expect(page.locator("[data-status-action]")).to_have_count(0)
    expect(page.get_by_label("Edit entry")).to_have_count(0)
    screenshot(page, "lead-page-executive")


def test_ctrl_k_finds_a_deal_by_its_company_name(page: Page) -> None:
    login(page, MANAGER)
    goto(page, "/pipeline")
    company = page.locator(".kb-card-company").first
    expect(company).to_be_visible()
    name = company.inner_text().strip()
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+k")
    box = page.locator("#palette-input")
    expect(box).to_be_focused()
    box.fill(name)
    deal = page.locator('[data-palette-kind="deal"]', has_text=name).first
    expect(deal).to_be_visible()
    items = page.locator("[data-palette-kind]")
    titles = [items.nth(i).inner_text() for i in range(items.count())]
    steps = next(i for i, text in enumerate(titles) if text == deal.inner_text())
    for _ in range(steps):  # each press moves one line (the server keeps the active line)
        page.keyboard.press("ArrowDown")
    expect(deal).to_have_attribute("data-palette-active", "true")
    screenshot(page, "palette-deal")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/pipeline\?deal="))


def test_the_palette_offers_quick_actions(page: Page) -> None:
    login(page, REP)
    goto(page, "/leads")
    page.locator("#open-search").click()
    page.locator("#palette-input").fill("new lead")  # "new" alone also finds "Renewal" deals
    action = page.locator('[data-palette-kind="action"]', has_text="New lead")
    expect(page.locator("[data-palette-kind]")).to_have_count(1)  # the list has settled
    action.click()
    expect(page.get_by_role("dialog", name="New lead")).to_be_visible()


def _edit_long_contact(page: Page) -> str:
    """As the manager, give the first lead a very long e-mail and website through Edit."""
    _open_leads(page)
    lead_id = page.locator(ROW).first.get_attribute("data-lead-id") or ""
    goto(page, f"/leads/{lead_id}")
    page.locator("#edit-lead").click()
    tag = uuid.uuid4().hex[:8]
    page.locator('input[name="email"]').fill(f"accounts.payable.department.{tag}@averyveryverylongcompanydomainname.example")  # fmt: skip
    page.locator('input[name="website"]').fill(f"https://www.averyveryverylongcompanydomainname.example/services/{tag}/residential-and-commercial")  # fmt: skip
    page.locator('input[name="best_call_time"]').fill("Mornings")
    page.locator("#submit-edit").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_test_id("profile-card")).to_contain_text(tag)
    return lead_id


def test_nothing_overflows_its_card_at_phone_width(page: Page) -> None:
    login(page, MANAGER)
    lead_id = _edit_long_contact(page)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
        page.set_viewport_size({"width": 1600, "height": 1000})
        goto(page, f"/leads/{lead_id}")
        expect(page.get_by_test_id("profile-card")).to_be_visible()
        screenshot(page, f"lead-page-1600-{scheme}")
        _open_leads(page)
        screenshot(page, f"inbox-1600-{scheme}")

        page.set_viewport_size(PHONE)
        _open_leads(page)
        expect(page.locator("[data-lead-card]").first).to_be_visible()
        assert page.evaluate(OVERFLOW_JS) == [], "inbox at 390 px"
        screenshot(page, f"inbox-390-{scheme}")
        goto(page, f"/leads/{lead_id}")
        expect(page.get_by_test_id("profile-card")).to_be_visible()
        assert page.evaluate(OVERFLOW_JS) == [], "lead page at 390 px"
        screenshot(page, f"lead-page-390-{scheme}")


def test_new_lead_warns_of_a_duplicate_while_the_phone_is_typed(page: Page) -> None:
    login(page, MANAGER)
    _open_leads(page)
    lead_id = page.locator(ROW).first.get_attribute("data-lead-id") or ""
    goto(page, f"/leads/{lead_id}")
    page.locator("#edit-lead").click()
    phone = page.locator('input[name="phone"]').input_value()
    company = page.locator('input[name="name"]').input_value()
    assert phone and company
    page.keyboard.press("Escape")

    _open_leads(page)
    page.locator("#new-lead").click()
    dialog = page.get_by_role("dialog")
    dialog.locator('input[name="name"]').fill(f"Fresh Co {uuid.uuid4().hex[:6]}")
    dialog.locator('input[name="phone"]').press_sequentially(phone, delay=20)  # typed, no submit
    warning = dialog.get_by_text("This company may already exist:")
    expect(warning).to_be_visible()
    match = dialog.locator(f'[data-duplicate-lead="{lead_id}"]')
    expect(match).to_contain_text(company)
    expect(match).to_contain_text("same phone")
    expect(dialog.get_by_role("button", name="Create anyway")).to_have_count(
        0
    )  # a phone is one company's
    expect(match.get_by_role("link")).to_have_attribute("href", f"/leads/{lead_id}")
    screenshot(page, "first-week-new-lead-duplicate", full_page=False)
    # A phone nobody has: the warning goes away.
    dialog.locator('input[name="phone"]').fill("(555) 010-" + str(uuid.uuid4().int % 9000 + 1000))
    expect(warning).to_have_count(0)
