"""The dashboard's chart card: title, CSV button and the Plotly chart in the colour mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx
from plotly.graph_objs import Figure
from plotly.graph_objs.layout import Template

from ...state.charts import DARK, LIGHT


def plot_config(chart: str) -> dict[str, Any]:
    return {
        "displaylogo": False,
        "responsive": True,
        "modeBarButtonsToRemove": [
            "select2d",
            "lasso2d",
            "autoScale2d",
            "zoomIn2d",
            "zoomOut2d",
            "zoom2d",
            "pan2d",
            "resetScale2d",
        ],
        "toImageButtonOptions": {"format": "png", "filename": f"smartweb-{chart}", "scale": 2},
    }


def chart_card(
    chart: str,
    title: str,
    subtitle: rx.Var | str,
    figure: rx.Var,
    *,
    empty: rx.Var,
    loading: rx.Var,
    on_click: Callable[[rx.Var], Any],
    on_csv: Any,
    empty_text: str = "No data for this period.",
    height: str = "320px",
) -> rx.Component:
    """A card with title, CSV button and the chart (PNG export is in the chart's modebar)."""
    plot = rx.plotly.finance(
        data=figure.to(Figure),  # the state holds the figure's JSON
        template=rx.color_mode_cond(light=LIGHT, dark=DARK).to(Template),
        config=plot_config(chart),
        on_click=on_click,
        use_resize_handler=True,
        style={"width": "100%", "height": height},
    )
    body = rx.cond(
        empty,
        rx.center(
            rx.vstack(
                rx.icon("chart-no-axes-column", size=28, color=rx.color("gray", 8)),
                rx.text(empty_text, size="2", color=rx.color("gray", 10)),
                align="center",
                spacing="2",
            ),
            height=height,
        ),
        rx.box(plot, width="100%", height=height, cursor="pointer"),
    )
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading(title, size="3", weight="bold"),
                    rx.text(subtitle, size="1", color=rx.color("gray", 10)),
                    spacing="1",
                    min_width="0",
                ),
                rx.spacer(),
                rx.tooltip(
                    rx.icon_button(
                        rx.icon("file-down", size=16),
                        variant="ghost",
                        color_scheme="gray",
                        on_click=on_csv,
                        aria_label=f"Download {title} data as CSV",
                    ),
                    content="Download data (CSV)",
                ),
                width="100%",
                align="start",
            ),
            rx.cond(loading, rx.skeleton(rx.box(height=height, width="100%")), body),
            spacing="3",
            width="100%",
        ),
        width="100%",
        min_width="0",
        data_chart=chart,
    )
