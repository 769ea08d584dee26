"""move_deal: what a sales manager, a rep, an executive or an attacker would notice."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from smartweb_ui.services.pipeline.moves import move_deal

from .builders.pipeline import assert_dense, column_positions, make_pipeline

pytestmark = pytest.mark.db


def deal_row(deal_id):  # type: ignore[no-untyped-def]
    with system_session() as s:
        return s.get(m.Opportunity, deal_id)


def written_state(org_id) -> tuple:  # type: ignore[no-untyped-def]
    """Everything a move may write, for 'nothing was written' assertions."""
    with system_session() as s:
        history = s.execute(
            sa.text("SELECT count(*) FROM opportunity_stage_history WHERE organization_id = :o"),
            {"o": org_id},
        ).scalar()
        audits = s.execute(
            sa.text("SELECT count(*) FROM audit_logs WHERE organization_id = :o"), {"o": org_id}
        ).scalar()
        deals = s.execute(
            sa.text(
                "SELECT id, current_stage_id, position, version, status, value, weighted_value "
                "FROM opportunities WHERE organization_id = :o ORDER BY id"
            ),
            {"o": org_id},
        ).all()
    return history, audits, [tuple(r) for r in deals]


def move(actor, deal, stage, position=0, version=1, **kw):  # type: ignore[no-untyped-def]
    with tenant_session(actor) as s:
        return move_deal(s, actor, deal, stage, position, version, **kw)


def test_rep_moves_own_deal_history_times_weighted_positions_audit(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    deal_id = data.deals["r1"]  # Lead In, position 0, 10 days in stage, value 1000
    before = deal_row(deal_id)

    result = move(org.actors["rep"], deal_id, data.stages["Qualified"], position=1)

    after = deal_row(deal_id)
    assert result.moved and result.version == 2
    assert after.current_stage_id == data.stages["Qualified"]
    assert after.position == 1
    assert after.version == 2
    assert after.probability == Decimal("25.00")
    assert after.weighted_value == Decimal("250.00")
    assert after.status == m.OpportunityStatus.OPEN
    assert after.stage_entered_at > before.stage_entered_at
    assert after.time_in_stage == 0
    with system_session() as s:
        hist = (
            s.exec(
                sa.select(m.OpportunityStageHistory).where(
                    m.OpportunityStageHistory.opportunity_id == deal_id
                )
            )
            .scalars()
            .all()
        )
        audit_rows = (
            s.exec(sa.select(m.AuditLog).where(m.AuditLog.entity_id == deal_id)).scalars().all()
        )
    assert len(hist) == 1
    h = hist[0]
    assert (h.from_stage_id, h.to_stage_id, h.moved_by) == (
        data.stages["Lead In"],
        data.stages["Qualified"],
        org.users["rep"],
    )
    assert 10 * 86400 <= h.seconds_in_from_stage < 10 * 86400 + 300
    assert h.value_at_move == Decimal("1000.00")
    assert [a.action for a in audit_rows] == ["opportunity.move"]
    assert audit_rows[0].actor_id == org.users["rep"]
    assert audit_rows[0].changes["after"]["current_stage_id"] == str(data.stages["Qualified"])
    # Both columns stay dense; the moved card sits where it was dropped.
    lead_in = column_positions(data.stages["Lead In"])
    qualified = column_positions(data.stages["Qualified"])
    assert [p for _, p in lead_in] == [3, 2, 1, 0]
    assert [p for _, p in qualified] == [2, 1, 0]
    assert qualified[1][0] == deal_id


def test_rep_cannot_move_another_reps_deal_and_nothing_is_written(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    state = written_state(org.id)
    with pytest.raises(Forbidden):
        move(org.actors["rep"], data.deals["o1"], data.stages["Qualified"])
    assert written_state(org.id) == state


def test_manager_moves_anyones_deal(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    move(org.actors["manager"], data.deals["o1"], data.stages["Proposal"], position=0)
    row = deal_row(data.deals["o1"])
    assert row.current_stage_id == data.stages["Proposal"]
    assert row.weighted_value == Decimal("2000.00")


def test_executive_without_pipeline_move_is_forbidden(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    state = written_state(org.id)
    with pytest.raises(Forbidden):
        move(org.actors["exec"], data.deals["r1"], data.stages["Qualified"])
    assert written_state(org.id) == state


def test_stale_version_is_a_conflict_and_nothing_is_written(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    move(org.actors["manager"], data.deals["r2"], data.stages["Qualified"], version=1)
    state = written_state(org.id)
    with pytest.raises(Conflict):  # the rep's board still shows version 1
        move(org.actors["rep"], data.deals["r2"], data.stages["Proposal"], version=1)
    assert written_state(org.id) == state


def test_forged_ids_are_not_found_and_nothing_is_written(org, other_org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    theirs = make_pipeline(other_org)
    state, their_state = written_state(org.id), written_state(other_org.id)
    manager = org.actors["manager"]
    cases = [
        (theirs.deals["r1"], data.stages["Qualified"]),  # another org's deal
        (data.deals["r1"], theirs.stages["Qualified"]),  # another org's stage
        (data.deals["r1"], data.other_stage),  # a stage of another pipeline
        (uuid4(), data.stages["Qualified"]),  # no such deal
        ("not-a-uuid", data.stages["Qualified"]),
        (data.deals["r1"], "'; DROP TABLE opportunities; --"),
    ]
    for deal_id, stage_id in cases:
        with pytest.raises(NotFound):
            move(manager, deal_id, stage_id)
    assert written_state(org.id) == state
    assert written_state(other_org.id) == their_state


def test_won_needs_close_date_and_value(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    state = written_state(org.id)
    rep = org.actors["rep"]
    for kw in ({}, {"close_date": date.today()}, {"final_value": "900"}):
        with pytest.raises(Invalid):
            move(rep, data.deals["q1"], data.stages["Won"], **kw)
    with pytest.raises(Invalid):
        move(rep, data.deals["q1"], data.stages["Won"], close_date=date.today(), final_value="-5")
    assert written_state(org.id) == state

    closed = date.today() - timedelta(days=1)
    result = move(
        rep, data.deals["q1"], data.stages["Won"], close_date=closed, final_value="8800.40"
    )
    row = deal_row(data.deals["q1"])
    assert result.status == "won"
    assert row.status == m.OpportunityStatus.WON
    assert row.value == Decimal("8800.40")
    assert row.weighted_value == Decimal("8800.40")
    assert row.actual_close_date == closed
    # The Qualified column closed the gap.
    assert [p for _, p in column_positions(data.stages["Qualified"])] == [0]


def test_lost_needs_a_reason_and_keeps_the_competitor(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    state = written_state(org.id)
    for reason in (None, "", "   "):
        with pytest.raises(Invalid):
            move(org.actors["manager"], data.deals["p1"], data.stages["Lost"], lost_reason=reason)
    assert written_state(org.id) == state
    move(
        org.actors["manager"],
        data.deals["p1"],
        data.stages["Lost"],
        lost_reason="Price",
        competitor="Rival Roofing",
    )
    row = deal_row(data.deals["p1"])
    assert row.status == m.OpportunityStatus.LOST
    assert (row.closed_reason, row.competitor_won) == ("Price", "Rival Roofing")
    assert row.weighted_value == Decimal("0.00")
    assert row.actual_close_date is not None


def test_reopening_a_lost_deal_clears_the_close_fields(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]
    move(mgr, data.deals["p1"], data.stages["Lost"], lost_reason="Timing")
    move(mgr, data.deals["p1"], data.stages["Proposal"], position=0, version=2)
    row = deal_row(data.deals["p1"])
    assert row.status == m.OpportunityStatus.OPEN
    assert (row.actual_close_date, row.closed_reason, row.competitor_won) == (None, None, None)
    assert row.weighted_value == Decimal("7500.00")


def test_reorder_inside_a_column_keeps_positions_dense_without_history(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    column = [d for d, _ in column_positions(data.stages["Lead In"])]  # r1 r2 o1 m1 m2
    with system_session() as s:
        hist = s.execute(sa.text("SELECT count(*) FROM opportunity_stage_history")).scalar()
    move(org.actors["manager"], column[0], data.stages["Lead In"], position=3)
    after = column_positions(data.stages["Lead In"])
    assert [d for d, _ in after] == [column[1], column[2], column[3], column[0], column[4]]
    assert [p for _, p in after] == [4, 3, 2, 1, 0]
    move(org.actors["manager"], column[4], data.stages["Lead In"], position=0)
    assert column_positions(data.stages["Lead In"])[0][0] == column[4]
    with system_session() as s:
        assert s.execute(sa.text("SELECT count(*) FROM opportunity_stage_history")).scalar() == hist
        actions = s.execute(sa.text("SELECT action FROM audit_logs")).scalars().all()
    assert actions == ["opportunity.reorder", "opportunity.reorder"]


def test_drop_before_a_card_in_a_filtered_view(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    column = [d for d, _ in column_positions(data.stages["Lead In"])]
    move(
        org.actors["manager"], data.deals["q2"], data.stages["Lead In"], position=0,
        before_deal_id=column[3],
    )  # fmt: skip
    after = [d for d, _ in column_positions(data.stages["Lead In"])]
    assert after.index(data.deals["q2"]) == 3
    move(
        org.actors["manager"], data.deals["q2"], data.stages["Lead In"], position=0, version=2,
        after_deal_id=after[4],
    )  # fmt: skip
    after = [d for d, _ in column_positions(data.stages["Lead In"])]
    assert after.index(data.deals["q2"]) == 4
    assert_dense(data.stages["Lead In"])


def test_positions_stay_dense_after_many_random_moves(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    rnd = random.Random(7)
    mgr = org.actors["manager"]
    open_stages = [data.stages[n] for n in ("Lead In", "Qualified", "Proposal")]
    deals = [d for k, d in data.deals.items() if not k.startswith("w_")]
    for _ in range(40):
        deal = rnd.choice(deals)
        row = deal_row(deal)
        move(mgr, deal, rnd.choice(open_stages), position=rnd.randint(0, 6), version=row.version)
    assert sum(assert_dense(stage) for stage in open_stages) == len(deals)
