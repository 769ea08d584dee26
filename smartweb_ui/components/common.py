"""Small UI pieces shared by every page: stat cards, section cards, empty states, permissions."""

from __future__ import annotations

import reflex as rx

from ..state.auth import AuthState
from ..state.labels import LABELS


def can(permission: str) -> rx.Var[bool]:
    """Whether the signed-in user holds ``permission`` (display only: services re-check)."""
    return AuthState.permissions.contains(permission) | AuthState.permissions.contains("*")


def label(value: rx.Var | str) -> rx.Var | str:
    """A stored enum value as people read it ("general_contractor" -> "General contractor")."""
    if isinstance(value, str):
        return LABELS.get(value, value)
    text = value.to(str)
    return rx.match(text, *LABELS.items(), text)


def form_field(title: str | rx.Component, control: rx.Component) -> rx.Component:
    """A label over its control; the control takes the whole width of its dialog or column."""
    head = rx.text(title, size="2", weight="medium") if isinstance(title, str) else title
    return rx.vstack(head, control, spacing="1", width="100%", min_width="0", align="stretch")


def stat_card(label: str, value: rx.Var, icon: str, tone: str = "accent") -> rx.Component:
    return rx.card(
        rx.hstack(
            rx.center(
                rx.icon(icon, size=20, color=rx.color(tone, 11)),
                width="40px",
                height="40px",
                border_radius="10px",
                background=rx.color(tone, 3),
                flex_shrink="0",
                display=["none", "flex"],  # a phone keeps the room for the figure
            ),
            rx.vstack(
                rx.text(label, size="2", color=rx.color("gray", 10)),
                rx.text(
                    value,
                    size=rx.breakpoints(initial="5", sm="6"),
                    weight="bold",
                    line_height="1",
                    white_space="nowrap",
                ),
                spacing="1",
                min_width="0",
            ),
            align="center",
            spacing="3",
        ),
        flex="1",
        min_width=["140px", "200px"],
    )


def section_card(title: str, count: rx.Var, body: rx.Component, href: str = "") -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(title, size="4"),
                rx.badge(count, variant="soft", radius="full"),
                align="center",
                spacing="2",
            ),
            body,
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def empty_state(text: str, icon: str) -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=28, color=rx.color("gray", 8)),
            rx.text(text, color=rx.color("gray", 10), size="2"),
            align="center",
            spacing="2",
        ),
        padding="24px",
        width="100%",
    )


# ------------------------------------------------------------------ loading skeletons
# While a page's first answer is on its way it shows the shape of what is coming (grey blocks
# where the cards, rows or columns will be), never a blank panel or a lone spinner.
def skeleton_lines(rows: int = 4, height: str = "44px") -> rx.Component:
    """Rows of a list or table."""
    return rx.vstack(
        *[rx.skeleton(rx.box(height=height, width="100%"), loading=True) for _ in range(rows)],
        spacing="2",
        width="100%",
        aria_busy="true",
        aria_label="Loading",
    )


def skeleton_list(rows: int = 6) -> rx.Component:
    """A list or table panel while its first page loads."""
    return rx.box(skeleton_lines(rows), padding="12px", width="100%")


def skeleton_cards(count: int = 3, height: str = "180px") -> rx.Component:
    """Section cards side by side (one column at phone width)."""
    return rx.grid(
        *[rx.card(skeleton_lines(3, "28px"), height=height) for _ in range(count)],
        columns=rx.breakpoints(initial="1", md=str(count)),
        spacing="4",
        width="100%",
        aria_busy="true",
        aria_label="Loading",
    )


def skeleton_record() -> rx.Component:
    """A record page (lead, proposal, contract): its header, two cards, the timeline."""
    return rx.vstack(
        skeleton_lines(1, "64px"),
        skeleton_cards(2, "220px"),
        skeleton_lines(3, "56px"),
        spacing="4",
        width="100%",
        aria_busy="true",
        aria_label="Loading",
        id="record-skeleton",
    )


def skeleton_board(columns: int = 5) -> rx.Component:
    """Kanban columns with a few cards each."""
    return rx.hstack(
        *[
            rx.vstack(
                rx.skeleton(rx.box(height="52px", width="100%"), loading=True),
                *[rx.skeleton(rx.box(height="96px", width="100%"), loading=True) for _ in range(3)],
                spacing="2",
                padding="8px",
                border_radius="12px",
                background=rx.color("gray", 2),
                flex="0 0 280px",
                max_width="84vw",
            )
            for _ in range(columns)
        ],
        spacing="3",
        overflow="hidden",
        width="100%",
        aria_busy="true",
        aria_label="Loading the board",
        id="board-skeleton",
    )
