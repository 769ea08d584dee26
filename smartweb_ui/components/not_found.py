"""The styled 404: what happened, and the ways back (Today, the previous page)."""

from __future__ import annotations

import reflex as rx


def not_found_content() -> rx.Component:
    return rx.center(
        rx.card(
            rx.vstack(
                rx.center(
                    rx.icon("map-pin-off", size=28, color=rx.color("accent", 11)),
                    width="56px",
                    height="56px",
                    border_radius="14px",
                    background=rx.color("accent", 3),
                ),
                rx.text("404", size="2", weight="bold", color=rx.color("gray", 10)),
                rx.heading("This page doesn't exist", size="6"),
                rx.text(
                    "The link may be old or mistyped, or the page has moved. Nothing was changed.",
                    size="2",
                    color=rx.color("gray", 11),
                    text_align="center",
                ),
                rx.hstack(
                    rx.link(rx.button(rx.icon("house", size=16), "Go to Today"), href="/"),
                    rx.button(
                        rx.icon("arrow-left", size=16),
                        "Back",
                        variant="soft",
                        color_scheme="gray",
                        on_click=rx.call_script("window.history.back()"),
                    ),
                    spacing="3",
                    wrap="wrap",
                    justify="center",
                ),
                align="center",
                spacing="3",
                padding="12px",
            ),
            max_width="440px",
            width="100%",
            id="not-found",
        ),
        min_height="100vh",
        width="100%",
        padding="16px",
        background=rx.color("gray", 2),
    )
