"""Inbox counts: exact below the threshold, the planner's estimate above; view counts cached
until a lead-related change commits."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from smartweb_ui.db import tenant_session
from smartweb_ui.services.core import cache
from smartweb_ui.services.leads import counts
from smartweb_ui.services.leads.actions import assign_leads
from smartweb_ui.services.leads.filters import LeadFilter
from smartweb_ui.services.leads.inbox import list_leads
from smartweb_ui.services.leads.interactions import log_call
from smartweb_ui.services.leads.page import inbox_page
from smartweb_ui.services.leads.views import list_views

from .builders.leads import make_lead, make_many

pytestmark = pytest.mark.db


def test_about_rounds_to_three_figures() -> None:
    assert counts.about(12_345) == "about 12,300"
    assert counts.about(2_001) == "about 2,000"
    assert counts.about(199_960) == "about 200,000"


def test_exact_below_the_threshold_estimated_above(org, engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    make_many(org.id, 8)
    make_lead(org.id, "Blue Pipe Plumbing")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE leads, companies"))  # the planner's estimate reads these
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        small = inbox_page(s, mgr, LeadFilter.parse({"search": "blue pipe"}), "score")
        assert (small.total, small.count_is_estimate, small.total_label) == (1, False, "1")
        monkeypatch.setattr(counts, "EXACT_UP_TO", 3)
        big = counts.count_matching(s, mgr, LeadFilter())
        assert big.is_estimate and big.label.startswith("about ")
        assert big.n >= 4  # the planner's estimate, not counted
        # The inbox's first page holds the whole view: its count is that page, not a guess.
        whole = inbox_page(s, mgr, LeadFilter(), "score")
        assert (whole.total, whole.count_is_estimate, whole.total_label) == (9, False, "9")
        searched = counts.count_matching(s, mgr, {"search": "bulk co"})
        # A table this small leaves the 2 % sample empty: the proven lower bound is shown.
        assert searched.is_estimate and searched.n >= 4
        assert searched.label == "3+" or searched.label.startswith("about ")


def test_view_counts_are_cached_until_a_lead_change_commits(org) -> None:  # type: ignore[no-untyped-def]
    ids = make_many(org.id, 3)
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        first = {v.key: v.count for v in list_views(s, mgr)}
    assert first["unassigned"] == 3
    hits = cache.stats.hits
    make_lead(org.id, "Written behind the services' back")  # no change feed: still cached
    with tenant_session(mgr) as s:
        again = {v.key: v.count for v in list_views(s, mgr)}
    assert again == first and cache.stats.hits == hits + 1
    with tenant_session(mgr) as s:  # a change through a service: dropped on commit
        assign_leads(s, mgr, [ids[0]], org.users["rep"])
    with tenant_session(mgr) as s:
        fresh = {v.key: v.count for v in list_views(s, mgr)}
    assert fresh["unassigned"] == 3  # 4 leads, one of them now assigned
    assert fresh["all"] == 4


def test_view_counts_are_per_user(org) -> None:  # type: ignore[no-untyped-def]
    make_lead(org.id, "Colleague's", assigned_to=org.users["rep2"])
    make_lead(org.id, "Nobody's")
    with tenant_session(org.actors["manager"]) as s:
        assert {v.key: v.count for v in list_views(s, org.actors["manager"])}["all"] == 2
    with tenant_session(org.actors["rep"]) as s:  # a rep sees own + unassigned only
        assert {v.key: v.count for v in list_views(s, org.actors["rep"])}["all"] == 1


def test_a_reps_view_counts_stay_through_a_colleagues_call_and_go_with_their_own(org) -> None:  # type: ignore[no-untyped-def]
    """The change feed names whose leads a change wrote: a colleague's call keeps a rep's
    counts (they cannot see that lead), the rep's own call drops them at once."""
    mine = make_lead(org.id, "Mine", assigned_to=org.users["rep"], status="new")
    theirs = make_lead(org.id, "Theirs", assigned_to=org.users["rep2"], status="new")
    rep, rep2 = org.actors["rep"], org.actors["rep2"]

    def my_new() -> int:
        with tenant_session(rep) as s:
            return {v.key: v.count for v in list_views(s, rep)}["my_new"]

    assert my_new() == 1
    misses = cache.stats.misses
    with tenant_session(rep2) as s:
        log_call(s, rep2, theirs, duration_minutes=3, outcome="connected")
    assert my_new() == 1 and cache.stats.misses == misses  # still the cached counts
    with tenant_session(rep) as s:
        log_call(s, rep, mine, duration_minutes=3, outcome="connected")
    assert my_new() == 0  # contacted now: counted again, at once
    assert cache.stats.misses == misses + 1


def test_the_page_of_a_search_counts_from_what_it_found(org, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A search's count reuses its page's look-up: a selective term counts its few companies
    (no second search), a common one takes the walk's hit rate instead of a table sample.
    Either way the total is what a count from scratch says."""
    from smartweb_ui.services.leads import search as lead_search

    for i in range(12):
        make_lead(
            org.id, f"Hint Plumbing {i:02d}", lead_score=i, status="contacted" if i % 3 else "new"
        )
        make_lead(org.id, f"Hint Roofing {i:02d}", lead_score=i)
    mgr = org.actors["manager"]
    flt = LeadFilter.parse({"search": "hint plumbing", "status": ["contacted"]})
    with tenant_session(mgr) as s:
        fresh = counts.count_matching(s, mgr, flt)
        page = inbox_page(s, mgr, flt, "score")
        assert page.total == fresh.n == 8 and not page.count_is_estimate
        sampled: list[str] = []
        monkeypatch.setattr(counts, "text_share", lambda *a: sampled.append("x") or 0.5)
        monkeypatch.setattr(lead_search, "PROBE", 3)  # now a "common" term: walked
        monkeypatch.setattr(lead_search, "BATCH", 5)
        monkeypatch.setattr(lead_search, "WALK_BATCHES", 50)
        walked = inbox_page(s, mgr, flt, "score")
        assert walked.total == 8 and not walked.count_is_estimate
        assert sampled == []  # the walk's hit rate stood in for the sample
        monkeypatch.setattr(counts, "EXACT_UP_TO", 2)
        wide = LeadFilter.parse({"search": "hint plumbing"})
        above = counts.count_matching(s, mgr, wide, hint=list_leads(s, mgr, wide).hint)
        assert above.is_estimate and sampled == []
