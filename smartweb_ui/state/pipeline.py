"""Pipeline board state: the board, drops (with the Won/Lost dialog), filters in the URL, live updates.

The board is sent whole once (``BoardState.columns``, on load or when the pipeline or the
filters change); after that every change reaches the browser as a small patch in ``patches``
(the moved cards with their place, the totals of the touched columns), and the kanban
component applies it to the cards it keeps. A drop's answer, a load-more and a colleague's
move are all patches: a few KB whatever the size of the board. The state keeps no copy of the
cards: the browser sends the card's version with a drop, and every id is re-checked by the
services.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any
from uuid import UUID

import reflex as rx
from pydantic import BeforeValidator

from ..services import pipeline as deals
from ..services.core.errors import DomainError, Invalid, Unavailable
from ..services.core.inputs import (
    Choices,
    Flag,
    Form,
    Id,
    Index,
    Line,
    OptionalDay,
    OptionalId,
    OptionalMoney,
    Search,
    TextRule,
    WholeNumber,
)
from ..services.core.results import Option
from ..services.core.security import Actor
from ..services.pipeline import Board, BoardFilters, BoardPatch, Column
from . import door, live
from .door import Events
from .navigation import replace_url

log = logging.getLogger(__name__)
# After a committed move, how long to wait between tries of its patch while the database is
# away (about 5 s in all: the recovery a restart gets).
PATCH_RETRY_S = (0.2, 0.4, 0.8, 1.6, 2.0)
BOARD_KINDS = ("opportunity", "stage", "pipeline", "pipeline_stage", "*")
# While colleagues keep moving deals, an open board takes their changes in one patch at most
# this often (each patch is a save of the tab's state; a burst is one patch).
LIVE_SPACING = 0.5
# The browser applies patches by sequence number; a burst between two renders fits in these
# (a gap makes it ask for the whole board again). Each is a few KB.
KEPT_PATCHES = 3
FILTER_LABELS = {
    "owner": "owner", "q": "search", "close_from": "close-from date", "close_to": "close-to date",
    "value_min": "minimum value", "value_max": "maximum value",
}  # fmt: skip
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


def flat(item: Any) -> dict[str, Any]:
    """A dataclass of plain fields as a dict (``asdict`` recurses and deep-copies every value:
    a fifth of a board's build for 300 cards)."""
    return dict(vars(item))


def column_dict(column: Column) -> dict[str, Any]:
    """What the kanban component gets for one column (money as strings, never floats)."""
    out = flat(column)
    out["cards"] = [flat(c) for c in column.cards]
    out["total_value"] = f"{column.total_value:f}"
    out["weighted_value"] = f"{column.weighted_value:f}"
    out["collapsed"] = False
    return out


def patch_dict(patch: BoardPatch) -> dict[str, Any]:
    return {
        "kind": "cards",
        "cards": [
            {"stage_id": p.stage_id, "above_id": p.above_id, "card": flat(p.card)}
            for p in patch.cards
        ],
        "removed": patch.removed,
        "columns": [flat(c) for c in patch.columns],
    }


def _opening_board(
    session: Any, actor: Actor, wanted: str | None, deal_id: str, filters: BoardFilters
) -> tuple[Board, list[Option], list[str]]:
    """What /pipeline opens with, in one transaction: the board (the linked deal's pipeline,
    else the wanted one, else the remembered one), the owners, and notes for the user."""
    notes: list[str] = []
    if deal_id:  # a bad link: the drawer says so (it opens itself from the same link)
        with contextlib.suppress(DomainError):
            wanted = deals.deal_pipeline_id(session, actor, deal_id)
    try:
        board = deals.board(session, actor, wanted, filters)
    except DomainError:
        if wanted is None:
            raise
        notes.append("That pipeline does not exist here; showing your default.")
        board = deals.board(session, actor, None, filters)
    if not deal_id:  # a deal link shows its pipeline without making it the default
        deals.remember_pipeline(session, actor, board.pipeline_id)
    return board, deals.list_owners(session, actor), notes


def _switch(session: Any, actor: Actor, pipeline_id: str, filters: BoardFilters) -> Board:
    deals.remember_pipeline(session, actor, pipeline_id)
    return deals.board(session, actor, pipeline_id, filters)


class BoardState(rx.State):
    """The board as first sent: replaced only when the pipeline or the filters change (kept in
    its own state so that events of the board, which touch ``PipelineState``, never carry or
    re-save it)."""

    columns: list[dict[str, Any]] = []


class PipelineState(rx.State):
    """The /pipeline board."""

    loading: bool = True
    problem: str = ""
    pipeline_id: str = ""
    pipeline_name: str = ""
    pipelines: list[Option] = []
    rev: int = 0  # which board the patches are for (BoardState.columns)
    patches: list[dict[str, Any]] = []
    appended: dict[str, Any] = {}  # the last load-more: {rev, n, stage_id, cards}
    me: str = ""  # the viewer: the board works out which cards they may move
    can_manage: bool = False
    can_move: bool = False
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
    pong: int = 0
    filter_error: str = ""  # why the filter bar's values were not applied

    _filters: BoardFilters = BoardFilters()
    _stages: dict[str, str] = {}  # stage id -> "open" | "won" | "lost"
    _stage_names: dict[str, str] = {}
    _last_move: dict[str, Any] = {}  # {deal_id, version}: what Undo in the toast takes back
    _pending: dict[str, Any] = {}
    _seq: int = 0
    _appends: int = 0
    _live: int = 0

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

    # ------------------------------------------------------------------ board and patches
    async def _show(self, board: Board) -> Events:
        """A whole board: sent once; patches follow."""
        self.pipeline_id, self.pipeline_name = board.pipeline_id, board.pipeline_name
        self.pipelines = board.pipelines
        self.currency = board.currency
        self.closed_window_days = board.closed_window_days
        self.lost_reasons = board.lost_reasons
        self._stages = {
            c.id: "won" if c.is_won else "lost" if c.is_lost else "open" for c in board.columns
        }
        self._stage_names = {c.id: c.name for c in board.columns}
        (await self.get_state(BoardState)).columns = [column_dict(c) for c in board.columns]
        self.rev += 1
        self.patches, self._seq, self.appended, self._appends = [], 0, {}, 0
        self.problem = ""
        live.shows(self, self._live_view())
        return replace_url(
            "/pipeline", deals.board_params_for(self._filters, self.pipeline_id), keep=("deal",)
        )

    def _live_view(self) -> tuple[str, BoardFilters]:
        """What the live task computes patches for: the pipeline and the filters."""
        return (self.pipeline_id, self._filters)

    def _push(self, patch: dict[str, Any]) -> None:
        """Queue a patch for the browser (only the last few stay: each has a sequence number)."""
        self._seq += 1
        self.patches = [
            *self.patches[-(KEPT_PATCHES - 1) :],
            {**patch, "seq": self._seq, "rev": self.rev},
        ]

    def _viewer(self, actor: Actor) -> None:
        self.me = str(actor.user_id)
        self.can_manage = actor.can("pipeline.manage")
        self.can_move = actor.can("pipeline.move")

    def _board_refused(self, exc: Exception) -> Events:
        self.problem, self.loading = getattr(exc, "message", str(exc)), False
        return None

    async def _resync(self, deal_ids: list[str], stage_ids: Sequence[str] = ()) -> None:
        """Send where these deals really are (a refused or cancelled drop snaps back)."""
        if not self.pipeline_id or not deal_ids:
            return
        patch = await door.run(
            self, deals.board_patch, self.pipeline_id, self._filters, deal_ids, stage_ids
        )
        self._push(patch_dict(patch))

    @door.event(loads_page=True, on_refused="_board_refused")
    async def load(self) -> Events:
        """on_load: pipeline + filters from the URL, the board, then the live task. With
        ``?deal=<id>`` (lead pages, Today): that deal's pipeline (the drawer opens itself)."""
        self.loading = True
        params = self.router.url.query_parameters
        self._filters, ignored = BoardFilters.from_query(params)
        self.filter_error = ""
        self._pending, self.closing = {}, ""
        self.today = date.today().isoformat()
        self._viewer(door.actor_of(self))
        deal_id = str(params.get("deal") or "").strip()[:64]
        board, self.owners, notes = await door.run(
            self, _opening_board, params.get("pipeline") or None, deal_id, self._filters
        )
        if ignored:
            labels = ", ".join(FILTER_LABELS.get(k, k) for k in ignored)
            notes.append(f"The link's {labels} could not be used, so the board ignores it.")
        url = await self._show(board)
        self.loading = False
        live.restart(self, view=self._live_view())
        return [*(rx.toast.error(n) for n in notes), url, PipelineState.watch]

    @door.event
    async def refresh(self) -> Events:
        """The whole board again (a stage or pipeline changed)."""
        board = await door.run(self, deals.board, self.pipeline_id or None, self._filters)
        return await self._show(board)

    @door.event
    async def switch_pipeline(self, pipeline_id: Id) -> Events:
        return await self._show(await door.run(self, _switch, str(pipeline_id), self._filters))

    @door.event
    async def load_more(self, stage_id: Id, offset: Index) -> Events:
        """The next cards of a column (the browser says how many it has): only those are sent."""
        more = await door.run(
            self, deals.more_cards, self.pipeline_id, stage_id, self._filters, offset=offset
        )
        # Its own var: a drop's answer never carries the cards loaded before it.
        self._appends += 1
        self.appended = {
            "rev": self.rev, "n": self._appends, "stage_id": str(stage_id),
            "cards": [flat(c) for c in more],
        }  # fmt: skip
        return None

    # ------------------------------------------------------------------ filters
    def _filter_refused(self, exc: Exception) -> Events:
        self.filter_error = getattr(exc, "message", str(exc))
        return None

    async def _set_filters(self, filters: BoardFilters) -> Events:
        self._filters = filters
        self.filter_error = ""
        url = await self._show(
            await door.run(self, deals.board, self.pipeline_id or None, self._filters)
        )
        # A new view: a new live task (the old one, which may be skipping changes that the
        # old view did not show, stops at its next look).
        live.restart(self)
        return [url, PipelineState.watch]

    @door.event(on_refused="_filter_refused")
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
        """A refused drop: the card goes back to where it really is (and the dialog stays open
        to say why when it was the Won/Lost details that were wrong)."""
        if isinstance(exc, Invalid) and self.closing:
            self.closing_error = exc.message
            return None
        pending, self._pending, self.closing, self.closing_error = self._pending, {}, "", ""
        if not pending:
            return None
        return PipelineState.resync_deal(pending["deal_id"], pending["from_stage_id"])

    @door.event
    async def resync_deal(self, deal_id: Id, from_stage_id: OptionalId = None) -> Events:
        await self._resync([str(deal_id)], [str(from_stage_id)] if from_stage_id else [])
        return None

    @door.event(on_refused="_snap_back", on_failure="_snap_back")
    async def move_deal(
        self,
        deal_id: Id,
        from_stage_id: Id,
        to_stage_id: Id,
        position: Index,
        version: WholeNumber,
        before_id: OptionalId = None,
        after_id: OptionalId = None,
    ) -> Events:
        """The board's on_move: a card was dropped (the browser already shows it there)."""
        kind = self._stages.get(str(to_stage_id))
        if kind is None or str(from_stage_id) not in self._stages:
            self._pending = {"deal_id": str(deal_id), "from_stage_id": str(from_stage_id)}
            raise Invalid("That stage is no longer on this board.")
        self._pending = {
            "deal_id": str(deal_id),
            "from_stage_id": str(from_stage_id),
            "to_stage_id": str(to_stage_id),
            "position": position,
            "version": version,
            "before": str(before_id) if before_id else None,
            "after": str(after_id) if after_id else None,
        }
        if from_stage_id != to_stage_id and kind in ("won", "lost"):
            brief = await door.run(self, deals.deal_brief, deal_id)
            self.closing = kind
            self.closing_deal, self.closing_value = brief.name, brief.value
            self.closing_error, self.closing_reason = "", ""
            self.today = date.today().isoformat()
            return None
        return await self._do_move()

    async def _do_move(self, **details: Any) -> Events:
        p = self._pending

        def move(session: Any, actor: Actor) -> deals.MoveResult:
            return deals.move_deal(
                session, actor, p["deal_id"], p["to_stage_id"], p["position"], p["version"],
                before_deal_id=p["before"], after_deal_id=p["after"], **details,
            )  # fmt: skip

        (result,) = await door.transaction(self, move, shown_here=True)
        self._pending, self.closing, self.closing_error = {}, "", ""
        await self._patch_after([p["deal_id"]], [p["from_stage_id"], p["to_stage_id"]])
        return self._moved_toasts(result, details)

    async def _patch_after(self, deal_ids: list[str], stage_ids: list[str]) -> None:
        """The patch of a committed move, read in a transaction of its own: the move's
        transaction (and its lock on the stages, which every move of the pipeline waits for)
        ends first. A colleague's move committed in between is in it: still the newest.

        A database lost right after the commit is waited for (``PATCH_RETRY_S``, a restart's
        few seconds): without the patch the card keeps its old version, and the tab's next
        drop of it would be refused as someone else's change."""
        pid, filters = self.pipeline_id, self._filters
        for wait in (*PATCH_RETRY_S, None):
            try:
                (patch,) = await door.transaction(
                    self, lambda s, a: deals.board_patch(s, a, pid, filters, deal_ids, stage_ids)
                )
            except Unavailable:
                if wait is not None:
                    await asyncio.sleep(wait)
                    continue
                log.warning("the patch of a committed move could not be read: database away")
                return
            except Exception:  # the move is saved and the card shows where it was dropped: the
                # column totals catch up with the next patch or load, and no toast says otherwise
                log.warning("the patch of a committed move could not be read", exc_info=True)
                return
            self._push(patch_dict(patch))
            return

    def _moved_toasts(self, result: deals.MoveResult, details: dict[str, Any]) -> Events:
        """After a move to another stage: a toast with Undo (and the soft WIP warning)."""
        if not result.moved or not result.can_undo:
            return None
        self._last_move = {"deal_id": result.deal_id, "version": result.version}
        stage = self._stage_names.get(result.stage_id, "the stage")
        what = f"Deal marked as {result.status}." if details else f"Moved to {stage}."
        out: list[Any] = [
            rx.toast.success(
                what,
                action={"label": "Undo", "on_click": PipelineState.undo_last_move},
                duration=8000,
            )
        ]
        if result.wip_warning:
            out.append(rx.toast.warning(result.wip_warning))
        return out

    @door.event
    async def undo_last_move(self) -> Events:
        """Undo in the move's toast: the deal goes back where it was, as a move of its own."""
        last, self._last_move = self._last_move, {}
        if not last:
            return None
        (result,) = await door.transaction(
            self,
            lambda s, a: deals.undo_move(s, a, last["deal_id"], last["version"]),
            shown_here=True,
        )
        await self._patch_after([last["deal_id"]], [result.from_stage_id, result.stage_id])
        stage = self._stage_names.get(result.stage_id, "its stage")
        return rx.toast.success(f"Move undone: back in {stage}.")

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
        pending, self._pending, self.closing, self.closing_error = self._pending, {}, "", ""
        if pending:
            await self._resync([pending["deal_id"]], [pending["from_stage_id"]])
        return None

    @door.event
    async def closing_dialog_changed(self, is_open: Flag) -> Events:
        if not is_open and self.closing:
            return PipelineState.cancel_close
        return None

    @door.event
    async def ping(self, n: WholeNumber) -> Events:
        """Echoes ``n`` and does nothing else: the floor a drop's round trip is measured
        against (bench/) — the same door, state load and save, no service call."""
        self.pong = n
        return None

    # ------------------------------------------------------------------ live updates
    @door.event(public=True)  # only ends a live task: harmless signed out too
    async def stop_watch(self) -> Events:
        """The board left the page: the live task ends."""
        live.restart(self)
        return None

    @door.event(background=True)
    async def watch(self) -> Events:
        """Apply every change of this organization's deals as a patch, as it is committed (the
        change feed, any worker). No polling: the task sleeps until a change arrives; boards
        on the same view share one patch query per change."""
        await live.follow(
            self,
            live.Follow(
                wanted=lambda c: c.touches(*BOARD_KINDS),
                view=self._live_view,
                fetch=self._patch_for,
                apply=self._apply_patch,
                settle=0.05,
                spacing=LIVE_SPACING,
                skip_own=True,  # a drop's handler pushes its own patch
            ),
        )

    async def _patch_for(
        self, view: tuple[str, BoardFilters], changes: list[live.Change], actor: Actor
    ) -> BoardPatch | Any | None:
        """The patch for a burst of changes (None: reload the whole board; ``live.SKIP``: a
        board of one owner's deals, and none of the changed deals was or is theirs)."""
        pipeline_id, filters = view
        if filters.owner != "all":
            owner = actor.user_id if filters.owner == "me" else UUID(filters.owner)
            if not live.shows_owner(changes, owner, always=("*", "pipeline", "pipeline_stage")):
                return live.SKIP
        ids: set[UUID] = set()
        stages: set[UUID] = set()
        for change in changes:
            if change.touches("*", "pipeline", "pipeline_stage"):
                return None
            if change.touches("opportunity"):
                found = change.ids("opportunity")
                if found is None:
                    return None
                ids |= found
            stages |= change.ids("stage") or set()
        if not ids and not stages:
            return BoardPatch(pipeline_id=pipeline_id)
        # One query per change and view in this worker, whoever watches: the patch does not
        # depend on the viewer beyond the filters ("mine" is a user id) and the organization.
        mine = filters.with_values(owner=str(actor.user_id)) if filters.owner == "me" else filters
        key = ("board", actor.organization_id, pipeline_id, mine, tuple(c.seq for c in changes))
        try:
            return await live.shared.get(
                key, lambda: door.run(self, deals.board_patch, pipeline_id, mine, ids, stages)
            )
        except DomainError:  # the pipeline went away, say: a full reload tells
            return None

    async def _apply_patch(self, patch: BoardPatch | None) -> None:
        if patch is None:
            with contextlib.suppress(DomainError):
                await self._show(
                    await door.run(self, deals.board, self.pipeline_id or None, self._filters)
                )
        elif not patch.empty:
            self._push(patch_dict(patch))
