"""The kanban board's patch logic (assets/kanban/board.js, run with Node) on the cases a fresh
board never shows: cards below what the browser has loaded, repeated pages, chained inserts."""

from __future__ import annotations

from tests.support.board_js import run_board_js


def col(cid: str, ids: list[str], count: int | None = None) -> dict:
    return {
        "id": cid,
        "count": len(ids) if count is None else count,
        "cards": [{"id": i} for i in ids],
    }


def ids(board: list[dict]) -> dict[str, list[str]]:
    return {c["id"]: [card["id"] for card in c["cards"]] for c in board}


def placed(stage: str, above: str, deal: str) -> dict:
    return {"stage_id": stage, "above_id": above, "card": {"id": deal}}


def test_a_card_below_the_loaded_part_waits_for_load_more() -> None:
    board = [col("a", ["1", "2"], count=2), col("b", ["3", "4"], count=9)]
    patch = {"kind": "cards", "cards": [placed("b", "77", "1")], "removed": [],
             "columns": [{"id": "a", "count": 1}, {"id": "b", "count": 10}]}  # fmt: skip
    out = run_board_js("applyPatch", board, patch)
    assert ids(out) == {"a": ["2"], "b": ["3", "4"]}
    assert out[1]["count"] == 10 and out[1]["has_more"] and not out[0]["has_more"]


def test_cards_placed_under_each_other_in_one_patch() -> None:
    board = [col("a", ["1", "2", "3"]), col("b", [])]
    patch = {"kind": "cards", "removed": [], "columns": [],
             "cards": [placed("b", "2", "3"), placed("b", "", "2")]}  # fmt: skip
    assert ids(run_board_js("applyPatch", board, patch)) == {"a": ["1"], "b": ["2", "3"]}


def test_a_page_of_cards_is_appended_once_even_if_it_overlaps() -> None:
    board = [col("a", ["1", "2"], count=4)]
    patch = {"kind": "append", "stage_id": "a", "cards": [{"id": "2"}, {"id": "3"}, {"id": "4"}]}
    out = run_board_js("applyPatch", board, patch)
    assert ids(out) == {"a": ["1", "2", "3", "4"]} and not out[0]["has_more"]


def test_a_deal_that_left_the_view_goes_and_totals_follow_the_server() -> None:
    board = [col("a", ["1", "2"])]
    patch = {"kind": "cards", "cards": [], "removed": ["1", "zz"],
             "columns": [{"id": "a", "count": 1, "total_value": "10", "over_wip": 0}]}  # fmt: skip
    out = run_board_js("applyPatch", board, patch)
    assert ids(out) == {"a": ["2"]} and out[0]["total_value"] == "10"


def test_the_viewers_rule_matches_the_servers() -> None:
    """can_edit_deal: managers move any deal, reps with pipeline.move their own."""
    card = {"owner_id": "me"}
    rules = [
        ({"me": "me", "canManage": False, "canMove": True}, True),
        ({"me": "other", "canManage": False, "canMove": True}, False),
        ({"me": "other", "canManage": True, "canMove": True}, True),
        ({"me": "me", "canManage": False, "canMove": False}, False),
    ]
    for who, expected in rules:
        assert run_board_js("mayMove", card, who) is expected


def test_the_boards_money_never_rounds_up() -> None:
    """The optimistic totals use the app's one money rule: cents when there are any."""
    out = run_board_js("formatMoneyList", "USD", "en-US", ["99999.5", "12500", "0.005", "1e6"])
    assert out == ["$99,999.50", "$12,500", "$0.01", "$1,000,000"]


def test_an_overshoot_into_won_at_phone_width_is_put_back() -> None:
    won, open_ = {"is_won": True}, {"is_won": False, "is_lost": False}
    assert run_board_js("isOvershoot", won, 1000, 1300, 390) is True  # 0.3 s over Won
    assert run_board_js("isOvershoot", won, 1000, 2000, 390) is False  # rested there: chosen
    assert run_board_js("isOvershoot", won, 1000, 1300, 1600) is False  # desktop: no edge scroll
    assert run_board_js("isOvershoot", open_, 1000, 1001, 390) is False
    slow, fast = run_board_js("autoScrollFor", 390), run_board_js("autoScrollFor", 1600)
    assert slow["acceleration"] < fast["acceleration"]
