"""Figures and CSV built from the hand-built history: every clickable point maps to a key,
figures stay small, and the CSV carries the exact numbers."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from smartweb_ui.db import tenant_session
from smartweb_ui.services import analytics as an
from smartweb_ui.services.analytics.export import CHARTS, chart_csv
from smartweb_ui.services.core.errors import Invalid
from smartweb_ui.state import charts

from .builders.analytics_world import TODAY, World

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def data(world: World) -> an.DashboardData:
    exec_ = world.org.actors["exec"]
    with tenant_session(exec_) as s:
        return an.dashboard(s, exec_, an.DashboardFilters(period="month", as_of=TODAY))


def figures(d: an.DashboardData) -> dict[str, tuple]:
    cur = d.currency
    return {
        "monthly": charts.monthly_figure(d.monthly, cur),
        "forecast": charts.forecast_figure(d.forecast, cur),
        "funnel": charts.funnel_figure(d.funnel),
        "reasons": charts.reasons_figure(d.reasons, cur),
        "reps": charts.reps_figure(d.reps, cur),
        "sources": charts.sources_figure(d.sources, cur),
        "campaigns": charts.campaigns_figure(d.campaigns, cur),
    }


def test_every_point_of_every_trace_has_a_click_key(data: an.DashboardData) -> None:
    for name, (fig, keys) in figures(data).items():
        assert len(keys) == len(fig.data), name
        for trace, row in zip(fig.data, keys, strict=True):
            points = trace.x if getattr(trace, "orientation", None) != "h" else trace.y
            assert len(row) == len(points), name


def test_click_keys_point_at_the_right_records(data: an.DashboardData, world: World) -> None:
    built = figures(data)
    monthly = built["monthly"][1]
    assert monthly[0][-1] == "2026-03" and monthly[1][-1] == "2025-03"  # this year / last year
    funnel = built["funnel"][1]
    assert funnel[0][1] == str(world.stages["Qualified"])
    reasons = built["reasons"][1]
    assert reasons == [["won|"], ["lost|Price", "lost|Timing"]]
    assert built["reps"][1] == [[str(world.org.users["rep"]), str(world.org.users["rep2"])]]
    assert built["sources"][1][0] == ["leads|referral", "leads|website", "leads|ai_campaign"]


def test_figures_are_small_and_carry_no_template(data: an.DashboardData) -> None:
    for name, (fig, _) in figures(data).items():
        payload = json.loads(fig.to_json())
        assert payload["layout"].get("template") in (None, {}), name
        assert len(fig.to_json()) < 12_000, name


def test_csv_has_the_exact_numbers(data: an.DashboardData) -> None:
    name, text = chart_csv(data, "monthly")
    assert name == "smartweb-monthly-20260301-20260331.csv"
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["month", "won_revenue", "won_deals", "prev_year_revenue", "prev_year_deals"]
    assert rows[-1] == ["2026-03", "15000.00", "2", "7000.00", "1"]
    _, text = chart_csv(data, "funnel")
    assert list(csv.reader(io.StringIO(text)))[1:] == [
        ["Sales", "Lead", "6", "", "", "100.0"],
        ["Sales", "Qualified", "4", "66.7", "33.3", "66.7"],
        ["Sales", "Proposal", "3", "75.0", "25.0", "50.0"],
        ["Sales", "Won", "1", "33.3", "66.7", "16.7"],
    ]
    _, text = chart_csv(data, "kpis")
    kpis = dict(list(csv.reader(io.StringIO(text)))[1:])
    assert (kpis["won_revenue"], kpis["win_rate"], kpis["open_pipeline"]) == (
        "15000.00",
        "40.0",
        "31500.00",
    )
    for chart in CHARTS:
        assert chart_csv(data, chart)[1].count("\n") >= 1
    with pytest.raises(Invalid):
        chart_csv(data, "passwords")


def test_user_text_in_a_chart_is_escaped() -> None:
    from smartweb_ui.services.analytics import ReasonRow

    label = '<a href="https://evil.example">Price</a>'
    rows = [ReasonRow(status="lost", reason=label, label=label, deals=2, value=Decimal(10))]
    fig, _ = charts.reasons_figure(rows, "USD")
    labels = [y for trace in fig.data for y in trace.y]
    assert labels == ['&lt;a href="https://evil.example"&gt;Price&lt;/a&gt;']
