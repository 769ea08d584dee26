"""Cards of the lead detail page: header, profile, score breakdown, tags, enrichment, tasks, deals,
timeline."""

from __future__ import annotations

import reflex as rx

from ...state.lead_detail import LeadDetailState as D
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


def header_actions() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon("phone", size=14), "Log call", id="log-call", on_click=D.open_dialog("call")
        ),
        rx.button(
            rx.icon("mail", size=14),
            "E-mail",
            id="log-email",
            variant="soft",
            on_click=D.open_dialog("email"),
        ),
        rx.button(
            rx.icon("calendar", size=14),
            "Meeting",
            id="log-meeting",
            variant="soft",
            on_click=D.open_dialog("meeting"),
        ),
        rx.button(
            rx.icon("sticky-note", size=14),
            "Note",
            id="log-note",
            variant="soft",
            on_click=D.open_dialog("note"),
        ),
        rx.button(
            rx.icon("list-todo", size=14),
            "Task",
            id="add-task",
            variant="soft",
            on_click=D.open_dialog("task"),
        ),
        rx.cond(
            (D.pipelines.length() > 0)
            & (D.lead["status"] != "converted")
            & (D.lead["status"] != "lost")
            & (D.lead["status"] != "unqualified"),
            rx.button(
                rx.icon("handshake", size=14),
                "Convert to deal",
                color_scheme="green",
                on_click=D.open_dialog("convert"),
            ),
        ),
        wrap="wrap",
        spacing="2",
    )


def status_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(rx.text("Status", weight="bold"), status_badge(D.lead["status"].to(str)), align="center"),
            rx.cond(D.lead["lost_reason"] != "", rx.text("Reason: ", D.lead["lost_reason"], size="2", color=rx.color("gray", 11))),
            rx.hstack(
                rx.foreach(
                    D.lead.next_statuses,
                    lambda s: rx.button("→ ", s, size="1", variant="outline", on_click=D.quick_status(s)),
                ),
                wrap="wrap",
                spacing="2",
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
                columns="2",
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
                        t,
                        rx.icon("x", size=10, cursor="pointer", on_click=D.remove_tag(t)),
                        variant="soft",
                    ),
                ),
                wrap="wrap",
                spacing="1",
            ),
            rx.form(
                rx.hstack(
                    rx.input(name="tag", placeholder="Add tag", size="1", flex="1"),
                    rx.button("Add", size="1", type="submit"),
                ),
                on_submit=D.add_tag,
                reset_on_submit=True,
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )


def _profile_value(item: rx.Var) -> rx.Component:
    return rx.cond(
        item["href"] != "",
        rx.link(item["value"], href=item["href"], is_external=True, size="2"),
        rx.text(rx.cond(item["value"] != "", item["value"], "—"), size="2"),
    )


def profile_card() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Company profile", weight="bold"),
            rx.grid(
                rx.foreach(
                    D.lead.profile,
                    lambda item: rx.vstack(
                        rx.text(item["label"], size="1", color=rx.color("gray", 10)),
                        _profile_value(item),
                        spacing="0",
                        min_width="0",
                    ),
                ),
                columns=rx.breakpoints(initial="2", md="3"),
                spacing="3",
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
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
                                    f["key"], size="1", color=rx.color("gray", 10), width="160px"
                                ),
                                rx.text(f["value"], size="1"),
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
                rx.button("Add", size="1", variant="soft", on_click=D.open_dialog("task")),
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
                            t["priority"],
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
                        rx.link(d["name"], href="/pipeline?deal=" + d["id"], size="2"),
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
                rx.text(item["title"], weight="medium", size="2"),
                rx.spacer(),
                rx.text(item["when"], size="1", color=rx.color("gray", 10)),
                width="100%",
            ),
            rx.cond(
                item["details"] != "",
                rx.text(item["details"], size="1", color=rx.color("gray", 10)),
            ),
            rx.cond(item["body"] != "", rx.text(item["body"], size="2", white_space="pre-wrap")),
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
