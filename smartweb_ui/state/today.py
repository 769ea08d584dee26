"""The Today page: the signed-in user's tasks, leads to contact and open deals."""

from __future__ import annotations

from typing import Any

import reflex as rx

from ..services import proposals
from ..services import today as today_service
from ..services.core.errors import DomainError
from ..services.core.inputs import Flag, Id, LongText
from ..services.core.security import Actor
from ..services.proposals import PendingApproval
from ..services.today import RepLine, RevenueLine, StuckDeal, Today, TodayDeal, TodayLead, TodayTask
from . import door, live
from .door import Events

# What a change must touch for the Today page to look again.
TODAY_KINDS = ("task", "lead", "opportunity", "interaction", "approval", "*")


LIVE_VIEW = "today"  # one view: what the live task follows


class TodayState(rx.State):
    loading: bool = True
    tasks: list[TodayTask] = []
    leads: list[TodayLead] = []
    deals: list[TodayDeal] = []
    open_tasks: int = 0
    overdue_tasks: int = 0
    uncontacted_leads: int = 0
    open_deals: int = 0
    pipeline_value: str = ""
    weighted_value: str = ""
    approvals: list[PendingApproval] = []
    _approval_notes: dict[str, str] = {}
    lens: str = "own"  # own | team | revenue: what this person's Today is about
    can_convert: bool = False
    team: list[RepLine] = []
    stuck: list[StuckDeal] = []
    revenue: list[RevenueLine] = []
    _live: int = 0

    def _show(self, data: Today) -> None:
        """Set what differs from what the page shows (a live update sends only that)."""
        for name in (
            "tasks", "leads", "deals", "open_tasks", "overdue_tasks", "uncontacted_leads",
            "open_deals", "pipeline_value", "weighted_value", "approvals", "lens", "can_convert",
            "team", "stuck", "revenue",
        ):  # fmt: skip
            value = getattr(data, name)
            if getattr(self, name) != value:
                setattr(self, name, value)
        if self.loading:
            self.loading = False

    @door.event(loads_page=True)
    async def load(self) -> Events:
        self.loading = True
        self._show(await door.run(self, today_service.today_for))
        live.restart(self, view=LIVE_VIEW)
        return TodayState.watch

    @door.event(background=True)
    async def watch(self) -> Events:
        """Tasks assigned, leads and deals changed by anyone: the page follows the change feed."""
        await live.follow(
            self,
            live.Follow(
                wanted=lambda c: c.touches(*TODAY_KINDS),
                view=lambda: LIVE_VIEW,
                fetch=self._live_fetch,
                apply=self._live_apply,
                settle=0.1,
                spacing=1.0,
            ),
        )

    @door.event(public=True)  # only ends a live task: harmless signed out too
    async def stop_watch(self) -> Events:
        live.restart(self)
        return None

    async def _live_fetch(self, _view: Any, _changes: Any, _actor: Any) -> Today | None:
        try:
            return await door.run(self, today_service.today_for)
        except DomainError:
            return None

    async def _live_apply(self, data: Today | None) -> None:
        if data is not None:
            self._show(data)

    @door.event
    async def complete_task(self, task_id: Id) -> Events:
        """Tick a task off; the service re-checks that it is the actor's to complete."""
        self._show(await door.run(self, today_service.complete_task_and_refresh, task_id))
        return rx.toast.success("Task completed.")

    @door.event
    async def set_approval_note(self, request_id: Id, text: LongText) -> Events:
        """The approver's comment on one request (kept server-side until they decide)."""
        self._approval_notes[str(request_id)] = text
        return None

    @door.event
    async def decide_approval(self, request_id: Id, approve: Flag) -> Events:
        """Approve or decline a discount; the service re-checks the approver's permission."""
        note = self._approval_notes.get(str(request_id), "")

        def step(s: Any, a: Actor) -> Any:
            return proposals.decide(s, a, request_id, approve, note)

        decided, fresh = await door.transaction(self, step, today_service.today_for)
        self._approval_notes.pop(str(request_id), None)
        self._show(fresh)
        verb = "approved" if approve else "declined"
        return rx.toast.success(f"Discount on {decided.number} {verb}.")
