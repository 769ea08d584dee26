"""Helpers shared by the browser tests."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Page, WebSocket

SCREENSHOT_DIR = Path(__file__).parent / "screenshots"
DEMO_PASSWORD = os.environ.get("SMARTWEB_DEMO_PASSWORD", "smartweb-demo")

_HYDRATED = '"is_hydrated_rx_state_":true'


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
