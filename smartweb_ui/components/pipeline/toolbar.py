"""The /pipeline toolbar: pipeline switcher, New deal, Stage settings, and the filter bar."""

from __future__ import annotations

import reflex as rx

from ...state.pipeline import PipelineState as P
from ...state.pipeline_deal import NewDealState, StageSettingsState
from ..common import can


def pipeline_switcher() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(min_width="200px", aria_label="Pipeline"),
        rx.select.content(
            rx.foreach(P.pipelines, lambda p: rx.select.item(p["name"], value=p["id"])),
        ),
        value=P.pipeline_id,
        on_change=P.switch_pipeline,
    )


def actions() -> rx.Component:
    return rx.hstack(
        pipeline_switcher(),
        rx.cond(
            can("pipeline.manage"),
            rx.button(
                rx.icon("settings-2", size=16),
                "Stages",
                variant="soft",
                color_scheme="gray",
                on_click=StageSettingsState.open_dialog,
            ),
        ),
        rx.cond(
            can("pipeline.move"),
            rx.button(rx.icon("plus", size=16), "New deal", on_click=NewDealState.set_open(True)),
        ),
        spacing="2",
        align="center",
        wrap="wrap",
    )


def _owner_select() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(min_width="150px", aria_label="Owner"),
        rx.select.content(
            rx.select.item("Everyone", value="all"),
            rx.select.item("Me", value="me"),
            rx.select.separator(),
            rx.foreach(P.owners, lambda o: rx.select.item(o["name"], value=o["id"])),
        ),
        value=P.owner_filter,
        on_change=P.set_owner_filter,
    )


def filter_bar() -> rx.Component:
    """Text, dates and amounts apply on Enter / Apply; the owner applies at once. All in the URL."""
    field = {"size": "2"}
    return rx.form(
        rx.hstack(
            _owner_select(),
            rx.input(
                rx.input.slot(rx.icon("search", size=14)),
                name="q",
                placeholder="Deal or company",
                default_value=P.filters["q"].to(str),
                width="200px",
                **field,
            ),
            rx.hstack(
                rx.text("Close", size="1", color=rx.color("gray", 10)),
                rx.input(
                    name="close_from",
                    type="date",
                    default_value=P.filters["close_from"].to(str),
                    aria_label="Expected close from",
                    **field,
                ),
                rx.text("–", size="1"),
                rx.input(
                    name="close_to",
                    type="date",
                    default_value=P.filters["close_to"].to(str),
                    aria_label="Expected close to",
                    **field,
                ),
                align="center",
                spacing="1",
            ),
            rx.hstack(
                rx.text("Value", size="1", color=rx.color("gray", 10)),
                rx.input(
                    name="value_min",
                    placeholder="min",
                    inputmode="decimal",
                    default_value=P.filters["value_min"].to(str),
                    width="90px",
                    **field,
                ),
                rx.text("–", size="1"),
                rx.input(
                    name="value_max",
                    placeholder="max",
                    inputmode="decimal",
                    default_value=P.filters["value_max"].to(str),
                    width="90px",
                    **field,
                ),
                align="center",
                spacing="1",
            ),
            rx.button("Apply", type="submit", variant="soft", **field),
            rx.cond(
                P.filters_active,
                rx.button(
                    "Clear", type="button", variant="ghost", on_click=P.clear_filters, **field
                ),
            ),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            P.filter_error != "",
            rx.text(
                P.filter_error,
                size="2",
                color=rx.color("red", 11),
                role="alert",
                margin_top="6px",
                id="board-filter-error",
            ),
        ),
        on_submit=P.apply_filters,
        # re-mount the inputs when the filters are cleared or come from a shared URL
        key=P.filters.to_string(),
        width="100%",
    )
