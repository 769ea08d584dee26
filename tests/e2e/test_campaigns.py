"""The campaign monitor live: open a monitor, play 50 simulated calls against the served app's
webhook (signed HTTP posts, as a provider would send them), watch the counters rise without a
reload, then read one call's transcript."""

from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest
from playwright.sync_api import Page, expect

from .helpers import goto, login, screenshot
from .server import REPO_ROOT, SERVED

MANAGER = "manager@demo.smartweb.test"


def _number(page: Page, key: str) -> int:
    return int(re.sub(r"[^\d]", "", page.get_by_test_id(f"counter-{key}").inner_text()) or 0)


def _total(page: Page) -> int:
    return int(re.sub(r"[^\d]", "", page.get_by_text(re.compile(r"^[\d,]+ calls$")).inner_text()))


def test_the_monitor_follows_fifty_simulated_calls_live(page: Page, base_url: str) -> None:
    served = SERVED.get(base_url)
    if served is None:
        pytest.skip("needs the app this session serves (its database runs the simulator)")
    login(page, MANAGER)
    goto(page, "/campaigns")
    first = page.get_by_test_id("campaign-row").first
    expect(first).to_be_visible()
    href = first.get_by_role("link", name="Open monitor").get_attribute("href") or ""
    campaign_id = href.rsplit("/", 1)[-1]
    goto(page, f"/campaigns/{campaign_id}")
    expect(page.get_by_test_id("counter-human")).to_be_visible()
    before_total, before_human = _total(page), _number(page, "human")
    url = page.url

    sim = subprocess.Popen(
        [sys.executable, "-m", "smartweb_ui.cli", "simulate-campaign", campaign_id,
         "--calls", "50", "--rate", "10", "--speed", "40", "--seed", "7", "--url", base_url],
        cwd=REPO_ROOT, env=served.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        assert sim.stdout is not None
        first_line = sim.stdout.readline()  # printed once it has the campaign; posts follow
        assert first_line.startswith("simulating"), first_line
        started = time.monotonic()
        # The first calls show up within seconds of being posted (pushed, no reload).
        expect(page.get_by_text(re.compile(r"^[\d,]+ calls$"))).not_to_have_text(
            f"{before_total:,} calls", timeout=10_000
        )
        print(
            f"first calls on screen {time.monotonic() - started:.2f}s after the simulator started"
        )
        out = first_line + sim.communicate(timeout=180)[0]
    finally:
        if sim.poll() is None:
            sim.kill()
    assert sim.returncode == 0, out
    answers = dict(re.findall(r"(\d{3}): (\d+)", out.split("answers:")[-1]))
    assert set(answers) == {"200"}, out  # every event accepted (replays answer 200 too)
    # At least the 50 played: inside its calling hours the seeded campaign's own dialer adds more.
    deadline = time.monotonic() + 10
    while _total(page) < before_total + 50 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert _total(page) >= before_total + 50
    expect(page.get_by_test_id("counter-human")).not_to_have_text(str(before_human), timeout=10_000)
    assert _number(page, "human") > before_human
    assert page.url == url  # never reloaded or navigated
    screenshot(page, "campaign-monitor")

    page.get_by_role("combobox", name="Filter by outcome").click()
    page.get_by_role("option", name="Not interested").click()
    page.get_by_test_id("call-open").first.click()
    expect(page.get_by_test_id("transcript-turn").first).to_be_visible()
    assert page.get_by_test_id("transcript-turn").count() >= 2
    expect(page.get_by_role("link", name="Open the lead")).to_be_visible()
