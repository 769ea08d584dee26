"""Click-through (the deals behind a bar), scope of the team-member filter, forged input."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import pytest
import sqlalchemy as sa
from sqlmodel import select

from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.models import Pipeline, User
from smartweb_ui.services import analytics as an
from smartweb_ui.services.analytics.overview import DashboardFilters
from smartweb_ui.services.core.errors import Forbidden, Invalid, NotFound
from smartweb_ui.services.core.security import Actor

from .builders.analytics_world import TODAY, World

pytestmark = pytest.mark.db

MARCH = DashboardFilters(period="month", as_of=TODAY)


def drill(actor: Any, chart: str, key: str, filters: DashboardFilters = MARCH) -> Any:
    with tenant_session(actor) as s:
        return an.deals_behind(s, actor, filters, chart, key)


def names(result: Any) -> list[str]:
    return [r.name for r in result.rows]


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


@pytest.mark.parametrize(
    ("chart", "key", "expected", "total"),
    [
        ("kpi", "won", ["D1", "D2"], "15000.00"),
        ("kpi", "lost", ["D4", "D5", "D6"], "12000.00"),
        ("kpi", "open", ["D7", "D11", "D8", "D9"], "31500.00"),
        ("month", "2026-03", ["D1", "D2"], "15000.00"),
        ("month", "2026-02", ["D3", "D14"], "3700.50"),
        ("month", "2025-03", ["D10"], "7000.00"),
        ("reason", "lost|Price", ["D4", "D5"], "11000.00"),
        ("reason", "won|", ["D1", "D2"], "15000.00"),
        ("source", "referral", ["D1"], "10000.00"),
        ("source", "website", ["D2"], "5000.00"),
        ("forecast", "overdue|", ["D11"], "6000.00"),
        ("forecast", "none|", ["D9"], "1500.00"),
    ],
)
def test_deals_behind_a_bar(world: World, chart: str, key: str, expected: list, total: str) -> None:
    result = drill(world.org.actors["exec"], chart, key)
    assert names(result) == expected  # biggest first
    assert result.total == len(expected)
    assert str(result.total_value) == total


def test_deals_behind_funnel_steps(world: World) -> None:
    exec_ = world.org.actors["exec"]
    assert sorted(names(drill(exec_, "funnel", str(world.stages["Qualified"])))) == [
        "D2", "D4", "D7", "D8",
    ]  # fmt: skip
    assert names(drill(exec_, "funnel", str(world.stages["Won"]))) == ["D2"]
    assert drill(exec_, "funnel", str(world.stages["Lead"])).total == 6


def test_deals_behind_rep_campaign_and_forecast_cell(world: World) -> None:
    exec_ = world.org.actors["exec"]
    rep2 = drill(exec_, "rep", str(world.org.users["rep2"]))
    assert names(rep2) == ["D2", "D5", "D6"]
    assert query_of(rep2.link_url) == {"owner": str(world.org.users["rep2"])}
    assert names(drill(exec_, "campaign", str(world.campaigns["C1"]))) == ["D2", "D8"]
    assert drill(exec_, "campaign", str(world.campaigns["C2"])).total == 0
    cell = drill(exec_, "forecast", f"2026-04|{world.stages['Proposal']}")
    assert names(cell) == ["D7"]
    assert urlsplit(cell.link_url).path == "/pipeline"
    assert query_of(cell.link_url) == {
        "pipeline": str(world.sales),
        "close_from": "2026-04-01",
        "close_to": "2026-04-30",
    }


def test_lead_source_links_to_the_inbox(world: World) -> None:
    result = drill(world.org.actors["exec"], "source", "website")
    assert urlsplit(result.link_url).path == "/leads"
    assert query_of(result.link_url) == {"source": "website"}


def test_more_than_one_page_keeps_exact_totals(fresh_world: World) -> None:
    """The drawer shows at most 50 rows; the count and total cover every matching deal."""
    with system_session() as s:
        s.execute(
            sa.text(
                "INSERT INTO opportunities (id, organization_id, pipeline_id, current_stage_id, "
                "name, value, probability, status, actual_close_date, stage_entered_at, created_at) "
                "SELECT gen_random_uuid(), :org, :p, :st, 'bulk ' || g, 100, 100, 'won', "
                "DATE '2024-06-15', now(), now() FROM generate_series(1, 60) g"
            ),
            {"org": fresh_world.org.id, "p": fresh_world.sales, "st": fresh_world.stages["Won"]},
        )
    result = drill(fresh_world.org.actors["exec"], "month", "2024-06")
    assert (len(result.rows), result.total, str(result.total_value)) == (50, 60, "6000.00")


def test_other_reasons_bar_lists_its_deals(fresh_world: World) -> None:
    """Past the top eight, reasons fold into "Other reasons"; its click-through lists them."""
    with system_session() as s:
        s.execute(
            sa.text(
                "INSERT INTO opportunities (id, organization_id, pipeline_id, current_stage_id, "
                "name, value, probability, status, actual_close_date, closed_reason, "
                "stage_entered_at, created_at) "
                "SELECT gen_random_uuid(), :org, :p, :st, 'lost ' || g, 100 * g, 0, 'lost', "
                "DATE '2024-06-15', 'Reason ' || g, now(), now() FROM generate_series(1, 10) g"
            ),
            {"org": fresh_world.org.id, "p": fresh_world.sales, "st": fresh_world.stages["Lost"]},
        )
    exec_ = fresh_world.org.actors["exec"]
    june = DashboardFilters(period="custom", start=date(2024, 6, 1), end=date(2024, 6, 30))
    with tenant_session(exec_) as s:
        rows = an.win_loss_reasons(s, exec_, june)
    other = [(r.deals, str(r.value)) for r in rows if r.reason == "__other__"]
    assert other == [(2, "300.00")]  # the two smallest of ten equal counts
    result = drill(exec_, "reason", "lost|__other__", june)
    assert (names(result), result.total) == (["lost 2", "lost 1"], 2)


@pytest.mark.parametrize(
    ("chart", "key", "error"),
    [
        ("nope", "x", Invalid),
        ("month", "2026-13", Invalid),
        ("month", "'; DROP TABLE opportunities; --", Invalid),
        ("forecast", "1999-01|", Invalid),
        ("forecast", "2026-04|not-a-uuid", Invalid),
        ("reason", "maybe|Price", Invalid),
        ("source", "carrier_pigeon", Invalid),
        ("kpi", "everything", Invalid),
        ("funnel", str(uuid4()), NotFound),
        ("campaign", str(uuid4()), NotFound),
    ],
)
def test_forged_click_through_is_refused(world: World, chart: str, key: str, error: type) -> None:
    with pytest.raises(error):
        drill(world.org.actors["exec"], chart, key)


def test_unknown_or_rival_ids_in_filters_are_not_found(world: World) -> None:
    exec_ = world.org.actors["exec"]
    with system_session() as s:
        rival_user = s.exec(select(User).where(User.email == "rep@rival-roofing.test")).one()
        rival_pipe = s.exec(select(Pipeline).where(Pipeline.organization_id != world.org.id)).one()
    for filters in (
        DashboardFilters(owner_id=rival_user.id, as_of=TODAY),
        DashboardFilters(pipeline_id=rival_pipe.id, as_of=TODAY),
        DashboardFilters(owner_id=uuid4(), as_of=TODAY),
        DashboardFilters(pipeline_id=uuid4(), as_of=TODAY),
    ):
        with pytest.raises(NotFound), tenant_session(exec_) as s:
            an.dashboard(s, exec_, filters)
        with pytest.raises(NotFound):
            drill(exec_, "kpi", "won", filters)


def test_analytics_without_team_visibility_sees_only_own_deals(world: World) -> None:
    """A custom role with analytics.view but neither leads.read_all nor pipeline.manage."""
    rep = world.org.actors["rep"]
    narrow = Actor(rep.user_id, rep.organization_id, frozenset({"analytics.view"}))
    with tenant_session(narrow) as s:
        k = an.kpis(s, narrow, MARCH)
        opts = an.filter_options(s, narrow)
    assert str(k.won_revenue) == "10000.00"  # D1 only
    assert str(k.open_pipeline) == "26000.00"  # D7 + D11
    assert [(m.id, m.name) for m in opts.members] == [(str(rep.user_id), "Rep Acme")]
    with pytest.raises(NotFound):
        drill(narrow, "kpi", "won", DashboardFilters(as_of=TODAY, owner_id=world.org.users["rep2"]))
    # The rep's own id is allowed, and a forged rep key in a drill shows nothing of rep2's.
    assert drill(narrow, "rep", str(world.org.users["rep2"])).total == 0


def test_a_rep_cannot_drill_or_list_filters(world: World) -> None:
    rep = world.org.actors["rep"]
    with pytest.raises(Forbidden):
        drill(rep, "kpi", "won")
    with pytest.raises(Forbidden), tenant_session(rep) as s:
        an.filter_options(s, rep)


def test_filter_options_for_an_executive(world: World) -> None:
    exec_ = world.org.actors["exec"]
    with tenant_session(exec_) as s:
        opts = an.filter_options(s, exec_)
    assert [p.name for p in opts.pipelines] == ["Sales", "Renewals"]
    assert [m.name for m in opts.members] == [
        "Admin Acme", "Exec Acme", "Manager Acme", "Rep Acme", "Rep2 Acme",
    ]  # fmt: skip
    assert opts.sees_everyone
