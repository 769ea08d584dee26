"""The dashboard's widgets: filter bar, KPI tiles, chart grid, the deals drawer."""

from __future__ import annotations

from typing import Any

import reflex as rx

from ...state.dashboard import ALL, PERIOD_OPTIONS, DashboardState
from ..common import skeleton_list
from ..shell import forbidden_panel, page_header
from .charts import chart_card


# ------------------------------------------------------------------ filters
def _select(
    value: rx.Var, items: rx.Var, all_label: str, on_change: Any, label: str
) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=label, min_width="170px"),
        rx.select.content(
            rx.select.item(all_label, value=ALL),
            rx.foreach(items, lambda o: rx.select.item(o["name"], value=o["id"])),
        ),
        value=value,
        on_change=on_change,
        size="2",
    )


def filter_bar() -> rx.Component:
    custom = rx.form(
        rx.hstack(
            rx.input(
                type="date",
                value=DashboardState.custom_start,
                on_change=DashboardState.set_custom_start,
                aria_label="From",
                size="2",
            ),
            rx.text("to", size="2", color=rx.color("gray", 10)),
            rx.input(
                type="date",
                value=DashboardState.custom_end,
                on_change=DashboardState.set_custom_end,
                aria_label="To",
                size="2",
            ),
            rx.button("Apply", type="submit", size="2"),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        on_submit=lambda _: DashboardState.apply_custom(),
        reset_on_submit=False,
        id="dashboard-custom-range",
    )
    return rx.flex(
        rx.box(
            rx.segmented_control.root(
                *[rx.segmented_control.item(label, value=key) for key, label in PERIOD_OPTIONS],
                value=DashboardState.period,
                on_change=DashboardState.set_period,
                size="2",
            ),
            overflow_x="auto",
            max_width="100%",
        ),
        rx.spacer(),
        _select(
            DashboardState.pipeline,
            DashboardState.pipelines,
            "All pipelines",
            DashboardState.set_pipeline,
            "Pipeline",
        ),
        rx.cond(
            DashboardState.sees_everyone,
            _select(
                DashboardState.member,
                DashboardState.members,
                "Whole team",
                DashboardState.set_member,
                "Team member",
            ),
        ),
        # The custom range takes a line of its own under the row, so choosing "Custom" never
        # pushes the pipeline and team pickers about.
        rx.cond(
            DashboardState.period == "custom",
            rx.box(custom, flex_basis="100%", width="100%"),
        ),
        gap="10px",
        wrap="wrap",
        align="center",
        width="100%",
        margin_bottom="16px",
    )


# ------------------------------------------------------------------ KPI tiles
def kpi_tile(tile: rx.Var) -> rx.Component:
    clickable = tile["drill"] != ""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.center(
                    rx.icon(tile["icon"], size=16, color=rx.color("accent", 11)),
                    width="30px",
                    height="30px",
                    border_radius="8px",
                    background=rx.color("accent", 3),
                ),
                rx.tooltip(
                    rx.text(tile["label"], size="2", weight="medium", color=rx.color("gray", 11)),
                    content=tile["hint"],
                ),
                rx.spacer(),
                rx.cond(
                    tile["delta"] != "",
                    rx.badge(
                        tile["delta"],
                        color_scheme=rx.match(
                            tile["tone"], ("green", "grass"), ("red", "tomato"), "gray"
                        ),
                        variant="soft",
                        radius="full",
                    ),
                ),
                align="center",
                spacing="2",
                width="100%",
            ),
            rx.text(
                tile["value"], size="7", weight="bold", line_height="1.1", data_testid="kpi-value"
            ),
            rx.text(tile["sub"], size="1", color=rx.color("gray", 10), trim="end"),
            spacing="2",
            width="100%",
        ),
        on_click=DashboardState.tile_click(tile["drill"]),
        cursor=rx.cond(clickable, "pointer", "default"),
        _hover={"border_color": rx.cond(clickable, rx.color("accent", 7), "")},
        data_kpi=tile["key"],
        min_width="0",
    )


def kpi_grid() -> rx.Component:
    skeleton = rx.foreach(
        list(range(7)), lambda _: rx.card(rx.skeleton(rx.box(height="86px", width="100%")))
    )
    return rx.grid(
        rx.cond(
            DashboardState.loading & (DashboardState.tiles.length() == 0),
            skeleton,
            rx.foreach(DashboardState.tiles, kpi_tile),
        ),
        columns=rx.breakpoints(initial="1", xs="2", md="4"),
        gap="12px",
        # While the next period loads, the numbers shown are the old period's: dimmed, so the
        # label and the numbers never disagree on screen (both change in one update).
        opacity=rx.cond(DashboardState.loading, "0.45", "1"),
        transition="opacity 120ms",
        # The won-revenue tile is twice as wide: 2 + 1 + 1, then 4 (no orphan tile).
        style={"@media (min-width: 520px)": {"& > :first-child": {"grid-column": "span 2"}}},
        width="100%",
        margin_bottom="16px",
    )


# ------------------------------------------------------------------ charts
def _card(chart: str, title: str, subtitle: rx.Var | str, **kw: Any) -> rx.Component:
    return chart_card(
        chart,
        title,
        subtitle,
        getattr(DashboardState, f"fig_{chart}"),
        empty=DashboardState.empty[chart],
        loading=DashboardState.loading,
        on_click=lambda points: DashboardState.chart_click(chart, points),
        on_csv=DashboardState.download_csv(chart),
        **kw,
    )


def charts_grid() -> rx.Component:
    two = rx.breakpoints(initial="1", lg="2")
    return rx.vstack(
        _card(
            "monthly",
            "Won revenue by month",
            "Bars: this period · dotted line: same month a year earlier. Click a month for its deals.",
            height="300px",
        ),
        rx.grid(
            _card(
                "forecast",
                "Forecast by expected close month",
                "Weighted value stacked by stage; ▬ unweighted total. Click to open the board.",
            ),
            _card(
                "funnel",
                "Stage funnel",
                rx.cond(
                    DashboardState.funnel_label != "",
                    DashboardState.funnel_label
                    + " · deals created in the period, conversion and drop-off per stage",
                    "Deals created in the period",
                ),
                empty_text="No deals were created in this period.",
            ),
            _card(
                "reasons",
                "Win / loss reasons",
                "Deals closed in the period, by recorded reason",
            ),
            _card(
                "reps",
                "Rep leaderboard",
                "Won revenue in the period; deals won and win rate on each bar",
            ),
            _card(
                "sources",
                "Lead source → conversion → revenue",
                "New leads and conversions in the period; ◆ revenue won in the period",
            ),
            _card(
                "campaigns",
                "AI campaign contribution",
                "Leads called in the period → reached → deals opened after the call; ◆ won revenue",
                empty_text="No AI campaign calls in this period.",
            ),
            columns=two,
            gap="16px",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


# ------------------------------------------------------------------ deals drawer
def _deal_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.link(row["name"], href=row["href"], weight="medium"),
            rx.text(row["company"], size="1", color=rx.color("gray", 10)),
        ),
        rx.table.cell(row["owner"]),
        rx.table.cell(
            rx.badge(
                row["stage"],
                color_scheme=rx.match(row["status"], ("won", "grass"), ("lost", "tomato"), "gray"),
                variant="soft",
            )
        ),
        rx.table.cell(row["value"], text_align="right", white_space="nowrap"),
        rx.table.cell(row["date"], white_space="nowrap"),
    )


def deals_drawer() -> rx.Component:
    table = rx.table.root(
        rx.table.header(
            rx.table.row(
                rx.table.column_header_cell("Deal"),
                rx.table.column_header_cell("Owner"),
                rx.table.column_header_cell("Stage"),
                rx.table.column_header_cell("Value", text_align="right"),
                rx.table.column_header_cell("Closed / expected"),
            )
        ),
        rx.table.body(rx.foreach(DashboardState.drill_rows, _deal_row)),
        size="1",
        width="100%",
    )
    return rx.drawer.root(
        rx.drawer.overlay(
            z_index="40", position="fixed", inset="0", background="rgba(0, 0, 0, 0.35)"
        ),
        rx.drawer.portal(
            rx.drawer.content(
                rx.vstack(
                    rx.hstack(
                        rx.vstack(
                            rx.heading(DashboardState.drill_title, size="4"),
                            rx.text(
                                DashboardState.drill_summary, size="2", color=rx.color("gray", 10)
                            ),
                            spacing="1",
                        ),
                        rx.spacer(),
                        rx.drawer.close(
                            rx.icon_button(rx.icon("x"), variant="ghost", aria_label="Close")
                        ),
                        width="100%",
                        align="start",
                    ),
                    rx.cond(
                        DashboardState.drill_link != "",
                        rx.link(
                            rx.button(
                                rx.icon("external-link", size=14),
                                DashboardState.drill_link_label,
                                variant="soft",
                                size="2",
                            ),
                            href=DashboardState.drill_link,
                        ),
                    ),
                    rx.cond(
                        DashboardState.drill_loading,
                        skeleton_list(5),
                        rx.cond(
                            DashboardState.drill_rows.length() > 0,
                            rx.box(table, overflow_x="auto", width="100%"),
                            rx.text("No deals behind this bar.", color=rx.color("gray", 10)),
                        ),
                    ),
                    spacing="3",
                    height="100%",
                    overflow_y="auto",
                ),
                padding="20px",
                width=["100vw", "100vw", "720px"],
                max_width="100vw",
                height="100%",
                right="0",
                left="auto",
                top="0",
                position="fixed",
                outline="none",
                z_index="50",
                background=rx.color("gray", 1),
                border_left=f"1px solid {rx.color('gray', 5)}",
                data_testid="deals-drawer",
            )
        ),
        open=DashboardState.drill_open,
        on_open_change=DashboardState.set_drill_open,
        direction="right",
    )


# ------------------------------------------------------------------ page
def dashboard_content() -> rx.Component:
    subtitle = rx.cond(
        DashboardState.period_label != "",
        DashboardState.period_label
        + " · vs "
        + DashboardState.compare_label
        + " · "
        + DashboardState.timezone,
        "Revenue, forecast and conversion",
    )
    body = rx.box(
        page_header(
            "Revenue dashboard",
            subtitle,
            rx.cond(DashboardState.loading, rx.spinner(size="2")),
        ),
        filter_bar(),
        kpi_grid(),
        charts_grid(),
        deals_drawer(),
        width="100%",
        max_width="1400px",
        data_testid="dashboard",
        on_unmount=DashboardState.stop_watch,
    )
    return rx.cond(DashboardState.allowed, body, forbidden_panel("the revenue dashboard"))
