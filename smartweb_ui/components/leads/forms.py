"""Dialogs of the lead detail page: log call / e-mail / meeting / note, add task, status, convert."""

from __future__ import annotations

import reflex as rx

from ...state.lead_detail import (
    CALL_OUTCOME_OPTIONS,
    CONTACT_OPTIONS,
    SOURCE_OPTIONS,
    TRADE_OPTIONS,
)
from ...state.lead_detail import LeadDetailState as D
from ..common import form_field, label

_field = form_field


def _dialog(
    name: str,
    title: str,
    body: rx.Component,
    on_submit: rx.EventHandler,
    submit: str,
    max_width: str = "520px",
) -> rx.Component:
    """Every dialog of the lead page: its fields take the dialog's full width."""
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(title),
            rx.form(
                rx.vstack(
                    body,
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button(submit, type="submit", id=f"submit-{name}"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    width="100%",
                ),
                on_submit=on_submit,
                reset_on_submit=False,
                width="100%",
            ),
            max_width=max_width,
            width="calc(100vw - 24px)",
            data_dialog=name,
        ),
        open=D.dialog == name,
        on_open_change=D.close_dialog,
    )


def call_dialog() -> rx.Component:
    return _dialog(
        "call",
        "Log a call",
        rx.vstack(
            _field("Outcome", rx.select.root(
                rx.select.trigger(placeholder="Choose…", width="100%"),
                rx.select.content(*[rx.select.item(label, value=k) for k, label in CALL_OUTCOME_OPTIONS]),
                name="outcome", default_value="connected",
            )),
            _field("Duration (minutes)", rx.input(name="duration", type="number", min="0", max="600", default_value="5")),
            _field("Notes", rx.text_area(name="notes", rows="4", auto_focus=True)),
            width="100%",
        ),
        D.log_call,
        "Log call",
    )  # fmt: skip


def email_dialog() -> rx.Component:
    return _dialog(
        "email",
        "Log an e-mail",
        rx.vstack(
            _field("Direction", rx.select.root(
                rx.select.trigger(width="100%"),
                rx.select.content(rx.select.item("Sent (outbound)", value="outbound"), rx.select.item("Received (inbound)", value="inbound")),
                name="direction", default_value="outbound",
            )),
            _field("Subject", rx.input(name="subject", required=True, auto_focus=True)),
            _field("Body", rx.text_area(name="body", rows="6")),
            width="100%",
        ),
        D.log_email,
        "Log e-mail",
    )  # fmt: skip


def meeting_dialog() -> rx.Component:
    return _dialog(
        "meeting",
        "Log a meeting",
        rx.vstack(
            _field(
                "Date and time", rx.input(name="meeting_at", type="datetime-local", required=True)
            ),
            _field(
                "Duration (minutes)",
                rx.input(name="duration", type="number", min="0", default_value="30"),
            ),
            _field("Location", rx.input(name="location")),
            _field("Attendees (comma separated)", rx.input(name="attendees")),
            _field("Notes", rx.text_area(name="notes", rows="3")),
            width="100%",
        ),
        D.log_meeting,
        "Log meeting",
    )


def note_dialog() -> rx.Component:
    return _dialog(
        "note",
        "Add a note",
        _field("Note", rx.text_area(name="text", rows="5", required=True, auto_focus=True)),
        D.log_note,
        "Add note",
    )


def task_dialog() -> rx.Component:
    return _dialog(
        "task",
        "Add a task",
        rx.vstack(
            _field("Title", rx.input(name="title", required=True, auto_focus=True)),
            _field("Due", rx.input(name="due_at", type="datetime-local")),
            _field("Assignee", rx.select.root(
                rx.select.trigger(placeholder="Me", width="100%"),
                rx.select.content(rx.foreach(D.people, lambda p: rx.select.item(p["name"], value=p["id"]))),
                name="assignee",
            )),
            _field("Priority", rx.select.root(
                rx.select.trigger(width="100%"),
                rx.select.content(*[rx.select.item(label(p), value=p) for p in ("low", "normal", "high", "urgent")]),
                name="priority", default_value="normal",
            )),
            width="100%",
        ),
        D.add_task,
        "Add task",
    )  # fmt: skip


def status_dialog() -> rx.Component:
    return _dialog(
        "status",
        "Reason required",
        rx.vstack(
            rx.text("Mark this lead ", rx.text.strong(label(D.status_target)), ". Why?", size="2"),
            rx.input(
                name="reason",
                required=True,
                auto_focus=True,
                placeholder="e.g. Went with a competitor",
            ),
            width="100%",
        ),
        D.change_status,
        "Save",
    )


def convert_dialog() -> rx.Component:
    """The lead's pipeline preselected, the deal named "<company> – <trade>", the owner chosen
    (managers), the value typed in the organization's currency."""
    first = rx.cond(D.pipelines.length() > 0, D.pipelines[0]["id"].to(str), "")
    return _dialog(
        "convert",
        "Convert to deal",
        rx.vstack(
            _field("Deal name", rx.input(name="name", default_value=D.lead["deal_name"].to(str), required=True, width="100%")),
            _field("Pipeline", rx.select.root(
                rx.select.trigger(placeholder="Choose a pipeline", width="100%"),
                rx.select.content(rx.foreach(D.pipelines, lambda p: rx.select.item(p["name"], value=p["id"]))),
                name="pipeline", required=True, default_value=first,
            )),
            rx.cond(
                D.owners.length() > 0,
                _field("Owner", rx.select.root(
                    rx.select.trigger(placeholder="The lead's owner", width="100%"),
                    rx.select.content(rx.foreach(D.owners, lambda p: rx.select.item(p["name"], value=p["id"]))),
                    name="owner", default_value=D.lead["assignee_id"].to(str),
                )),
            ),
            _field(
                rx.text("Value (", D.lead["currency"], ")"),
                rx.input(
                    rx.input.slot(rx.text(D.lead["currency_symbol"], size="2")),
                    name="value", placeholder="12,500.00", required=True, input_mode="decimal", width="100%",
                ),
            ),
            _field("Expected close", rx.input(name="expected_close", type="date", width="100%")),
            width="100%",
        ),
        D.convert,
        "Create deal",
    )  # fmt: skip


def _text_input(name: str, **kw: object) -> rx.Component:
    return rx.input(name=name, default_value=D.profile_values[name], width="100%", **kw)


def _pick(name: str, options: list[tuple[str, str]], blank: str = "") -> rx.Component:
    items = [rx.select.item(text, value=key) for key, text in options]
    return rx.select.root(
        rx.select.trigger(placeholder=blank or "Choose…", width="100%"),
        rx.select.content(*items),
        name=name,
        default_value=D.profile_values[name],
    )


def _section(title: str, *fields: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(title, size="1", weight="bold", color=rx.color("gray", 10)),
        rx.grid(*fields, columns=rx.breakpoints(initial="1", sm="2"), spacing="3", width="100%"),
        spacing="2",
        width="100%",
    )


def edit_dialog() -> rx.Component:
    """Every field of the company and the lead a user maintains."""
    return _dialog(
        "edit",
        "Edit lead",
        rx.vstack(
            rx.cond(
                D.edit_error != "",
                rx.callout(D.edit_error, icon="triangle-alert", color_scheme="red", width="100%"),
            ),
            _section(
                "Business",
                _field("Company name", _text_input("name", required=True)),
                _field("Doing business as", _text_input("dba_name")),
                _field("Trade", _pick("business_type", TRADE_OPTIONS)),
                _field("Source", _pick("source", SOURCE_OPTIONS)),
                _field("Employees", _text_input("employee_count", input_mode="numeric")),
                _field("Years in business", _text_input("years_in_business", input_mode="numeric")),
                _field("Annual revenue", _text_input("annual_revenue", input_mode="decimal")),
            ),
            _section(
                "Reach",
                _field("Phone", _text_input("phone", type="tel")),
                _field("E-mail", _text_input("email", type="email")),
                _field("Website", _text_input("website")),
                _field("Prefers", _pick("preferred_contact_method", CONTACT_OPTIONS, "No preference")),
                _field("Best time to call", _text_input("best_call_time", placeholder="Mornings")),
                _field("Timezone", _text_input("timezone", placeholder="America/Chicago")),
            ),
            _section(
                "Address",
                _field("Street", _text_input("street_address")),
                _field("City", _text_input("city")),
                _field("State", _text_input("state", placeholder="TX")),
                _field("ZIP", _text_input("zip_code")),
                _field("Country", _text_input("country")),
            ),
            _section(
                "Licence",
                _field("Licence number", _text_input("license_number")),
                _field("Licence state", _text_input("license_state")),
                _field("Licence expiry", _text_input("license_expiry", type="date")),
            ),
            _section(
                "Social",
                _field("Facebook", _text_input("facebook_url")),
                _field("LinkedIn", _text_input("linkedin_url")),
                _field("Instagram", _text_input("instagram_url")),
            ),
            width="100%",
            spacing="4",
            max_height="65vh",
            overflow_y="auto",
            padding_right="4px",
        ),
        D.save_profile,
        "Save",
        max_width="760px",
    )  # fmt: skip


def entry_dialog() -> rx.Component:
    return _dialog(
        "entry",
        "Edit timeline entry",
        rx.vstack(
            _field("Subject", rx.input(name="subject", default_value=D.entry_subject, width="100%")),
            _field("Text", rx.text_area(name="text", default_value=D.entry_text, rows="6", width="100%")),
            width="100%",
        ),
        D.save_entry,
        "Save",
    )  # fmt: skip


def all_dialogs() -> rx.Component:
    return rx.fragment(
        call_dialog(),
        email_dialog(),
        meeting_dialog(),
        note_dialog(),
        task_dialog(),
        status_dialog(),
        convert_dialog(),
        edit_dialog(),
        entry_dialog(),
    )
