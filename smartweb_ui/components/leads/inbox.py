"""Pieces of the /leads inbox: views, filter bar, bulk bar, rows, pager."""

from __future__ import annotations

import reflex as rx

from ...state.leads import (
    BULK_STATUS_OPTIONS,
    SORT_OPTIONS,
    SOURCE_OPTIONS,
    STATUS_OPTIONS,
    TYPE_OPTIONS,
)
from ...state.leads import LeadInboxState as S
from ..common import label

STATUS_COLORS = {
    "new": "blue",
    "contacted": "amber",
    "qualified": "green",
    "converted": "grass",
    "unqualified": "gray",
    "lost": "red",
}


def status_badge(status: rx.Var) -> rx.Component:
    status = status.to(str)
    return rx.badge(
        label(status),
        color_scheme=rx.match(status, *[(k, v) for k, v in STATUS_COLORS.items()], "gray"),
        variant="soft",
    )


def score_badge(score: rx.Var) -> rx.Component:
    score = score.to(int)
    return rx.badge(
        score,
        color_scheme=rx.cond(score >= 70, "red", rx.cond(score >= 40, "amber", "gray")),
        variant=rx.cond(score >= 70, "solid", "soft"),
        min_width="34px",
        justify="center",
    )


def _view_item(view: rx.Var) -> rx.Component:
    active = S.active_view == view["key"]
    return rx.hstack(
        rx.text(
            view["name"],
            size="2",
            weight=rx.cond(active, "bold", "regular"),
            flex="1",
            truncate=True,
        ),
        rx.badge(
            view["count_label"],
            variant="soft",
            radius="full",
            color_scheme=rx.cond(active, "indigo", "gray"),
        ),
        rx.cond(
            view["builtin"],
            rx.fragment(),
            rx.icon_button(
                rx.icon("x", size=12),
                size="1",
                variant="ghost",
                color_scheme="gray",
                on_click=S.delete_view(view["key"]).stop_propagation,
                aria_label="Delete view",
            ),
        ),
        on_click=S.open_view(view["key"]),
        cursor="pointer",
        padding="6px 10px",
        border_radius="6px",
        background=rx.cond(active, rx.color("accent", 4), "transparent"),
        _hover={"background": rx.color("gray", 4)},
        width="100%",
        align="center",
        data_view=view["key"],
    )


def views_panel() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text("Views", size="1", weight="bold", color=rx.color("gray", 10)),
            rx.foreach(S.views, _view_item),
            rx.divider(),
            rx.form(
                rx.hstack(
                    rx.input(
                        placeholder="Save current as…",
                        value=S.view_name,
                        on_change=S.set_view_name,
                        size="1",
                        flex="1",
                    ),
                    rx.icon_button(
                        rx.icon("save", size=14), size="1", type="submit", aria_label="Save view"
                    ),
                    width="100%",
                ),
                on_submit=lambda _form: S.save_view(),
                reset_on_submit=False,
            ),
            spacing="1",
            width="100%",
        ),
        width=["100%", "100%", "210px"],
        min_width=["auto", "auto", "210px"],
    )


def _select(key: str, placeholder: str, options: list[str], value: rx.Var) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            placeholder=placeholder, min_width="120px", aria_label=placeholder, data_filter=key
        ),
        rx.select.content(
            rx.select.item(f"Any {placeholder.lower()}", value="any"),
            *[rx.select.item(label(o), value=o) for o in options],
        ),
        value=rx.cond(value == "", "any", value),
        on_change=lambda v: S.set_filter(key, v),
        size="2",
    )


def _text_filter(key: str, placeholder: str, value: rx.Var, width: str = "110px") -> rx.Component:
    return rx.input(
        placeholder=placeholder,
        value=value,
        on_change=lambda v: S.set_filter(key, v),
        debounce_timeout=400,
        width=width,
        aria_label=placeholder,
    )


def filter_bar() -> rx.Component:
    assignee = rx.select.root(
        rx.select.trigger(
            placeholder="Assignee", min_width="130px", aria_label="Assignee", data_filter="assignee"
        ),
        rx.select.content(
            rx.select.item("Anyone", value="any"),
            rx.select.item("Assigned to me", value="me"),
            rx.select.item("Unassigned", value="unassigned"),
            rx.foreach(S.people, lambda p: rx.select.item(p["name"], value=p["id"])),
        ),
        value=rx.cond(S.choices["assignee"] == "", "any", S.choices["assignee"]),
        on_change=lambda v: S.set_filter("assignee", v),
    )
    return rx.vstack(
        rx.hstack(
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                placeholder="Search leads",
                value=S.texts["search"],
                on_change=S.set_search,
                debounce_timeout=300,
                flex="1",
                min_width="220px",
                size="3",
                name="lead_search",
            ),
            rx.select.root(
                rx.select.trigger(placeholder="Sort"),
                rx.select.content(
                    *[rx.select.item(f"Sort: {label}", value=k) for k, label in SORT_OPTIONS]
                ),
                value=S.sort,
                on_change=S.set_sort,
                size="3",
            ),
            width="100%",
            wrap="wrap",
        ),
        rx.hstack(
            _select("status", "Status", STATUS_OPTIONS, S.choices["status"]),
            _select("source", "Source", SOURCE_OPTIONS, S.choices["source"]),
            assignee,
            _select("business_type", "Type", TYPE_OPTIONS, S.choices["business_type"]),
            _text_filter("tag", "Tag", S.texts["tag"]),
            _text_filter("city", "City", S.texts["city"]),
            _text_filter("state", "State", S.texts["state"], "70px"),
            _text_filter("score_min", "Score ≥", S.texts["score_min"], "80px"),
            _text_filter("score_max", "Score ≤", S.texts["score_max"], "80px"),
            rx.button("Clear", variant="ghost", on_click=S.clear_filters),
            wrap="wrap",
            spacing="2",
            width="100%",
        ),
        width="100%",
        spacing="2",
    )


def bulk_bar() -> rx.Component:
    can_do = S.abilities
    assign_menu = rx.cond(
        can_do.can_assign,
        rx.hstack(
            rx.select.root(
                rx.select.trigger(placeholder="Assign to…"),
                rx.select.content(
                    rx.select.item("Nobody (unassign)", value="nobody"),
                    rx.foreach(S.people, lambda p: rx.select.item(p["name"], value=p["id"])),
                ),
                value="",
                on_change=S.bulk_assign,
            ),
            rx.button(
                rx.icon("refresh-cw", size=14),
                "Round-robin",
                variant="soft",
                on_click=S.bulk_round_robin,
            ),
        ),
    )
    return rx.cond(
        S.selected.length() > 0,
        rx.hstack(
            rx.text(S.selected.length(), " selected", weight="bold", size="2"),
            assign_menu,
            rx.cond(
                can_do.can_tag,
                rx.hstack(
                    rx.input(
                        placeholder="Tag", value=S.bulk_tag, on_change=S.set_bulk_tag, width="110px"
                    ),
                    rx.button("Tag", variant="soft", on_click=S.bulk_tag_apply),
                ),
            ),
            rx.cond(can_do.can_status, _bulk_status()),
            wrap="wrap",
            align="center",
            padding="8px 12px",
            border_radius="8px",
            background=rx.color("accent", 3),
            width="100%",
        ),
    )


def _bulk_status() -> rx.Component:
    return rx.hstack(
        rx.select.root(
            rx.select.trigger(placeholder="Status…"),
            rx.select.content(*[rx.select.item(label(s), value=s) for s in BULK_STATUS_OPTIONS]),
            value=S.bulk_status,
            on_change=S.set_bulk_status,
        ),
        rx.cond(
            S.needs_reason,
            rx.input(
                placeholder="Reason (required)",
                value=S.bulk_reason,
                on_change=S.set_bulk_reason,
                width="170px",
            ),
        ),
        rx.button(
            "Set status",
            variant="soft",
            on_click=S.bulk_status_apply,
            disabled=S.bulk_status == "",
        ),
        wrap="wrap",
        align="center",
    )


GRID = "28px minmax(220px, 3fr) 96px 44px 132px minmax(90px, 1fr) 124px minmax(80px, 1fr)"
TABLE = ["none", "none", "grid"]  # the table from tablet width up ...
CARDS = ["flex", "flex", "none"]  # ... a card list below it


def _checkbox(row: rx.Var) -> rx.Component:
    """The row's checkbox: the one part of a row that does not open the lead."""
    return rx.box(
        rx.cond(
            S.abilities.can_select,
            rx.checkbox(
                checked=S.selected.contains(row["id"]),
                on_change=lambda _v: S.toggle_row(row["id"]),
                aria_label="Select lead",
            ),
        ),
        on_click=rx.stop_propagation,
        display="flex",
        min_width="16px",
        data_row_checkbox="1",
    )


def _tags(row: rx.Var) -> rx.Component:
    """The first tag, cut with an ellipsis, and "+N" for the rest; every tag in the tooltip."""
    tags = row["tags"].to(list[str])
    return rx.cond(
        tags.length() > 0,
        rx.hstack(
            rx.badge(
                tags[0],
                variant="outline",
                size="1",
                flex="0 1 auto",
                min_width="0",
                display="block",  # a block box: text-overflow shows its ellipsis
                overflow="hidden",
                text_overflow="ellipsis",
                white_space="nowrap",
            ),
            rx.cond(
                tags.length() > 1,
                rx.badge("+", tags.length() - 1, variant="soft", size="1", flex_shrink="0"),
            ),
            spacing="1",
            min_width="0",
            width="100%",
            overflow="hidden",
            title=tags.join(", "),
            data_lead_tags="1",
        ),
    )


def _sla(row: rx.Var) -> rx.Component:
    return rx.box(
        rx.cond(
            row["overdue"],
            rx.badge(
                rx.icon("alarm-clock", size=12), "Overdue", color_scheme="red", variant="solid"
            ),
            rx.cond(
                row["sla_due"] != "",
                rx.badge("Due ", row["sla_due"], color_scheme="amber", variant="soft"),
            ),
        ),
    )


def _row_style(row: rx.Var) -> dict:
    return {
        "border_bottom": f"1px solid {rx.color('gray', 4)}",
        "border_left": rx.cond(
            row["overdue"], f"3px solid {rx.color('red', 9)}", "3px solid transparent"
        ),
        "background": rx.cond(row["overdue"], rx.color("red", 2), "transparent"),
        "_hover": {"background": rx.color("gray", 3)},
        "cursor": "pointer",
        "width": "100%",
    }


def lead_row(row: rx.Var) -> rx.Component:
    """One lead; clicking anywhere on it (but its checkbox) opens it. A table row from tablet
    width, a card below; the table row carries data-lead-id and the company name comes first."""
    muted = {"size": "1", "color": rx.color("gray", 10), "truncate": True}
    open_lead = rx.redirect("/leads/" + row["id"].to(str))
    table_row = rx.box(
        _checkbox(row),
        rx.vstack(
            rx.link(
                rx.text(row["company_name"], weight="bold", size="2", truncate=True),
                href="/leads/" + row["id"].to(str),
                data_lead_link="1",
                underline="none",
                color=rx.color("gray", 12),
                max_width="100%",
            ),
            rx.text(row["location"], " · ", row["business_type"], " · ", row["phone"], **muted),
            spacing="0",
            min_width="0",
        ),
        rx.box(status_badge(row["status"]), data_lead_status=row["status"]),
        score_badge(row["score"]),
        _sla(row),
        rx.text(row["assignee"], size="1", truncate=True, data_lead_assignee=row["assignee_id"]),
        rx.text(row["last_contact"], **muted),
        _tags(row),
        display=TABLE,
        grid_template_columns=GRID,
        align_items="center",
        column_gap="12px",
        padding="9px 12px",
        _focus={
            "outline": f"2px solid {rx.color('accent', 8)}",
            "background": rx.color("accent", 3),
        },
        tab_index=0,
        on_click=open_lead,
        data_lead_id=row["id"],
        data_lead_row="1",
        **_row_style(row),
    )
    card = rx.hstack(
        _checkbox(row),
        rx.vstack(
            rx.hstack(
                rx.text(row["company_name"], weight="bold", size="2", truncate=True, flex="1"),
                score_badge(row["score"]),
                width="100%",
                align="center",
                min_width="0",
            ),
            rx.text(row["location"], " · ", row["business_type"], **muted, max_width="100%"),
            rx.hstack(
                status_badge(row["status"]),
                _sla(row),
                rx.text(row["assignee"], size="1", truncate=True, min_width="0"),
                spacing="2",
                align="center",
                wrap="wrap",
                max_width="100%",
            ),
            _tags(row),
            spacing="1",
            flex="1",
            min_width="0",
        ),
        display=CARDS,
        padding="10px 12px",
        align="start",
        on_click=open_lead,
        data_lead_card=row["id"],
        **_row_style(row),
    )
    return rx.fragment(table_row, card)


def list_header() -> rx.Component:
    return rx.box(
        rx.cond(
            S.abilities.can_select,
            rx.checkbox(
                checked=S.all_selected,
                on_change=lambda _v: S.toggle_page(),
                aria_label="Select page",
            ),
            rx.box(),
        ),
        *[
            rx.text(label, size="1", color=rx.color("gray", 10))
            for label in (
                "Company",
                "Status",
                "Score",
                "First contact",
                "Owner",
                "Last contact",
                "Tags",
            )
        ],
        display=TABLE,
        grid_template_columns=GRID,
        column_gap="12px",
        align_items="center",
        padding="8px 12px 8px 15px",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        width="100%",
    )


def pager() -> rx.Component:
    return rx.hstack(
        rx.text(S.range_label, size="2", color=rx.color("gray", 10)),
        rx.spacer(),
        rx.button(
            rx.icon("chevron-left", size=16),
            "Previous",
            variant="soft",
            on_click=S.prev_page,
            disabled=S.page_no <= 1,
        ),
        rx.text("Page ", S.page_no, size="2"),
        rx.button(
            "Next",
            rx.icon("chevron-right", size=16),
            variant="soft",
            on_click=S.next_page,
            disabled=~S.has_next,
        ),
        width="100%",
        align="center",
        padding_top="10px",
    )
