"""The board: column totals equal SQL sums under every filter, paging, tenancy, live marker."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
import sqlalchemy as sa

from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services.core.errors import Forbidden, NotFound
from smartweb_ui.services.pipeline.kanban import (
    CLOSED_WINDOW_DAYS,
    BoardFilters,
    board,
    choose_pipeline,
    more_cards,
    remember_pipeline,
)

from .builders.pipeline import make_pipeline

pytestmark = pytest.mark.db


def sql_totals(org_id, pipeline_id, where: str = "TRUE", params=None) -> dict:  # type: ignore[no-untyped-def]
    """Independent reference: count/sum/weighted per stage straight from SQL."""
    since = date.today() - timedelta(days=CLOSED_WINDOW_DAYS)
    with system_session() as s:
        rows = s.execute(
            sa.text(
                "SELECT o.current_stage_id, count(*), sum(o.value), sum(o.weighted_value) "
                "FROM opportunities o LEFT JOIN leads l ON l.id = o.lead_id "
                "LEFT JOIN companies c ON c.id = l.company_id "
                "WHERE o.organization_id = :org AND o.pipeline_id = :pid "
                "AND o.deleted_at IS NULL AND NOT o.is_archived "
                "AND (o.status = 'open' OR o.actual_close_date >= :since) "
                f"AND {where} GROUP BY o.current_stage_id"
            ),
            {"org": org_id, "pid": pipeline_id, "since": since, **(params or {})},
        ).all()
    return {str(r[0]): (r[1], Decimal(r[2]), Decimal(r[3])) for r in rows}


def board_totals(b) -> dict:  # type: ignore[no-untyped-def]
    return {c.id: (c.count, c.total_value, c.weighted_value) for c in b.columns if c.count}


def load(actor, pipeline_id, filters=None, **kw):  # type: ignore[no-untyped-def]
    with tenant_session(actor) as s:
        return board(s, actor, pipeline_id, filters, **kw)


FILTER_CASES = [
    ({}, "TRUE", {}),
    ({"owner": "me"}, "o.owner_id = :me", {}),
    ({"owner": "REP2"}, "o.owner_id = :rep2", {}),
    ({"q": "deal r"}, "(o.name ILIKE '%deal r%' OR c.name ILIKE '%deal r%')", {}),
    ({"q": "blue pipe"}, "(o.name ILIKE '%blue pipe%' OR c.name ILIKE '%blue pipe%')", {}),
    ({"value_min": "1000", "value_max": "8000"}, "o.value BETWEEN 1000 AND 8000", {}),
    (
        {"close_from": "TODAY", "close_to": "TODAY+30"},
        "o.expected_close_date BETWEEN :today AND :today30",
        {},
    ),
]


@pytest.mark.parametrize(("raw", "where", "_"), FILTER_CASES)
def test_column_totals_equal_sql_sums_under_filters(org, raw, where, _) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    today = date.today()
    params = {
        k: v.replace("REP2", str(org.users["rep2"]))
        .replace("TODAY+30", (today + timedelta(days=30)).isoformat())
        .replace("TODAY", today.isoformat())
        for k, v in raw.items()
    }
    filters, _ = BoardFilters.from_query(params)
    # per_column=1: most cards are NOT sent, the totals must still cover every matching deal
    b = load(org.actors["manager"], data.pipeline, filters, per_column=1)
    expected = sql_totals(
        org.id,
        data.pipeline,
        where,
        {
            "me": org.users["manager"],
            "rep2": org.users["rep2"],
            "today": today,
            "today30": today + timedelta(days=30),
        },
    )
    assert board_totals(b) == expected
    for c in b.columns:
        assert len(c.cards) == min(1, c.count)
        assert c.has_more == (c.count > 1)


def test_board_shape_cards_and_signals(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    b = load(org.actors["rep"], data.pipeline)
    names = [c.name for c in b.columns]
    assert names == ["Lead In", "Qualified", "Proposal", "Won", "Lost"]
    lead_in = b.columns[0]
    assert [c.name for c in lead_in.cards] == [
        "Deal r1",
        "Deal r2",
        "Deal o1",
        "Deal m1",
        "Deal m2",
    ]
    assert (
        lead_in.total_value_display == "$8,550.75"
    )  # 1000 + 2500.50 + 4000 + 750.25 + 300 (never rounded up)
    assert lead_in.weighted_value == Decimal("855.07")
    assert (lead_in.wip_limit, lead_in.wip_count, lead_in.over_wip) == (3, 5, 2)
    r1 = lead_in.cards[0]
    assert r1.company.startswith("Acme Heating")
    assert r1.owner_initials == "RA" and r1.owner_name == "Rep Acme"
    assert r1.close_overdue  # expected 3 days ago
    assert (r1.days_in_stage, r1.aging, r1.stuck) == (10, "stuck", True)  # rot threshold 7
    assert r1.can_move and not lead_in.cards[2].can_move  # rep: own yes, rep2's no
    assert lead_in.cards[1].aging == "fresh"  # 2 of 7 days
    assert lead_in.cards[4].aging == "stale"  # 6 of 7 days
    won = b.columns[3]
    assert [c.name for c in won.cards] == ["Deal won recently"]  # 400-day-old win is outside 90 d
    assert won.count == 1 and won.total_value == Decimal("5000.00")
    assert b.lost_reasons  # defaults when the org has none configured


def test_filters_do_not_change_wip_which_counts_the_whole_stage(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    b = load(org.actors["rep"], data.pipeline, BoardFilters(owner="me"))
    assert b.columns[0].count == 2
    assert b.columns[0].over_wip == 2


def test_load_more_pages_without_gaps_or_repeats(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    actor = org.actors["manager"]
    b = load(actor, data.pipeline, per_column=2)
    first = b.columns[0]
    seen = [c.id for c in first.cards]
    while len(seen) < first.count:
        with tenant_session(actor) as s:
            page = more_cards(s, actor, data.pipeline, first.id, offset=len(seen), limit=2)
        assert page
        seen += [c.id for c in page]
    full = load(actor, data.pipeline, per_column=50).columns[0]
    assert seen == [c.id for c in full.cards]


def test_another_organizations_board_is_invisible(org, other_org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    theirs = make_pipeline(other_org)
    actor = org.actors["manager"]
    with pytest.raises(NotFound):
        load(actor, theirs.pipeline)
    with pytest.raises(NotFound):
        load(actor, uuid4())
    with tenant_session(actor) as s, pytest.raises(NotFound):
        more_cards(s, actor, data.pipeline, theirs.stages["Lead In"], offset=0)
    b = load(actor, data.pipeline)
    ids = {card.id for c in b.columns for card in c.cards}
    assert not ids & {str(d) for d in theirs.deals.values()}


def test_board_needs_pipeline_read(org) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    data = make_pipeline(org)
    nobody = replace(org.actors["rep"], permissions=frozenset())
    with pytest.raises(Forbidden):
        load(nobody, data.pipeline)


def test_pipeline_choice_is_remembered_per_user(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    rep, mgr = org.actors["rep"], org.actors["manager"]
    with tenant_session(rep) as s:
        assert choose_pipeline(s, rep).id == data.pipeline  # the default
        remember_pipeline(s, rep, data.other_pipeline)
    with tenant_session(rep) as s:
        assert choose_pipeline(s, rep).id == data.other_pipeline
        assert board(s, rep, None).pipeline_id == str(data.other_pipeline)
    with tenant_session(mgr) as s:
        assert choose_pipeline(s, mgr).id == data.pipeline  # someone else's choice is theirs
        with pytest.raises(NotFound):
            remember_pipeline(s, mgr, uuid4())


def test_filters_round_trip_and_ignore_garbage() -> None:
    f, _ = BoardFilters.from_query(
        {"owner": "me", "q": " pipe ", "close_from": "2030-01-02", "value_min": "1,000.50"}
    )
    assert f.to_query() == {
        "owner": "me",
        "q": "pipe",
        "close_from": "2030-01-02",
        "value_min": "1000.50",
    }
    assert BoardFilters.from_query(f.to_query())[0] == f
    junk, dropped = BoardFilters.from_query(
        {"owner": "x' OR 1=1", "close_to": "yesterday", "value_max": "NaN", "value_min": "lots"}
    )
    assert junk == BoardFilters()
    assert sorted(dropped) == ["close_to", "owner", "value_max", "value_min"]
    assert not junk.active
