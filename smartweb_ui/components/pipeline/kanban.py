"""Drag-and-drop pipeline kanban board.

Thin Reflex wrapper around the local React component in
``assets/kanban/KanbanBoard.jsx`` (built on @dnd-kit). Reflex copies ``assets/``
into ``.web/public/`` at compile time, so the module is imported from
``$/public/kanban/KanbanBoard.jsx``.

Usage::

    kanban_board(
        columns=PipelineState.board_columns,  # Var[list[dict]]
        on_move=PipelineState.move_deal,      # (deal_id: str, to_stage_id: str, position: int)
        on_open=PipelineState.open_deal,      # (deal_id: str)
        on_load_more=PipelineState.load_more, # optional, (stage_id: str)
        revision=PipelineState.board_revision,  # optional int; bump to force a snap-back
    )
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.event import EventHandler, passthrough_event_spec

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

    # Columns (stages) with their cards; see module docstring of the JSX file.
    columns: rx.Var[list[dict[str, Any]]]
    # ISO 4217 code / BCP 47 locale used for dates and optimistic totals.
    currency: rx.Var[str]
    locale: rx.Var[str]
    # Bump to force the local (optimistic) copy to resync from `columns`.
    revision: rx.Var[int]
    # Cards rendered per column before lazy-loading more (default 50).
    page_size: rx.Var[int]

    # (deal_id, to_stage_id, position) - position is 0-based in the target column.
    on_move: EventHandler[passthrough_event_spec(str, str, int)]
    # (deal_id) - fired on click / Enter on a card.
    on_open: EventHandler[passthrough_event_spec(str)]
    # (stage_id) - fired when a column whose `has_more` is true is scrolled to the end.
    on_load_more: EventHandler[passthrough_event_spec(str)]


def kanban_board(
    columns: rx.Var[list[dict[str, Any]]] | list[dict[str, Any]],
    on_move: Any,
    on_open: Any,
    on_load_more: Any | None = None,
    currency: str | rx.Var[str] = "USD",
    locale: str | rx.Var[str] = "en-US",
    **props: Any,
) -> rx.Component:
    """Render the pipeline board.

    Args:
        columns: List of column dicts (stage + cards).
        on_move: Handler ``(deal_id: str, to_stage_id: str, position: int)``.
        on_open: Handler ``(deal_id: str)``.
        on_load_more: Optional handler ``(stage_id: str)``.
        currency: ISO currency code.
        locale: BCP 47 locale.
        **props: Extra props (``revision``, ``page_size``, ``id``, ``class_name``,
            ``style``/css props such as ``height``).

    Returns:
        The KanbanBoard component.
    """
    if on_load_more is not None:
        props["on_load_more"] = on_load_more
    return KanbanBoard.create(
        columns=columns,
        on_move=on_move,
        on_open=on_open,
        currency=currency,
        locale=locale,
        **props,
    )
