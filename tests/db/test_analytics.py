"""Dashboard numbers against the hand-built history in ``builders/analytics_world.py``.

Period "this month" on 2026-03-31 (Chicago) = March 1–31; the comparison span is February
1–28 (February has no 31st). Expected values are computed by hand in the comments.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from typing import Any

import pytest
import sqlalchemy as sa

from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services import analytics as an
from smartweb_ui.services.analytics.overview import DashboardFilters
from smartweb_ui.services.core.errors import Forbidden

from .builders.analytics_world import TODAY, World

pytestmark = pytest.mark.db

MARCH = DashboardFilters(period="month", as_of=TODAY)


def run(actor: Any, fn: Any, filters: DashboardFilters = MARCH) -> Any:
    with tenant_session(actor) as s:
        return fn(s, actor, filters)


def test_kpi_tiles(world: World) -> None:
    k = run(world.org.actors["exec"], an.kpis)
    # Won in March: D1 10000 + D2 5000 (won 23:30 Mar 31 Chicago; D12 is deleted; the
    # other tenant's 77777 is invisible).
    assert (k.won_revenue, k.won_deals) == (D("15000.00"), 2)
    # February: D3 2500.50 + D14 1200 (won 23:30 Feb 28 Chicago = March 1 UTC).
    assert (k.prev_won_revenue, k.prev_won_deals) == (D("3700.50"), 2)
    # (15000 - 3700.50) / 3700.50 = 305.35...%
    assert k.won_change_pct == D("305.4")
    # Lost in March: D4, D5, D6 -> 2 / (2 + 3); February had no losses.
    assert (k.lost_deals, k.win_rate, k.prev_win_rate) == (3, D("40.0"), D("100.0"))
    # Open, not archived: D7 20000 + D8 4000 + D9 1500 + D11 6000 (D13 archived).
    assert (k.open_pipeline, k.open_deals) == (D("31500.00"), 4)
    # Weighted: 12000 + 1200 + 150 + 3000.
    assert k.weighted_forecast == D("16350.00")
    assert (k.avg_deal_size, k.prev_avg_deal_size) == (D("7500.00"), D("1850.25"))
    # Cycle: D1 Jan 10 -> Mar 5 = 54 days, D2 Mar 1 -> Mar 31 = 30 days; Feb: D3 9, D14 10.
    assert (k.avg_cycle_days, k.prev_avg_cycle_days) == (D("42.0"), D("9.5"))
    # Proposals sent in March: P1 (accepted), P2 (23:00 Mar 31 Chicago), P5 (accepted);
    # February: P3 (23:00 Feb 28 Chicago), rejected. P4 is a draft.
    assert (k.proposals_sent, k.proposals_accepted) == (3, 2)
    assert (k.acceptance_rate, k.prev_acceptance_rate) == (D("66.7"), D("0.0"))


def test_monthly_won_revenue_honours_the_chosen_period(world: World) -> None:
    """The chart shows the chosen period's months only, each with the same month a year back."""
    months = run(world.org.actors["exec"], an.won_revenue_by_month)
    assert [p.month for p in months] == [date(2026, 3, 1)]  # "March 2026": one bar
    march = months[0]
    assert (march.revenue, march.deals) == (D("15000.00"), 2)
    assert (march.prev_year_revenue, march.prev_year_deals) == (D("7000.00"), 1)  # D10

    q1 = DashboardFilters(period="custom", start=date(2026, 1, 1), end=date(2026, 3, 31))
    months = run(world.org.actors["exec"], an.won_revenue_by_month, q1)
    assert [p.month for p in months] == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    by = {p.month: p for p in months}
    feb = by[date(2026, 2, 1)]
    assert (feb.revenue, feb.deals, feb.prev_year_revenue) == (D("3700.50"), 2, D("0.00"))
    assert sum(p.revenue for p in months) == D("18700.50")  # D1 + D2 + D3 + D14

    # A range that cuts a month counts only its own days (March 1-15: nothing won then).
    half = DashboardFilters(period="custom", start=date(2026, 2, 1), end=date(2026, 3, 15))
    months = run(world.org.actors["exec"], an.won_revenue_by_month, half)
    assert [(p.month, p.revenue) for p in months] == [
        (date(2026, 2, 1), D("3700.50")),
        (date(2026, 3, 1), D("10000.00")),  # D1 on Mar 5; D2 (Mar 31) is outside
    ]


def test_forecast_by_close_month_and_stage(world: World) -> None:
    fc = run(world.org.actors["exec"], an.forecast_by_close_month)
    assert [k for k, _ in fc.buckets] == [
        "overdue", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07", "2026-08",
        "later", "none",
    ]  # fmt: skip
    cells = {(c.bucket, c.stage_name): (c.deals, c.value, c.weighted) for c in fc.cells}
    assert cells == {
        ("overdue", "R-Open"): (1, D("6000.00"), D("3000.00")),  # D11, due Jan 10
        ("2026-03", "Qualified"): (1, D("4000.00"), D("1200.00")),  # D8
        ("2026-04", "Proposal"): (1, D("20000.00"), D("12000.00")),  # D7
        ("none", "Lead"): (1, D("1500.00"), D("150.00")),  # D9
    }
    # Every open deal is in exactly one bucket: the buckets add up to the open pipeline.
    assert sum(c.value for c in fc.cells) == D("31500.00")


def test_stage_funnel_counts_conversion_and_drop_off(world: World) -> None:
    f = run(world.org.actors["exec"], an.stage_funnel)
    # Cohort: Sales deals created in March (Chicago): D2, D4, D6, D7, D8, D9 (D5 was created
    # 23:30 Feb 28 locally, D12 is deleted). Reached at least: Lead 6; Qualified D2, D4 (it
    # skipped Qualified), D7, D8 = 4; Proposal D2, D4, D7 = 3; Won D2 = 1. Lost is not a step.
    assert f.pipeline_name == "Sales"
    assert f.cohort == 6
    assert [(s.name, s.deals) for s in f.steps] == [
        ("Lead", 6), ("Qualified", 4), ("Proposal", 3), ("Won", 1),
    ]  # fmt: skip
    assert [s.conversion_pct for s in f.steps] == [None, D("66.7"), D("75.0"), D("33.3")]
    assert [s.drop_off_pct for s in f.steps] == [None, D("33.3"), D("25.0"), D("66.7")]
    assert [s.of_first_pct for s in f.steps] == [D("100.0"), D("66.7"), D("50.0"), D("16.7")]


def test_funnel_counts_never_increase_down_the_funnel(world: World) -> None:
    for filters in (
        MARCH,
        DashboardFilters(period="year", as_of=TODAY),
        DashboardFilters(period="last12", as_of=TODAY, owner_id=world.org.users["rep2"]),
        DashboardFilters(period="month", as_of=TODAY, pipeline_id=world.renewals),
    ):
        steps = run(world.org.actors["exec"], an.stage_funnel, filters).steps
        counts = [s.deals for s in steps]
        assert counts == sorted(counts, reverse=True), (filters, counts)


def test_win_loss_reasons(world: World) -> None:
    rows = run(world.org.actors["exec"], an.win_loss_reasons)
    assert [(r.status, r.label, r.deals, r.value) for r in rows] == [
        ("won", "Won", 2, D("15000.00")),  # D1, D2 (won deals carry no reason)
        ("lost", "Price", 2, D("11000.00")),  # D4 8000 + D5 3000
        ("lost", "Timing", 1, D("1000.00")),  # D6
    ]


def test_rep_leaderboard(world: World) -> None:
    rows = run(world.org.actors["exec"], an.rep_leaderboard)
    # rep: D1 won 10000, D4 lost; rep2: D2 won 5000, D5 + D6 lost.
    assert [
        (r.rank, r.name, r.won_revenue, r.won_deals, r.lost_deals, r.win_rate) for r in rows
    ] == [
        (1, "Rep Acme", D("10000.00"), 1, 1, D("50.0")),
        (2, "Rep2 Acme", D("5000.00"), 1, 2, D("33.3")),
    ]


def test_lead_source_contribution(world: World) -> None:
    rows = run(world.org.actors["exec"], an.source_contribution)
    # New leads in March: referral L1 (converted), L2; website L3 (L4 is 23:30 Feb 28 local);
    # ai_campaign L5 (converted). Won in March: D1 via L0 (referral), D2 via L4 (website).
    assert [
        (r.source, r.leads, r.converted, r.conversion_pct, r.won_deals, r.revenue) for r in rows
    ] == [
        ("referral", 2, 1, D("50.0"), 1, D("10000.00")),
        ("website", 1, 0, D("0.0"), 1, D("5000.00")),
        ("ai_campaign", 1, 1, D("100.0"), 0, D("0.00")),
    ]


def test_ai_campaign_contribution(world: World) -> None:
    rows = run(world.org.actors["exec"], an.campaign_contribution)
    # Spring HVAC called L4, L5 (twice), L2 in March (L3's call was 23:00 Feb 28 local);
    # all three answered, L4 and L5 interested. Deals opened after the first call: D2 (won
    # 5000) on L4 and D8 on L5. Roofers: one voicemail to L1, whose deal D7 predates it.
    assert [
        (r.name, r.leads_called, r.leads_reached, r.interested, r.deals, r.won_deals, r.revenue)
        for r in rows
    ] == [
        ("Spring HVAC", 3, 3, 2, 2, 1, D("5000.00")),
        ("Roofers", 1, 0, 0, 0, 0, D("0.00")),
    ]


def test_team_member_and_pipeline_filters(world: World) -> None:
    exec_ = world.org.actors["exec"]
    mine = DashboardFilters(period="month", as_of=TODAY, owner_id=world.org.users["rep"])
    k = run(exec_, an.kpis, mine)
    # rep: won D1 10000, lost D4; open D7 20000 + D11 6000.
    assert (k.won_revenue, k.win_rate, k.open_pipeline) == (D("10000.00"), D("50.0"), D("26000.00"))
    renew = DashboardFilters(period="month", as_of=TODAY, pipeline_id=world.renewals)
    k = run(exec_, an.kpis, renew)
    assert (k.won_revenue, k.open_pipeline, k.weighted_forecast) == (
        D("0.00"),
        D("6000.00"),
        D("3000.00"),
    )
    f = run(exec_, an.stage_funnel, renew)
    assert (f.pipeline_name, f.cohort, [s.deals for s in f.steps]) == ("Renewals", 0, [0, 0])


def test_quarter_and_year_periods(world: World) -> None:
    q1 = run(world.org.actors["exec"], an.kpis, DashboardFilters(period="quarter", as_of=TODAY))
    # Q1 2026: D1 + D2 + D3 + D14 = 18700.50; Q4 2025 (same span): nothing.
    assert (q1.won_revenue, q1.won_deals, q1.prev_won_revenue) == (D("18700.50"), 4, D("0.00"))
    assert q1.won_change_pct is None
    custom = DashboardFilters(
        period="custom", start=date(2025, 3, 1), end=date(2025, 3, 31), as_of=TODAY
    )
    assert run(world.org.actors["exec"], an.kpis, custom).won_revenue == D("7000.00")  # D10


def test_whole_dashboard_matches_the_single_chart_services(world: World) -> None:
    exec_ = world.org.actors["exec"]
    with tenant_session(exec_) as s:
        data = an.dashboard(s, exec_, MARCH, use_cache=False)
    assert data.kpis == run(exec_, an.kpis)
    assert data.funnel == run(exec_, an.stage_funnel)
    assert data.reps == run(exec_, an.rep_leaderboard)
    assert data.timezone == "America/Chicago"
    assert data.period.label == "March 2026"
    assert set(data.timings_ms) == {
        "kpis", "monthly", "forecast", "funnel", "reasons", "reps", "sources", "campaigns",
    }  # fmt: skip


@pytest.mark.parametrize(
    "fn",
    [
        an.kpis,
        an.won_revenue_by_month,
        an.forecast_by_close_month,
        an.stage_funnel,
        an.win_loss_reasons,
        an.rep_leaderboard,
        an.source_contribution,
        an.campaign_contribution,
        an.dashboard,
    ],
)
def test_every_service_refuses_a_rep(world: World, fn: Any) -> None:
    with pytest.raises(Forbidden):
        run(world.org.actors["rep"], fn)


def test_period_boundaries_follow_the_org_timezone(world: World) -> None:
    """D2 was won at 23:30 on March 31 in Chicago (April 1, 04:30 UTC): it is March revenue.
    D14 was won at 23:30 on February 28 in Chicago (March 1 UTC): it is February revenue."""
    exec_ = world.org.actors["exec"]
    with tenant_session(exec_) as s:
        march = an.deals_behind(s, exec_, MARCH, "month", "2026-03")
        feb = an.deals_behind(s, exec_, MARCH, "month", "2026-02")
        april = an.kpis(s, exec_, DashboardFilters(period="month", as_of=date(2026, 4, 2)))
    assert "D2" in [r.name for r in march.rows]
    assert "D14" in [r.name for r in feb.rows]
    assert "D14" not in [r.name for r in march.rows]
    assert (april.won_revenue, april.won_deals) == (D("0.00"), 0)
    # Its comparison span (March 1–2) does not pick D2 either: only Mar 1–2 closes count.
    assert april.prev_won_revenue == D("0.00")


def test_the_person_filter_applies_to_the_campaign_chart(fresh_world: World) -> None:
    """With a team member chosen, the campaign chart counts the calls to their leads only."""
    w = fresh_world
    with system_session() as s:
        s.execute(
            sa.text("UPDATE leads SET assigned_to = :u WHERE id = ANY(:ids)"),
            {"u": w.org.users["rep"], "ids": [w.leads["L4"], w.leads["L5"]]},
        )
    exec_ = w.org.actors["exec"]
    mine = DashboardFilters(period="month", as_of=TODAY, owner_id=w.org.users["rep"])
    rows = run(exec_, an.campaign_contribution, mine)
    assert [(r.name, r.leads_called, r.leads_reached, r.interested) for r in rows] == [
        ("Spring HVAC", 2, 2, 2)
    ]  # L4 and L5; not L2 (unassigned) nor Roofers' call to L1
    theirs = DashboardFilters(period="month", as_of=TODAY, owner_id=w.org.users["rep2"])
    assert run(exec_, an.campaign_contribution, theirs) == []
