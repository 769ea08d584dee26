"""The per-organization dashboard cache: reused while nothing changes, recomputed after a write."""

from __future__ import annotations

import time
from decimal import Decimal as D

import pytest

import smartweb_ui.models as m
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services import analytics as an
from smartweb_ui.services.analytics import cache as analytics_cache
from smartweb_ui.services.analytics.overview import DashboardFilters
from smartweb_ui.services.core import audit
from smartweb_ui.services.core.security import Actor

from .builders.analytics_world import TODAY, World, chi

pytestmark = pytest.mark.db

MARCH = DashboardFilters(period="month", as_of=TODAY)


def load(actor: object, filters: DashboardFilters = MARCH) -> an.DashboardData:
    with tenant_session(actor) as s:  # type: ignore[arg-type]
        return an.dashboard(s, actor, filters)  # type: ignore[arg-type]


def same(a: an.DashboardData, b: an.DashboardData) -> bool:
    """Built from the same cached chart groups (every chart the very same object)."""
    return all(getattr(a, n) is getattr(b, n) for g in an.CHART_GROUPS for n in g)


def test_same_filters_reuse_the_cached_result(world: World) -> None:
    exec_ = world.org.actors["exec"]
    first = load(exec_)
    assert same(load(exec_), first)
    assert same(load(world.org.actors["manager"]), first)  # same organization, same filters
    other = load(exec_, DashboardFilters(period="quarter", as_of=TODAY))
    assert not same(other, first)
    assert other.kpis.won_revenue == D("18700.50")


def test_an_audited_write_invalidates_the_cache(fresh_world: World) -> None:
    """Every mutating service writes an audit row in its transaction; that is the signal."""
    exec_ = fresh_world.org.actors["exec"]
    manager = fresh_world.org.actors["manager"]
    before = load(exec_)
    assert before.kpis.won_revenue == D("15000.00")
    with tenant_session(manager) as s:
        deal = s.get(m.Opportunity, fresh_world.deals["D1"])
        old = audit.snapshot(deal, ["value"])
        deal.value = D("11000.00")
        s.add(deal)
        audit.record(s, manager, "opportunity.update", "opportunity", deal.id,
                     before=old, after=audit.snapshot(deal, ["value"]))  # fmt: skip
    after = load(exec_)
    assert not same(after, before)
    assert after.kpis.won_revenue == D("16000.00")


def test_an_unaudited_write_shows_once_the_entry_expires(
    fresh_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    exec_ = fresh_world.org.actors["exec"]
    before = load(exec_)
    with system_session() as s:  # e.g. a bulk import done with raw SQL
        co = m.Company(organization_id=fresh_world.org.id, name="Fresh Co")
        s.add(co)
        s.flush()
        s.add(m.Lead(organization_id=fresh_world.org.id, company_id=co.id,
                     source=m.LeadSource.EVENT, created_at=chi(2026, 3, 20)))  # fmt: skip
    assert same(load(exec_), before)  # still within the TTL
    later = time.monotonic() + analytics_cache.TTL_SECONDS + 1
    monkeypatch.setattr(analytics_cache.time, "monotonic", lambda: later)
    fresh = load(exec_)
    assert not same(fresh, before)
    assert ("event", 1) in [(r.source, r.leads) for r in fresh.sources]


def test_scoped_viewer_never_gets_the_org_wide_cached_result(world: World) -> None:
    exec_ = world.org.actors["exec"]
    rep = world.org.actors["rep"]
    narrow = Actor(rep.user_id, rep.organization_id, frozenset({"analytics.view"}))
    org_wide = load(exec_)
    own = load(narrow)
    assert not same(own, org_wide)
    assert own.kpis.open_deals == 2  # D7, D11
    assert org_wide.kpis.open_deals == 4


def test_other_organization_has_its_own_entry(world: World) -> None:
    mine = load(world.org.actors["exec"])
    rival = load(world.other_org.actors["exec"])
    assert not same(rival, mine)
    assert rival.kpis.won_revenue == D("77777.00")


def test_the_chart_groups_make_the_whole_dashboard_and_each_is_cached_alone(
    world: World,
) -> None:
    """The page asks for the groups at once (one connection each); together they are the
    dashboard, every chart in exactly one group, and each group is reused on its own."""
    exec_ = world.org.actors["exec"]
    names = [n for g in an.CHART_GROUPS for n in g]
    assert sorted(names) == sorted(an.overview.CHART_QUERIES) and len(set(names)) == len(names)
    analytics_cache.clear()
    with tenant_session(exec_) as s:
        first = an.dashboard_part(s, exec_, MARCH, an.CHART_GROUPS[0])
    with tenant_session(exec_) as s:
        assert an.dashboard_part(s, exec_, MARCH, an.CHART_GROUPS[0]) is first
        second = an.dashboard_part(s, exec_, MARCH, an.CHART_GROUPS[1])
    whole = an.assemble([first, second])
    assert whole == load(exec_)
    assert whole.kpis.won_revenue == D("15000.00")
    with tenant_session(exec_) as s, pytest.raises(ValueError):
        an.dashboard_part(s, exec_, MARCH, ("kpis", "nonsense"))
    with pytest.raises(ValueError):
        an.assemble([first])  # a group missing
