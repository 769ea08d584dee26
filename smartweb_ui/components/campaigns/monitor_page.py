"""/campaigns/[id]: the live monitor."""

from __future__ import annotations

import reflex as rx
from plotly.graph_objs import Figure
from plotly.graph_objs.layout import Template

from ...state.campaign_monitor import OUTCOME_FILTERS, SENTIMENT_FILTERS
from ...state.campaign_monitor import CampaignMonitorState as S
from ...state.charts import DARK, LIGHT
from .. import list_page as lp
from ..common import can
from ..dashboard.charts import plot_config
from .badges import outcome_badge, sentiment_badge, status_badge


def _tile(c: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(c.label, size="1", color=rx.color("gray", 10)),
            rx.text(
                c.value, size="6", weight="bold", line_height="1", data_testid="counter-" + c.key
            ),
            spacing="1",
        ),
        min_width="130px",
        flex="1",
    )


def _pipeline_tile(c: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(c.label, size="1", color=rx.color("gray", 10)),
            rx.text(c.value, size="5", weight="bold", data_testid="pipeline-" + c.key),
            rx.text("Show", size="1", color=rx.color("accent", 11)),
            spacing="1",
        ),
        as_child=False,
        flex="1",
        min_width="150px",
        cursor="pointer",
        on_click=S.drill(c.key),
        role="button",
        aria_label="Show " + c.label,
    )


def _chart(title: str, figure: rx.Var, name: str) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(title, size="3"),
            rx.plotly.finance(
                data=figure.to(Figure),  # the state holds the figure's JSON
                template=rx.color_mode_cond(light=LIGHT, dark=DARK).to(Template),
                config=plot_config(name),
                use_resize_handler=True,
                style={"width": "100%", "height": "300px"},
            ),
            width="100%",
        ),
        width="100%",
        min_width="0",
        data_chart=name,
    )


def _actions() -> rx.Component:
    def btn(label: str, action: str, icon: str, **kw: object) -> rx.Component:
        return rx.button(rx.icon(icon, size=16), label, on_click=S.act(action), **kw)

    return rx.cond(
        can("campaigns.manage"),
        rx.hstack(
            rx.match(
                S.status,
                ("running", btn("Pause", "pause", "pause", color_scheme="amber", variant="soft")),
                ("paused", btn("Resume", "resume", "play", color_scheme="green")),
                ("completed", rx.fragment()),
                btn("Start", "start", "play", color_scheme="green"),
            ),
            rx.cond(
                S.status != "completed",
                btn("Complete", "complete", "square-check", variant="outline", color_scheme="gray"),
                rx.fragment(),
            ),
            spacing="2",
        ),
        rx.fragment(),
    )


def _filters() -> rx.Component:
    def pick(
        options: list[tuple[str, str]], value: rx.Var, handler: object, label: str
    ) -> rx.Component:
        return rx.select.root(
            rx.select.trigger(aria_label=label, min_width="160px"),
            rx.select.content(*[rx.select.item(text, value=v or "all") for v, text in options]),
            value=rx.cond(value == "", "all", value),
            on_change=lambda v: handler(rx.cond(v == "all", "", v)),  # type: ignore[operator]
        )

    return rx.hstack(
        pick(OUTCOME_FILTERS, S.outcome, S.set_outcome, "Filter by outcome"),
        pick(SENTIMENT_FILTERS, S.sentiment, S.set_sentiment, "Filter by sentiment"),
        rx.spacer(),
        rx.text(S.calls_count.to_string() + " calls", size="2", color=rx.color("gray", 10)),
        width="100%",
        wrap="wrap",
        spacing="2",
    )


CALL_COLUMNS = [
    lp.Column(
        "Lead",
        lambda r: rx.link(
            r.company, on_click=S.open_call(r.id), cursor="pointer", data_testid="call-open"
        ),
        title=True,
    ),
    lp.Column("Status", lambda r: r.status_label),
    lp.Column("Outcome", lambda r: outcome_badge(r.outcome, r.outcome_label)),
    lp.Column("Sentiment", lambda r: sentiment_badge(r.sentiment, r.sentiment_label)),
    lp.Column("Duration", lambda r: r.duration, nowrap=True),
    lp.Column("Attempt", lambda r: r.attempt),
    lp.Column("Placed", lambda r: r.at, nowrap=True),
]


def _calls() -> rx.Component:
    table = lp.data_list(S.calls, CALL_COLUMNS, key="call", row_id=lambda r: r.id)
    pager = rx.hstack(
        rx.button("Previous", size="1", variant="soft", disabled=S.page <= 0, on_click=S.go_page(S.page - 1)),
        rx.text("Page " + (S.page + 1).to_string() + " of " + S.pages.to_string(), size="2"),
        rx.button("Next", size="1", variant="soft", disabled=S.page + 1 >= S.pages, on_click=S.go_page(S.page + 1)),
        justify="end",
        width="100%",
        align="center",
    )  # fmt: skip
    return rx.card(
        rx.vstack(
            rx.heading("Calls", size="3"),
            _filters(),
            rx.cond(
                S.calls.length() > 0,
                rx.box(table, width="100%"),
                rx.text("No calls yet.", color=rx.color("gray", 10), size="2"),
            ),
            pager,
            width="100%",
        ),
        width="100%",
    )


def _turn(t: rx.Var) -> rx.Component:
    agent = t.speaker == "Agent"
    return rx.flex(
        rx.box(
            rx.text(t.speaker, size="1", weight="bold", color=rx.color("gray", 10)),
            rx.text(t.text, size="2"),
            background=rx.cond(agent, rx.color("accent", 3), rx.color("gray", 3)),
            padding="8px 12px",
            border_radius="10px",
            max_width="80%",
        ),
        justify=rx.cond(agent, "start", "end"),
        width="100%",
        data_testid="transcript-turn",
    )


def _call_dialog() -> rx.Component:
    c = S.call
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(c.company),
            rx.vstack(
                rx.hstack(
                    rx.badge(c.status_label, variant="soft"),
                    outcome_badge("", c.outcome_label),
                    sentiment_badge("", c.sentiment_label),
                    rx.text(c.duration + " · " + c.at, size="2", color=rx.color("gray", 10)),
                    wrap="wrap", spacing="2", align="center",
                ),
                rx.cond(c.summary != "", rx.callout(c.summary, icon="sparkles", size="1", width="100%"),
                        rx.fragment()),
                rx.heading("Transcript", size="2"),
                rx.cond(
                    c.turns.length() > 0,
                    rx.vstack(rx.foreach(c.turns, _turn), spacing="2", width="100%",
                              max_height="50vh", overflow_y="auto", data_testid="transcript"),
                    rx.text("No transcript for this call.", size="2", color=rx.color("gray", 10)),
                ),
                rx.hstack(
                    rx.cond(c.recording_url != "",
                            rx.link(rx.icon("audio-lines", size=16), "Recording", href=c.recording_url,
                                    is_external=True), rx.fragment()),
                    rx.link(rx.icon("user", size=16), "Open the lead", href="/leads/" + c.lead_id),
                    rx.spacer(),
                    rx.dialog.close(rx.button("Close", variant="soft")),
                    width="100%", spacing="3", align="center",
                ),
                spacing="3",
                width="100%",
            ),
            max_width="640px",
        ),
        open=S.call_open,
        on_open_change=S.set_call_open,
    )  # fmt: skip


def _drill_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(S.drill_title),
            rx.cond(
                S.drill_items.length() > 0,
                rx.vstack(
                    rx.foreach(S.drill_items, lambda i: rx.hstack(
                        rx.link(i.label, href=i.href), rx.spacer(),
                        rx.text(i.detail, size="2", color=rx.color("gray", 10)), width="100%")),
                    width="100%", max_height="60vh", overflow_y="auto",
                ),
                rx.text("Nothing yet.", size="2", color=rx.color("gray", 10)),
            ),
            rx.hstack(rx.dialog.close(rx.button("Close", variant="soft")), justify="end", width="100%",
                      margin_top="12px"),
            max_width="520px",
        ),
        open=S.drill_open,
        on_open_change=S.set_drill_open,
    )  # fmt: skip


def _body() -> rx.Component:
    header = rx.flex(
        rx.vstack(
            rx.hstack(
                rx.link("Campaigns", href="/campaigns", size="2"),
                rx.text("/", size="2", color=rx.color("gray", 9)),
                spacing="2",
            ),
            rx.hstack(
                rx.heading(S.name, size="7"),
                status_badge(S.status, S.status_label),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.text(S.goal, size="2", color=rx.color("gray", 11)),
            rx.text(S.window + " · " + S.rules, size="1", color=rx.color("gray", 10)),
            spacing="1",
        ),
        rx.spacer(),
        _actions(),
        width="100%",
        wrap="wrap",
        gap="12px",
        align="end",
        margin_bottom="16px",
    )
    return rx.vstack(
        header,
        rx.flex(rx.foreach(S.counters, _tile), gap="12px", wrap="wrap", width="100%"),
        rx.flex(rx.foreach(S.rates, _tile), gap="12px", wrap="wrap", width="100%"),
        rx.heading("Pipeline from this campaign", size="3", margin_top="8px"),
        rx.flex(rx.foreach(S.pipeline, _pipeline_tile), gap="12px", wrap="wrap", width="100%"),
        rx.grid(
            _chart("Funnel", S.fig_funnel, "campaign-funnel"),
            _chart("Calls per hour (last 24 h, " + S.timezone + ")", S.fig_hours, "campaign-hours"),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        _calls(),
        _call_dialog(),
        _drill_dialog(),
        spacing="4",
        width="100%",
    )


def monitor_content() -> rx.Component:
    return rx.box(
        rx.cond(
            S.loading,
            rx.vstack(
                *[rx.skeleton(rx.box(height="90px", width="100%")) for _ in range(4)], width="100%"
            ),
            rx.cond(
                S.missing,
                rx.center(
                    rx.vstack(
                        rx.heading("Campaign not found", size="5"),
                        rx.link("Back to campaigns", href="/campaigns"),
                        align="center",
                    ),
                    padding_top="80px",
                ),
                _body(),
            ),
        ),
        width="100%",
        on_unmount=S.stop_watch,
    )
