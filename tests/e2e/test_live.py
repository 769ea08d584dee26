"""Pushes: a change made in one browser reaches the inbox, Today and dashboard open in another
without a reload (the change feed; no page polls). The board's pushes are in test_pipeline.py.

Each test opens two separately signed-in browsers, makes a change in one and waits (at most a
couple of seconds) for the other page to show it.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .helpers import column, column_names, drag, goto, login, movable_card, screenshot

MANAGER, REP = "manager@demo.smartweb.test", "rep@demo.smartweb.test"
PUSH_MS = 3_000  # a pushed change shows well within this (the goal is 1 s; the machine is shared)


@pytest.fixture
def browsers(browser: Browser, base_url: str) -> Iterator[object]:
    contexts: list[BrowserContext] = []

    def open_as(email: str, path: str) -> Page:
        ctx = browser.new_context(base_url=base_url, viewport={"width": 1440, "height": 900})
        contexts.append(ctx)
        page = ctx.new_page()
        login(page, email)
        goto(page, path)
        return page

    yield open_as
    for ctx in contexts:
        ctx.close()


def _count(page: Page) -> int:
    label = page.get_by_text(re.compile(r"^[\d,]+\+? in this view$")).inner_text()
    return int(re.sub(r"[^\d]", "", label))


def test_a_lead_created_elsewhere_reaches_an_open_inbox(browsers) -> None:  # type: ignore[no-untyped-def]
    watcher = browsers(MANAGER, "/leads")
    expect(watcher.locator("[data-lead-row]").first).to_be_visible()
    before = _count(watcher)
    other = browsers(MANAGER, "/leads")
    other.get_by_role("button", name="New lead").click()
    name = f"Pushed Plumbing {uuid.uuid4().hex[:6]}"
    other.locator('input[name="name"]').fill(name)
    other.locator('input[name="city"]').fill("Austin")
    other.get_by_role("button", name="Create").click()
    created = time.monotonic()
    expect(watcher.get_by_text(f"{before + 1:,} in this view")).to_be_visible(timeout=PUSH_MS)
    print(f"the inbox count moved {time.monotonic() - created:.2f}s after Create")


def test_today_follows_a_task_completed_in_another_browser(browsers) -> None:  # type: ignore[no-untyped-def]
    watcher = browsers(REP, "/")
    task = watcher.locator("[data-task-id]").first
    expect(task).to_be_visible()
    task_id = task.get_attribute("data-task-id")
    other = browsers(REP, "/")
    other.locator(f'[data-task-id="{task_id}"] button').click()
    expect(other.get_by_text("Task completed.")).to_be_visible()
    expect(watcher.locator(f'[data-task-id="{task_id}"]')).to_have_count(0, timeout=PUSH_MS)


def test_the_dashboard_redraws_when_a_deal_moves_on_the_board(browsers) -> None:  # type: ignore[no-untyped-def]
    dashboard = browsers(MANAGER, "/dashboard")
    weighted = dashboard.get_by_test_id("kpi-value").nth(2)  # "Weighted forecast"
    expect(weighted).not_to_have_text("–")
    before = weighted.inner_text()
    board = browsers(MANAGER, "/pipeline")
    expect(board.locator("[data-deal-id]").first).to_be_visible()  # the board, not its skeleton
    names = column_names(board)
    src, dst = column(board, names[0]), column(board, names[2])
    card = movable_card(src)
    deal_id = card.get_attribute("data-deal-id")
    drag(board, card, dst.locator("[data-deal-id]").first)
    expect(dst.locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()
    moved = time.monotonic()
    # Two stages with different probabilities: the weighted forecast changes.
    expect(weighted).not_to_have_text(before, timeout=PUSH_MS + 3_000)  # + the redraw spacing
    print(f"the dashboard redrew {time.monotonic() - moved:.2f}s after the drop")
    screenshot(dashboard, "dashboard-after-push", full_page=False)
