"""Cards of the lead detail page: header, profile, score breakdown, tags, enrichment, tasks, deals,
timeline."""

from __future__ import annotations

import reflex as rx

from ...state.lead_detail import LeadDetailState as D
from ..common import label
from .inbox import score_badge, status_badge

KIND_ICONS = {
    "call": "phone",
    "email": "mail",
    "meeting": "calendar",
    "note": "sticky-note",
    "ai_call": "bot",
    "sms": "message-square",
    "stage": "git-branch",
}


def _action(icon: str, text: str, id_: str, on_click: rx.EventSpec, **kw: object) -> rx.Component:
    return rx.button(rx.icon(icon, size=14), text, id=id_, on_click=on_click, **kw)


def header_actions() -> rx.Component:
    """Only what this user may do on this lead (``abilities``, computed by the server)."""
    can = D.abilities
    return rx.hstack(
        rx.cond(
            can.can_log,
            rx.fragment(
                _action("phone", "Log call", "log-call", D.open_dialog("call")),
                _action("mail", "E-mail", "log-email", D.open_dialog("email"), variant="soft"),
                _action(
                    "calendar", "Meeting", "log-meeting", D.open_dialog("meeting"), variant="soft"
                ),
                _action("sticky-note", "Note", "log-note", D.open_dialog("note"), variant="soft"),
            ),
        ),
        rx.cond(
            can.can_task,
            _action("list-todo", "Task", "add-task", D.open_dialog("task"), variant="soft"),
        ),
        rx.cond(
            can.can_edit,
            _action(
                "pencil", "Edit", "edit-lead", D.open_edit, variant="soft", color_scheme="gray"
            ),
        ),
        rx.cond(
            can.can_convert & (D.pipelines.length() > 0),
            _action(
                "handshake",
                "Convert to deal",
                "convert-lead",
                D.open_dialog("convert"),
                color_scheme="green",
            ),
        ),
        wrap="wrap",
        spacing="2",
        data_testid="lead-actions",
    )


def status_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.text("Status", weight="bold"), status_badge(D.lead["status"].to(str)), align="center"),
            rx.text("Times in ", D.lead["timezone"], size="1", color=rx.color("gray", 9)),
            rx.cond(D.lead["lost_reason"] != "", rx.text("Reason: ", D.lead["lost_reason"], size="2", color=rx.color("gray", 11))),
            rx.cond(
                D.abilities.can_status,
                rx.hstack(
                    rx.foreach(
                        D.lead.next_statuses,
                        lambda s: rx.button("→ ", label(s), size="1", variant="outline", on_click=D.quick_status(s), data_status_action=s),
                    ),
                    wrap="wrap",
                    spacing="2",
                ),
            ),
            rx.divider(),
            rx.grid(
                rx.text("Owner", size="1", color=rx.color("gray", 10)), rx.text(D.lead["assignee"], size="2"),
                rx.text("Source", size="1", color=rx.color("gray", 10)), rx.text(D.lead["source"], size="2"),
                rx.text("Created", size="1", color=rx.color("gray", 10)), rx.text(D.lead["created"], size="2"),
                rx.text("Contact by", size="1", color=rx.color("gray", 10)),
                rx.text(D.lead["sla_due"], size="2", color=rx.cond(D.lead["overdue"], rx.color("red", 11), rx.color("gray", 12)), weight=rx.cond(D.lead["overdue"], "bold", "regular")),
                rx.text("First contact", size="1", color=rx.color("gray", 10)), rx.text(D.lead["first_contact"], size="2"),
                rx.text("Last contact", size="1", color=rx.color("gray", 10)), rx.text(D.lead["last_contact"], size="2"),
                rx.text("Attempts", size="1", color=rx.color("gray", 10)), rx.text(D.lead["attempts"], size="2"),
                grid_template_columns="auto minmax(0, 1fr)",
                column_gap="16px",
                spacing="2",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )  # fmt: skip


def score_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text("Lead score", weight="bold"),
                score_badge(D.lead["score"].to(int)),
                align="center",
            ),
            rx.foreach(D.lead.breakdown, lambda line: rx.text(line, size="2", data_score_line="1")),
            rx.cond(
                D.lead.breakdown.length() == 0,
                rx.text("No scoring rule applies yet.", size="2", color=rx.color("gray", 10)),
            ),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def tags_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Tags", weight="bold"),
            rx.hstack(
                rx.foreach(
                    D.lead.tags,
                    lambda t: rx.badge(
                        rx.text(t, truncate=True, title=t, max_width="160px"),
                        rx.cond(
                            D.abilities.can_tag,
                            rx.icon("x", size=10, cursor="pointer", on_click=D.remove_tag(t)),
                        ),
                        variant="soft",
                        max_width="100%",
                    ),
                ),
                wrap="wrap",
                spacing="1",
                max_width="100%",
            ),
            rx.cond(
                D.abilities.can_tag,
                rx.form(
                    rx.hstack(
                        rx.input(name="tag", placeholder="Add tag", size="1", flex="1"),
                        rx.button("Add", size="1", type="submit"),
                        width="100%",
                    ),
                    on_submit=D.add_tag,
                    reset_on_submit=True,
                    width="100%",
                    data_testid="tag-form",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


WRAP = {"overflow_wrap": "anywhere", "word_break": "break-word", "min_width": "0"}


def _profile_value(item: rx.Var) -> rx.Component:
    """A value that wraps inside its card however long (an e-mail, a website)."""
    return rx.cond(
        item["href"] != "",
        rx.link(item["value"], href=item["href"], is_external=True, size="2", **WRAP),
        rx.text(item["value"], size="2", **WRAP),
    )


def _facts(items: rx.Var) -> rx.Component:
    return rx.grid(
        rx.foreach(
            items,
            lambda item: rx.fragment(
                rx.text(item["label"], size="1", color=rx.color("gray", 10), padding_top="2px"),
                _profile_value(item),
            ),
        ),
        grid_template_columns="minmax(80px, auto) minmax(0, 1fr)",
        column_gap="12px",
        row_gap="6px",
        width="100%",
    )


def profile_card() -> rx.Component:
    """What the business is and how to reach it, at a glance (empty facts left out)."""
    return rx.card(
        rx.grid(
            rx.vstack(
                rx.text("Company", weight="bold"),
                _facts(D.lead.profile),
                spacing="2",
                min_width="0",
            ),
            rx.vstack(
                rx.text("Reach", weight="bold"),
                _facts(D.lead.contact),
                rx.cond(
                    D.lead.contact.length() == 0,
                    rx.text("No phone or e-mail yet.", size="2", color=rx.color("gray", 10)),
                ),
                spacing="2",
                min_width="0",
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        width="100%",
        data_testid="profile-card",
    )


def enrichment_card() -> rx.Component:
    return rx.cond(
        D.lead.enrichment.length() > 0,
        rx.card(
            rx.vstack(
                rx.text("Enrichment", weight="bold"),
                rx.foreach(
                    D.lead.enrichment,
                    lambda e: rx.vstack(
                        rx.hstack(
                            rx.badge(e["provider"]),
                            rx.text(e["when"], size="1"),
                            rx.text(e["confidence"], size="1"),
                        ),
                        rx.foreach(
                            e["fields"].to(list[dict[str, str]]),
                            lambda f: rx.hstack(
                                rx.text(
                                    f["key"],
                                    size="1",
                                    color=rx.color("gray", 10),
                                    width="40%",
                                    flex_shrink="0",
                                    **WRAP,
                                ),
                                rx.text(f["value"], size="1", **WRAP),
                                width="100%",
                            ),
                        ),
                        spacing="1",
                    ),
                ),
                width="100%",
            ),
            width="100%",
        ),
    )


def tasks_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text("Tasks", weight="bold"),
                rx.spacer(),
                rx.cond(
                    D.abilities.can_task,
                    rx.button("Add", size="1", variant="soft", on_click=D.open_dialog("task")),
                ),
            ),
            rx.foreach(
                D.lead.tasks,
                lambda t: rx.hstack(
                    rx.checkbox(
                        checked=t["done"].to(bool),
                        disabled=t["done"].to(bool),
                        on_change=lambda _v: D.complete_task(t["id"]),
                    ),
                    rx.vstack(
                        rx.text(
                            t["title"],
                            size="2",
                            text_decoration=rx.cond(t["done"], "line-through", "none"),
                        ),
                        rx.text(
                            t["due"],
                            " · ",
                            t["assignee"],
                            " · ",
                            label(t["priority"]),
                            size="1",
                            color=rx.cond(t["overdue"], rx.color("red", 11), rx.color("gray", 10)),
                        ),
                        spacing="0",
                    ),
                    align="start",
                    data_task_id=t["id"],
                ),
            ),
            rx.cond(
                D.lead.tasks.length() == 0,
                rx.text("No tasks.", size="2", color=rx.color("gray", 10)),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def deals_card() -> rx.Component:
    return rx.cond(
        D.lead.deals.length() > 0,
        rx.card(
            rx.vstack(
                rx.text("Deals", weight="bold"),
                rx.foreach(
                    D.lead.deals,
                    lambda d: rx.vstack(
                        rx.link(d["name"], href="/pipeline?deal=" + d["id"], size="2", **WRAP),
                        rx.hstack(
                            rx.badge(d["pipeline"], " · ", d["stage"], variant="soft"),
                            rx.text(d["value"], size="1", color=rx.color("gray", 10)),
                            align="center",
                        ),
                        spacing="1",
                        padding_y="4px",
                        data_deal_id=d["id"],
                    ),
                ),
                width="100%",
            ),
            width="100%",
        ),
    )


def _event(item: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.match(
                item["kind"],
                *[(k, rx.icon(v, size=14)) for k, v in KIND_ICONS.items()],
                rx.icon("circle", size=14),
            ),
            width="28px",
            height="28px",
            border_radius="50%",
            background=rx.color("accent", 3),
            flex_shrink="0",
        ),
        rx.vstack(
            rx.hstack(
                rx.text(item["title"], weight="medium", size="2", **WRAP),
                rx.spacer(),
                rx.text(item["when"], size="1", color=rx.color("gray", 10), white_space="nowrap"),
                rx.cond(
                    item["can_change"],
                    rx.hstack(
                        rx.icon_button(
                            rx.icon("pencil", size=12),
                            size="1",
                            variant="ghost",
                            aria_label="Edit entry",
                            on_click=D.open_entry(item["id"]),
                        ),
                        rx.icon_button(
                            rx.icon("trash-2", size=12),
                            size="1",
                            variant="ghost",
                            color_scheme="red",
                            aria_label="Delete entry",
                            on_click=D.delete_entry(item["id"]),
                        ),
                        spacing="1",
                    ),
                ),
                width="100%",
                wrap="wrap",
            ),
            rx.cond(
                item["details"] != "",
                rx.text(item["details"], size="1", color=rx.color("gray", 10)),
            ),
            rx.cond(
                item["body"] != "",
                rx.text(item["body"], size="2", white_space="pre-wrap", **WRAP),
            ),
            rx.cond(
                item["who"] != "", rx.text("by ", item["who"], size="1", color=rx.color("gray", 9))
            ),
            spacing="1",
            width="100%",
            min_width="0",
        ),
        align="start",
        width="100%",
        padding_y="8px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_timeline_kind=item["kind"],
    )


def timeline_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Timeline", weight="bold"),
            rx.foreach(D.lead.timeline, _event),
            rx.cond(
                D.lead.timeline.length() == 0,
                rx.text("Nothing logged yet.", size="2", color=rx.color("gray", 10)),
            ),
            spacing="1",
            width="100%",
            data_testid="timeline",
        ),
        width="100%",
    )
