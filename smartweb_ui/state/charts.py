"""Dashboard figures: Plotly data built from the analytics dataclasses (what the state sends).

Figure builders are plain functions (plotly only): each returns the figure and a grid of
click keys ``keys[curveNumber][pointNumber]``, which the state keeps server-side so a click
sends only indices. Figures carry no template (a few KB each); the light/dark templates are
static props of the chart component, switched by the colour mode.
"""

from __future__ import annotations

import html
import json
import math
from decimal import Decimal
from typing import Any

import plotly.graph_objects as go
from plotly.graph_objs.layout import Template

from ..services.analytics import (
    CampaignRow,
    Forecast,
    Funnel,
    MonthPoint,
    ReasonRow,
    RepRow,
    SourceRow,
    add_months,
)
from ..services.core.formatting import currency_symbol

Keys = list[list[str]]
# What a chart var holds: the figure as plain JSON (what Reflex would send for a Figure). A
# ``go.Figure`` in state costs 10-15 ms to copy or unpickle — each new tab copies every
# default, each load of the state from Redis unpickles them — all of it on the event loop.
BLANK: dict[str, Any] = {"data": [], "layout": {"template": None}}


def as_json(fig: go.Figure) -> dict[str, Any]:
    return json.loads(fig.to_json())


FONT = '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, Helvetica, Arial, sans-serif'
INDIGO, SLATE, TEAL, AMBER, GREEN, ROSE, SKY = (
    "#6366f1", "#94a3b8", "#14b8a6", "#f59e0b", "#10b981", "#f43f5e", "#0ea5e9",
)  # fmt: skip
STAGE_COLORS = ["#c7d2fe", "#a5b4fc", "#818cf8", "#6366f1", "#4f46e5", "#4338ca", "#3730a3"]
FAMILIES = [
    STAGE_COLORS,
    ["#99f6e4", "#5eead4", "#2dd4bf", "#14b8a6", "#0d9488", "#0f766e", "#115e59"],
    ["#fde68a", "#fcd34d", "#fbbf24", "#f59e0b", "#d97706", "#b45309", "#92400e"],
    ["#fecdd3", "#fda4af", "#fb7185", "#f43f5e", "#e11d48", "#be123c", "#9f1239"],
]


def _template(dark: bool) -> Template:
    fg, muted = ("#ededef", "#a1a1aa") if dark else ("#1c2024", "#60646c")
    grid = "rgba(255,255,255,0.09)" if dark else "rgba(0,0,0,0.07)"
    axis = {"gridcolor": grid, "linecolor": grid, "zerolinecolor": grid,
            "tickfont": {"color": muted}, "title": {"font": {"color": muted}}, "automargin": True}  # fmt: skip
    return Template(
        layout={
            "font": {"family": FONT, "size": 12, "color": fg},
            "paper_bgcolor": "rgba(0,0,0,0)",
            "plot_bgcolor": "rgba(0,0,0,0)",
            "colorway": [INDIGO, TEAL, AMBER, ROSE, SKY, SLATE, GREEN],
            "xaxis": {**axis, "showgrid": False},
            "yaxis": axis,
            "hoverlabel": {
                "bgcolor": "#18181b" if dark else "#ffffff",
                "bordercolor": grid,
                "font": {"color": fg, "family": FONT},
            },
            "legend": {"font": {"color": muted}},
        }
    )


LIGHT, DARK = _template(False), _template(True)


def esc(text: str) -> str:
    """User text (a stage, a rep, a lost reason, a campaign) as Plotly shows it: Plotly renders
    a subset of HTML in labels (links included), so every such text is escaped first."""
    return html.escape(str(text), quote=False)


def _num(value: Decimal | int | None) -> float:
    """Chart coordinates only (display): money stays Decimal everywhere else."""
    return float(value or 0)


def _bargap(categories: int) -> float:
    return 0.28 if categories >= 4 else 0.7 - 0.1 * categories


def _base(fig: go.Figure, *, legend: bool = True) -> go.Figure:
    """Every chart's frame. Legends sit below the plot, in one row that wraps: at phone width
    a legend beside or above a chart squeezes it to nothing; below, it costs a line or two."""
    fig.update_layout(
        template=None,
        autosize=True,
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        showlegend=legend,
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -0.12,
            "x": 0,
            "xanchor": "left",
            "title": None,
            "entrywidthmode": "pixels",
            "itemsizing": "constant",
        },
        hovermode="closest",
        bargap=0.28,
        dragmode=False,
    )
    return fig


def money_axis(currency: str, values: list[Any] | None = None) -> dict[str, Any]:
    """A money axis: $15k / $1.2M ticks; hidden when every value is zero."""
    top = max((_num(v) for v in values or [1000]), default=0)
    axis = {"tickprefix": currency_symbol(currency), "tickformat": "~s", "rangemode": "tozero"}
    if top == 0:
        return {**axis, "visible": False, "range": [0, 1]}
    return axis if top >= 1000 else {**axis, "tickformat": ",.0f"}


def count_axis(values: list[int] | None = None, title: str = "") -> dict[str, Any]:
    """An axis of counts (deals, leads, calls): whole-number ticks only, never "2.5 deals"."""
    top = max((int(v or 0) for v in values or [0]), default=0)
    axis: dict[str, Any] = {"tickformat": ",d", "rangemode": "tozero", "tick0": 0}
    if top <= 5:
        axis |= {"dtick": 1, "range": [0, max(top, 1) + 0.5]}
    else:
        axis["dtick"] = max(1, math.ceil(top / 5))
    if title:
        axis["title"] = {"text": title}
    return axis


# ------------------------------------------------------------------ figure builders
def monthly_figure(points: list[MonthPoint], currency: str) -> tuple[go.Figure, Keys]:
    s = currency_symbol(currency)
    x = [p.month.isoformat() for p in points]
    fig = go.Figure()
    fig.add_bar(
        x=x, y=[_num(p.revenue) for p in points], name="Won revenue", marker_color=INDIGO,
        customdata=[p.deals for p in points],
        hovertemplate=f"%{{x|%b %Y}}<br><b>{s}%{{y:,.0f}}</b> · %{{customdata}} deals<extra></extra>",
    )  # fmt: skip
    fig.add_scatter(
        x=x, y=[_num(p.prev_year_revenue) for p in points], name="Same month last year",
        mode="lines+markers", line={"color": SLATE, "dash": "dot", "width": 2},
        marker={"size": 6}, customdata=[p.prev_year_deals for p in points],
        hovertemplate=f"%{{x|%b}} last year<br>{s}%{{y:,.0f}} · %{{customdata}} deals<extra></extra>",
    )  # fmt: skip
    values = [p.revenue for p in points] + [p.prev_year_revenue for p in points]
    _base(fig).update_layout(
        yaxis=money_axis(currency, values),
        xaxis={"tickformat": "%b %Y", "dtick": "M1", "tick0": x[0] if x else None, "type": "date"},
    )
    keys = [[f"{p.month:%Y-%m}" for p in points], [f"{add_months(p.month, -12):%Y-%m}" for p in points]]  # fmt: skip
    return fig, keys


def forecast_figure(fc: Forecast, currency: str) -> tuple[go.Figure, Keys]:
    s = currency_symbol(currency)
    used = {c.bucket for c in fc.cells}
    buckets = [(k, label) for k, label in fc.buckets if k in used or k not in ("overdue", "later", "none")]  # fmt: skip
    index = {k: i for i, (k, _) in enumerate(buckets)}
    labels = [label for _, label in buckets]
    pipes = sorted({c.pipeline_name for c in fc.cells})
    many = len(pipes) > 1
    stages: dict[str, tuple[Any, list[Any]]] = {}
    for c in sorted(fc.cells, key=lambda c: (c.pipeline_name, c.stage_position)):
        stages.setdefault(c.stage_id, (c, [None] * len(buckets)))[1][index[c.bucket]] = c
    fig, keys = go.Figure(), []
    shade: dict[str, int] = {}
    for stage_id, (first, cells) in stages.items():
        family = FAMILIES[pipes.index(first.pipeline_name) % len(FAMILIES)]
        n = shade[first.pipeline_name] = shade.get(first.pipeline_name, -1) + 1
        fig.add_bar(
            x=labels, y=[_num(c.weighted) if c else 0 for c in cells], name=esc(first.stage_name),
            marker_color=family[min(n, len(family) - 1)],
            legendgroup=esc(first.pipeline_name) if many else None,
            legendgrouptitle_text=esc(first.pipeline_name) if many and n == 0 else None,
            customdata=[[_num(c.value), c.deals] if c else [0, 0] for c in cells],
            hovertemplate=(f"<b>%{{fullData.name}}</b> · %{{x}}<br>Weighted {s}%{{y:,.0f}}<br>"
                           f"Unweighted {s}%{{customdata[0]:,.0f}} · %{{customdata[1]}} deals<extra></extra>"),
        )  # fmt: skip
        keys.append([f"{k}|{stage_id}" for k, _ in buckets])
    totals = [Decimal(0)] * len(buckets)
    for c in fc.cells:
        totals[index[c.bucket]] += c.value
    fig.add_scatter(
        x=labels, y=[_num(t) for t in totals], name="Unweighted total", mode="markers",
        marker={"symbol": "line-ew-open", "size": 22, "line": {"width": 3, "color": AMBER}},
        hovertemplate=f"%{{x}}<br>Unweighted total {s}%{{y:,.0f}}<extra></extra>",
    )  # fmt: skip
    keys.append([f"{k}|" for k, _ in buckets])
    _base(fig).update_layout(
        barmode="stack",
        yaxis=money_axis(currency, totals),
        margin={"l": 8, "r": 8, "t": 8, "b": 8},
        # below the plot like every chart (the base rule), grouped by pipeline
        legend={"font": {"size": 11}, "groupclick": "toggleitem", "tracegroupgap": 6},
    )  # fmt: skip
    return fig, keys


def funnel_figure(funnel: Funnel) -> tuple[go.Figure, Keys]:
    steps = funnel.steps
    labels = [
        esc(s.name) if s.drop_off_pct is None else
        f"{esc(s.name)}<br><span style='font-size:10px'>↓ {s.drop_off_pct}% drop-off</span>"
        for s in steps
    ]  # fmt: skip
    text = [f"{s.deals:,}" if s.conversion_pct is None else f"{s.deals:,} · {s.conversion_pct}%" for s in steps]  # fmt: skip
    fig = go.Figure(
        go.Funnel(
            y=labels, x=[s.deals for s in steps], text=text, textinfo="text",
            textposition="auto", insidetextfont={"color": "#ffffff"},
            marker={"color": [GREEN if s.is_won else STAGE_COLORS[min(i + 2, 6)] for i, s in enumerate(steps)]},
            connector={"fillcolor": "rgba(99,102,241,0.14)", "line": {"width": 0}},
            customdata=[[esc(s.name), _num(s.conversion_pct), _num(s.drop_off_pct), _num(s.of_first_pct)] for s in steps],
            hovertemplate=("<b>%{customdata[0]}</b><br>%{x:,} deals reached this stage<br>"
                           "%{customdata[1]}% of the previous step · drop-off %{customdata[2]}%<br>"
                           "%{customdata[3]}% of the deals created<extra></extra>"),
        )
    )  # fmt: skip
    _base(fig, legend=False).update_layout(yaxis={"automargin": True})
    return fig, [[s.stage_id for s in steps]]


def reasons_figure(rows: list[ReasonRow], currency: str) -> tuple[go.Figure, Keys]:
    s = currency_symbol(currency)
    fig, keys = go.Figure(), []
    for status, name, color in (("won", "Won", GREEN), ("lost", "Lost", ROSE)):
        part = [r for r in rows if r.status == status]
        fig.add_bar(
            y=[esc(r.label) for r in part], x=[r.deals for r in part], name=name, orientation="h",
            marker_color=color, customdata=[_num(r.value) for r in part],
            hovertemplate=f"<b>%{{y}}</b><br>%{{x}} deals · {s}%{{customdata:,.0f}}<extra></extra>",
        )  # fmt: skip
        keys.append([f"{status}|{r.reason}" for r in part])
    _base(fig).update_layout(
        yaxis={"autorange": "reversed"},
        xaxis={**count_axis([r.deals for r in rows], "Deals"), "showgrid": True},
        bargap=_bargap(len({r.label for r in rows})),
    )
    return fig, keys


def reps_figure(rows: list[RepRow], currency: str) -> tuple[go.Figure, Keys]:
    s = currency_symbol(currency)
    fig = go.Figure(
        go.Bar(
            y=[esc(r.name) for r in rows], x=[_num(r.won_revenue) for r in rows], orientation="h",
            marker_color=INDIGO, textposition="auto",
            text=[f"{r.won_deals} won · {r.win_rate if r.win_rate is not None else '–'}% win" for r in rows],
            customdata=[[r.won_deals, r.lost_deals, _num(r.win_rate)] for r in rows],
            hovertemplate=(f"<b>%{{y}}</b><br>Won {s}%{{x:,.0f}}<br>%{{customdata[0]}} won · "
                           "%{customdata[1]} lost · win rate %{customdata[2]}%<extra></extra>"),
        )
    )  # fmt: skip
    _base(fig, legend=False).update_layout(
        yaxis={"autorange": "reversed"},
        xaxis={**money_axis(currency, [r.won_revenue for r in rows]), "showgrid": True},
        bargap=_bargap(len(rows)),
    )
    return fig, [[r.owner_id or "none" for r in rows]]


def _combo(labels: list[str], bars: list[tuple[str, str, list[int]]], revenue: list[Decimal],
           currency: str) -> go.Figure:  # fmt: skip
    """Grouped count bars on the left axis, won revenue as markers on the right axis."""
    s = currency_symbol(currency)
    fig = go.Figure()
    for name, color, values in bars:
        fig.add_bar(x=labels, y=values, name=name, marker_color=color,
                    hovertemplate=f"<b>%{{x}}</b><br>{name}: %{{y:,}}<extra></extra>")  # fmt: skip
    fig.add_scatter(
        x=labels, y=[_num(v) for v in revenue], name="Won revenue", yaxis="y2", mode="markers",
        marker={"color": AMBER, "size": 12, "symbol": "diamond", "line": {"width": 1, "color": "#ffffff"}},
        hovertemplate=f"<b>%{{x}}</b><br>Won revenue {s}%{{y:,.0f}}<extra></extra>",
    )  # fmt: skip
    _base(fig).update_layout(
        barmode="group",
        bargap=_bargap(len(labels)),
        yaxis=count_axis([v for _, _, values in bars for v in values], "Leads / deals"),
        yaxis2={**money_axis(currency, revenue), "overlaying": "y", "side": "right",
                "showgrid": False},
    )  # fmt: skip
    return fig


def sources_figure(rows: list[SourceRow], currency: str) -> tuple[go.Figure, Keys]:
    labels = [esc(r.label) for r in rows]
    fig = _combo(
        labels,
        [("New leads", SKY, [r.leads for r in rows]),
         ("Converted", TEAL, [r.converted for r in rows]),
         ("Deals won", INDIGO, [r.won_deals for r in rows])],
        [r.revenue for r in rows],
        currency,
    )  # fmt: skip
    keys = [[f"leads|{r.source}" for r in rows], [f"converted|{r.source}" for r in rows]]
    keys += [[r.source for r in rows]] * 2
    return fig, keys


def campaigns_figure(rows: list[CampaignRow], currency: str) -> tuple[go.Figure, Keys]:
    fig = _combo(
        [esc(r.name) for r in rows],
        [("Leads called", SLATE, [r.leads_called for r in rows]),
         ("Reached", SKY, [r.leads_reached for r in rows]),
         ("Interested", TEAL, [r.interested for r in rows]),
         ("Deals", INDIGO, [r.deals for r in rows])],
        [r.revenue for r in rows],
        currency,
    )  # fmt: skip
    return fig, [[r.campaign_id for r in rows]] * 5
