"""Helpers shared by the browser tests."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from playwright.sync_api import Browser, BrowserContext, Locator, Page, WebSocket, expect

SCREENSHOT_DIR = Path(__file__).parent / "screenshots"
DEMO_PASSWORD = os.environ.get("SMARTWEB_DEMO_PASSWORD", "smartweb-demo")

_HYDRATED = '"is_hydrated_rx_state_":true'

# Every element inside a card whose box reaches past the card's edges (1 px of rounding allowed);
# elements hidden or clipped by an ellipsis box count by the box that clips them.
OVERFLOW_JS = """
() => {
  const out = [];
  const cards = document.querySelectorAll('.rt-Card, [data-lead-card]');
  for (const card of cards) {
    const box = card.getBoundingClientRect();
    if (box.width === 0) continue;
    for (const el of card.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.position === 'fixed') continue;
      if (r.left < box.left - 1 || r.right > box.right + 1) {
        out.push(`${el.tagName.toLowerCase()}.${el.className}: ${Math.round(r.left)}–` +
                 `${Math.round(r.right)} outside ${Math.round(box.left)}–${Math.round(box.right)}` +
                 ` «${(el.textContent || '').slice(0, 40)}»`);
      }
    }
  }
  const page = document.documentElement.scrollWidth;
  if (page > window.innerWidth + 1) out.push(`page ${page}px wide in a ${window.innerWidth}px window`);
  return out.slice(0, 10);
}
"""


def goto(page: Page, path: str = "/", *, timeout_ms: float = 30_000) -> None:
    """Open ``path`` and wait until the Reflex app is live (React hydrated, state synced).

    Before that moment a click can be lost or submit a form natively, so tests navigate
    with this instead of ``page.goto``. It waits for the backend's hydration delta on the
    app's websocket.
    """
    hydrated = False

    def on_frame(payload: str | bytes) -> None:
        nonlocal hydrated
        if isinstance(payload, str) and _HYDRATED in payload:
            hydrated = True

    def on_websocket(ws: WebSocket) -> None:
        if "/_event" in ws.url:
            ws.on("framereceived", on_frame)

    page.on("websocket", on_websocket)
    try:
        page.goto(path)
        # Any socket opened after the navigation may carry the hydration delta (a late event
        # for the previous page's socket must not be mistaken for it), so poll the flag; the
        # short waits let Playwright deliver the frames.
        deadline = time.monotonic() + timeout_ms / 1000
        while not hydrated:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path}: the app did not hydrate within {timeout_ms} ms")
            page.wait_for_timeout(50)
    finally:
        page.remove_listener("websocket", on_websocket)


def login(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the /login form and wait for the home page ("/")."""
    goto(page, "/login")
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.locator('button[type="submit"]').click()
    page.wait_for_url(lambda url: urlparse(url).path in ("", "/"))


def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """Save a PNG under tests/e2e/screenshots/ (git-ignored) and return its path."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-") or "page"
    path = SCREENSHOT_DIR / f"{safe}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


# ------------------------------------------------------------------ pipeline board
# The board is wider than the default viewport: board tests use their own wide contexts
# (every column visible, no auto-scrolling mid-drag).
BOARD_VIEWPORT = {"width": 2800, "height": 1000}  # 8 columns without scrolling (a test adds one)


def board_context(browser: Browser, base_url: str) -> tuple[BrowserContext, Page]:
    """A new wide browser context and its page, not yet signed in (caller closes it)."""
    ctx = browser.new_context(viewport=BOARD_VIEWPORT, base_url=base_url)
    ctx.set_default_timeout(20_000)
    return ctx, ctx.new_page()


def show_board(page: Page, email: str) -> None:
    """Sign in as ``email`` and open /pipeline, its cards on screen."""
    login(page, email)
    # Cards on screen = hydrated and the board's on_load done (helpers.goto can pick the
    # previous page's websocket when its event is reported late; this wait cannot).
    page.goto("/pipeline")
    expect(page.locator("[data-deal-id]").first).to_be_visible()


def open_board(browser: Browser, base_url: str, email: str) -> tuple[BrowserContext, Page]:
    """A new wide browser context, signed in as ``email``, showing /pipeline (caller closes it)."""
    ctx, page = board_context(browser, base_url)
    show_board(page, email)
    return ctx, page


def column(page: Page, name: str) -> Locator:
    return page.locator("[data-stage-id]").filter(
        has=page.locator(".kb-col-name", has_text=re.compile(f"^{re.escape(name)}$"))
    )


def column_names(page: Page) -> list[str]:
    """The board's column names, once the board (not its loading skeleton) is on screen."""
    names = page.locator("[data-stage-id] .kb-col-head .kb-col-name")
    expect(names.first).to_be_visible()
    return names.all_inner_texts()


def drag(page: Page, card: Locator, target: Locator, *, release: bool = True) -> None:
    """A real mouse drag (dnd-kit needs a few intermediate moves past its 5 px threshold)."""
    box = card.bounding_box()
    dest = target.bounding_box()
    assert box and dest
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 12, box["y"] + 28, steps=4)
    x, y = dest["x"] + dest["width"] / 2, dest["y"] + min(dest["height"] / 2, 140)
    page.mouse.move(x, y, steps=15)
    page.mouse.move(x, y + 2, steps=2)
    if release:
        page.mouse.up()


def movable_card(col: Locator) -> Locator:
    return col.locator("[data-deal-id]:not(.kb-card--locked)").first


# ------------------------------------------------------------------ what the server sent
def _json_values(frame: str) -> Iterator[Any]:
    """Every dict and list inside a Socket.IO text frame (``42["event", {...}]``)."""
    start = min((i for i in (frame.find("["), frame.find("{")) if i >= 0), default=-1)
    if start < 0:
        return
    try:
        stack = [json.loads(frame[start:])]
    except ValueError:
        return
    while stack:
        value = stack.pop()
        if isinstance(value, str) and value[:1] in "[{":
            try:
                value = json.loads(value)
            except ValueError:
                continue
        if isinstance(value, dict):
            yield value
            stack.extend(value.values())
        elif isinstance(value, list):
            yield value
            stack.extend(value)


class ServerFrames:
    """The text frames the server sends on a page's Reflex event websockets, oldest first.

    Create it before the page opens its socket (before the first ``goto``): Playwright reports
    a websocket only when it opens.
    """

    def __init__(self, page: Page) -> None:
        self.page = page
        self.received: list[str] = []
        page.on("websocket", self._on_websocket)

    def _on_websocket(self, ws: WebSocket) -> None:
        if "/_event" in ws.url:
            ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload: str | bytes) -> None:
        if isinstance(payload, str):
            self.received.append(payload)

    def mark(self) -> int:
        """A bookmark: ``wait_for(..., since=mark)`` looks only at frames received after it."""
        return len(self.received)

    def wait_for(
        self,
        what: str,
        matches: Callable[[Any], bool],
        *,
        since: int = 0,
        timeout_ms: float = 10_000,
    ) -> Any:
        """Wait until a frame received after ``since`` holds a JSON dict or list for which
        ``matches`` is true, and return that value; fail after ``timeout_ms``."""
        deadline = time.monotonic() + timeout_ms / 1000
        checked = since
        while True:
            for frame in self.received[checked:]:
                for value in _json_values(frame):
                    if matches(value):
                        return value
            checked = len(self.received)
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the server sent no frame with {what} within {timeout_ms:.0f} ms "
                    f"({checked - since} frames received)"
                )
            self.page.wait_for_timeout(50)  # lets Playwright deliver the frames


def board_column(stage_id: str, deal_id: str) -> Callable[[Any], bool]:
    """Matches the server placing the deal in that stage: a board patch's card
    (``{"stage_id": stage, "above_id": …, "card": {"id": deal, …}}``, read from the database
    after the move's commit) or a whole column holding it."""

    def matches(value: Any) -> bool:
        if not isinstance(value, dict):
            return False
        card = value.get("card")
        if value.get("stage_id") == stage_id and isinstance(card, dict):
            return card.get("id") == deal_id
        return (
            value.get("id") == stage_id
            and isinstance(value.get("cards"), list)
            and any(isinstance(c, dict) and c.get("id") == deal_id for c in value["cards"])
        )

    return matches


def board_card(deal_id: str, **fields: Any) -> Callable[[Any], bool]:
    """Matches a board card sent by the server with these field values."""

    def matches(value: Any) -> bool:
        return (
            isinstance(value, dict)
            and value.get("id") == deal_id
            and "owner_id" in value
            and all(value.get(k) == v for k, v in fields.items())
        )

    return matches
