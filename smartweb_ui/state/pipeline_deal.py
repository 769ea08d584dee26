"""The deal drawer, "New deal" and the stage-settings dialog of the /pipeline page.

These states reach the board only through its events (``PipelineState.refresh``); the drawer
keeps its own ``?deal=`` in the address bar, next to the board's filters.
"""

from __future__ import annotations

from typing import Annotated, Any

import reflex as rx
from pydantic import BeforeValidator

from ..services import pipeline as deals
from ..services import proposals, tasks
from ..services.core.inputs import (
    Choices,
    Flag,
    Form,
    Id,
    Name,
    OptionalDay,
    OptionalId,
    Search,
    TextRule,
    WholeNumber,
)
from ..services.core.results import Option
from ..services.core.security import Actor
from ..services.pipeline import CompanyMatch, DealDetail, StageSettings, StageView
from ..services.proposals import ContactRow
from . import door
from .door import Events
from .navigation import set_url_param
from .pipeline import BoardState, PipelineState

Amount = Annotated[str, BeforeValidator(TextRule(30))]  # the service parses and explains


class DealForm(Form):
    name: Name
    value: Amount
    expected_close: OptionalDay = None
    owner_id: OptionalId = None


class DealTaskForm(Form):
    title: Name
    due: OptionalDay = None


class NewDealForm(Form):
    name: Name
    value: Amount
    expected_close: OptionalDay = None


class StageForm(Form):
    name: Name
    position: WholeNumber = 1
    probability: Annotated[str, BeforeValidator(TextRule(10))] = ""
    rotting_days: Annotated[str, BeforeValidator(TextRule(10))] = ""
    wip_limit: Annotated[str, BeforeValidator(TextRule(10))] = ""


def _drawer(
    session: Any, actor: Actor, deal_id: str
) -> tuple[DealDetail, list[Option], list[ContactRow]]:
    return (
        deals.deal_detail(session, actor, deal_id),
        deals.list_owners(session, actor),
        proposals.deal_contacts(session, actor, deal_id),
    )


NO_DEAL = DealDetail(
    id="", name="", value="", value_display="", weighted_display="", expected_close="",
    actual_close="", closed_reason="", competitor="", owner_id="", owner_name="",
    owner_initials="", stage="", status="", days_in_stage=0, version=0, can_edit=False,
    can_reassign=False, lead_id="", company="", company_place="", company_phone="",
    company_email="",
)  # fmt: skip


class DealDrawerState(rx.State):
    """One deal, opened from a card: edit, timeline, tasks, proposals."""

    is_open: bool = False
    deal: DealDetail = NO_DEAL
    owners: list[Option] = []
    contacts: list[ContactRow] = []
    error: str = ""

    def _closed(self, _exc: Exception) -> Events:
        self.is_open, self.deal = False, NO_DEAL
        return set_url_param("/pipeline", "deal", "")

    async def _show(self, deal_id: str) -> Events:
        self.deal, self.owners, self.contacts = await door.run(self, _drawer, deal_id)
        self.is_open, self.error = True, ""
        return set_url_param("/pipeline", "deal", self.deal.id)

    @door.event(on_refused="_closed")
    async def load(self) -> Events:
        """on_load of /pipeline: ``?deal=<id>`` opens the drawer on that deal; else it is closed
        (it may have been left open on another visit)."""
        deal_id = str(self.router.url.query_parameters.get("deal") or "").strip()[:64]
        self.is_open, self.deal = False, NO_DEAL
        return await self._show(deal_id) if deal_id else None

    @door.event(on_refused="_closed")
    async def show(self, deal_id: Id) -> Events:
        """The board's on_open: the deal goes into the URL."""
        return await self._show(str(deal_id))

    @door.event
    async def set_open(self, is_open: Flag) -> Events:
        """Closing the drawer drops ``deal`` from the URL (the board's filters stay)."""
        self.is_open = is_open
        return None if is_open else set_url_param("/pipeline", "deal", "")

    async def _after_change(self, message: str) -> Events:
        if self.deal.id:
            self.deal, self.owners, self.contacts = await door.run(self, _drawer, self.deal.id)
        self.error = ""
        return (
            [PipelineState.refresh, rx.toast.success(message)] if message else PipelineState.refresh
        )

    def _refused(self, exc: Exception) -> Events:
        self.error = getattr(exc, "message", "")
        return None

    @door.event(on_refused="_refused")
    async def save(self, form: DealForm) -> Events:
        if not self.deal.id:
            return None
        await door.run(
            self, deals.update_deal, self.deal.id, self.deal.version,
            name=form.name, value=form.value, expected_close_date=form.expected_close,
            owner_id=form.owner_id or self.deal.owner_id or None,
        )  # fmt: skip
        return await self._after_change("Deal saved.")

    @door.event
    async def add_task(self, form: DealTaskForm) -> Events:
        if not self.deal.id:
            return None
        await door.run(
            self, tasks.add_task, deal_id=self.deal.id, title=form.title, due_on=form.due
        )
        return await self._after_change("Task added.")

    @door.event
    async def complete_task(self, task_id: Id) -> Events:
        await door.run(self, tasks.complete_task, task_id)
        return await self._after_change("")

    @door.event
    async def new_proposal(self) -> Events:
        """A draft for this deal (addressed to its company's primary contact), in the builder."""
        if not self.deal.id:
            return None
        new_id = await door.run(self, proposals.create_proposal, self.deal.id)
        return [rx.redirect(f"/proposals/{new_id}"), rx.toast.success("Proposal created.")]


class NewDealState(rx.State):
    """ "New deal": pick a company (search), name and value; lands on top of the first stage."""

    is_open: bool = False
    query: str = ""
    results: list[CompanyMatch] = []
    company_id: str = ""
    company_name: str = ""
    error: str = ""

    @door.event
    async def set_open(self, is_open: Flag) -> Events:
        self.is_open = is_open
        if is_open:
            self.query, self.results, self.company_id, self.company_name = "", [], "", ""
            self.error = ""
        return None

    @door.event
    async def search(self, query: Search) -> Events:
        self.query = query
        self.results = await door.run(self, deals.search_companies, query)
        return None

    @door.event
    async def pick(self, company_id: Id) -> Events:
        match = next((r for r in self.results if r.id == str(company_id)), None)
        if match is not None:  # only a company the search offered
            self.company_id, self.company_name, self.results = match.id, match.name, []
        return None

    @door.event
    async def change_company(self) -> Events:
        self.company_id, self.company_name = "", ""
        return None

    def _refused(self, exc: Exception) -> Events:
        self.error = getattr(exc, "message", "")
        return None

    @door.event(on_refused="_refused")
    async def create(self, form: NewDealForm) -> Events:
        if not self.company_id:
            self.error = "Pick the company this deal is for."
            return None
        board = await self.get_state(PipelineState)
        await door.run(
            self, deals.create_deal, board.pipeline_id,
            name=form.name, value=form.value, company_id=self.company_id,
            expected_close_date=form.expected_close,
        )  # fmt: skip
        self.is_open = False
        return [PipelineState.refresh, rx.toast.success("Deal created.")]


class NameForm(Form):
    """A new stage's or pipeline's name (the service trims and checks it)."""

    name: Name


NO_STAGE = StageView(
    id="", name="", position=0, probability="", rotting_days="", wip_limit="", kind="open"
)


class StageSettingsState(rx.State):
    """Managers shape the pipeline: a stage's settings (name, order, probability, rotting
    days, WIP limit and whether it is hard, kind), new and deleted stages, new and renamed
    pipelines."""

    is_open: bool = False
    stages: list[dict[str, str]] = []
    stage: StageView = NO_STAGE
    kind: str = "open"
    wip_hard: bool = False
    move_to: str = ""  # where a deleted stage's deals go
    error: str = ""
    pipeline_name: str = ""

    @rx.var
    def move_targets(self) -> list[dict[str, str]]:
        """Open stages other than the one shown (a deleted stage's deals go to one of them)."""
        return [s for s in self.stages if s["id"] != self.stage.id and s["kind"] == "open"]

    async def _load_stages(self, pick: str = "") -> Events:
        board = await self.get_state(BoardState)
        self.stages = [
            {
                "id": c["id"],
                "name": c["name"],
                "kind": "won" if c["is_won"] else "lost" if c["is_lost"] else "open",
            }
            for c in board.columns
        ]
        self.pipeline_name = (await self.get_state(PipelineState)).pipeline_name
        ids = [s["id"] for s in self.stages]
        if ids:
            return StageSettingsState.pick(pick if pick in ids else ids[0])
        return None

    @door.event
    async def open_dialog(self) -> Events:
        self.error = ""
        self.is_open = True
        return await self._load_stages()

    @door.event
    async def set_open(self, is_open: Flag) -> Events:
        self.is_open = is_open
        return None

    @door.event
    async def pick(self, stage_id: Id) -> Events:
        self.stage = await door.run(self, deals.stage_settings, stage_id)
        self.kind, self.wip_hard, self.error = self.stage.kind, self.stage.wip_hard, ""
        self.move_to = next((s["id"] for s in self.move_targets), "")
        return None

    @door.event
    async def set_wip_hard(self, hard: Flag) -> Events:
        self.wip_hard = hard
        return None

    @door.event
    async def set_move_to(self, stage_id: Id) -> Events:
        self.move_to = str(stage_id)
        return None

    async def _board_changed(self, message: str, pick: str = "") -> Events:
        """The board again (its stages changed), then this dialog's list from it."""
        return [
            PipelineState.refresh,
            StageSettingsState.reload_stages(pick),
            rx.toast.success(message),
        ]

    @door.event
    async def reload_stages(self, pick: OptionalId = None) -> Events:
        return await self._load_stages(str(pick) if pick else "")

    @door.event(on_refused="_refused")
    async def add_stage(self, form: NameForm) -> Events:
        pid = (await self.get_state(PipelineState)).pipeline_id
        new_id = await door.run(self, deals.add_stage, pid, form.name)
        return await self._board_changed(f"Stage {form.name} added.", new_id)

    @door.event(on_refused="_refused")
    async def delete_stage(self) -> Events:
        """Delete the stage shown; its deals move to the chosen stage (each with history)."""
        if not self.stage.id:
            return None
        name = self.stage.name
        moved = await door.run(self, deals.delete_stage, self.stage.id, self.move_to or None)
        target = next((s["name"] for s in self.stages if s["id"] == self.move_to), "")
        note = f" Its {moved} deals moved to {target}." if moved else ""
        return await self._board_changed(f"Stage {name} deleted.{note}")

    @door.event(on_refused="_refused")
    async def rename_pipeline(self, form: NameForm) -> Events:
        pid = (await self.get_state(PipelineState)).pipeline_id
        await door.run(self, deals.rename_pipeline, pid, form.name)
        return await self._board_changed(f"Pipeline renamed to {form.name}.", self.stage.id)

    @door.event(on_refused="_refused")
    async def create_pipeline(self, form: NameForm) -> Events:
        new_id = await door.run(self, deals.create_pipeline, form.name)
        self.is_open = False
        return [
            PipelineState.switch_pipeline(new_id),
            rx.toast.success(f"Pipeline {form.name} created."),
        ]

    @door.event
    async def set_kind(
        self, kind: Annotated[str, BeforeValidator(Choices(["open", "won", "lost"]))]
    ) -> Events:
        self.kind = kind
        return None

    def _refused(self, exc: Exception) -> Events:
        self.error = getattr(exc, "message", "")
        return None

    @door.event(on_refused="_refused")
    async def save(self, form: StageForm) -> Events:
        settings = StageSettings(
            name=form.name,
            position=max(0, form.position - 1),
            probability=form.probability,
            rotting_days=form.rotting_days,
            wip_limit=form.wip_limit,
            kind=self.kind,
            wip_hard=self.wip_hard,
        )
        if not self.stage.id:
            return None
        await door.run(self, deals.update_stage, self.stage.id, settings)
        self.is_open = False
        return [PipelineState.refresh, rx.toast.success("Stage saved.")]
