"""/dashboard in the browser: the demo executive sees the tiles and seven charts, can click
through to the deals behind a bar and download a chart's data; a rep is refused."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from playwright.sync_api import Locator, Page, expect

from .helpers import ServerFrames, goto, login, screenshot

EXEC = "exec@demo.smartweb.test"
REP = "rep@demo.smartweb.test"
CHARTS = ["monthly", "forecast", "funnel", "reasons", "reps", "sources", "campaigns"]


def open_dashboard(page: Page, email: str = EXEC) -> None:
    login(page, email)
    goto(page, "/dashboard")


def tallest(marks: Locator) -> Locator:
    """The drawn bar with the largest area (zero-height bars cannot be clicked)."""
    expect(marks.first).to_be_attached()
    boxes = [marks.nth(i).bounding_box() for i in range(marks.count())]
    best = max(range(len(boxes)), key=lambda i: (boxes[i] or {}).get("height", 0) * (boxes[i] or {}).get("width", 0))  # fmt: skip
    return marks.nth(best)


def test_executive_sees_the_tiles_and_seven_charts(page: Page) -> None:
    open_dashboard(page)
    tiles = page.locator("[data-kpi]")
    expect(tiles).to_have_count(7)
    for key in ("won", "open", "weighted", "win_rate", "deal_size", "cycle", "proposals"):
        value = page.locator(f'[data-kpi="{key}"] [data-testid="kpi-value"]')
        expect(value).not_to_have_text("")
    expect(page.locator('[data-kpi="won"]')).to_contain_text("$")
    for chart in CHARTS:
        plot = page.locator(f'[data-chart="{chart}"] .js-plotly-plot .main-svg').first
        expect(plot).to_be_visible(timeout=30_000)
    # Every chart drew marks (bars, funnel steps or markers), not just empty axes.
    for chart in CHARTS:
        marks = page.locator(f'[data-chart="{chart}"] .js-plotly-plot .point')
        expect(marks.first).to_be_attached()
    assert page.locator("[data-chart] .js-plotly-plot").count() >= 7
    screenshot(page, "dashboard-exec-light")


def test_charts_follow_dark_mode(page: Page) -> None:
    page.emulate_media(color_scheme="light")
    open_dashboard(page)
    tick = page.locator('[data-chart="monthly"] .js-plotly-plot .ytick text').first
    expect(tick).to_be_visible(timeout=30_000)
    light = tick.evaluate("el => getComputedStyle(el).fill")
    page.emulate_media(color_scheme="dark")
    expect(tick).not_to_have_css("fill", light)
    screenshot(page, "dashboard-exec-dark")


def test_clicking_a_month_opens_the_deals_behind_it(page: Page) -> None:
    open_dashboard(page)
    bar = tallest(page.locator('[data-chart="monthly"] .js-plotly-plot .bars .point path'))
    bar.click(force=True)
    drawer = page.get_by_test_id("deals-drawer")
    expect(drawer).to_be_visible()
    expect(drawer).to_contain_text("Deals won in")
    expect(drawer.locator("tbody tr").first).to_be_visible()
    expect(drawer).to_contain_text("deals ·")


def test_clicking_a_funnel_step_lists_its_deals(page: Page) -> None:
    open_dashboard(page)
    step = page.locator('[data-chart="funnel"] .js-plotly-plot .bars .point path').first
    expect(step).to_be_attached(timeout=30_000)
    step.click(force=True)
    drawer = page.get_by_test_id("deals-drawer")
    expect(drawer).to_contain_text("that reached")
    expect(drawer.locator("tbody tr").first).to_be_visible()


def test_a_forecast_bar_opens_the_pipeline_board_filtered(page: Page) -> None:
    open_dashboard(page)
    tallest(page.locator('[data-chart="forecast"] .js-plotly-plot .bars .point path')).click(
        force=True
    )
    page.wait_for_url(lambda url: urlparse(url).path == "/pipeline")
    query = parse_qs(urlparse(page.url).query)
    assert "pipeline" in query
    assert "close_from" in query or "close_to" in query


def test_chart_data_downloads_as_csv(page: Page) -> None:
    open_dashboard(page)
    expect(page.locator('[data-chart="monthly"] .js-plotly-plot').first).to_be_visible()
    with page.expect_download() as info:
        page.get_by_label("Download Won revenue by month data as CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("smartweb-monthly-")
    path = download.path()
    assert path is not None
    with open(path, encoding="utf-8") as fh:
        assert fh.readline().strip() == (
            "month,won_revenue,won_deals,prev_year_revenue,prev_year_deals"
        )


def test_a_rep_is_refused_and_gets_no_data(page: Page) -> None:
    open_dashboard(page, REP)
    expect(page.get_by_test_id("forbidden")).to_be_visible()
    expect(page.get_by_test_id("forbidden")).to_contain_text("You don't have access")
    expect(page.locator("[data-kpi]")).to_have_count(0)
    expect(page.locator(".js-plotly-plot")).to_have_count(0)
    assert "Won revenue" not in page.content()


def _reps_csv(page: Page) -> str:
    expect(page.locator('[data-chart="reps"] .js-plotly-plot').first).to_be_visible()
    with page.expect_download() as info:
        page.get_by_label("Download Rep leaderboard data as CSV").click()
    path = info.value.path()
    assert path is not None
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def test_the_page_states_forget_the_last_user_in_the_same_tab(page: Page) -> None:
    """Sign out and sign in as another organization's manager in the same tab: nothing the
    first user's pages held reaches the browser again (the states were reset), and the
    dashboard's CSV is the second organization's."""
    frames = ServerFrames(page)
    open_dashboard(page)
    assert "Jordan Blake" in _reps_csv(page)  # a Demo Trades Co rep, in the dashboard state
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url("**/login")
    since = frames.mark()
    login(page, "manager@rival.smartweb.test")
    goto(page, "/")
    expect(page.get_by_role("heading", name="Today")).to_be_visible()
    after = "".join(frames.received[since:])
    for demo_value in ("Jordan Blake", "Casey Nguyen", "Demo Trades Co"):
        assert demo_value not in after
    goto(page, "/dashboard")
    rival = _reps_csv(page)
    assert "Jordan Blake" not in rival and "Casey Nguyen" not in rival
