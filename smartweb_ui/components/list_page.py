"""The frame every record list shares (proposals, contracts, products): the filters row, the
rows as a table from tablet width up and as a card per row at phone width, the pager, and the
loading and empty states. A page names its columns once; both layouts come from them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import reflex as rx

from .common import empty_state, skeleton_list

SELECT_STYLE = {
    "padding": "6px 8px",
    "border_radius": "6px",
    "border": f"1px solid {rx.color('gray', 7)}",
    "background": rx.color("gray", 1),
    "color": rx.color("gray", 12),
}

TABLE_ONLY = ["none", "none", "block"]  # the table from tablet width up ...
CARDS_ONLY = ["flex", "flex", "none"]  # ... a card per row below it


@dataclass(frozen=True)
class Column:
    """One column: its head and how a row's value is shown (the same in table and card)."""

    head: str
    cell: Callable[[rx.Var], Any]
    right: bool = False  # numbers and money
    nowrap: bool = False
    title: bool = False  # the card's first line (the record's name)


def status_badge(status: rx.Var, label: rx.Var, colors: dict[str, str]) -> rx.Component:
    return rx.badge(
        label,
        color_scheme=rx.match(status, *colors.items(), "gray"),  # type: ignore[arg-type]
        variant="soft",
    )


def select(options: Any, value: rx.Var, on_change: Any, label: str) -> rx.Component:
    """A native select for a filter (fast with the keyboard, no portal)."""
    return rx.el.select(
        *options, value=value, on_change=on_change, style=SELECT_STYLE, aria_label=label
    )


def filters_row(*controls: rx.Component) -> rx.Component:
    return rx.hstack(*controls, wrap="wrap", spacing="3", align="center", width="100%")


RowFn = Callable[[rx.Var], Any]


@dataclass(frozen=True)
class _Spec:
    """What both layouts of one list are made of (see ``data_list``)."""

    rows: rx.Var
    columns: Sequence[Column]
    key: str
    href: RowFn | None
    dim: RowFn | None
    row_id: RowFn
    variant: str

    def row_props(self, row: rx.Var, name: str) -> dict[str, Any]:
        props: dict[str, Any] = {f"data_{self.key}_{name}": self.row_id(row)}
        if self.href is not None:
            props |= {
                "on_click": rx.redirect(self.href(row)),
                "cursor": "pointer",
                "_hover": {"background": rx.color("gray", 3)},
            }
        if self.dim is not None:
            props["opacity"] = rx.cond(self.dim(row), "0.6", "1")
        return props


def _table(spec: _Spec) -> rx.Component:
    def row(r: rx.Var) -> rx.Component:
        cells = [
            rx.table.cell(
                c.cell(r),
                text_align="right" if c.right else "left",
                white_space="nowrap" if c.nowrap else "normal",
            )
            for c in spec.columns
        ]
        return rx.table.row(*cells, **spec.row_props(r, "id"))

    heads = [
        rx.table.column_header_cell(c.head, text_align="right" if c.right else "left")
        for c in spec.columns
    ]
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*heads)),
            rx.table.body(rx.foreach(spec.rows, row)),
            variant=spec.variant,
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
        display=TABLE_ONLY,
    )


def _cards(spec: _Spec) -> rx.Component:
    titles = [c for c in spec.columns if c.title] or list(spec.columns[:1])
    rest = [c for c in spec.columns if c not in titles]

    def field(c: Column, r: rx.Var) -> rx.Component:
        return rx.vstack(
            rx.text(c.head, size="1", color=rx.color("gray", 10)) if c.head else None,
            rx.box(c.cell(r), font_size="14px", overflow_wrap="anywhere"),
            spacing="0",
            min_width="0",
            width="auto" if c.head else "100%",  # actions: a line of their own
        )

    def card(r: rx.Var) -> rx.Component:
        return rx.card(
            rx.vstack(
                *[
                    rx.box(c.cell(r), font_weight="500", overflow_wrap="anywhere", width="100%")
                    for c in titles
                ],
                rx.flex(*[field(c, r) for c in rest], wrap="wrap", gap="8px 16px", width="100%"),
                spacing="2",
                width="100%",
                min_width="0",
            ),
            width="100%",
            **spec.row_props(r, "card"),
        )

    return rx.vstack(rx.foreach(spec.rows, card), spacing="2", width="100%", display=CARDS_ONLY)


def data_list(
    rows: rx.Var,
    columns: Sequence[Column],
    *,
    key: str,
    href: RowFn | None = None,
    dim: RowFn | None = None,
    row_id: RowFn = lambda r: r["id"],
    variant: str = "surface",
) -> rx.Component:
    """The rows as a table (tablet and up) and as cards (phone). ``key`` names the row's data
    attribute (``data-<key>-id`` on table rows, ``data-<key>-card`` on cards, valued
    ``row_id(row)``); ``href`` makes a whole row open its record; ``dim`` fades rows (archived
    ones); ``variant``: the table's ("ghost" inside a card)."""
    spec = _Spec(rows, columns, key, href, dim, row_id, variant)
    return rx.fragment(_table(spec), _cards(spec))


def href_to(prefix: str) -> RowFn:
    """A row's address: ``prefix`` + its id ("/proposals/" -> "/proposals/<id>")."""
    return lambda row: prefix + row["id"].to(str)


def number_column(href: RowFn) -> Column:
    """A record's number, linking to it, heading its card."""
    return Column(
        "Number",
        lambda r: rx.link(r["number"], href=href(r), weight="medium"),
        nowrap=True,
        title=True,
    )


def pager(state: Any, noun: str) -> rx.Component:
    """ "N <noun> · page P of Q" with Previous / Next, for a state with ``total_rows``, ``page``,
    ``pages`` and ``go_to_page``."""
    return rx.hstack(
        rx.text(
            state.total_rows,
            f" {noun} · page ",
            state.page,
            " of ",
            state.pages,
            size="2",
            color=rx.color("gray", 10),
        ),
        rx.spacer(),
        rx.button(
            rx.icon("chevron-left", size=14),
            "Previous",
            size="1",
            variant="soft",
            disabled=state.page <= 1,
            on_click=state.go_to_page(state.page - 1),
        ),
        rx.button(
            "Next",
            rx.icon("chevron-right", size=14),
            size="1",
            variant="soft",
            disabled=state.page >= state.pages,
            on_click=state.go_to_page(state.page + 1),
            id="next-page",
        ),
        width="100%",
        align="center",
        wrap="wrap",
    )


def list_body(
    loading: rx.Var, rows: rx.Var, body: rx.Component, empty: tuple[str, str]
) -> rx.Component:
    """The skeleton while the first page loads, then the rows or the empty state."""
    return rx.cond(
        loading,
        skeleton_list(6),
        rx.cond(rows.length() > 0, body, empty_state(*empty)),
    )
