"""/pipeline — the sales pipeline kanban: drag deals across stages, exact totals, live updates."""

from __future__ import annotations

import reflex as rx

from ..components.pipeline.board_page import pipeline_content
from ..components.shell import app_shell, require_permission
from ..state.pipeline import PipelineState as P
from ..state.pipeline_deal import DealDrawerState
from .registry import page


@page(
    route="/pipeline",
    title="Pipeline · SmartWeb",
    on_load=[P.load, DealDrawerState.load],
)
def pipeline_page() -> rx.Component:
    return app_shell(
        require_permission("pipeline.read", pipeline_content(), "the sales pipeline"),
        active="pipeline",
    )
