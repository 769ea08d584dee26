"""Undo of a move, WIP limits (soft and hard), and the shape of a pipeline (stages added,
deleted with their deals moved, pipelines created and renamed) — as a manager, a rep, an
attacker would notice."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services import pipeline as deals
from smartweb_ui.services.core.errors import Conflict, Forbidden, Invalid, NotFound
from smartweb_ui.services.pipeline.moves import move_deal, undo_move

from .builders.pipeline import assert_dense, column_positions, make_pipeline

pytestmark = pytest.mark.db


def call(actor, fn, *args, **kw):  # type: ignore[no-untyped-def]
    with tenant_session(actor) as s:
        return fn(s, actor, *args, **kw)


def history(deal_id) -> list[tuple]:  # type: ignore[no-untyped-def]
    with system_session() as s:
        return [
            tuple(r)
            for r in s.execute(
                sa.text(
                    "SELECT from_stage_id, to_stage_id FROM opportunity_stage_history "
                    "WHERE opportunity_id = :d ORDER BY moved_at, id"
                ),
                {"d": deal_id},
            ).all()
        ]


def set_stage(stage_id, **values) -> None:  # type: ignore[no-untyped-def]
    with system_session() as s:
        stage = s.get(m.PipelineStage, stage_id)
        for k, v in values.items():
            setattr(stage, k, v)
        s.add(stage)


# ------------------------------------------------------------------ undo
def test_undo_is_a_real_move_back_with_its_own_history_row(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    rep, deal = org.actors["rep"], data.deals["r2"]
    before = column_positions(data.stages["Lead In"])
    moved = call(rep, move_deal, deal, data.stages["Qualified"], 0, 1)
    assert moved.can_undo and moved.from_stage_id == str(data.stages["Lead In"])

    back = call(rep, undo_move, deal, moved.version)

    assert back.stage_id == str(data.stages["Lead In"]) and back.moved
    assert column_positions(data.stages["Lead In"]) == before  # back in its old place
    assert history(deal) == [
        (data.stages["Lead In"], data.stages["Qualified"]),
        (data.stages["Qualified"], data.stages["Lead In"]),
    ]
    assert_dense(data.stages["Lead In"]) and assert_dense(data.stages["Qualified"])
    with system_session() as s:
        actions = (
            s.execute(
                sa.text("SELECT action FROM audit_logs WHERE entity_id = :d ORDER BY created_at"),
                {"d": deal},
            )
            .scalars()
            .all()
        )
    assert actions == ["opportunity.move", "opportunity.undo_move"]
    # Undone once: a second undo would move it forward again — refused.
    with pytest.raises(Conflict):
        call(rep, undo_move, deal, back.version)


def test_undo_of_a_won_drop_reopens_the_deal(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    rep, deal = org.actors["rep"], data.deals["q1"]
    won = call(
        rep, move_deal, deal, data.stages["Won"], 0, 1,
        close_date=date.today(), final_value="9000",
    )  # fmt: skip
    back = call(rep, undo_move, deal, won.version)
    with system_session() as s:
        row = s.get(m.Opportunity, deal)
        assert row.status == m.OpportunityStatus.OPEN and row.actual_close_date is None
        assert row.current_stage_id == data.stages["Qualified"] and back.status == "open"


def test_undo_is_refused_after_a_colleagues_change_or_for_someone_else(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    rep, mgr, deal = org.actors["rep"], org.actors["manager"], data.deals["r1"]
    moved = call(rep, move_deal, deal, data.stages["Qualified"], 0, 1)
    with pytest.raises(Conflict):  # not the manager's move
        call(mgr, undo_move, deal, moved.version)
    again = call(mgr, move_deal, deal, data.stages["Proposal"], 0, moved.version)
    with pytest.raises(Conflict):  # the version moved on
        call(rep, undo_move, deal, moved.version)
    with pytest.raises(Forbidden):  # another rep's deal
        call(org.actors["rep2"], undo_move, data.deals["r2"], 1)
    with pytest.raises(NotFound):  # a forged id
        call(rep, undo_move, "00000000-0000-0000-0000-000000000000", 1)
    assert again.stage_id == str(data.stages["Proposal"])


# ------------------------------------------------------------------ WIP limits
def test_soft_wip_limit_warns_and_hard_limit_refuses_reps_not_managers(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    set_stage(data.stages["Qualified"], wip_limit=2)  # holds q1, q2 already
    rep, mgr = org.actors["rep"], org.actors["manager"]
    soft = call(rep, move_deal, data.deals["r1"], data.stages["Qualified"], 0, 1)
    assert (
        soft.moved and "WIP limit is 2" in soft.wip_warning and "3 open deals" in soft.wip_warning
    )

    set_stage(data.stages["Qualified"], wip_hard=True)
    with pytest.raises(Forbidden, match="WIP limit of 2"):
        call(rep, move_deal, data.deals["r2"], data.stages["Qualified"], 0, 1)
    with system_session() as s:
        assert s.get(m.Opportunity, data.deals["r2"]).current_stage_id == data.stages["Lead In"]
    forced = call(mgr, move_deal, data.deals["m1"], data.stages["Qualified"], 0, 1)
    assert forced.moved and forced.wip_warning
    # Reordering inside a full column is never a WIP question.
    inside = call(rep, move_deal, data.deals["q1"], data.stages["Qualified"], 3, 1)
    assert inside.wip_warning == ""


def test_hard_flag_is_saved_with_the_stage_settings(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]
    view = call(mgr, deals.stage_settings, data.stages["Proposal"])
    settings = deals.StageSettings(
        name=view.name, position=view.position, probability=view.probability,
        rotting_days=view.rotting_days, wip_limit="4", kind="open", wip_hard=True,
    )  # fmt: skip
    call(mgr, deals.update_stage, data.stages["Proposal"], settings)
    assert call(mgr, deals.stage_settings, data.stages["Proposal"]).wip_hard
    board = call(mgr, deals.board, data.pipeline)
    col = next(c for c in board.columns if c.name == "Proposal")
    assert col.wip_hard and col.wip_limit == 4


# ------------------------------------------------------------------ stages and pipelines
def test_manager_adds_a_stage_before_won_and_lost(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]
    new_id = call(mgr, deals.add_stage, data.pipeline, "  Negotiation ", 75)
    board = call(mgr, deals.board, data.pipeline)
    names = [c.name for c in board.columns]
    assert names == ["Lead In", "Qualified", "Proposal", "Negotiation", "Won", "Lost"]
    assert [c.position for c in board.columns] == list(range(6))
    assert next(c for c in board.columns if c.id == new_id).probability == "75"
    with pytest.raises(Conflict):
        call(mgr, deals.add_stage, data.pipeline, "negotiation")
    with pytest.raises(Forbidden):
        call(org.actors["rep"], deals.add_stage, data.pipeline, "Rep stage")
    with pytest.raises(Invalid):
        call(mgr, deals.add_stage, data.pipeline, "   ")


def test_deleting_a_stage_moves_its_deals_and_keeps_their_history(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]
    lead_in = [d for d, _ in column_positions(data.stages["Lead In"])]
    qualified = [d for d, _ in column_positions(data.stages["Qualified"])]
    with pytest.raises(Invalid, match="choose the stage"):
        call(mgr, deals.delete_stage, data.stages["Lead In"], None)
    with pytest.raises(Invalid):  # not into Won
        call(mgr, deals.delete_stage, data.stages["Lead In"], data.stages["Won"])
    with pytest.raises(Invalid):  # not another pipeline's stage
        call(mgr, deals.delete_stage, data.stages["Lead In"], data.other_stage)
    with pytest.raises(Forbidden):
        call(
            org.actors["rep"], deals.delete_stage, data.stages["Lead In"], data.stages["Qualified"]
        )

    moved = call(mgr, deals.delete_stage, data.stages["Lead In"], data.stages["Qualified"])

    assert moved == len(lead_in)
    assert [d for d, _ in column_positions(data.stages["Qualified"])] == lead_in + qualified
    assert_dense(data.stages["Qualified"])
    board = call(mgr, deals.board, data.pipeline)
    assert [c.name for c in board.columns] == ["Qualified", "Proposal", "Won", "Lost"]
    assert [c.position for c in board.columns] == [0, 1, 2, 3]
    q = board.columns[0]
    assert q.count == len(lead_in) + len(qualified)
    with system_session() as s:
        deal = s.get(m.Opportunity, data.deals["r1"])
        assert deal.probability == Decimal("25.00") and deal.version == 2
        assert s.get(m.PipelineStage, data.stages["Lead In"]).deleted_at is not None
    assert history(data.deals["r1"]) == [(data.stages["Lead In"], data.stages["Qualified"])]
    with pytest.raises(NotFound):  # gone: no drops into it, no settings
        call(mgr, move_deal, data.deals["q1"], data.stages["Lead In"], 0, 1)
    with pytest.raises(Invalid):  # Won/Lost can't go
        call(mgr, deals.delete_stage, data.stages["Won"], data.stages["Qualified"])


def test_an_empty_stage_is_deleted_without_a_target_and_reorder_still_works(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]
    sid = call(mgr, deals.add_stage, data.pipeline, "Demo")
    assert call(mgr, deals.delete_stage, sid, None) == 0
    view = call(mgr, deals.stage_settings, data.stages["Proposal"])
    call(
        mgr, deals.update_stage, data.stages["Proposal"],
        deals.StageSettings(name="Proposal", position=0, probability=view.probability),
    )  # fmt: skip
    names = [c.name for c in call(mgr, deals.board, data.pipeline).columns]
    assert names == ["Proposal", "Lead In", "Qualified", "Won", "Lost"]


def test_manager_creates_and_renames_pipelines(org) -> None:  # type: ignore[no-untyped-def]
    make_pipeline(org)
    mgr = org.actors["manager"]
    pid = call(mgr, deals.create_pipeline, "Commercial jobs")
    board = call(mgr, deals.board, pid)
    assert board.pipeline_name == "Commercial jobs"
    assert [c.name for c in board.columns] == ["New", "Qualified", "Proposal", "Won", "Lost"]
    call(mgr, deals.rename_pipeline, pid, "Commercial")
    assert call(mgr, deals.board, pid).pipeline_name == "Commercial"
    with pytest.raises(Conflict):
        call(mgr, deals.create_pipeline, "commercial")
    with pytest.raises(Forbidden):
        call(org.actors["rep"], deals.rename_pipeline, pid, "Mine")
    with pytest.raises(NotFound):
        call(mgr, deals.rename_pipeline, "00000000-0000-0000-0000-000000000000", "X")


def test_closed_cards_carry_their_close_date(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    board = call(org.actors["manager"], deals.board, data.pipeline)
    won = next(c for c in board.columns if c.is_won)
    assert won.cards[0].closed_on == (date.today() - timedelta(days=5)).isoformat()
    assert all(c.closed_on == "" for col in board.columns if not col.is_won for c in col.cards)
