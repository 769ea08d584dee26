"""The Today page's panels: my tasks, my leads to contact, my open deals; a manager's team;
an executive's revenue summary."""

from __future__ import annotations

import reflex as rx

from ...state.auth import AuthState
from ...state.today import TodayState
from .. import list_page as lp
from ..common import empty_state, section_card, skeleton_cards, stat_card
from ..shell import page_header


def _task_row(task: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.tooltip(
            rx.icon_button(
                rx.icon(rx.cond(task.overdue, "alarm-clock", "circle"), size=16),
                variant="ghost",
                size="1",
                color_scheme=rx.cond(task.overdue, "red", "gray"),
                on_click=TodayState.complete_task(task["id"]),
                aria_label="Mark done: " + task["title"],
                _hover={"color": rx.color("green", 10)},
            ),
            content="Mark done",
        ),
        rx.vstack(
            rx.text(task["title"], size="2", weight="medium"),
            rx.cond(
                task["lead_id"] != "",
                rx.link(task["company"], href="/leads/" + task["lead_id"], size="1"),
                rx.text(task["company"], size="1", color=rx.color("gray", 10)),
            ),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        rx.badge(
            task["due"],
            color_scheme=rx.cond(task.overdue, "red", "gray"),
            variant="soft",
        ),
        width="100%",
        align="center",
        padding_y="8px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_task_id=task["id"],
    )


def _lead_row(lead: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.link(lead["company"], href="/leads/" + lead["id"], size="2", weight="medium"),
            rx.text(lead["city"], " · ", lead["phone"], size="1", color=rx.color("gray", 10)),
            spacing="0",
            flex="1",
            min_width="0",
        ),
        rx.tooltip(rx.badge("Score ", lead["score"], variant="outline"), content="Lead score"),
        rx.cond(
            lead["sla"] != "",
            rx.badge(
                rx.cond(lead.sla_overdue, "SLA overdue", "Contact by " + lead["sla"]),
                color_scheme=rx.cond(lead.sla_overdue, "red", "amber"),
                variant="soft",
            ),
        ),
        width="100%",
        align="center",
        padding_y="8px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_lead_id=lead["id"],
    )


DEAL_COLUMNS = [
    lp.Column(
        "Deal",
        lambda deal: rx.vstack(
            rx.link(deal["name"], href="/pipeline?deal=" + deal["id"], weight="medium", size="2"),
            rx.text(deal["company"], size="1", color=rx.color("gray", 10)),
            spacing="0",
        ),
        title=True,
    ),
    lp.Column("Stage", lambda deal: rx.badge(deal["stage"], variant="soft")),
    lp.Column("Value", lambda deal: deal["value"], right=True, nowrap=True),
    lp.Column(
        "Weighted",
        lambda deal: rx.fragment(
            rx.text(deal["weighted"], weight="medium"),
            rx.text(deal["probability"], size="1", color=rx.color("gray", 10)),
        ),
        right=True,
    ),
    lp.Column(
        "Expected close",
        lambda deal: rx.text(
            deal["close"], color=rx.cond(deal.close_overdue, rx.color("red", 10), "inherit")
        ),
    ),
]


def _approval_row(req: rx.Var) -> rx.Component:
    rid = req["id"].to(str)
    return rx.vstack(
        rx.hstack(
            rx.link(req["number"], href="/proposals/" + req["proposal_id"].to(str),
                    weight="medium", size="2"),
            rx.text(req["title"], size="2", flex="1", trim="both"),
            rx.badge(req["discount"], " off", color_scheme="amber", variant="soft"),
            rx.text(req["total"], size="2", weight="medium", white_space="nowrap"),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.text(
            req["deal"], " · asked by ", req["requested_by"], " ", req["requested_at"],
            rx.cond(req["comment"] != "", rx.text.span(" — “", req["comment"], "”")),
            size="1", color=rx.color("gray", 10),
        ),
        rx.hstack(
            rx.input(placeholder="Comment (needed to decline)", max_length=1000, size="1",
                     flex="1", on_blur=lambda v: TodayState.set_approval_note(rid, v),
                     aria_label="Comment"),
            rx.button("Approve", size="1", color_scheme="green",
                      on_click=TodayState.decide_approval(rid, True), data_testid="approve"),
            rx.button("Decline", size="1", variant="soft", color_scheme="red",
                      on_click=TodayState.decide_approval(rid, False), data_testid="decline"),
            width="100%",
            align="center",
        ),
        spacing="1",
        width="100%",
        padding_y="10px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_approval_id=rid,
    )  # fmt: skip


def _approvals() -> rx.Component:
    return rx.cond(
        TodayState.approvals.length() > 0,
        section_card(
            "Discounts waiting for your approval",
            TodayState.approvals.length().to_string(),
            rx.vstack(rx.foreach(TodayState.approvals, _approval_row), spacing="0", width="100%"),
        ),
    )


def _deals_table() -> rx.Component:
    return rx.cond(
        TodayState.deals.length() > 0,
        rx.box(
            lp.data_list(TodayState.deals, DEAL_COLUMNS, key="deal", variant="ghost"), width="100%"
        ),
        rx.cond(
            TodayState.can_convert,
            empty_state("No open deals. Convert a qualified lead to start one.", "briefcase"),
            empty_state("No open deals of yours.", "briefcase"),
        ),
    )


def _count(value: rx.Var, tone: str) -> rx.Component:
    return rx.cond(
        value > 0,
        rx.text(value, weight="bold", color=rx.color(tone, 11)),
        rx.text("0", color=rx.color("gray", 9)),
    )


TEAM_COLUMNS = [
    lp.Column("Rep", lambda line: rx.text(line["name"], weight="medium"), nowrap=True, title=True),
    lp.Column(
        "Overdue tasks", lambda line: _count(line["overdue_tasks"].to(int), "red"), right=True
    ),
    lp.Column(
        "Not contacted", lambda line: _count(line["uncontacted_leads"].to(int), "amber"), right=True
    ),
    lp.Column("Stuck deals", lambda line: _count(line["stuck_deals"].to(int), "red"), right=True),
    lp.Column("Open deals", lambda line: line["open_deals"], right=True),
]


def _stuck_row(deal: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.vstack(
            rx.link(deal["name"], href="/pipeline?deal=" + deal["id"], size="2", weight="medium"),
            rx.text(
                deal["owner"], " · ", deal["stage"], " · ", deal["value"],
                size="1", color=rx.color("gray", 10),
            ),
            spacing="0", flex="1", min_width="0",
        ),
        rx.badge(deal["days"].to_string() + " d in stage", color_scheme="red", variant="soft"),
        width="100%", align="center", padding_y="8px",
        border_bottom=f"1px solid {rx.color('gray', 4)}",
        data_stuck_deal_id=deal["id"],
    )  # fmt: skip


def team_panel() -> rx.Component:
    """A manager's team: per rep what needs a nudge, and the deals that stopped moving."""
    return rx.grid(
        section_card(
            "My team",
            TodayState.team.length().to_string(),
            rx.cond(
                TodayState.team.length() > 0,
                lp.data_list(
                    TodayState.team,
                    TEAM_COLUMNS,
                    key="rep",
                    row_id=lambda line: line["user_id"],
                    variant="ghost",
                ),
                empty_state("Nobody on the team holds leads or deals yet.", "users"),
            ),
            href="/leads",
        ),
        section_card(
            "Stuck deals",
            TodayState.stuck.length().to_string(),
            rx.cond(
                TodayState.stuck.length() > 0,
                rx.vstack(rx.foreach(TodayState.stuck, _stuck_row), spacing="0", width="100%"),
                empty_state("No deal is past its stage's rotting time.", "circle-check"),
            ),
            href="/pipeline",
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="4",
        width="100%",
        id="today-team",
    )


def _revenue_card(line: rx.Var) -> rx.Component:
    return rx.link(
        rx.card(
            rx.vstack(
                rx.text(line["label"], size="2", color=rx.color("gray", 10)),
                rx.text(line["value"], size="6", weight="bold", line_height="1.1"),
                rx.text(line["note"], size="1", color=rx.color("gray", 11)),
                spacing="1",
            ),
            width="100%",
            _hover={"background": rx.color("gray", 3)},
        ),
        href=line["href"],
        underline="none",
        color="inherit",
        flex="1",
        min_width=["100%", "220px"],
    )


def revenue_panel() -> rx.Component:
    """An executive's Today: the revenue in three numbers, each opening the dashboard."""
    return rx.vstack(
        rx.flex(
            rx.foreach(TodayState.revenue, _revenue_card), gap="16px", wrap="wrap", width="100%"
        ),
        rx.link(
            rx.hstack(
                rx.text("Open the revenue dashboard"), rx.icon("arrow-right", size=14), spacing="1"
            ),
            href="/dashboard",
            size="2",
        ),
        spacing="3",
        width="100%",
        id="today-revenue",
    )


def _my_work() -> rx.Component:
    """What the signed-in person has now: stat cards, tasks, leads to contact, open deals."""
    return rx.vstack(
        rx.flex(
            stat_card("Open tasks", TodayState.open_tasks.to_string(), "list-todo"),
            stat_card("Overdue", TodayState.overdue_tasks.to_string(), "alarm-clock", "red"),
            stat_card(
                "Leads to contact", TodayState.uncontacted_leads.to_string(), "phone-call", "amber"
            ),
            stat_card("My weighted pipeline", TodayState.weighted_value, "trending-up", "green"),
            gap="16px",
            wrap="wrap",
            width="100%",
        ),
        rx.grid(
            section_card(
                "My open tasks",
                TodayState.open_tasks.to_string(),
                rx.cond(
                    TodayState.tasks.length() > 0,
                    rx.vstack(rx.foreach(TodayState.tasks, _task_row), spacing="0", width="100%"),
                    empty_state("Nothing due. Enjoy the calm.", "circle-check"),
                ),
            ),
            section_card(
                "Leads not yet contacted",
                TodayState.uncontacted_leads.to_string(),
                rx.cond(
                    TodayState.leads.length() > 0,
                    rx.vstack(rx.foreach(TodayState.leads, _lead_row), spacing="0", width="100%"),
                    empty_state("Every lead assigned to you has been contacted.", "inbox"),
                ),
            ),
            columns=rx.breakpoints(initial="1", md="2"),
            spacing="4",
            width="100%",
        ),
        section_card(
            "My open deals",
            TodayState.open_deals.to_string(),
            rx.vstack(
                rx.text(
                    "Pipeline ",
                    rx.text.strong(TodayState.pipeline_value),
                    " · weighted ",
                    rx.text.strong(TodayState.weighted_value),
                    size="2",
                    color=rx.color("gray", 11),
                ),
                _deals_table(),
                width="100%",
            ),
        ),
        spacing="5",
        width="100%",
    )


def today_content() -> rx.Component:
    """Per role: a manager's team first, an executive's revenue summary, everyone's own work
    (an executive sees theirs only when they have any)."""
    has_own = (
        (TodayState.open_tasks > 0)
        | (TodayState.open_deals > 0)
        | (TodayState.uncontacted_leads > 0)
    )
    return rx.vstack(
        page_header("Today", "Welcome back, " + AuthState.user_name),
        rx.cond(
            TodayState.loading,
            rx.vstack(
                skeleton_cards(4, "96px"), skeleton_cards(2, "240px"), spacing="5", width="100%"
            ),
            rx.vstack(
                rx.cond(TodayState.revenue.length() > 0, revenue_panel()),
                _approvals(),
                rx.cond(TodayState.lens == "team", team_panel()),
                rx.cond((TodayState.lens != "revenue") | has_own, _my_work()),
                spacing="5",
                width="100%",
            ),
        ),
        width="100%",
        max_width="1200px",
        on_unmount=TodayState.stop_watch,
    )
