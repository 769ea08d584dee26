"""/pipeline — the sales pipeline kanban: drag deals across stages, exact totals, live updates."""

from __future__ import annotations

import reflex as rx

from ..components.deal_drawer import deal_drawer
from ..components.kanban import kanban_board
from ..components.pipeline_dialogs import close_deal_dialog, new_deal_dialog, stage_settings_dialog
from ..components.pipeline_toolbar import actions, filter_bar
from ..components.shell import app_shell, page_header, require_permission
from ..state.auth import AuthState
from ..state.pipeline import PipelineState as P
from ..state.pipeline_deal import DealDrawerState


def _board() -> rx.Component:
    return rx.box(
        kanban_board(
            columns=P.columns,
            on_move=P.move,
            on_open=DealDrawerState.show,
            on_load_more=P.load_more,
            currency=P.currency,
            revision=P.revision,
            id="pipeline-board",
            height="100%",
        ),
        height=["70vh", "calc(100vh - 235px)"],
        min_height="420px",
        width="100%",
        on_unmount=P.stop_watch,
    )


def _body() -> rx.Component:
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
                rx.center(rx.spinner(size="3"), height="50vh", width="100%"),
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


@rx.page(
    route="/pipeline",
    title="Pipeline · SmartWeb",
    on_load=[AuthState.check_session, P.load],
)
def pipeline_page() -> rx.Component:
    return app_shell(
        require_permission("pipeline.read", _body(), "the sales pipeline"),
        active="pipeline",
    )
