"""/pipeline in Chromium: drag and drop, Won/Lost dialog, permission snap-back, live updates.

The board is wider than the default viewport, so these tests use their own wide contexts
(``helpers.open_board``: every column visible, no auto-scrolling mid-drag).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, expect

from .helpers import (
    ServerFrames,
    board_card,
    board_column,
    board_context,
    column,
    column_names,
    drag,
    movable_card,
    screenshot,
    show_board,
)

MANAGER, REP, REP2 = (
    "manager@demo.smartweb.test",
    "rep@demo.smartweb.test",
    "rep2@demo.smartweb.test",
)
REP2_NAME = "Casey Nguyen"


@dataclass
class BoardPages:
    """Opens signed-in pages on /pipeline, each in its own (wide) browser context, and hears
    what the server sends each of them."""

    browser: Browser
    base_url: str
    contexts: list[BrowserContext] = field(default_factory=list)
    heard: list[tuple[Page, ServerFrames]] = field(default_factory=list)

    def __call__(self, email: str) -> Page:
        ctx, page = board_context(self.browser, self.base_url)
        self.contexts.append(ctx)
        self.heard.append((page, ServerFrames(page)))  # before the page opens its socket
        show_board(page, email)
        return page

    def frames(self, page: Page) -> ServerFrames:
        return next(frames for p, frames in self.heard if p is page)


@pytest.fixture
def new_page(browser: Browser, base_url: str) -> Iterator[BoardPages]:
    """Factory of signed-in pages on /pipeline (``new_page(email)``)."""
    pages = BoardPages(browser, base_url)
    yield pages
    for ctx in pages.contexts:
        ctx.close()


def money(text: str) -> Decimal:
    return Decimal(re.sub(r"[^0-9.\-]", "", text) or "0")


def total(col: Locator) -> Decimal:
    return money(col.locator(".kb-col-head .kb-sum").inner_text())


def test_manager_drags_a_deal_to_the_next_stage_and_it_sticks(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(MANAGER)
    names = column_names(page)
    src, dst = column(page, names[0]), column(page, names[1])
    src_total, dst_total = total(src), total(dst)
    card = movable_card(src)
    deal_id = card.get_attribute("data-deal-id")
    value = money(card.locator(".kb-card-value").inner_text())
    dst_id = dst.get_attribute("data-stage-id")
    frames = new_page.frames(page)
    before_drop = frames.mark()

    drag(page, card, dst.locator("[data-deal-id]").first)
    expect(dst.locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()
    screenshot(page, "pipeline-after-drag")
    # The server has it: a fresh load shows it in the new column with both totals moved.
    expect(src.locator(f'[data-deal-id="{deal_id}"]')).to_have_count(0)
    # Before the page goes away, the server has the move: the board it sends back (re-read
    # from the database after the move's commit) has the card in the new column.
    frames.wait_for(
        f"deal {deal_id} in stage {dst_id}", board_column(dst_id, deal_id), since=before_drop
    )
    page.goto("/pipeline")
    dst, src = column(page, names[1]), column(page, names[0])
    expect(dst.locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()
    assert abs(total(src) - (src_total - value)) <= 1
    assert abs(total(dst) - (dst_total + value)) <= 1


def test_a_drop_into_lost_demands_a_reason(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(MANAGER)
    names = column_names(page)
    src, lost = column(page, names[0]), column(page, "Lost")
    card = movable_card(src)
    deal_id = card.get_attribute("data-deal-id")

    drag(page, card, lost)
    dialog = page.get_by_test_id("close-deal-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Close as lost")
    dialog.get_by_role("button", name="Mark as lost").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Say why the deal was lost")
    screenshot(page, "pipeline-lost-needs-reason", full_page=False)
    # Cancelling puts the card back where it was.
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(src.locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()

    # With a reason it is lost for good.
    card = src.locator(f'[data-deal-id="{deal_id}"]')
    drag(page, card, column(page, "Lost"))
    expect(dialog).to_be_visible()
    dialog.get_by_role("combobox").click()
    page.get_by_role("option").first.click()
    dialog.get_by_role("textbox").nth(1).fill("Rival Roofing")
    dialog.get_by_role("button", name="Mark as lost").click()
    expect(dialog).to_be_hidden()
    expect(column(page, "Lost").locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()


def test_a_rep_cannot_move_another_reps_deal(new_page) -> None:  # type: ignore[no-untyped-def]
    page = new_page(REP)
    names = column_names(page)
    # 1) Someone else's card is locked: a drag does not move it.
    locked = page.locator("[data-deal-id].kb-card--locked").first
    expect(locked.locator(".kb-lock")).to_have_attribute("title", "You can't move this deal")
    deal_id = locked.get_attribute("data-deal-id")
    home = locked.locator("xpath=ancestor::*[@data-stage-id][1]").get_attribute("data-stage-id")
    other = next(n for n in names if column(page, n).get_attribute("data-stage-id") != home)
    drag(page, locked, column(page, other))
    expect(page.locator(f'[data-stage-id="{home}"] [data-deal-id="{deal_id}"]')).to_be_visible()

    # 2) A deal reassigned while the rep is dragging it: the server refuses, the card snaps back.
    mine = page.locator("[data-deal-id]:not(.kb-card--locked)").first
    mine_id = mine.get_attribute("data-deal-id")
    mine_home = mine.locator("xpath=ancestor::*[@data-stage-id][1]").get_attribute("data-stage-id")
    target = next(n for n in names if column(page, n).get_attribute("data-stage-id") != mine_home)
    target = target if target not in ("Won", "Lost") else names[0]
    manager = new_page(MANAGER)
    page.bring_to_front()
    rep_frames = new_page.frames(page)
    drag(page, mine, column(page, target), release=False)
    before_save = rep_frames.mark()
    manager.locator(f'[data-deal-id="{mine_id}"]').click()
    drawer = manager.get_by_test_id("deal-drawer")
    expect(drawer).to_be_visible()
    drawer.locator('select[name="owner_id"]').select_option(label=REP2_NAME)
    drawer.get_by_role("button", name="Save deal").click()
    expect(manager.get_by_text("Deal saved.")).to_be_visible()
    # The rep's board hears about it mid-drag: a patch sends the card, now rep2's (so locked).
    rep_frames.wait_for(
        f"deal {mine_id} locked, owned by {REP2_NAME}",
        board_card(mine_id, owner_name=REP2_NAME),
        since=before_save,
    )
    page.mouse.up()
    expect(page.get_by_text("You can move only your own deals.")).to_be_visible()
    expect(
        page.locator(f'[data-stage-id="{mine_home}"] [data-deal-id="{mine_id}"]')
    ).to_be_visible()
    screenshot(page, "pipeline-rep-snap-back", full_page=False)


def test_a_second_browser_sees_a_move_without_reloading(new_page) -> None:  # type: ignore[no-untyped-def]
    watcher = new_page(REP2)
    page = new_page(MANAGER)
    names = column_names(page)
    src, dst = column(page, names[1]), column(page, names[2])
    card = movable_card(src)
    deal_id = card.get_attribute("data-deal-id")
    expect(column(watcher, names[1]).locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()

    drag(page, card, dst.locator("[data-deal-id]").first)
    dropped = time.monotonic()
    # Pushed, not polled: no reload. How fast is the load bench's business (bench/RESULTS.md);
    # the wait here is generous so a busy machine doesn't fail it.
    expect(column(watcher, names[2]).locator(f'[data-deal-id="{deal_id}"]')).to_be_visible(
        timeout=15_000
    )
    print(f"second browser saw the move after {time.monotonic() - dropped:.2f}s")
