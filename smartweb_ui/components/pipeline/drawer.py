"""The deal drawer of /pipeline: edit, stage timeline, company, tasks, proposals."""

from __future__ import annotations

import reflex as rx

from ...state.pipeline_deal import DealDrawerState as D
from ..common import can, label


def _section(title: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(title, size="2", weight="bold", color=rx.color("gray", 11)),
        *children,
        spacing="2",
        width="100%",
    )


def _edit_form() -> rx.Component:
    disabled = ~D.deal["can_edit"].to(bool)
    return rx.form(
        rx.vstack(
            rx.text("Name", size="1", color=rx.color("gray", 10)),
            rx.input(
                name="name", default_value=D.deal["name"].to(str), disabled=disabled, width="100%"
            ),
            rx.hstack(
                rx.vstack(
                    rx.text("Value", size="1", color=rx.color("gray", 10)),
                    rx.input(
                        name="value",
                        default_value=D.deal["value"].to(str),
                        disabled=disabled,
                        inputmode="decimal",
                    ),
                    spacing="1",
                    flex="1",
                ),
                rx.vstack(
                    rx.text("Expected close", size="1", color=rx.color("gray", 10)),
                    rx.input(
                        name="expected_close",
                        type="date",
                        default_value=D.deal["expected_close"].to(str),
                        disabled=disabled,
                    ),
                    spacing="1",
                    flex="1",
                ),
                width="100%",
            ),
            rx.text("Owner", size="1", color=rx.color("gray", 10)),
            rx.el.select(
                rx.foreach(
                    D.owners,
                    lambda o: rx.el.option(o["name"], value=o["id"]),
                ),
                name="owner_id",
                default_value=D.deal["owner_id"].to(str),
                disabled=~D.deal["can_reassign"].to(bool),
                style={
                    "width": "100%",
                    "padding": "6px 8px",
                    "border_radius": "6px",
                    "border": f"1px solid {rx.color('gray', 7)}",
                    "background": rx.color("gray", 1),
                    "color": rx.color("gray", 12),
                },
            ),
            rx.cond(D.error != "", rx.callout(D.error, color_scheme="red", size="1", width="100%")),
            rx.cond(
                D.deal["can_edit"].to(bool),
                rx.button("Save deal", type="submit", width="100%"),
                rx.text(
                    "Only the owner or a manager can edit this deal.",
                    size="1",
                    color=rx.color("gray", 10),
                ),
            ),
            spacing="2",
            width="100%",
        ),
        on_submit=D.save,
        # re-mount the uncontrolled inputs when another deal (or version) is shown
        key=D.deal["id"].to(str) + D.deal["version"].to(str),
        width="100%",
    )


def _timeline() -> rx.Component:
    return rx.vstack(
        rx.foreach(
            D.deal.history,
            lambda h: rx.hstack(
                rx.box(
                    width="8px",
                    height="8px",
                    border_radius="50%",
                    background=rx.color("accent", 9),
                    margin_top="6px",
                ),
                rx.vstack(
                    rx.text(h["title"], size="2", weight="medium"),
                    rx.text(h["who"], " · ", h["when"], size="1", color=rx.color("gray", 10)),
                    rx.cond(
                        h["spent"] != "", rx.text(h["spent"], size="1", color=rx.color("gray", 11))
                    ),
                    spacing="0",
                ),
                align="start",
                spacing="2",
            ),
        ),
        spacing="2",
        width="100%",
        data_testid="deal-history",
    )


def _tasks() -> rx.Component:
    row = lambda t: rx.hstack(  # noqa: E731
        rx.checkbox(
            checked=t["done"].to(bool),
            disabled=t["done"].to(bool),
            on_change=lambda _checked: D.complete_task(t["id"]),
        ),
        rx.text(
            t["title"],
            size="2",
            text_decoration=rx.cond(t["done"].to(bool), "line-through", "none"),
            flex="1",
        ),
        rx.text(
            t["due"],
            size="1",
            color=rx.cond(t["overdue"].to(bool), rx.color("red", 11), rx.color("gray", 10)),
        ),
        width="100%",
        align="center",
    )
    return rx.vstack(
        rx.foreach(D.deal.tasks, row),
        rx.form(
            rx.hstack(
                rx.input(name="title", placeholder="New task…", required=True, flex="1"),
                rx.input(name="due", type="date", width="140px"),
                rx.icon_button(rx.icon("plus", size=16), type="submit", aria_label="Add task"),
                width="100%",
            ),
            on_submit=D.add_task,
            reset_on_submit=True,
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def _proposals() -> rx.Component:
    listed = rx.cond(
        D.deal.proposals.length() > 0,
        rx.vstack(
            rx.foreach(
                D.deal.proposals,
                lambda p: rx.link(
                    rx.hstack(
                        rx.text(p["number"], size="1", color=rx.color("gray", 10)),
                        rx.text(p["title"], size="2", flex="1"),
                        rx.badge(label(p["status"]), variant="soft"),
                        rx.text(p["total"], size="2", weight="medium"),
                        width="100%",
                        align="center",
                    ),
                    href="/proposals/" + p["id"].to(str),
                    underline="none",
                    color="inherit",
                    width="100%",
                ),
            ),
            width="100%",
        ),
        rx.text("No proposals yet.", size="1", color=rx.color("gray", 10)),
    )
    contract = rx.cond(
        D.deal["contract_id"].to(str) != "",
        rx.link(
            rx.hstack(
                rx.icon("signature", size=14),
                rx.text("Contract ", D.deal["contract_number"].to(str), size="2", weight="medium"),
                rx.badge(D.deal["contract_status"].to(str), variant="soft", color_scheme="green"),
                align="center",
            ),
            href="/contracts/" + D.deal["contract_id"].to(str),
            id="drawer-contract",
        ),
    )
    return rx.vstack(
        listed,
        contract,
        rx.cond(
            can("proposals.write") & D.deal["can_edit"].to(bool),
            rx.button(
                rx.icon("file-plus", size=14),
                "New proposal",
                size="1",
                variant="soft",
                on_click=D.new_proposal,
                id="drawer-new-proposal",
            ),
        ),
        width="100%",
        spacing="2",
    )


def _contacts() -> rx.Component:
    return rx.cond(
        D.contacts.length() > 0,
        rx.vstack(
            rx.foreach(
                D.contacts,
                lambda c: rx.hstack(
                    rx.icon("user", size=14, color=rx.color("gray", 10)),
                    rx.text(c["name"], size="2", weight="medium"),
                    rx.text(c["role"], size="1", color=rx.color("gray", 10)),
                    rx.cond(c["is_primary"].to(bool), rx.badge("Primary", size="1")),
                    rx.spacer(),
                    rx.text(c["email"], size="1", color=rx.color("gray", 11)),
                    width="100%",
                    align="center",
                    wrap="wrap",
                ),
            ),
            width="100%",
            spacing="1",
            data_testid="deal-contacts",
        ),
        rx.text("No contacts at this company.", size="1", color=rx.color("gray", 10)),
    )


def _company() -> rx.Component:
    return rx.cond(
        D.deal["company"].to(str) != "",
        rx.vstack(
            rx.hstack(
                rx.icon("building-2", size=16),
                rx.text(D.deal["company"].to(str), weight="medium"),
                rx.cond(
                    D.deal["lead_id"].to(str) != "",
                    rx.link("Open lead", href="/leads/" + D.deal["lead_id"].to(str), size="1"),
                ),
                align="center",
            ),
            rx.text(
                D.deal["company_place"].to(str),
                " ",
                D.deal["company_phone"].to(str),
                " ",
                D.deal["company_email"].to(str),
                size="1",
                color=rx.color("gray", 10),
            ),
            spacing="1",
        ),
        rx.text("No company linked.", size="1", color=rx.color("gray", 10)),
    )


def deal_drawer() -> rx.Component:
    """Right-hand drawer for the deal opened from a card."""
    body = rx.vstack(
        rx.hstack(
            rx.vstack(
                rx.heading(D.deal["name"].to(str), size="5"),
                rx.hstack(
                    rx.badge(D.deal["stage"].to(str), variant="soft"),
                    rx.badge(label(D.deal["status"]), variant="outline"),
                    rx.text(
                        D.deal["days_in_stage"].to(str),
                        " days in stage",
                        size="1",
                        color=rx.color("gray", 10),
                    ),
                    align="center",
                ),
                spacing="1",
                flex="1",
            ),
            rx.drawer.close(
                rx.icon_button(rx.icon("x", size=16), variant="ghost", aria_label="Close")
            ),
            width="100%",
            align="start",
        ),
        rx.hstack(
            rx.text(D.deal["value_display"].to(str), size="4", weight="bold"),
            rx.text(
                "weighted ",
                D.deal["weighted_display"].to(str),
                size="2",
                color=rx.color("gray", 10),
            ),
            align="baseline",
        ),
        rx.cond(
            D.deal["closed_reason"].to(str) != "",
            rx.callout(
                rx.text(
                    "Lost: ",
                    D.deal["closed_reason"].to(str),
                    rx.cond(
                        D.deal["competitor"].to(str) != "",
                        " — to " + D.deal["competitor"].to(str),
                        "",
                    ),
                ),
                color_scheme="gray",
                size="1",
            ),
        ),
        rx.divider(),
        _section("Deal", _edit_form()),
        rx.divider(),
        _section("Company", _company()),
        _section("Contacts", _contacts()),
        rx.divider(),
        _section("Tasks", _tasks()),
        rx.divider(),
        _section("Proposals", _proposals()),
        rx.divider(),
        _section("Stage history", _timeline()),
        spacing="3",
        width="100%",
        padding="20px",
    )
    return rx.drawer.root(
        rx.drawer.overlay(z_index="40"),
        rx.drawer.portal(
            rx.drawer.content(
                rx.box(body, overflow_y="auto", height="100%", width="100%"),
                top="0",
                right="0",
                left="auto",
                height="100%",
                width=["100%", "460px"],
                background=rx.color("gray", 1),
                border_left=f"1px solid {rx.color('gray', 5)}",
                data_testid="deal-drawer",
            ),
        ),
        open=D.is_open,
        on_open_change=D.set_open,
        direction="right",
        handle_only=True,
    )
