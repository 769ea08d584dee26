"""“New lead” dialog: a company + lead, with the duplicate warning that offers the existing lead."""

from __future__ import annotations

import reflex as rx

from ...state.leads import SOURCE_OPTIONS, TYPE_OPTIONS
from ...state.leads import LeadInboxState as S


def _field(label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(label, size="2", weight="medium"), control, spacing="1", width="100%")


def _dupes() -> rx.Component:
    return rx.cond(
        S.dupes.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("copy", size=16)),
            rx.vstack(
                rx.text("This company may already exist:", weight="bold", size="2"),
                rx.foreach(
                    S.dupes,
                    lambda d: rx.hstack(
                        rx.link(d["name"], href="/leads/" + d["lead_id"]),
                        rx.text("same ", d["on"], size="1", color=rx.color("gray", 10)),
                        data_duplicate_lead=d["lead_id"],
                    ),
                ),
                rx.cond(
                    S.dupes_soft,
                    rx.button(
                        "Create anyway",
                        size="1",
                        variant="soft",
                        color_scheme="amber",
                        on_click=S.create_anyway,
                    ),
                    rx.text(
                        "A phone or e-mail can belong to one company only: open the existing lead.",
                        size="1",
                    ),
                ),
                spacing="1",
            ),
            color_scheme="amber",
        ),
    )


def new_lead_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("plus", size=16), "New lead", id="new-lead")),
        rx.dialog.content(
            rx.dialog.title("New lead"),
            rx.form(
                rx.vstack(
                    _field("Company name", rx.input(name="name", required=True, auto_focus=True)),
                    rx.grid(
                        _field("Phone", rx.input(name="phone", placeholder="(512) 555-0100")),
                        _field("E-mail", rx.input(name="email", type="email")),
                        _field("Website", rx.input(name="website", placeholder="example.com")),
                        _field("City", rx.input(name="city")),
                        _field("State", rx.input(name="state", max_length=2, placeholder="TX")),
                        _field(
                            "Business type",
                            rx.select(TYPE_OPTIONS, name="business_type", default_value="other"),
                        ),
                        _field(
                            "Source",
                            rx.select(SOURCE_OPTIONS, name="source", default_value="manual"),
                        ),
                        columns="2",
                        spacing="3",
                        width="100%",
                    ),
                    _dupes(),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Create", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=S.create_lead,
                reset_on_submit=False,
            ),
            max_width="560px",
        ),
        open=S.new_open,
        on_open_change=S.set_new_open,
    )
