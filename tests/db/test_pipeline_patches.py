"""Board patches: after any change, applying the patch to the board the browser holds gives the
board a fresh load would give (the moved cards in place, exact totals), under filters and scope."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest
import sqlalchemy as sa

from smartweb_ui.db import tenant_session
from smartweb_ui.services.pipeline import BoardFilters, BoardPatch, board, board_patch, update_deal
from smartweb_ui.services.pipeline.kanban import CLOSED_WINDOW_DAYS
from smartweb_ui.services.pipeline.moves import move_deal
from smartweb_ui.state.pipeline import patch_dict
from tests.support.board_js import run_board_js

from .builders.pipeline import make_pipeline

pytestmark = pytest.mark.db


def load(actor, pipeline_id, filters=None):  # type: ignore[no-untyped-def]
    with tenant_session(actor) as s:
        return board(s, actor, pipeline_id, filters)


def patch(actor, pipeline_id, deal_ids, stage_ids=(), filters=None) -> BoardPatch:  # type: ignore[no-untyped-def]
    with tenant_session(actor) as s:
        return board_patch(s, actor, pipeline_id, filters or BoardFilters(), deal_ids, stage_ids)


def ids_by_column(b) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    return {c.id: [card.id for card in c.cards] for c in b.columns}


def apply(columns: dict[str, list[str]], p: BoardPatch) -> dict[str, list[str]]:
    """What the kanban component does with a patch: its own code (assets/kanban/board.js),
    run by Node on the card ids the browser holds."""
    board = [{"id": k, "cards": [{"id": i} for i in v]} for k, v in columns.items()]
    out = run_board_js("applyPatch", board, patch_dict(p))
    return {c["id"]: [card["id"] for card in c["cards"]] for c in out}


def test_a_move_patch_rebuilds_the_fresh_board(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]
    before = load(mgr, data.pipeline)
    deal, lead_in, qualified = data.deals["r2"], data.stages["Lead In"], data.stages["Qualified"]
    with tenant_session(mgr) as s:
        move_deal(s, mgr, deal, qualified, 1, 1)  # under the top card of Qualified
    p = patch(mgr, data.pipeline, [deal], [lead_in, qualified])
    after = load(mgr, data.pipeline)
    assert apply(ids_by_column(before), p) == ids_by_column(after)
    [placed] = p.cards
    assert placed.stage_id == str(qualified) and placed.above_id == str(data.deals["q1"])
    fresh = {c.id: c for c in after.columns}
    assert {t.id for t in p.columns} == {str(lead_in), str(qualified)}
    for t in p.columns:
        assert (t.count, t.total_value, t.weighted_value) == (
            fresh[t.id].count,
            f"{fresh[t.id].total_value:f}",
            f"{fresh[t.id].weighted_value:f}",
        )
        assert (t.wip_count, t.over_wip) == (fresh[t.id].wip_count, fresh[t.id].over_wip)


def test_every_position_of_a_column_round_trips(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]
    lead_in = data.stages["Lead In"]
    for position in range(5):
        before = load(mgr, data.pipeline)
        with tenant_session(mgr) as s:
            version = next(
                c.version for c in before.columns[0].cards if c.id == str(data.deals["m1"])
            )
            move_deal(s, mgr, data.deals["m1"], lead_in, position, version)
        p = patch(mgr, data.pipeline, [data.deals["m1"]], [lead_in])
        assert apply(ids_by_column(before), p) == ids_by_column(load(mgr, data.pipeline))


def test_won_column_order_and_the_close_window(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]
    won = data.stages["Won"]
    today = date.today()
    closes = [("q1", today), ("p1", today - timedelta(days=2)), ("r1", today - timedelta(days=1))]
    for key, closed in closes:
        before = load(mgr, data.pipeline)
        with tenant_session(mgr) as s:
            move_deal(s, mgr, data.deals[key], won, 0, 1, close_date=closed, final_value="10")
        p = patch(mgr, data.pipeline, [data.deals[key]], [won])
        assert apply(ids_by_column(before), p) == ids_by_column(load(mgr, data.pipeline))
    mine = [str(data.deals[k]) for k in ("q1", "r1", "p1")]
    won_column = next(c for c in load(mgr, data.pipeline).columns if c.id == str(won))
    assert [i for i in (c.id for c in won_column.cards) if i in mine] == mine  # newest first
    with tenant_session(mgr) as s:  # closed before the window: it leaves the board
        s.execute(
            sa.text("UPDATE opportunities SET actual_close_date = :d WHERE id = :i"),
            {"d": today - timedelta(days=CLOSED_WINDOW_DAYS + 5), "i": data.deals["r1"]},
        )
    p = patch(mgr, data.pipeline, [data.deals["r1"]], [won])
    assert p.removed == [str(data.deals["r1"])]
    assert next(t.count for t in p.columns if t.id == str(won)) == won_column.count - 1


def test_a_deal_that_leaves_the_filter_is_removed(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]
    mine = BoardFilters(owner="me")
    before = load(mgr, data.pipeline, mine)
    with tenant_session(mgr) as s:
        update_deal(
            s, mgr, data.deals["m1"], 1, name="Deal m1", value="750.25",
            expected_close_date=None, owner_id=org.users["rep"],
        )  # fmt: skip
    p = patch(mgr, data.pipeline, [data.deals["m1"]], filters=mine)
    assert p.removed == [str(data.deals["m1"])] and p.cards == []
    assert apply(ids_by_column(before), p) == ids_by_column(load(mgr, data.pipeline, mine))


def test_foreign_and_unknown_ids_only_ever_come_back_removed(org, other_org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    theirs = make_pipeline(other_org)
    mgr = org.actors["manager"]
    unknown = uuid4()
    p = patch(mgr, data.pipeline, [theirs.deals["r1"], unknown], [theirs.stages["Lead In"]])
    assert p.cards == [] and p.columns == []
    assert sorted(p.removed) == sorted([str(theirs.deals["r1"]), str(unknown)])


def test_cards_carry_the_owner_so_each_viewer_works_out_what_it_may_move(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    rep = org.actors["rep"]
    p = patch(rep, data.pipeline, [data.deals["r1"], data.deals["o1"]])
    by_id = {pc.card.id: pc.card for pc in p.cards}
    assert by_id[str(data.deals["r1"])].owner_id == str(org.users["rep"])
    assert by_id[str(data.deals["r1"])].can_move
    assert not by_id[str(data.deals["o1"])].can_move
