"""/leads/[lead_id]: the lead's profile, timeline, forms to log touchpoints, tasks, convert."""

from __future__ import annotations

from typing import Any

import reflex as rx

from ..db import tenant_session
from ..services.core.errors import DomainError
from ..services.leads import actions as lead_actions
from ..services.leads import interactions
from ..services.leads.convert import convert_lead, convertible_pipelines
from ..services.leads.detail import lead_detail
from ..services.tasks import tasks
from .auth import current_actor


class LeadDetailState(rx.State):
    loading: bool = True
    missing: bool = False
    lead: dict[str, Any] = {}
    profile: list[dict[str, str]] = []
    timeline: list[dict[str, str]] = []
    tasks: list[dict[str, Any]] = []
    deals: list[dict[str, str]] = []
    tags: list[str] = []
    breakdown: list[str] = []
    enrichment: list[dict[str, Any]] = []
    next_statuses: list[str] = []
    pipelines: list[dict[str, str]] = []
    people: list[dict[str, str]] = []
    dialog: str = ""  # "call" | "email" | "meeting" | "note" | "task" | "convert" | "status"
    status_target: str = ""
    _lead_id: str = ""

    def _id_from_url(self) -> str:
        path = str(self.router.url.path or "").rstrip("/")
        return path.rsplit("/", 1)[-1] if path.startswith("/leads/") else ""

    async def _reload(self):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        try:
            with tenant_session(actor) as s:
                data = lead_detail(s, actor, self._lead_id)
                if not self.pipelines and actor.can("pipeline.move"):
                    self.pipelines = convertible_pipelines(s, actor)
                if not self.people:
                    self.people = lead_actions.user_choices(s, actor)
        except DomainError:
            self.missing, self.loading = True, False
            self.lead = {}
            return None
        self.profile, self.timeline, self.tasks = (
            data.pop("profile"),
            data.pop("timeline"),
            data.pop("tasks"),
        )
        self.deals, self.tags, self.breakdown = (
            data.pop("deals"),
            data.pop("tags"),
            data.pop("breakdown"),
        )
        self.enrichment, self.next_statuses = data.pop("enrichment"), data.pop("next_statuses")
        self.lead, self.missing, self.loading = data, False, False
        return None

    @rx.event
    async def load(self):  # type: ignore[no-untyped-def]
        self.loading, self.dialog, self.pipelines, self.people = True, "", [], []
        self._lead_id = self._id_from_url()
        result = await self._reload()
        wanted = self.router.url.query_parameters.get("log", "")
        if not self.missing and wanted in ("call", "email", "meeting", "note"):
            self.dialog = wanted
        return result

    @rx.event
    def open_dialog(self, name: str) -> None:
        self.dialog = (
            name if name in ("call", "email", "meeting", "note", "task", "convert") else ""
        )

    @rx.event
    def ask_status(self, status: str) -> None:
        self.status_target, self.dialog = status, "status"

    @rx.event
    def close_dialog(self, _open: bool = False) -> None:
        if not _open:
            self.dialog = ""

    async def _run(self, action: str, form: dict[str, Any], success: str):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        lid = self._lead_id
        try:
            with tenant_session(actor) as s:
                if action == "call":
                    interactions.log_call(
                        s,
                        actor,
                        lid,
                        duration_minutes=form.get("duration", "0"),
                        outcome=form.get("outcome", ""),
                        notes=form.get("notes", ""),
                    )
                elif action == "email":
                    interactions.log_email(
                        s,
                        actor,
                        lid,
                        subject=form.get("subject", ""),
                        body=form.get("body", ""),
                        direction=form.get("direction", "outbound"),
                    )
                elif action == "meeting":
                    interactions.log_meeting(
                        s,
                        actor,
                        lid,
                        meeting_at=form.get("meeting_at", ""),
                        duration_minutes=form.get("duration", "0"),
                        location=form.get("location", ""),
                        attendees=form.get("attendees", ""),
                        notes=form.get("notes", ""),
                    )
                elif action == "note":
                    interactions.log_note(s, actor, lid, text=form.get("text", ""))
                elif action == "task":
                    tasks.add_task(
                        s,
                        actor,
                        lid,
                        title=form.get("title", ""),
                        due_at=form.get("due_at", ""),
                        assignee_id=form.get("assignee", ""),
                        priority=form.get("priority", "normal"),
                    )
                elif action == "convert":
                    convert_lead(
                        s,
                        actor,
                        lid,
                        pipeline_id=form.get("pipeline", ""),
                        value=form.get("value", ""),
                        expected_close=form.get("expected_close", ""),
                    )
                elif action == "status":
                    lead_actions.set_status(
                        s, actor, lid, self.status_target, form.get("reason", "")
                    )
                elif action == "tag":
                    lead_actions.tag_leads(s, actor, [lid], form.get("tag", ""))
                elif action == "untag":
                    lead_actions.tag_leads(s, actor, [lid], form.get("tag", ""), remove=True)
                elif action == "complete":
                    tasks.complete_task(s, actor, form.get("task_id", ""))
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.dialog = ""
        await self._reload()
        return rx.toast.success(success)

    @rx.event
    async def log_call(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        return await self._run("call", form, "Call logged.")

    @rx.event
    async def log_email(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        return await self._run("email", form, "E-mail logged.")

    @rx.event
    async def log_meeting(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        return await self._run("meeting", form, "Meeting logged.")

    @rx.event
    async def log_note(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        return await self._run("note", form, "Note added.")

    @rx.event
    async def add_task(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        return await self._run("task", form, "Task added.")

    @rx.event
    async def complete_task(self, task_id: str):  # type: ignore[no-untyped-def]
        return await self._run("complete", {"task_id": task_id}, "Task completed.")

    @rx.event
    async def convert(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        return await self._run("convert", form, "Converted to a deal.")

    @rx.event
    async def change_status(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        return await self._run("status", form, "Status updated.")

    @rx.event
    async def quick_status(self, status: str):  # type: ignore[no-untyped-def]
        if status in ("lost", "unqualified"):
            self.status_target, self.dialog = status, "status"
            return None
        self.status_target = status
        return await self._run("status", {}, "Status updated.")

    @rx.event
    async def add_tag(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        return await self._run("tag", form, "Tag added.")

    @rx.event
    async def remove_tag(self, tag: str):  # type: ignore[no-untyped-def]
        return await self._run("untag", {"tag": tag}, "Tag removed.")
