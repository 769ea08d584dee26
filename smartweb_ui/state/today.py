"""The Today page: the signed-in user's tasks, leads to contact and open deals."""

from __future__ import annotations

from typing import Any

import reflex as rx

from ..db import tenant_session
from ..services import tasks as task_service
from ..services import today as today_service
from ..services.errors import DomainError
from .auth import current_actor


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
        actor = await current_actor(self)
        if actor is None:
            return None
        self.loading = True
        try:
            with tenant_session(actor) as session:
                data = today_service.today_for(session, actor)
        except DomainError as exc:
            self.loading = False
            return rx.toast.error(exc.message)
        self.tasks, self.leads, self.deals = data.tasks, data.leads, data.deals
        self.counts = {
            "open_tasks": data.open_tasks,
            "overdue_tasks": data.overdue_tasks,
            "uncontacted_leads": data.uncontacted_leads,
            "open_deals": data.open_deals,
        }
        self.pipeline_value, self.weighted_value = data.pipeline_value, data.weighted_value
        self.loading = False
        return None

    @rx.event
    async def complete_task(self, task_id: str):  # type: ignore[no-untyped-def]
        """Tick a task off; the service re-checks that it is the actor's to complete."""
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        try:
            with tenant_session(actor) as session:
                task_service.complete_task(session, actor, task_id)
                data = today_service.today_for(session, actor)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.tasks = data.tasks
        self.counts = {
            **self.counts,
            "open_tasks": data.open_tasks,
            "overdue_tasks": data.overdue_tasks,
        }
        return rx.toast.success("Task completed.")
