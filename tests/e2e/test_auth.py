"""Sign-in, lockout, session persistence, sign-out and role refusal in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from .helpers import DEMO_PASSWORD, goto, login, screenshot

LOGIN_URL = re.compile(r"/login/?(\?.*)?$")


def _try(page: Page, email: str, password: str) -> None:
    page.locator('input[name="email"]').fill(email)
    page.locator('input[name="password"]').fill(password)
    page.locator('button[type="submit"]').click()


def test_anonymous_visitor_is_sent_to_login_and_back_after_sign_in(page: Page) -> None:
    goto(page, "/")
    expect(page).to_have_url(LOGIN_URL)
    _try(page, "manager@demo.smartweb.test", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Today")).to_be_visible()


def test_wrong_password_shows_an_error_and_stays(page: Page) -> None:
    goto(page, "/login")
    _try(page, "rep@demo.smartweb.test", "not-the-password")
    expect(page.get_by_test_id("login-error")).to_contain_text("e-mail or password is wrong")
    expect(page).to_have_url(LOGIN_URL)
    _try(page, "nobody@demo.smartweb.test", "whatever")  # an unknown account reads the same
    expect(page.get_by_test_id("login-error")).to_contain_text("e-mail or password is wrong")


def test_five_wrong_passwords_stop_this_address_even_with_the_right_one(page: Page) -> None:
    goto(page, "/login")
    error = page.get_by_test_id("login-error")
    # An account no other browser test signs in with: it stays throttled for the window.
    for attempt in range(1, 6):
        _try(page, "rep@rival.smartweb.test", f"wrong-{attempt}")
        expect(error).to_contain_text("too many attempts")
        expect(page.locator('button[type="submit"]')).to_be_enabled()
    _try(page, "rep@rival.smartweb.test", DEMO_PASSWORD)
    expect(error).to_contain_text("too many attempts")  # the same words: nothing to learn
    expect(page).to_have_url(LOGIN_URL)


def test_manager_sees_today_keeps_the_session_and_signs_out(page: Page) -> None:
    login(page, "manager@demo.smartweb.test")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    expect(page.get_by_text("Morgan Reyes").first).to_be_visible()
    expect(page.get_by_text("Sales Manager").first).to_be_visible()
    # Their own data: open deals with weighted values from the demo seed.
    expect(page.locator("[data-deal-id]").first).to_be_visible()
    screenshot(page, "today-manager")

    page.reload()
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    token = page.evaluate("() => window.localStorage.getItem('smartweb_session')")
    assert token

    page.get_by_role("button", name="Sign out").first.click()
    expect(page).to_have_url(LOGIN_URL)
    # The old token is revoked server-side: putting it back does not sign anyone in.
    page.evaluate("t => window.localStorage.setItem('smartweb_session', t)", token)
    goto(page, "/")
    expect(page).to_have_url(LOGIN_URL)


def test_rep_is_refused_a_manager_only_page(page: Page) -> None:
    login(page, "rep@demo.smartweb.test")
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)
    goto(page, "/admin")
    expect(page.get_by_test_id("forbidden")).to_be_visible()
    expect(page.locator("[data-user-id]")).to_have_count(0)
