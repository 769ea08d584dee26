"""Badges for campaign and call states (labels from the state, colours here)."""

from __future__ import annotations

import reflex as rx

STATUS_COLORS = {"draft": "gray", "scheduled": "blue", "running": "green", "paused": "amber",
                 "completed": "violet"}  # fmt: skip
OUTCOME_COLORS = {"interested": "green", "meeting_booked": "green", "callback": "blue",
                  "not_interested": "gray", "wrong_number": "orange", "do_not_call": "red",
                  "voicemail": "violet", "no_answer": "gray"}  # fmt: skip
SENTIMENT_COLORS = {"positive": "green", "neutral": "gray", "negative": "red"}


def _color(value: rx.Var, colors: dict[str, str], default: str = "gray") -> rx.Var:
    return rx.match(value, *[(k, v) for k, v in colors.items()], default)


def status_badge(status: rx.Var, label: rx.Var) -> rx.Component:
    return rx.badge(label, color_scheme=_color(status, STATUS_COLORS), variant="soft",
                    radius="full", data_testid="campaign-status")  # fmt: skip


def outcome_badge(outcome: rx.Var, label: rx.Var) -> rx.Component:
    return rx.cond(
        label != "",
        rx.badge(label, color_scheme=_color(outcome, OUTCOME_COLORS), variant="soft"),
        rx.text("—", color=rx.color("gray", 9), size="2"),
    )


def sentiment_badge(sentiment: rx.Var, label: rx.Var) -> rx.Component:
    return rx.cond(
        label != "",
        rx.badge(label, color_scheme=_color(sentiment, SENTIMENT_COLORS), variant="outline"),
        rx.text("—", color=rx.color("gray", 9), size="2"),
    )
