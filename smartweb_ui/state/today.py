"""The Today page: the signed-in user's tasks, leads to contact and open deals."""

from __future__ import annotations

from typing import Any

import reflex as rx

from ..services.tasks import tasks as task_service
from ..services.today import today as today_service
from .auth import call_service


class TodayState(rx.State):
    loading: bool = True
    tasks: list[dict[str, str]] = []
    leads: list[dict[str, str]] = []
    deals: list[dict[str, str]] = []
    counts: dict[str, Any] = {}
    pipeline_value: str = ""
    weighted_value: str = ""

    @rx.event
    async def load(self):  # type: ignore[no-untyped-def]
        self.loading = True
        ok, data = await call_service(self, today_service.today_for)
        self.loading = False
        if not ok:
            return data
        self.tasks, self.leads, self.deals = data.tasks, data.leads, data.deals
        self.counts = {
            "open_tasks": data.open_tasks,
            "overdue_tasks": data.overdue_tasks,
            "uncontacted_leads": data.uncontacted_leads,
            "open_deals": data.open_deals,
        }
        self.pipeline_value, self.weighted_value = data.pipeline_value, data.weighted_value
        return None

    @rx.event
    async def complete_task(self, task_id: str):  # type: ignore[no-untyped-def]
        """Tick a task off; the service re-checks that it is the actor's to complete."""
        ok, result = await call_service(self, _complete_and_reload, task_id)
        if not ok:
            return result
        self.tasks = result.tasks
        self.counts = {
            **self.counts,
            "open_tasks": result.open_tasks,
            "overdue_tasks": result.overdue_tasks,
        }
        return rx.toast.success("Task completed.")


def _complete_and_reload(session, actor, task_id: str) -> today_service.Today:  # type: ignore[no-untyped-def]
    task_service.complete_task(session, actor, task_id)
    return today_service.today_for(session, actor)
