"""The deal drawer, "New deal" and the stage-settings dialog of the /pipeline page."""

from __future__ import annotations

from datetime import date
from typing import Any

import reflex as rx

from ..db import tenant_session
from ..services.core.errors import DomainError
from ..services.pipeline import board as board_service
from ..services.pipeline import deals as deal_edits
from ..services.pipeline import drawer as deal_details
from ..services.pipeline.stages import StageSettings, stage_settings, update_stage
from ..services.tasks import tasks
from .auth import current_actor
from .pipeline import PipelineState


def _date(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw).strip()) if raw and str(raw).strip() else None
    except ValueError:
        return None


class DealDrawerState(rx.State):
    """One deal, opened from a card: edit, timeline, tasks, proposals."""

    is_open: bool = False
    loading: bool = False
    deal: dict[str, Any] = {}
    history: list[dict[str, str]] = []
    tasks: list[dict[str, Any]] = []
    proposals: list[dict[str, str]] = []
    owners: list[dict[str, str]] = []
    error: str = ""
    _version: int = 0

    def _fetch(self, actor: Any, deal_id: str) -> None:
        with tenant_session(actor) as s:
            detail = deal_details.deal_detail(s, actor, deal_id)
            self.owners = board_service.list_owners(s, actor)
        self.history = detail.pop("history")
        self.tasks = detail.pop("tasks")
        self.proposals = detail.pop("proposals")
        self._version = int(detail["version"])
        self.deal = detail

    @rx.event
    async def show(self, deal_id: str):  # type: ignore[no-untyped-def]
        """The board's on_open (and ``/pipeline?deal=<id>``): the deal goes into the URL."""
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        self.error = ""
        board = await self.get_state(PipelineState)
        try:
            self._fetch(actor, deal_id)
        except DomainError as exc:
            self.is_open = False
            return [rx.toast.error(exc.message), board._focus_deal("")]
        self.is_open = True
        return board._focus_deal(str(self.deal["id"]))

    @rx.event
    async def set_open(self, is_open: bool):  # type: ignore[no-untyped-def]
        """Closing the drawer drops ``deal`` from the URL (the board's filters stay)."""
        self.is_open = bool(is_open)
        board = await self.get_state(PipelineState)
        if self.is_open or not board._deal:
            return None
        return board._focus_deal("")

    @rx.event
    async def save(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        deal_id = self.deal.get("id", "")
        try:
            with tenant_session(actor) as s:
                deal_edits.update_deal(
                    s, actor, deal_id, self._version,
                    name=str(form_data.get("name", "")),
                    value=form_data.get("value", ""),
                    expected_close_date=_date(form_data.get("expected_close")),
                    owner_id=form_data.get("owner_id") or self.deal.get("owner_id") or None,
                )  # fmt: skip
            self._fetch(actor, deal_id)
        except DomainError as exc:
            self.error = exc.message
            return rx.toast.error(exc.message)
        self.error = ""
        return [PipelineState.refresh, rx.toast.success("Deal saved.")]

    @rx.event
    async def add_task(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        deal_id = self.deal.get("id", "")
        try:
            with tenant_session(actor) as s:
                deal_details.add_task(
                    s, actor, deal_id, str(form_data.get("title", "")), _date(form_data.get("due"))
                )
            self._fetch(actor, deal_id)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return [PipelineState.refresh, rx.toast.success("Task added.")]

    @rx.event
    async def complete_task(self, task_id: str):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        try:
            with tenant_session(actor) as s:
                tasks.complete_task(s, actor, task_id)
            self._fetch(actor, self.deal.get("id", ""))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return PipelineState.refresh


class NewDealState(rx.State):
    """ "New deal": pick a company (search), name and value; lands on top of the first stage."""

    is_open: bool = False
    query: str = ""
    results: list[dict[str, str]] = []
    company_id: str = ""
    company_name: str = ""
    error: str = ""

    @rx.event
    def set_open(self, is_open: bool) -> None:
        self.is_open = is_open
        if is_open:
            self.query, self.results, self.company_id, self.company_name, self.error = (
                "",
                [],
                "",
                "",
                "",
            )

    @rx.event
    async def search(self, query: str):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        self.query = query
        try:
            with tenant_session(actor) as s:
                self.results = deal_details.search_companies(s, actor, query)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return None

    @rx.event
    def pick(self, company_id: str, name: str) -> None:
        self.company_id, self.company_name, self.results = company_id, name, []

    @rx.event
    async def create(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        if not self.company_id:
            self.error = "Pick the company this deal is for."
            return None
        board = await self.get_state(PipelineState)
        try:
            with tenant_session(actor) as s:
                deal_edits.create_deal(
                    s, actor, board.pipeline_id,
                    name=str(form_data.get("name", "")),
                    value=form_data.get("value", ""),
                    company_id=self.company_id,
                    expected_close_date=_date(form_data.get("expected_close")),
                )  # fmt: skip
        except DomainError as exc:
            self.error = exc.message
            return None
        self.is_open = False
        return [PipelineState.refresh, rx.toast.success("Deal created.")]


class StageSettingsState(rx.State):
    """Managers edit a stage: name, order, probability, rotting days, WIP limit, kind."""

    is_open: bool = False
    stages: list[dict[str, str]] = []
    stage: dict[str, Any] = {}
    error: str = ""

    @rx.event
    async def open_dialog(self):  # type: ignore[no-untyped-def]
        board = await self.get_state(PipelineState)
        self.stages = [{"id": c["id"], "name": c["name"]} for c in board.columns]
        self.error = ""
        self.is_open = True
        if self.stages:
            return StageSettingsState.pick(self.stages[0]["id"])
        return None

    @rx.event
    def set_open(self, is_open: bool) -> None:
        self.is_open = is_open

    @rx.event
    async def pick(self, stage_id: str):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        try:
            with tenant_session(actor) as s:
                self.stage = stage_settings(s, actor, stage_id)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.error = ""
        return None

    @rx.event
    def set_kind(self, kind: str) -> None:
        self.stage = {**self.stage, "kind": kind}

    @rx.event
    async def save(self, form_data: dict[str, Any]):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        try:
            position = int(str(form_data.get("position") or 1)) - 1
        except ValueError:
            position = int(self.stage.get("position", 0))
        settings = StageSettings(
            name=str(form_data.get("name", "")),
            position=position,
            probability=str(form_data.get("probability", "")),
            rotting_days=str(form_data.get("rotting_days", "")),
            wip_limit=str(form_data.get("wip_limit", "")),
            kind=str(self.stage.get("kind", "open")),
        )
        try:
            with tenant_session(actor) as s:
                update_stage(s, actor, self.stage.get("id", ""), settings)
        except DomainError as exc:
            self.error = exc.message
            return None
        self.is_open = False
        return [PipelineState.refresh, rx.toast.success("Stage saved.")]
