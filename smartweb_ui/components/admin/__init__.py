"""The admin page's tabs: users, roles & permissions, the audit trail, the e-mail outbox."""

from __future__ import annotations

import reflex as rx

from ...state.admin import AdminState
from ...state.auth import AuthState
from ..common import can
from ..shell import page_header


def _status_badge(status: rx.Var) -> rx.Component:
    return rx.badge(
        status,
        color_scheme=rx.match(status, ("active", "green"), ("suspended", "red"), "gray"),
        variant="soft",
    )


def _suspend_button(user: rx.Var) -> rx.Component:
    """Suspending signs the person out everywhere: asked once more, naming them."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button("Suspend", size="1", variant="soft", color_scheme="red")),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Suspend " + user["name"].to(str) + "?"),
            rx.alert_dialog.description(
                "They are signed out everywhere at once and can't sign in until reactivated. "
                "Their leads and deals stay as they are.",
                size="2",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Suspend",
                        color_scheme="red",
                        on_click=AdminState.set_status(user["id"], "suspended"),
                    )
                ),
                justify="end",
                margin_top="14px",
                spacing="2",
            ),
            max_width="440px",
        ),
    )


def _user_row(user: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(user["name"], weight="medium"),
                rx.text(user["email"], size="1", color=rx.color("gray", 10)),
                spacing="0",
            )
        ),
        rx.table.cell(user["title"]),
        rx.table.cell(
            rx.select.root(
                rx.select.trigger(placeholder=user["roles"], variant="soft"),
                rx.select.content(
                    rx.foreach(AdminState.roles, lambda r: rx.select.item(r["name"], value=r["id"]))
                ),
                on_change=lambda rid: AdminState.set_role(user["id"], rid),
                disabled=user.is_me,
            )
        ),
        rx.table.cell(_status_badge(user["status"])),
        rx.table.cell(user["last_login"], white_space="nowrap"),
        rx.table.cell(
            rx.cond(
                user.is_me,
                rx.text("You", size="1", color=rx.color("gray", 10)),
                rx.cond(
                    user["status"] == "suspended",
                    rx.button(
                        "Reactivate",
                        size="1",
                        variant="soft",
                        on_click=AdminState.set_status(user["id"], "active"),
                    ),
                    _suspend_button(user),
                ),
            )
        ),
        data_user_id=user["id"],
    )


def _add_user_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(rx.button(rx.icon("user-plus", size=16), "Add user")),
        rx.dialog.content(
            rx.dialog.title("Add a user"),
            rx.form(
                rx.vstack(
                    rx.input(name="name", placeholder="Full name", required=True, width="100%"),
                    rx.input(
                        name="email", type="email", placeholder="Email", required=True, width="100%"
                    ),
                    rx.select.root(
                        rx.select.trigger(placeholder="Role", width="100%"),
                        rx.select.content(
                            rx.foreach(
                                AdminState.roles, lambda r: rx.select.item(r["name"], value=r["id"])
                            )
                        ),
                        name="role_id",
                        required=True,
                    ),
                    rx.input(
                        name="password",
                        type="password",
                        placeholder="First password (10+ characters)",
                        required=True,
                        min_length=10,
                        width="100%",
                    ),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Add user", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=AdminState.add_user,
                reset_on_submit=True,
            ),
            max_width="440px",
        ),
        open=AdminState.add_open,
        on_open_change=AdminState.set_add_open,
    )


def _users_tab() -> rx.Component:
    return rx.vstack(
        rx.hstack(rx.spacer(), _add_user_dialog(), width="100%"),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(h)
                            for h in ("User", "Title", "Role", "Status", "Last sign-in", "")
                        ]
                    )
                ),
                rx.table.body(rx.foreach(AdminState.users, _user_row)),
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
        ),
        width="100%",
    )


PERM_COLUMN = "112px"  # every role column the same width, its checkboxes centred under the name


def _perm_row(perm: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.code(perm["code"], variant="ghost"),
                rx.text(perm["description"], size="1", color=rx.color("gray", 10)),
                spacing="0",
            )
        ),
        rx.foreach(
            AdminState.roles,
            lambda role: rx.table.cell(
                rx.flex(
                    rx.checkbox(
                        checked=AdminState.granted.contains(role["id"] + ":" + perm["code"]),
                        on_change=lambda v: AdminState.toggle_permission(
                            role["id"], perm["code"], v
                        ),
                        aria_label=role["name"] + " " + perm["code"],
                    ),
                    justify="center",
                    align="center",
                    height="100%",
                ),
                width=PERM_COLUMN,
                vertical_align="middle",
            ),
        ),
        align="center",
    )


def _roles_tab() -> rx.Component:
    return rx.cond(
        can("admin.roles"),
        rx.box(
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        rx.table.column_header_cell("Permission"),
                        rx.foreach(
                            AdminState.roles,
                            lambda r: rx.table.column_header_cell(
                                r["name"],
                                text_align="center",
                                width=PERM_COLUMN,
                                vertical_align="bottom",
                            ),
                        ),
                    )
                ),
                rx.table.body(rx.foreach(AdminState.permissions, _perm_row)),
                width="100%",
            ),
            overflow_x="auto",
            width="100%",
        ),
        rx.text("Your role cannot edit roles."),
    )


def _audit_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["when"], white_space="nowrap"),
        rx.table.cell(
            rx.text(row["summary"], size="2", weight="medium"),
            rx.text(row["changes"], size="1", color=rx.color("gray", 11)),
            min_width="280px",
        ),
        rx.table.cell(rx.code(row["action"], variant="soft", size="1"), white_space="nowrap"),
        rx.table.cell(row["ip"], white_space="nowrap", color=rx.color("gray", 11)),
        data_audit_row=row["id"],
    )


def _audit_card(row: rx.Var) -> rx.Component:
    """One entry at phone width: the sentence first, then when, the action and the address."""
    return rx.card(
        rx.vstack(
            rx.text(row["summary"], size="2", weight="medium", overflow_wrap="anywhere"),
            rx.cond(
                row["changes"] != "",
                rx.text(
                    row["changes"], size="1", color=rx.color("gray", 11), overflow_wrap="anywhere"
                ),
            ),
            rx.hstack(
                rx.text(row["when"], size="1", color=rx.color("gray", 10)),
                rx.code(row["action"], variant="soft", size="1"),
                rx.text(row["ip"], size="1", color=rx.color("gray", 10)),
                spacing="2",
                wrap="wrap",
                align="center",
            ),
            spacing="1",
            width="100%",
            min_width="0",
        ),
        width="100%",
        data_audit_card=row["id"],
    )


def _audit_tab() -> rx.Component:
    return rx.vstack(
        rx.input(
            placeholder="Search by name (a deal, lead, person, stage) or kind (deal, user)",
            value=AdminState.audit_search,
            on_change=AdminState.search_audit.debounce(300),
            width="100%",
            max_width="420px",
        ),
        rx.cond(
            AdminState.audit_rows.length() > 0,
            rx.fragment(
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                *[
                                    rx.table.column_header_cell(h)
                                    for h in ("When", "What happened", "Action", "IP")
                                ]
                            )
                        ),
                        rx.table.body(rx.foreach(AdminState.audit_rows, _audit_row)),
                        width="100%",
                        size="1",
                    ),
                    overflow_x="auto",
                    width="100%",
                    display=["none", "none", "block"],  # the table from tablet width up ...
                ),
                rx.vstack(  # ... a card list below it
                    rx.foreach(AdminState.audit_rows, _audit_card),
                    spacing="2",
                    width="100%",
                    display=["flex", "flex", "none"],
                ),
            ),
            rx.text("No audit entries match.", color=rx.color("gray", 10)),
        ),
        rx.cond(
            AdminState.has_more_audit,
            rx.button("Load older entries", variant="soft", on_click=AdminState.more_audit),
        ),
        width="100%",
        spacing="3",
    )


OUTBOX_COLORS = {"pending": "amber", "sent": "green", "failed": "red"}


def _outbox_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["created"], white_space="nowrap"),
        rx.table.cell(row["to"]),
        rx.table.cell(
            rx.el.details(
                rx.el.summary(row["subject"], style={"cursor": "pointer"}),
                rx.text(row["body"], size="1", white_space="pre-wrap", margin_top="6px",
                        color=rx.color("gray", 11)),
            ),
        ),
        rx.table.cell(
            rx.badge(row["status_label"], variant="soft",
                     color_scheme=rx.match(row["status"], *OUTBOX_COLORS.items(), "gray")),  # type: ignore[arg-type]
            rx.cond(row["error"] != "", rx.text(row["error"], size="1", color=rx.color("red", 11))),
        ),
        rx.table.cell(row["attempts"], text_align="right"),
        rx.table.cell(row["sent"], white_space="nowrap"),
    )  # fmt: skip


def _outbox_tab() -> rx.Component:
    return rx.vstack(
        rx.cond(
            AdminState.smtp_configured,
            rx.text("E-mails are delivered over SMTP by the job queue.", size="2",
                    color=rx.color("gray", 11)),
            rx.callout(
                "No SMTP server is configured (SMARTWEB_SMTP_URL), so e-mails wait here. "
                "Forward them to their recipients, or set SMTP and they go out.",
                icon="mail-warning", color_scheme="amber", size="1", width="100%",
            ),
        ),
        rx.text(AdminState.outbox_waiting, " waiting or failed", size="2", weight="medium"),
        rx.cond(
            AdminState.outbox.length() > 0,
            rx.box(
                rx.table.root(
                    rx.table.header(rx.table.row(
                        *[rx.table.column_header_cell(h) for h in
                          ["Queued", "To", "Subject", "Status", "Attempts", "Sent"]]
                    )),
                    rx.table.body(rx.foreach(AdminState.outbox, _outbox_row)),
                    width="100%",
                    size="1",
                ),
                overflow_x="auto",
                width="100%",
            ),
            rx.text("Nothing has been sent yet.", color=rx.color("gray", 10)),
        ),
        width="100%",
        spacing="3",
    )  # fmt: skip


def admin_content() -> rx.Component:
    return rx.vstack(
        page_header(
            "Admin", "Users, roles, the audit trail and the outbox for " + AuthState.org_name
        ),
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Users", value="users"),
                rx.tabs.trigger("Roles & permissions", value="roles"),
                rx.tabs.trigger("Audit log", value="audit"),
                rx.cond(can("admin.settings"), rx.tabs.trigger("Outbox", value="outbox")),
            ),
            rx.box(
                rx.tabs.content(_users_tab(), value="users"),
                rx.tabs.content(_roles_tab(), value="roles"),
                rx.tabs.content(_audit_tab(), value="audit"),
                rx.tabs.content(_outbox_tab(), value="outbox"),
                padding_top="16px",
            ),
            value=AdminState.tab,
            on_change=AdminState.set_tab,
            width="100%",
        ),
        width="100%",
        max_width="1200px",
    )
