"""Pipeline board state: the board, drops (with the Won/Lost dialog), filters in the URL, live updates.

The browser only ever sends ids and a drop index; the expected version of a dragged deal is
taken from what this state sent to that browser, and every id is re-checked by the services.
The deal drawer (``pipeline_deal``) keeps its own ``?deal=`` in the URL; this state keeps the
pipeline and the filters there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

import reflex as rx
from pydantic import BeforeValidator

from ..services import pipeline as deals
from ..services.core.errors import DomainError, Invalid
from ..services.core.inputs import (
    Choices,
    Flag,
    Form,
    Id,
    Index,
    Line,
    OptionalDay,
    OptionalMoney,
    Search,
    TextRule,
)
from ..services.core.results import Option
from ..services.core.security import Actor
from ..services.pipeline import Board, BoardFilters, Column
from . import door
from .door import Events
from .navigation import replace_url

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
RECHECK_TICKS = 60  # the session is re-checked once a minute
OwnerChoice = Annotated[str, BeforeValidator(Choices(["all", "me"]))] | Id


class BoardFilterForm(Form):
    """The filter bar (text, dates and amounts apply on Enter / Apply)."""

    q: Search = ""
    close_from: OptionalDay = None
    close_to: OptionalDay = None
    value_min: OptionalMoney = None
    value_max: OptionalMoney = None


class CloseForm(Form):
    """The Won dialog (close date, final value) or the Lost dialog (reason, note, competitor)."""

    close_date: OptionalDay = None
    final_value: OptionalMoney = None
    reason: Line = ""
    reason_note: Line = ""
    competitor: Annotated[str, BeforeValidator(TextRule(200))] = ""


def column_dict(column: Column) -> dict[str, Any]:
    """What the kanban component gets for one column (money as strings, never floats)."""
    out = asdict(column)
    out["total_value"] = f"{column.total_value:f}"
    out["weighted_value"] = f"{column.weighted_value:f}"
    out["collapsed"] = False
    return out


def _board_with_marker(
    session: Any,
    actor: Actor,
    pipeline_id: str | None,
    filters: BoardFilters,
    loaded: dict[str, int],
) -> tuple[Board, str]:
    """(board, change marker) — the marker is read first, so a change in between shows up later."""
    marker = deals.change_marker(session, actor)
    return deals.board(session, actor, pipeline_id, filters, loaded=loaded), marker


def _opening_board(
    session: Any, actor: Actor, wanted: str | None, deal_id: str, filters: BoardFilters
) -> tuple[Board, str, list[Option], list[str]]:
    """What /pipeline opens with, in one transaction: the board (the linked deal's pipeline,
    else the wanted one, else the remembered one), the owners, and notes for the user."""
    notes: list[str] = []
    if deal_id:  # a bad link: the drawer says so (it opens itself from the same link)
        with contextlib.suppress(DomainError):
            wanted = deals.deal_pipeline_id(session, actor, deal_id)
    try:
        board, marker = _board_with_marker(session, actor, wanted, filters, {})
    except DomainError:
        if wanted is None:
            raise
        notes.append("That pipeline does not exist here; showing your default.")
        board, marker = _board_with_marker(session, actor, None, filters, {})
    if not deal_id:  # a deal link shows its pipeline without making it the default
        deals.remember_pipeline(session, actor, board.pipeline_id)
    return board, marker, deals.list_owners(session, actor), notes


def _switch(
    session: Any, actor: Actor, pipeline_id: str, filters: BoardFilters
) -> tuple[Board, str]:
    deals.remember_pipeline(session, actor, pipeline_id)
    return _board_with_marker(session, actor, pipeline_id, filters, {})


class PipelineState(rx.State):
    """The /pipeline board."""

    loading: bool = True
    problem: str = ""
    pipeline_id: str = ""
    pipeline_name: str = ""
    pipelines: list[Option] = []
    columns: list[dict[str, Any]] = []
    revision: int = 0
    currency: str = "USD"
    closed_window_days: int = 90
    lost_reasons: list[str] = []
    owners: list[Option] = []
    # Won / Lost dialog for a pending drop
    closing: str = ""
    closing_deal: str = ""
    closing_value: str = ""
    closing_error: str = ""
    closing_reason: str = ""
    today: str = ""

    _filters: BoardFilters = BoardFilters()
    _pending: dict[str, Any] = {}
    _loaded: dict[str, int] = {}
    _live: int = 0
    _marker: str = ""

    # ------------------------------------------------------------------ what the bar shows
    @rx.var
    def filters(self) -> dict[str, str]:
        return self._filters.to_query()

    @rx.var
    def filters_active(self) -> bool:
        return self._filters.active

    @rx.var
    def owner_filter(self) -> str:
        return self._filters.owner

    @rx.var
    def lost_reason_options(self) -> list[str]:
        return [*self.lost_reasons, "Other"]

    # ------------------------------------------------------------------ loading
    def _apply(self, board: Board, marker: str) -> None:
        self.pipeline_id, self.pipeline_name = board.pipeline_id, board.pipeline_name
        self.pipelines = board.pipelines
        self.columns = [column_dict(c) for c in board.columns]
        self.currency = board.currency
        self.closed_window_days = board.closed_window_days
        self.lost_reasons = board.lost_reasons
        self._marker = marker
        self.problem = ""

    def _url(self) -> rx.event.EventSpec:
        return replace_url(
            "/pipeline",
            deals.board_params_for(self._filters, self.pipeline_id),
            keep=("deal",),
        )

    async def _reload(self) -> Events:
        board, marker = await door.run(
            self, _board_with_marker, self.pipeline_id or None, self._filters, dict(self._loaded)
        )
        self._apply(board, marker)
        return self._url()

    def _board_refused(self, exc: Exception) -> Events:
        self.problem, self.loading = getattr(exc, "message", str(exc)), False
        self.columns = []
        return None

    @door.event(on_refused="_board_refused")
    async def load(self) -> Events:
        """on_load: pipeline + filters from the URL, the board, then the live loop. With
        ``?deal=<id>`` (lead pages, Today): that deal's pipeline (the drawer opens itself)."""
        self.loading = True
        params = self.router.url.query_parameters
        self._filters, _ = BoardFilters.from_query(params)
        self._loaded, self._pending, self.closing = {}, {}, ""
        self.today = date.today().isoformat()
        deal_id = str(params.get("deal") or "").strip()[:64]
        board, marker, self.owners, notes = await door.run(
            self, _opening_board, params.get("pipeline") or None, deal_id, self._filters
        )
        self._apply(board, marker)
        self.loading = False
        self._live += 1
        return [*(rx.toast.error(n) for n in notes), self._url(), PipelineState.watch]

    @door.event
    async def refresh(self) -> Events:
        return await self._reload()

    @door.event
    async def switch_pipeline(self, pipeline_id: Id) -> Events:
        self._loaded = {}
        board, marker = await door.run(self, _switch, str(pipeline_id), self._filters)
        self._apply(board, marker)
        return self._url()

    @door.event
    async def load_more(self, stage_id: Id) -> Events:
        index = next((i for i, c in enumerate(self.columns) if c["id"] == str(stage_id)), None)
        if index is None:
            return None
        column = dict(self.columns[index])
        more = await door.run(
            self, deals.more_cards, self.pipeline_id, stage_id, self._filters,
            offset=len(column["cards"]),
        )  # fmt: skip
        known = {c["id"] for c in column["cards"]}
        column["cards"] = column["cards"] + [asdict(c) for c in more if c.id not in known]
        column["has_more"] = column["count"] > len(column["cards"])
        self._loaded[str(stage_id)] = len(column["cards"])
        self.columns = [*self.columns[:index], column, *self.columns[index + 1 :]]
        return None

    # ------------------------------------------------------------------ filters
    async def _set_filters(self, filters: BoardFilters) -> Events:
        self._filters, self._loaded = filters, {}
        return await self._reload()

    @door.event
    async def apply_filters(self, form: BoardFilterForm) -> Events:
        """Submit of the filter bar (text, dates, amounts); kept in the URL to share the view."""
        return await self._set_filters(self._filters.with_values(**form.model_dump()))

    @door.event
    async def set_owner_filter(self, owner: OwnerChoice) -> Events:
        return await self._set_filters(self._filters.with_values(owner=str(owner)))

    @door.event
    async def clear_filters(self) -> Events:
        return await self._set_filters(BoardFilters())

    # ------------------------------------------------------------------ drag and drop
    def _snap_back(self, exc: Exception) -> Events:
        """A refused drop: undo the optimistic move in the browser and reload the board."""
        if isinstance(exc, Invalid) and self.closing:
            self.closing_error = exc.message  # the Won/Lost dialog shows why and stays open
            return None
        self.revision += 1
        self._pending, self.closing, self.closing_error = {}, "", ""
        return PipelineState.refresh

    @door.event(on_refused="_snap_back")
    async def move_deal(self, deal_id: Id, to_stage_id: Id, position: Index) -> Events:
        """The board's on_move: a card was dropped (the browser already shows it there)."""
        deal, stage = str(deal_id), str(to_stage_id)
        source = next((c for c in self.columns if any(d["id"] == deal for d in c["cards"])), None)
        target = next((c for c in self.columns if c["id"] == stage), None)
        if source is None or target is None:
            raise Invalid("That deal or stage is no longer on this board.")
        card = next(d for d in source["cards"] if d["id"] == deal)
        others = [d["id"] for d in target["cards"] if d["id"] != deal]
        index = max(0, min(position, len(others)))
        self._pending = {
            "deal_id": deal,
            "to_stage_id": stage,
            "position": index,
            "version": int(card["version"]),
            "before": others[index] if index < len(others) else None,
            "after": others[index - 1] if index >= len(others) and others else None,
        }
        if source["id"] != target["id"] and (target["is_won"] or target["is_lost"]):
            self.closing = "won" if target["is_won"] else "lost"
            self.closing_deal, self.closing_value = card["name"], card.get("value", "")
            self.closing_error, self.closing_reason = "", ""
            self.today = date.today().isoformat()
            return None
        return await self._do_move()

    async def _do_move(self, **details: Any) -> Events:
        p = self._pending
        result = await door.run(
            self, deals.move_deal, p["deal_id"], p["to_stage_id"], p["position"], p["version"],
            before_deal_id=p["before"], after_deal_id=p["after"], **details,
        )  # fmt: skip
        self._pending, self.closing, self.closing_error = {}, "", ""
        reload = await self._reload()
        if result.status in ("won", "lost") and details:
            return [reload, rx.toast.success(f"Deal marked as {result.status}.")]
        return reload

    @door.event(on_refused="_snap_back")
    async def confirm_close(self, form: CloseForm) -> Events:
        """Submit of the Won/Lost dialog; the service refuses a close without its details."""
        if not self._pending or not self.closing:
            return None
        if self.closing == "won":
            return await self._do_move(close_date=form.close_date, final_value=form.final_value)
        reason, note = form.reason or self.closing_reason, form.reason_note
        if reason == "Other" or not reason:
            reason = note
        elif note:
            reason = f"{reason}: {note}"
        return await self._do_move(lost_reason=reason, competitor=form.competitor)

    @door.event
    async def set_closing_reason(self, reason: Line) -> Events:
        self.closing_reason = reason if reason in self.lost_reason_options else ""
        return None

    @door.event
    async def cancel_close(self) -> Events:
        """Cancelling the Won/Lost dialog puts the card back."""
        self.revision += 1
        self._pending, self.closing, self.closing_error = {}, "", ""
        return None

    @door.event
    async def closing_dialog_changed(self, is_open: Flag) -> Events:
        if not is_open and self.closing:
            return PipelineState.cancel_close
        return None

    # ------------------------------------------------------------------ live updates
    @door.event
    async def stop_watch(self) -> Events:
        """The board left the page: the live loop ends at its next tick."""
        self._live += 1
        return None

    @door.event(background=True)
    async def watch(self) -> Events:
        """Reload the board when this organization's deals change (DB marker, any worker).

        Reflex cancels a client's background tasks when its socket goes; the page's unmount
        (``stop_watch``) ends it when the user leaves the board, and a session that ended
        (sign-out, suspension) ends it at the next check.
        """
        async with self:
            generation = self._live
        ticks = 0
        while True:
            await asyncio.sleep(POLL_SECONDS)
            ticks += 1
            if ticks % RECHECK_TICKS == 0 and not await door.recheck(self):
                return None
            async with self:
                if self._live != generation:
                    return None
                marker, args = (
                    self._marker,
                    (self.pipeline_id or None, self._filters, dict(self._loaded)),
                )
            try:
                if await door.run(self, deals.change_marker) == marker:
                    continue
                board, new_marker = await door.run(self, _board_with_marker, *args)
            except DomainError:  # the pipeline went away, or the database: stop
                return None
            async with self:
                if self._live == generation and board.pipeline_id == self.pipeline_id:
                    self._apply(board, new_marker)
