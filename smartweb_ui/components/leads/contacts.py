"""The lead page's Contacts card: the people at the company, with an add/edit dialog."""

from __future__ import annotations

import reflex as rx

from ...state.contacts import LeadContactsState as C
from ..common import can


def _row(c: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.hstack(
                rx.text(c["name"], size="2", weight="medium"),
                rx.cond(c["is_primary"].to(bool), rx.badge("Primary", size="1", variant="soft")),
                align="center",
                spacing="2",
            ),
            rx.text(c["role"], size="1", color=rx.color("gray", 10)),
            rx.text(
                c["email"],
                rx.cond(c["phone"] != "", " · " + c["phone"].to(str), ""),
                size="1",
                color=rx.color("gray", 11),
            ),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        rx.cond(
            can("leads.write"),
            rx.hstack(
                rx.icon_button(
                    rx.icon("pencil", size=14),
                    size="1",
                    variant="ghost",
                    aria_label="Edit contact",
                    on_click=C.open_edit(c["id"]),
                ),
                rx.icon_button(
                    rx.icon("trash-2", size=14),
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    aria_label="Remove contact",
                    on_click=C.remove(c["id"]),
                ),
                spacing="1",
            ),
        ),
        width="100%",
        align="start",
        data_contact_id=c["id"],
    )


def _field(label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(label, size="2", weight="medium"), control, spacing="1", width="100%")


def _dialog() -> rx.Component:
    e = C.editing
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(e.id != "", "Edit contact", "Add contact")),
            rx.form(
                rx.vstack(
                    _field("Name", rx.input(name="full_name", default_value=e.name, required=True)),
                    _field("Role", rx.input(name="role", default_value=e.role)),
                    _field("Phone", rx.input(name="phone", default_value=e.phone, type="tel")),
                    _field("E-mail", rx.input(name="email", default_value=e.email, type="email")),
                    rx.checkbox("Primary contact", name="is_primary", default_checked=e.is_primary),
                    rx.cond(C.error != "", rx.callout(C.error, color_scheme="red", size="1")),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Save contact", type="submit", id="submit-contact"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=C.save,
                key=e.id,
            ),
            max_width="460px",
        ),
        open=C.dialog_open,
        on_open_change=C.set_dialog,
    )


def contacts_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text("Contacts", weight="bold"),
                rx.badge(C.rows.length(), variant="soft", radius="full"),
                rx.spacer(),
                rx.cond(
                    can("leads.write"),
                    rx.button(
                        rx.icon("plus", size=14),
                        "Add",
                        size="1",
                        variant="soft",
                        on_click=C.open_new,
                        id="add-contact",
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                C.rows.length() > 0,
                rx.vstack(rx.foreach(C.rows, _row), spacing="2", width="100%"),
                rx.text("No contacts yet.", size="1", color=rx.color("gray", 10)),
            ),
            _dialog(),
            width="100%",
            spacing="2",
        ),
        width="100%",
        data_testid="contacts-card",
    )
