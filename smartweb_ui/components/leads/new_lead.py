"""“New lead” dialog: a company + lead, with the duplicate warning that offers the existing lead."""

from __future__ import annotations

import reflex as rx

from ...state.leads import SOURCE_OPTIONS, TYPE_OPTIONS
from ...state.leads import LeadInboxState as S
from ..common import form_field, label

_field = form_field


def _checked(name: str, **kw: object) -> rx.Component:
    """An input whose value is checked for duplicates while the user types."""
    return rx.debounce_input(
        rx.input(name=name, on_change=lambda v: S.check_duplicates(name, v), **kw),
        debounce_timeout=400,
    )


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


def _labelled_select(options: list[str], name: str, default: str) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(width="100%"),
        rx.select.content(*[rx.select.item(label(o), value=o) for o in options]),
        name=name,
        default_value=default,
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
                        _field("Phone", _checked("phone", placeholder="(512) 555-0100")),
                        _field("E-mail", _checked("email", type="email")),
                        _field("Website", _checked("website", placeholder="example.com")),
                        _field("City", rx.input(name="city")),
                        _field("State", rx.input(name="state", max_length=2, placeholder="TX")),
                        _field(
                            "Business type",
                            _labelled_select(TYPE_OPTIONS, "business_type", "other"),
                        ),
                        _field(
                            "Source",
                            _labelled_select(SOURCE_OPTIONS, "source", "manual"),
                        ),
                        columns=rx.breakpoints(initial="1", sm="2"),
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
                    width="100%",
                ),
                on_submit=S.create_lead,
                reset_on_submit=False,
                width="100%",
            ),
            max_width="560px",
            width="calc(100vw - 24px)",
        ),
        open=S.new_open,
        on_open_change=S.set_new_open,
    )
