"""Dialogs of the lead detail page: log call / e-mail / meeting / note, add task, status, convert."""

from __future__ import annotations

import reflex as rx

from ...state.lead_detail import CALL_OUTCOME_OPTIONS
from ...state.lead_detail import LeadDetailState as D


def _field(label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(label, size="2", weight="medium"), control, spacing="1", width="100%")


def _dialog(
    name: str, title: str, body: rx.Component, on_submit: rx.EventHandler, submit: str
) -> rx.Component:
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
                ),
                on_submit=on_submit,
                reset_on_submit=False,
            ),
            max_width="520px",
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
                rx.select.content(*[rx.select.item(p.capitalize(), value=p) for p in ("low", "normal", "high", "urgent")]),
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
            rx.text("Mark this lead ", rx.text.strong(D.status_target), ". Why?", size="2"),
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
    return _dialog(
        "convert",
        "Convert to deal",
        rx.vstack(
            _field("Pipeline", rx.select.root(
                rx.select.trigger(placeholder="Choose a pipeline", width="100%"),
                rx.select.content(rx.foreach(D.pipelines, lambda p: rx.select.item(p["name"], value=p["id"]))),
                name="pipeline", required=True,
            )),
            _field("Value", rx.input(name="value", placeholder="12500.00", required=True, input_mode="decimal")),
            _field("Expected close", rx.input(name="expected_close", type="date")),
            width="100%",
        ),
        D.convert,
        "Create deal",
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
    )
