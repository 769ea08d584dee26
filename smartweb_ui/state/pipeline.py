"""Pipeline board state: the board, drops (with the Won/Lost dialog), filters in the URL, live updates.

The browser only ever sends ids and a drop index; the expected version of a dragged deal is
taken from what this state sent to that browser, and every id is re-checked by the services.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from dataclasses import asdict
from datetime import date
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from ..db import tenant_session
from ..services.core.errors import DomainError, Invalid
from ..services.core.security import Actor
from ..services.pipeline import board as board_service
from ..services.pipeline.board import Board, BoardFilters, Column
from ..services.pipeline.drawer import deal_pipeline_id
from ..services.pipeline.moves import move_deal
from .auth import current_actor

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
RECHECK_SESSION_SECONDS = 60.0
FILTER_KEYS = ("owner", "q", "close_from", "close_to", "value_min", "value_max")


def column_dict(column: Column) -> dict[str, Any]:
    """What the kanban component gets for one column (money as strings, never floats)."""
    out = asdict(column)
    out["total_value"] = f"{column.total_value:f}"
    out["weighted_value"] = f"{column.weighted_value:f}"
    out["collapsed"] = False
    return out


def build_board(
    actor: Actor, pipeline_id: str | None, filters: BoardFilters, loaded: dict[str, int]
) -> tuple[Board, str]:
    """(board, change marker) — the marker is read first, so a change in between shows up later."""
    with tenant_session(actor) as s:
        marker = board_service.change_marker(s, actor)
        return board_service.board(s, actor, pipeline_id, filters, loaded=loaded), marker


def events(*items: Any) -> list[Any]:
    """The non-empty events among ``items`` (a handler may not return None inside a list)."""
    return [item for item in items if item is not None]


_app: Any = None


def client_connected(token: str) -> bool:
    """Whether this worker still holds the browser's websocket.

    Reflex 0.10 also cancels a client's background tasks when it disconnects; this check keeps
    the loop honest should that change.
    """
    global _app
    try:
        if _app is None:
            from reflex.utils.prerequisites import get_app

            _app = get_app().app  # once: get_app() grows sys.path on every call
        namespace = _app.event_namespace
        return namespace is None or token in namespace.token_to_sid
    except Exception:  # noqa: BLE001 - never end the loop on an introspection problem
        return True


class PipelineState(rx.State):
    """The /pipeline board."""

    loading: bool = True
    problem: str = ""
    pipeline_id: str = ""
    pipeline_name: str = ""
    pipelines: list[dict[str, str]] = []
    columns: list[dict[str, Any]] = []
    revision: int = 0
    currency: str = "USD"
    closed_window_days: int = 90
    lost_reasons: list[str] = []
    owners: list[dict[str, str]] = []
    filters: dict[str, str] = {}
    # Won / Lost dialog for a pending drop
    closing: str = ""
    closing_deal: str = ""
    closing_value: str = ""
    closing_error: str = ""
    closing_reason: str = ""
    today: str = ""

    _pending: dict[str, Any] = {}
    _loaded: dict[str, int] = {}
    _live: int = 0
    _marker: str = ""
    _deal: str = ""  # the deal open in the drawer: kept in the URL (?deal=) while it is open

    @rx.var
    def filters_active(self) -> bool:
        return any(self.filters.get(k) for k in FILTER_KEYS)

    @rx.var
    def lost_reason_options(self) -> list[str]:
        return [*self.lost_reasons, "Other"]

    @rx.var
    def owner_filter(self) -> str:
        return self.filters.get("owner") or "all"

    # ------------------------------------------------------------------ loading
    def _filters(self) -> BoardFilters:
        return BoardFilters.from_params(self.filters)

    def _apply(self, board: Board, marker: str) -> None:
        self.pipeline_id, self.pipeline_name = board.pipeline_id, board.pipeline_name
        self.pipelines = board.pipelines
        self.columns = [column_dict(c) for c in board.columns]
        self.currency = board.currency
        self.closed_window_days = board.closed_window_days
        self.lost_reasons = board.lost_reasons
        self._marker = marker
        self.problem = ""

    def _reload(self, actor: Actor, pipeline_id: str | None = None) -> rx.event.EventSpec | None:
        try:
            board, marker = build_board(
                actor, pipeline_id or self.pipeline_id or None, self._filters(), self._loaded
            )
        except DomainError as exc:
            self.problem = exc.message
            self.columns = []
            return rx.toast.error(exc.message)
        self._apply(board, marker)
        return None

    def _url_script(self) -> rx.event.EventSpec:
        params = board_service.board_params_for(self._filters(), self.pipeline_id)
        query = urlencode({**params, "deal": self._deal} if self._deal else params)
        url = json.dumps(f"/pipeline?{query}")
        return rx.call_script(  # not once the browser has moved on to another page
            "if (window.location.pathname.replace(/\\/$/, '') === '/pipeline') "
            f"window.history.replaceState(window.history.state, '', {url})"
        )

    def _focus_deal(self, deal_id: str) -> rx.event.EventSpec:
        """The drawer shows ``deal_id`` ("" = closed): kept in the URL so the view is a link."""
        self._deal = deal_id
        return self._url_script()

    @rx.event
    async def load(self):  # type: ignore[no-untyped-def]
        """on_load: pipeline + filters from the URL, the board, then the live loop. With
        ``?deal=<id>`` (lead pages, Today): that deal's pipeline, then its drawer."""
        from .pipeline_deal import DealDrawerState  # that module imports this one

        actor = await current_actor(self)
        if actor is None:
            return None
        self.loading = True
        params = dict(self.router.url.query_parameters)
        self.filters = BoardFilters.from_params(params).to_params()
        self._loaded, self._pending, self.closing, self._deal = {}, {}, "", ""
        self.today = date.today().isoformat()
        (await self.get_state(DealDrawerState)).is_open = False  # left open on another visit
        wanted = params.get("pipeline") or None
        notes: list[Any] = []
        if deal_id := str(params.get("deal") or "").strip()[:64]:
            try:
                with tenant_session(actor) as s:
                    wanted = deal_pipeline_id(s, actor, deal_id)
                self._deal = deal_id
            except DomainError as exc:
                notes.append(rx.toast.error(exc.message))
        try:
            board, marker = build_board(actor, wanted, self._filters(), {})
        except DomainError as exc:
            if wanted is None:
                self.problem, self.loading = exc.message, False
                return rx.toast.error(exc.message)
            board, marker = build_board(actor, None, self._filters(), {})
            notes.append(rx.toast.error("That pipeline does not exist here; showing your default."))
        self._apply(board, marker)
        with tenant_session(actor) as s:
            self.owners = board_service.list_owners(s, actor)
            if not self._deal:  # a deal link shows its pipeline without making it the default
                board_service.remember_pipeline(s, actor, self.pipeline_id)
        self.loading = False
        self._live += 1
        drawer = [DealDrawerState.show(self._deal)] if self._deal else []
        return [*notes, self._url_script(), PipelineState.watch, *drawer]

    @rx.event
    async def refresh(self):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        return self._reload(actor)

    @rx.event
    async def switch_pipeline(self, pipeline_id: str):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        try:
            with tenant_session(actor) as s:
                board_service.remember_pipeline(s, actor, pipeline_id)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self._loaded = {}
        return events(self._reload(actor, pipeline_id), self._url_script())

    @rx.event
    async def load_more(self, stage_id: str):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        index = next((i for i, c in enumerate(self.columns) if c["id"] == stage_id), None)
        if index is None:
            return None
        column = dict(self.columns[index])
        try:
            with tenant_session(actor) as s:
                more = board_service.more_cards(
                    s,
                    actor,
                    self.pipeline_id,
                    stage_id,
                    self._filters(),
                    offset=len(column["cards"]),
                )
        except DomainError as exc:
            return rx.toast.error(exc.message)
        known = {c["id"] for c in column["cards"]}
        column["cards"] = column["cards"] + [asdict(c) for c in more if c.id not in known]
        column["has_more"] = column["count"] > len(column["cards"])
        self._loaded[stage_id] = len(column["cards"])
        self.columns = [*self.columns[:index], column, *self.columns[index + 1 :]]
        return None

    # ------------------------------------------------------------------ filters
    async def _set_filters(self, updates: dict[str, Any], *, reset: bool = False) -> Any:
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        base = {} if reset else dict(self.filters)
        merged = {**base, **{k: str(v) for k, v in updates.items() if k in FILTER_KEYS}}
        self.filters = BoardFilters.from_params(merged).to_params()
        self._loaded = {}
        return events(self._reload(actor), self._url_script())

    @rx.event
    async def apply_filters(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Submit of the filter bar (text, dates, amounts); kept in the URL to share the view."""
        return await self._set_filters(form_data)

    @rx.event
    async def set_owner_filter(self, owner: str):  # type: ignore[no-untyped-def]
        return await self._set_filters({"owner": owner})

    @rx.event
    async def clear_filters(self):  # type: ignore[no-untyped-def]
        return await self._set_filters({}, reset=True)

    # ------------------------------------------------------------------ drag and drop
    def _snap_back(self, actor: Actor, message: str) -> list[Any]:
        """Undo the optimistic move in the browser and say why."""
        self.revision += 1
        self._pending, self.closing, self.closing_error = {}, "", ""
        return events(self._reload(actor), rx.toast.error(message))

    @rx.event
    async def move(self, deal_id: str, to_stage_id: str, position: int):  # type: ignore[no-untyped-def]
        """The board's on_move: a card was dropped (the browser already shows it there)."""
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        source = next(
            (c for c in self.columns if any(d["id"] == deal_id for d in c["cards"])), None
        )
        target = next((c for c in self.columns if c["id"] == to_stage_id), None)
        if source is None or target is None:
            return self._snap_back(actor, "That deal or stage is no longer on this board.")
        card = next(d for d in source["cards"] if d["id"] == deal_id)
        others = [d["id"] for d in target["cards"] if d["id"] != deal_id]
        index = max(0, min(int(position), len(others)))
        self._pending = {
            "deal_id": deal_id,
            "to_stage_id": to_stage_id,
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
        return self._do_move(actor)

    def _do_move(self, actor: Actor, **details: Any) -> Any:
        p = self._pending
        try:
            with tenant_session(actor) as s:
                result = move_deal(
                    s, actor, p["deal_id"], p["to_stage_id"], p["position"], p["version"],
                    before_deal_id=p["before"], after_deal_id=p["after"], **details,
                )  # fmt: skip
        except Invalid as exc:
            if self.closing:
                self.closing_error = exc.message
                return None
            return self._snap_back(actor, exc.message)
        except DomainError as exc:
            return self._snap_back(actor, exc.message)
        self._pending, self.closing, self.closing_error = {}, "", ""
        reload = self._reload(actor)
        if result.status in ("won", "lost") and details:
            return events(reload, rx.toast.success(f"Deal marked as {result.status}."))
        return reload

    @rx.event
    async def confirm_close(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        """Submit of the Won/Lost dialog."""
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        if not self._pending or not self.closing:
            return None
        if self.closing == "won":
            try:
                closed = date.fromisoformat(str(form_data.get("close_date") or ""))
            except ValueError:
                self.closing_error = "Pick the actual close date."
                return None
            return self._do_move(actor, close_date=closed, final_value=form_data.get("final_value"))
        reason = self.closing_reason
        note = str(form_data.get("reason_note") or "").strip()
        if reason == "Other" or not reason:
            reason = note
        elif note:
            reason = f"{reason}: {note}"
        return self._do_move(actor, lost_reason=reason, competitor=form_data.get("competitor"))

    @rx.event
    def set_closing_reason(self, reason: str) -> None:
        self.closing_reason = reason

    @rx.event
    async def cancel_close(self):  # type: ignore[no-untyped-def]
        """Cancelling the Won/Lost dialog puts the card back."""
        self.revision += 1
        self._pending, self.closing, self.closing_error = {}, "", ""

    @rx.event
    def closing_dialog_changed(self, is_open: bool):  # type: ignore[no-untyped-def]
        if not is_open and self.closing:
            return PipelineState.cancel_close
        return None

    # ------------------------------------------------------------------ live updates
    @rx.event
    def stop_watch(self) -> None:
        """The board left the page: the live loop ends at its next tick."""
        self._live += 1

    @rx.event(background=True)
    async def watch(self):  # type: ignore[no-untyped-def]
        """Reload the board when this organization's deals change (DB marker, any worker)."""
        async with self:
            generation = self._live
            token = self.router.session.client_token
            actor = await current_actor(self)
        checked = time.monotonic()
        while actor is not None:
            await asyncio.sleep(POLL_SECONDS)
            async with self:
                left = self._live != generation
            if left or not client_connected(token):
                log.debug("pipeline live loop ended (%s)", "page left" if left else "disconnected")
                return
            if time.monotonic() - checked > RECHECK_SESSION_SECONDS:
                async with self:
                    actor = await current_actor(self)
                checked = time.monotonic()
                if actor is None:
                    return
            try:
                marker = await asyncio.to_thread(self._read_marker, actor)
                async with self:
                    if self._live != generation or marker == self._marker:
                        continue
                    args = (self.pipeline_id or None, self._filters(), dict(self._loaded))
                board, marker = await asyncio.to_thread(build_board, actor, *args)
                async with self:
                    if self._live == generation and board.pipeline_id == self.pipeline_id:
                        self._apply(board, marker)
            except Exception:  # a failed tick is retried, never fatal
                log.exception("pipeline live refresh failed")

    @staticmethod
    def _read_marker(actor: Actor) -> str:
        with tenant_session(actor) as s:
            return board_service.change_marker(s, actor)
