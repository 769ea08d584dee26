"""/campaigns: the list (status, live counters) and the create/edit dialog."""

from __future__ import annotations

import reflex as rx

from ...state.campaigns import CUSTOM, DAY_OPTIONS, STATUS_CHOICES, TYPE_OPTIONS
from ...state.campaigns import CampaignsState as S
from ..common import can, empty_state
from ..shell import page_header
from .badges import status_badge


def _count(label: str, value: rx.Var, testid: str) -> rx.Component:
    return rx.vstack(
        rx.text(value, weight="bold", size="4", data_testid=testid),
        rx.text(label, size="1", color=rx.color("gray", 10)),
        spacing="0",
        align="center",
        min_width="64px",
    )


def _row(row: rx.Var) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.link(rx.heading(row.name, size="4"), href="/campaigns/" + row.id),
                    status_badge(row.status, row.status_label),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
                rx.text(row.goal, size="2", color=rx.color("gray", 11)),
                rx.text(row.window, size="1", color=rx.color("gray", 10)),
                spacing="1",
                flex="1",
                min_width="220px",
            ),
            rx.hstack(
                _count("calls", row.calls, "count-calls"),
                _count("in flight", row.in_flight, "count-in-flight"),
                _count("answered", row.answered, "count-answered"),
                _count("interested", row.interested, "count-interested"),
                spacing="3",
                wrap="wrap",
            ),
            rx.hstack(
                rx.cond(
                    can("campaigns.manage")
                    & ((row.status == "draft") | (row.status == "scheduled")),
                    rx.button("Edit", variant="soft", size="2", on_click=S.open_edit(row.id)),
                    rx.fragment(),
                ),
                rx.link(rx.button("Open monitor", size="2"), href="/campaigns/" + row.id),
                spacing="2",
            ),
            gap="16px",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        width="100%",
        data_testid="campaign-row",
    )


def _field(label: str, control: rx.Component) -> rx.Component:
    control.style.update({"width": "100%"})
    return rx.vstack(rx.text(label, size="2", weight="medium"), control, spacing="1", width="100%",
                     flex="1", min_width="120px")  # fmt: skip


def _day_toggle(day: int, name: str) -> rx.Component:
    on = S.days.contains(day)
    return rx.button(
        name, type="button", size="1", variant=rx.cond(on, "solid", "outline"),
        on_click=S.toggle_day(day), aria_pressed=on,
    )  # fmt: skip


def _targets() -> rx.Component:
    return rx.vstack(
        _field(
            "Target leads",
            rx.select.root(
                rx.select.trigger(width="100%"),
                rx.select.content(
                    rx.select.group(
                        rx.select.label("Inbox views"),
                        rx.foreach(S.views, lambda v: rx.select.item(v.name, value=v.key)),
                    ),
                    rx.select.separator(),
                    rx.select.item("A lead filter…", value=CUSTOM),
                ),
                value=S.target_view,
                on_change=S.set_target_view,
            ),
        ),
        rx.cond(
            S.target_view == CUSTOM,
            rx.hstack(
                _field(
                    "Trade",
                    rx.select.root(
                        rx.select.trigger(width="100%"),
                        rx.select.content(*[rx.select.item(label, value=v or "any") for v, label in TYPE_OPTIONS]),
                        value=rx.cond(S.target_trade == "", "any", S.target_trade),
                        on_change=lambda v: S.set_target_trade(rx.cond(v == "any", "", v)),
                    ),
                ),
                _field(
                    "Minimum score",
                    rx.input(value=S.target_score_min, on_change=S.set_target_score_min.debounce(400),
                             placeholder="0–100", width="100%"),
                ),
                width="100%",
                spacing="3",
            ),
            rx.fragment(),
        ),
        rx.callout(S.preview_label, icon="users", size="1", width="100%", data_testid="target-preview"),
        spacing="2",
        width="100%",
    )  # fmt: skip


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            _field("Name", rx.input(name="name", default_value=S.draft_name, required=True, max_length=200)),
            _field("Goal", rx.input(name="goal", default_value=S.draft_goal, max_length=500,
                                    placeholder="Book a free website review")),
            _field("Script", rx.text_area(name="script", default_value=S.draft_script, rows="4")),
            _targets(),
            _field("Calling days (each lead's own time zone)",
                   rx.hstack(*[_day_toggle(d, n) for d, n in DAY_OPTIONS], spacing="1", wrap="wrap")),
            rx.hstack(
                _field("From", rx.input(name="start", type="time", default_value=S.draft_start)),
                _field("To", rx.input(name="end", type="time", default_value=S.draft_end)),
                width="100%", spacing="3",
            ),
            rx.text("Within these hours a lead's best time to call is preferred.", size="1",
                    color=rx.color("gray", 10)),
            rx.hstack(
                _field("Max attempts", rx.input(name="max_attempts", type="number", min=1, max=10,
                                                default_value=S.draft_attempts)),
                _field("Retry after (min)", rx.input(name="retry_minutes", type="number", min=5,
                                                     max=10080, default_value=S.draft_retry)),
                _field("Calls at once", rx.input(name="concurrency", type="number", min=1, max=100,
                                                 default_value=S.draft_concurrency)),
                width="100%", spacing="3", wrap="wrap",
            ),
            _field("Status", rx.select.root(
                rx.select.trigger(width="100%"),
                rx.select.content(*[rx.select.item(label, value=v) for v, label in STATUS_CHOICES]),
                name="status", default_value=S.draft_status,
            )),
            rx.cond(S.form_error != "", rx.callout(S.form_error, color_scheme="red", icon="triangle-alert",
                                                   size="1", width="100%"), rx.fragment()),
            rx.hstack(
                rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                rx.button("Save campaign", type="submit"),
                justify="end", width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=S.save,
        key=S.editing_id,
    )  # fmt: skip


def _dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(S.editing_id != "", "Edit campaign", "New campaign")),
            _form(),
            max_width="640px",
        ),
        open=S.form_open,
        on_open_change=S.set_form_open,
    )


def campaigns_content() -> rx.Component:
    new = rx.cond(
        can("campaigns.manage"),
        rx.button(rx.icon("plus", size=16), "New campaign", on_click=S.open_new),
        rx.fragment(),
    )
    body = rx.cond(
        S.loading,
        rx.vstack(
            *[rx.skeleton(rx.box(height="96px", width="100%")) for _ in range(3)], width="100%"
        ),
        rx.cond(
            S.rows.length() > 0,
            rx.vstack(rx.foreach(S.rows, _row), spacing="3", width="100%"),
            empty_state("No campaigns yet. Create one to start calling leads.", "phone-outgoing"),
        ),
    )
    return rx.box(
        page_header("AI call campaigns", "Automated calls over your lead lists, live.", new),
        body,
        _dialog(),
        width="100%",
        on_unmount=S.stop_watch,
    )  # fmt: skip
