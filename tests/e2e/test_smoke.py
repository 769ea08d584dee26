"""The served app answers and its login page is live in the browser."""

from __future__ import annotations

import urllib.request

from playwright.sync_api import Page, expect

from .helpers import goto


def test_root_answers_200(app_server: str) -> None:
    with urllib.request.urlopen(f"{app_server}/", timeout=10) as response:
        assert response.status == 200


def test_login_page_is_live(page: Page) -> None:
    goto(page, "/login")
    expect(page.locator('input[name="email"]')).to_be_visible()
    expect(page.locator('input[name="password"]')).to_be_visible()
