"""The pipeline page: header, toolbar, filter bar, the board, its dialogs and the drawer."""

from __future__ import annotations

import reflex as rx

from ...state.pipeline import BoardState
from ...state.pipeline import PipelineState as P
from ...state.pipeline_deal import DealDrawerState
from ..common import skeleton_board
from ..shell import page_header
from .dialogs import close_deal_dialog, new_deal_dialog, stage_settings_dialog
from .drawer import deal_drawer
from .kanban import kanban_board
from .toolbar import actions, filter_bar


def _board() -> rx.Component:
    return rx.box(
        kanban_board(
            columns=BoardState.columns,
            rev=P.rev,
            patches=P.patches,
            appended=P.appended,
            me=P.me,
            can_manage=P.can_manage,
            can_move=P.can_move,
            on_move=P.move_deal,
            on_open=DealDrawerState.show,
            on_load_more=P.load_more,
            on_stale=P.refresh,
            currency=P.currency,
            id="pipeline-board",
            height="100%",
        ),
        height=["70vh", "calc(100vh - 235px)"],
        min_height="420px",
        width="100%",
        on_unmount=P.stop_watch,
    )


def pipeline_content() -> rx.Component:
    return rx.vstack(
        page_header(
            "Pipeline",
            f"Won and Lost show deals closed in the last {P.closed_window_days} days. "
            "Column totals cover every deal that matches the filters.",
            actions(),
        ),
        filter_bar(),
        rx.cond(
            P.problem != "",
            rx.callout(P.problem, icon="info", color_scheme="amber", width="100%"),
            rx.cond(
                P.loading,
                skeleton_board(),
                _board(),
            ),
        ),
        close_deal_dialog(),
        new_deal_dialog(),
        stage_settings_dialog(),
        deal_drawer(),
        spacing="3",
        width="100%",
    )
