"""The Today page: the signed-in user's tasks, leads to contact and open deals."""

from __future__ import annotations

import reflex as rx

from ..services import today as today_service
from ..services.core.inputs import Id
from ..services.today import Today, TodayDeal, TodayLead, TodayTask
from . import door
from .door import Events


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

    def _show(self, data: Today) -> None:
        self.tasks, self.leads, self.deals = data.tasks, data.leads, data.deals
        self.open_tasks, self.overdue_tasks = data.open_tasks, data.overdue_tasks
        self.uncontacted_leads, self.open_deals = data.uncontacted_leads, data.open_deals
        self.pipeline_value, self.weighted_value = data.pipeline_value, data.weighted_value
        self.loading = False

    @door.event
    async def load(self) -> Events:
        self.loading = True
        self._show(await door.run(self, today_service.today_for))
        return None

    @door.event
    async def complete_task(self, task_id: Id) -> Events:
        """Tick a task off; the service re-checks that it is the actor's to complete."""
        self._show(await door.run(self, today_service.complete_task_and_refresh, task_id))
        return rx.toast.success("Task completed.")
