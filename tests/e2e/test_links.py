"""Links between pages: ``/leads?status=...&assigned=...`` opens the inbox filtered (and keeps
the filters in the address bar); a lead's deal link opens ``/pipeline?deal=<id>`` with that
deal's pipeline on the board and its drawer open."""

from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path

from playwright.sync_api import Page, expect

from .helpers import goto, login, screenshot

MANAGER = "manager@demo.smartweb.test"
ROW = "[data-lead-row]"
SWITCHER = '[role="combobox"][aria-label="Pipeline"]'  # CSS: an open drawer hides it from ARIA


def _pick_pipeline(page: Page, name: str) -> None:
    page.locator(SWITCHER).click()
    page.get_by_role("option", name=name, exact=True).click()
    expect(page.locator(SWITCHER)).to_have_text(name)


def test_inbox_link_opens_only_new_unassigned_leads(page: Page) -> None:
    login(page, MANAGER)
    goto(page, "/leads?status=new&assigned=unassigned")
    expect(page.locator('[data-filter="status"]')).to_have_text("New")
    expect(page.locator('[data-filter="assignee"]')).to_have_text("Unassigned")
    rows = page.locator(ROW)
    expect(rows.first).to_be_visible()
    for i in range(rows.count()):
        expect(rows.nth(i).locator("[data-lead-status]")).to_have_attribute(
            "data-lead-status", "new"
        )
        expect(rows.nth(i).locator("[data-lead-status]")).to_have_text("New")  # a label
        expect(rows.nth(i).locator("[data-lead-assignee]")).to_have_attribute(
            "data-lead-assignee", ""
        )
    # The inbox writes its filters back, so the address is a link to this view.
    expect(page).to_have_url(re.compile(r"/leads\?(?=.*status=new)(?=.*assigned=unassigned)"))
    screenshot(page, "links-inbox-filtered")

    page.get_by_role("button", name="Clear", exact=True).click()
    expect(page.locator('[data-filter="status"]')).to_have_text("Any status")
    expect(page).to_have_url(re.compile(r"/leads$"))


def test_inbox_link_ignores_invalid_values(page: Page) -> None:
    login(page, MANAGER)
    goto(page, "/leads?status=bogus&assigned=nobody&source=referral&score_min=x")
    expect(page.locator('[data-filter="source"]')).to_have_text("Referral")
    expect(page.locator('[data-filter="status"]')).to_have_text("Any status")
    expect(page.locator('[data-filter="assignee"]')).to_have_text("Anyone")
    expect(page).to_have_url(re.compile(r"/leads\?source=referral$"))


def test_lead_deal_link_opens_the_drawer_on_the_deals_pipeline(page: Page) -> None:
    login(page, MANAGER)
    goto(page, "/pipeline")
    switcher = page.locator(SWITCHER)
    expect(page.locator("[data-deal-id]").first).to_be_visible()
    first_pipeline = switcher.inner_text().strip()
    switcher.click()
    names = [n.strip() for n in page.get_by_role("option").all_inner_texts()]
    page.keyboard.press("Escape")
    other_pipeline = next(n for n in names if n != first_pipeline)

    # A deal of the other pipeline that belongs to a lead.
    _pick_pipeline(page, other_pipeline)
    drawer = page.get_by_test_id("deal-drawer")
    cards = page.locator("[data-deal-id]")
    expect(cards.first).to_be_visible()
    deal_id = lead_href = ""
    for i in range(min(cards.count(), 12)):
        card = cards.nth(i)
        card.click()
        expect(drawer).to_be_visible()
        expect(drawer.get_by_role("heading")).not_to_have_text("")
        link = drawer.get_by_role("link", name="Open lead")
        if link.count():
            deal_id, lead_href = (
                card.get_attribute("data-deal-id") or "",
                link.get_attribute("href") or "",
            )
            deal_name = drawer.get_by_role("heading").first.inner_text().strip()
        expect(page).to_have_url(re.compile(rf"deal={card.get_attribute('data-deal-id')}"))
        drawer.get_by_role("button", name="Close").click()
        expect(drawer).to_be_hidden()
        expect(page).not_to_have_url(re.compile(r"deal="))
        if deal_id:
            break
    assert deal_id and lead_href, f"no deal with a lead among the first cards of {other_pipeline}"
    _pick_pipeline(page, first_pipeline)  # the board now opens on the first pipeline

    goto(page, lead_href)
    page.locator(f'[data-deal-id="{deal_id}"] a').click()

    page.wait_for_url(re.compile(rf"/pipeline\?.*deal={deal_id}"))
    expect(drawer).to_be_visible()
    expect(drawer.get_by_role("heading").first).to_have_text(deal_name)
    expect(switcher).to_have_text(other_pipeline)
    expect(page.locator(f'[data-deal-id="{deal_id}"]')).to_be_attached()
    screenshot(page, "links-pipeline-deal-drawer")

    drawer.get_by_role("button", name="Close").click()
    expect(drawer).to_be_hidden()
    expect(page).not_to_have_url(re.compile(r"deal="))
    expect(page).to_have_url(re.compile(r"/pipeline\?pipeline="))
    # A deal link does not change the board the manager opens by default.
    goto(page, "/pipeline")
    expect(page.locator("[data-deal-id]").first).to_be_visible()
    expect(switcher).to_have_text(first_pipeline)


def test_forged_deal_link_only_says_not_found(page: Page) -> None:
    login(page, MANAGER)
    goto(page, f"/pipeline?deal={uuid.uuid4()}")
    expect(page.get_by_text("Deal not found.")).to_be_visible()
    expect(page.locator("[data-deal-id]").first).to_be_visible()
    expect(page.get_by_test_id("deal-drawer")).to_be_hidden()
    expect(page).not_to_have_url(re.compile(r"deal="))


def test_export_downloads_the_filtered_view_as_a_streamed_csv(page: Page) -> None:
    """Export sends the browser to /api/exports/leads.csv with a short-lived ticket."""
    login(page, MANAGER)
    goto(page, "/leads?status=new&assigned=unassigned")
    expect(page.locator(ROW).first).to_be_visible()
    shown = page.locator(ROW).count()
    with page.expect_download() as info:
        page.get_by_role("button", name="Export CSV").click()
    download = info.value
    assert re.fullmatch(r"leads-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    assert "/api/exports/leads.csv?ticket=" in download.url
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text("utf-8"))))
    assert len(rows) == shown  # the whole view (fewer than a page here)
    assert {(r["status"], r["assigned_to"]) for r in rows} == {("new", "")}
    expect(page).to_have_url(re.compile(r"/leads\?"))  # the inbox stays open

    # The ticket worked once; again, or altered, it is refused with a plain message.
    for url in (download.url, download.url.replace("ticket=", "ticket=x")):
        response = page.request.get(url)
        assert response.status == 403
        assert "invalid, used or expired" in response.text()
