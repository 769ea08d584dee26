"""A proposal from send to contract: the rep sends it from the builder, the client opens the
link in a fresh browser (no sign-in), accepts; the contract appears and the deal is Won."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from .helpers import board_context, goto, login, screenshot

CLIENT_NAME = "Dana Client"


def _new_proposal(page: Page) -> str:
    """A fresh draft with one catalog line (a small discount: no approval needed)."""
    goto(page, "/proposals")
    page.locator("#new-proposal").click()
    page.get_by_role("dialog").get_by_role("button").first.click()
    page.wait_for_url(re.compile(r"/proposals/[0-9a-f-]{36}$"))
    picker = page.locator("select#add-product")
    expect(picker.locator("option").nth(1)).to_be_attached()
    picker.select_option(index=1)
    expect(page.locator("tr[data-line-id]")).to_have_count(1)
    href = page.locator("a[href^='/pipeline?deal=']").first.get_attribute("href")
    assert href
    return href.split("deal=", 1)[1]


def test_a_client_accepts_a_sent_proposal_and_the_deal_is_won(
    page: Page, browser: Browser, base_url: str
) -> None:
    login(page, "rep@demo.smartweb.test")
    deal_id = _new_proposal(page)
    builder_url = page.url
    total = page.locator("#total-total").inner_text()

    page.locator("#send-open").click()
    dialog = page.get_by_role("dialog")
    dialog.locator('input[name="to_email"]').fill("dana@client.test")
    dialog.locator('textarea[name="message"]').fill("Here is our proposal.")
    dialog.locator("#send-submit").click()
    link = page.locator("#client-link")
    expect(link).to_be_visible()
    expect(page.locator("#delivery-sent-to")).to_have_text("dana@client.test")
    path = link.get_attribute("href")
    assert path and path.startswith("/p/")
    screenshot(page, "proposal-sent")

    # The client: a fresh browser context, nobody signed in.
    client_ctx = browser.new_context(base_url=base_url)
    try:
        client = client_ctx.new_page()
        client.goto(path)
        expect(client.locator("#status")).to_have_text("Viewed")
        expect(client.locator("#total")).to_have_text(total)
        expect(client.get_by_role("link", name="Download PDF")).to_be_visible()
        screenshot(client, "proposal-public")
        client.locator("#full_name").fill(CLIENT_NAME)
        client.locator("#consent").check()
        client.get_by_role("button", name="Accept proposal").click()
        expect(client.get_by_role("status")).to_contain_text(f"Accepted by {CLIENT_NAME}")
        expect(client.locator("#status")).to_have_text("Accepted")
        expect(client.get_by_role("button", name="Accept proposal")).to_have_count(0)
        screenshot(client, "proposal-public-accepted")
        assert client.goto("/p/not-a-real-link").status == 404
    finally:
        client_ctx.close()

    # The contract appears on the builder and in /contracts.
    goto(page, builder_url.replace(base_url, ""))
    contract = page.locator("#delivery-contract")
    expect(contract).to_be_visible()
    contract.click()
    page.wait_for_url(re.compile(r"/contracts/[0-9a-f-]{36}$"))
    expect(page.locator("#contract-number")).to_have_text(re.compile(r"^C-\d{4}-\d{4,}$"))
    expect(page.locator("#contract-total")).to_have_text(total)
    expect(page.locator("#client-signed-by")).to_have_text(CLIENT_NAME)
    number = page.locator("#contract-number").inner_text()
    goto(page, "/contracts")
    expect(page.get_by_role("link", name=number)).to_be_visible()

    # The deal is in Won on the board (the drawer says so, the card sits in the Won column).
    board_ctx, board = board_context(browser, base_url)
    try:
        login(board, "rep@demo.smartweb.test")
        board.goto(f"/pipeline?deal={deal_id}")
        won = board.locator("[data-stage-id]").filter(
            has=board.locator(".kb-col-name", has_text=re.compile("^Won$"))
        )
        expect(won.locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()
        expect(board.locator("#drawer-contract")).to_contain_text(number)
        screenshot(board, "proposal-deal-won")
    finally:
        board_ctx.close()
