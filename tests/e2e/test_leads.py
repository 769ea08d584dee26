"""Lead inbox in the browser: search narrows the list, logging shows on the timeline after a
reload, an import with bad rows lists their row numbers and reasons."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from .helpers import goto, login, screenshot

ROW = "[data-lead-row]"


def _open_leads(page: Page) -> None:
    goto(page, "/leads")
    expect(page.locator(ROW).first).to_be_visible()


def test_rep_search_narrows_the_list_to_the_company(page: Page) -> None:
    login(page, "rep@demo.smartweb.test")
    _open_leads(page)
    before = page.locator(ROW).count()
    name = page.locator(f"{ROW} a[data-lead-link]").nth(min(3, before - 1)).inner_text().strip()
    page.get_by_placeholder("Search leads").fill(name)
    expect(page.locator(ROW).first.locator("a[data-lead-link]")).to_have_text(name)
    rows = page.locator(ROW)
    expect(rows).not_to_have_count(before)
    for i in range(rows.count()):
        assert name.lower() in rows.nth(i).inner_text().lower()
    screenshot(page, "leads-search")


def test_rep_logs_a_note_and_a_call_and_sees_them_after_reload(page: Page) -> None:
    login(page, "rep@demo.smartweb.test")
    _open_leads(page)
    first = page.locator(ROW).first
    lead_id = first.get_attribute("data-lead-id")
    first.locator("a[data-lead-link]").click()
    page.wait_for_url(re.compile(rf"/leads/{lead_id}"))
    expect(page.locator("#log-call")).to_be_visible()
    note, call = f"Note {uuid.uuid4().hex[:8]}", f"Call {uuid.uuid4().hex[:8]}"

    page.locator("#log-note").click()
    page.locator('textarea[name="text"]').fill(note)
    page.locator("#submit-note").click()
    expect(page.get_by_test_id("timeline")).to_contain_text(note)
    expect(page.get_by_role("dialog")).to_have_count(0)

    page.keyboard.press("c")  # documented shortcut: log a call
    expect(page.locator('textarea[name="notes"]')).to_be_visible()
    page.locator('input[name="duration"]').fill("7")
    page.locator('textarea[name="notes"]').fill(call)
    page.locator("#submit-call").click()
    expect(page.get_by_test_id("timeline")).to_contain_text(call)

    page.reload()
    timeline = page.get_by_test_id("timeline")
    expect(timeline).to_contain_text(note)
    expect(timeline).to_contain_text(call)
    expect(timeline).to_contain_text("7 min")
    screenshot(page, "lead-detail-timeline")


def test_keyboard_moves_through_the_list_and_opens_a_lead(page: Page) -> None:
    login(page, "rep@demo.smartweb.test")
    _open_leads(page)
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("j")
    page.keyboard.press("j")
    second = page.locator(ROW).nth(1)
    expect(second).to_have_attribute("data-focused", "true")
    lead_id = second.get_attribute("data-lead-id")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/leads/{lead_id}"))


def test_import_with_bad_rows_shows_row_numbers_and_reasons(page: Page, tmp_path: Path) -> None:
    login(page, "manager@demo.smartweb.test")
    _open_leads(page)
    tag = uuid.uuid4().hex[:6]
    csv_file = tmp_path / "leads.csv"
    csv_file.write_text(
        "Company,Phone,Email,State,Zip\n"
        f"Good Co {tag},(512) 555-{tag[:4].translate(str.maketrans('abcdef', '123456'))},good{tag}@example.com,TX,78701\n"
        ",(512) 555-0000,nobody@example.com,TX,78701\n"
        f"Bad Phone {tag},123,bad{tag}@example.com,TX,78701\n"
        f"Bad State {tag},,state{tag}@example.com,ZZ,7870\n"
    )
    page.locator("#open-import").click()
    page.locator('input[type="file"]').set_input_files(str(csv_file))
    page.locator("#import-read").click()
    expect(page.locator("#import-start")).to_be_visible()
    page.get_by_text("All or nothing").click()
    page.locator("#import-start").click()
    rejected = page.get_by_test_id("import-rejected")
    expect(rejected).to_be_visible(timeout=30_000)
    expect(rejected.locator('[data-import-row="3"]')).to_contain_text("name is required")
    expect(rejected.locator('[data-import-row="4"]')).to_contain_text("10-digit")
    expect(rejected.locator('[data-import-row="5"]')).to_contain_text("state")
    expect(rejected.locator('[data-import-row="5"]')).to_contain_text("ZIP")
    expect(page.get_by_text("Nothing was imported")).to_be_visible()
    screenshot(page, "lead-import-rejected")
