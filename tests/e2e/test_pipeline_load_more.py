"""A long column: its end coming into view loads the next page of cards from the server, once,
in order, as its own small answer (never the whole board again)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from bench.simulate import prepare_world

from .helpers import ServerFrames, board_context, show_board
from .server import ServedApp


def test_scrolling_a_long_column_loads_the_next_cards_once(
    browser: Browser, base_url: str, served_app: ServedApp | None
) -> None:
    if served_app is None:
        pytest.skip("needs the session's own server (it adds a rep with 300 deals)")
    world = prepare_world(served_app.database_url(), users=1, deals_per_user=300)
    ctx, page = board_context(browser, base_url)
    frames = ServerFrames(page)
    try:
        show_board(page, world.users[0].email)
        long = page.locator("section.kb-col:has(.kb-more)").first
        expect(long).to_be_visible()
        first_ids = long.locator("[data-deal-id]").evaluate_all(
            "els => els.map(e => e.dataset.dealId)"
        )
        before = frames.mark()
        # The column's end comes into view: the browser asks for the next page.
        long.locator(".kb-col-scroll").evaluate("el => el.scrollTo(0, el.scrollHeight)")
        expect(long.locator("[data-deal-id]").nth(len(first_ids))).to_be_attached()
        ids = long.locator("[data-deal-id]").evaluate_all("els => els.map(e => e.dataset.dealId)")
        assert ids[: len(first_ids)] == first_ids  # the loaded cards stay, in order
        assert len(ids) == len(set(ids))  # nothing twice
        sent = frames.received[before:]
        assert any("appended_rx_state_" in text for text in sent)  # only the new cards …
        assert not any("columns_rx_state_" in text for text in sent)  # … never the board
    finally:
        ctx.close()
