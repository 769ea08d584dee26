"""Drag-and-drop pipeline kanban board.

Thin Reflex wrapper around the local React component in ``assets/kanban/KanbanBoard.jsx``
(built on @dnd-kit; its header documents every prop). Reflex copies ``assets/`` into
``.web/public/`` at compile time, so the module is imported from
``$/public/kanban/KanbanBoard.jsx``.

The board is drawn once from ``columns`` (for each ``rev``); after that it applies ``patches``
— a drop's answer, a column's next cards, a colleague's move — to the cards it keeps, so one
change costs a few KB whatever the size of the board.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventHandler, no_args_event_spec, passthrough_event_spec

DND_KIT = [
    "@dnd-kit/core@6.3.1",
    "@dnd-kit/sortable@10.0.0",
    "@dnd-kit/utilities@3.2.2",
]


class KanbanBoard(rx.Component):
    """React ``KanbanBoard`` (named export) from assets/kanban/KanbanBoard.jsx."""

    library: str | None = "$/public/kanban/KanbanBoard.jsx"
    tag: str | None = "KanbanBoard"
    lib_dependencies: list[str] = DND_KIT

    # The board as first drawn (stages with their first cards), and which board it is.
    columns: rx.Var[list[dict[str, Any]]]
    rev: rx.Var[int]
    # The last few changes since, applied in sequence order.
    patches: rx.Var[list[dict[str, Any]]]
    # The last "load more" answer ({rev, n, stage_id, cards}), applied once.
    appended: rx.Var[dict[str, Any]]
    # The viewer: which cards they may drag (the server re-checks every drop).
    me: rx.Var[str]
    can_manage: rx.Var[bool]
    can_move: rx.Var[bool]
    # ISO 4217 code / BCP 47 locale used for dates and optimistic totals.
    currency: rx.Var[str]
    locale: rx.Var[str]
    # Cards rendered per column before "show more" (default 50).
    page_size: rx.Var[int]

    # (deal_id, from_stage_id, to_stage_id, position, version, below_id, above_id)
    on_move: EventHandler[passthrough_event_spec(str, str, str, int, int, str, str)]
    # (deal_id) - fired on click / Enter on a card.
    on_open: EventHandler[passthrough_event_spec(str)]
    # (stage_id, offset) - a column whose `has_more` is true was scrolled to its end.
    on_load_more: EventHandler[passthrough_event_spec(str, int)]
    # patches were missed (a gap in their sequence): send the whole board again.
    on_stale: EventHandler[no_args_event_spec]


def kanban_board(**props: Any) -> rx.Component:
    """The pipeline board; see ``KanbanBoard`` for the props."""
    return KanbanBoard.create(**props)
