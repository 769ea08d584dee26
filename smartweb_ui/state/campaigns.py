"""/campaigns: the campaign list with live counters, and the create/edit form with a preview of
the leads it would call (``campaigns.view`` reads, ``campaigns.manage`` edits)."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import reflex as rx
from pydantic import BeforeValidator

from ..services import campaigns as camp
from ..services.campaigns import DAY_NAMES, CampaignInput, CampaignRow, ViewChoice
from ..services.core.errors import Forbidden
from ..services.core.inputs import (
    Choices,
    Flag,
    Form,
    Key,
    Line,
    LongText,
    Name,
    OptionalId,
    TextRule,
    bounded,
)
from ..services.core.security import Actor
from ..services.leads import BUSINESS_TYPES
from . import door, live
from .door import Events

log = logging.getLogger(__name__)
CUSTOM = "custom"
STATUS_CHOICES = [("draft", "Draft"), ("scheduled", "Scheduled")]
DAY_OPTIONS = list(enumerate(DAY_NAMES))
TYPE_OPTIONS = [("", "Any trade"), *[(b, b.replace("_", " ").title()) for b in BUSINESS_TYPES]]
Clock = Annotated[str, BeforeValidator(TextRule(5))]
Attempts = Annotated[int, BeforeValidator(int), bounded(1, 10)]
RetryMinutes = Annotated[int, BeforeValidator(int), bounded(5, 10_080)]
Concurrency = Annotated[int, BeforeValidator(int), bounded(1, 100)]
Trade = Annotated[str, BeforeValidator(Choices([t for t, _ in TYPE_OPTIONS]))]
ScoreMin = Annotated[str, BeforeValidator(TextRule(3))]


class CampaignForm(Form):
    name: Name
    goal: Line = ""
    script: LongText = ""
    start: Clock = "09:00"
    end: Clock = "17:00"
    max_attempts: Attempts = 3
    retry_minutes: RetryMinutes = 240
    concurrency: Concurrency = 5
    status: Annotated[str, BeforeValidator(Choices([s for s, _ in STATUS_CHOICES]))] = "draft"


def _filters(trade: str, score_min: str) -> dict[str, Any]:
    out: dict[str, Any] = {"status": ["new", "contacted", "qualified"]}
    if trade:
        out["business_type"] = [trade]
    if score_min.strip():
        out["score_min"] = score_min.strip()
    return out


LIVE_VIEW = "list"  # one view: what the live task follows


class CampaignsState(rx.State):
    loading: bool = True
    allowed: bool = True
    rows: list[CampaignRow] = []
    # the form (a dialog)
    form_open: bool = False
    editing_id: str = ""
    form_error: str = ""
    draft_name: str = ""
    draft_goal: str = ""
    draft_script: str = ""
    draft_start: str = "09:00"
    draft_end: str = "17:00"
    draft_attempts: str = "3"
    draft_retry: str = "240"
    draft_concurrency: str = "5"
    draft_status: str = "draft"
    days: list[int] = [0, 1, 2, 3, 4]
    views: list[ViewChoice] = []
    target_view: str = "hot"
    target_trade: str = ""
    target_score_min: str = ""
    preview_label: str = ""
    _live: int = 0

    @door.event(loads_page=True)
    async def load(self) -> Events:
        self.loading, self.form_open = True, False
        try:
            self.rows = await door.run(self, camp.list_campaigns)
        except Forbidden:
            self.allowed, self.loading, self.rows = False, False, []
            return None
        self.allowed, self.loading = True, False
        live.restart(self, view=LIVE_VIEW)
        return CampaignsState.watch

    @door.event(background=True)
    async def watch(self) -> Events:
        """Counters move as calls happen (the change feed; at most one refresh a second)."""
        await live.follow(
            self,
            live.Follow(
                wanted=lambda c: c.touches("campaign", "ai_call", "*"),
                view=lambda: LIVE_VIEW,
                fetch=self._live_fetch,
                apply=self._live_apply,
                settle=0.2,
                spacing=1.0,
            ),
        )
        return None

    async def _live_fetch(self, _view: Any, changes: list[Any], actor: Actor) -> Any:
        # who may see the list is part of the key: one fetch is shared only by equal rights
        key = ("campaign-list", actor.organization_id, actor.can("campaigns.view"),
               tuple(c.seq for c in changes))  # fmt: skip
        return await live.shared.get(key, lambda: door.run(self, camp.list_campaigns))

    async def _live_apply(self, rows: list[CampaignRow] | None) -> None:
        if rows is not None and rows != self.rows:
            self.rows = rows

    @door.event(public=True)  # only ends a live task
    async def stop_watch(self) -> Events:
        live.restart(self)
        return None

    # ------------------------------------------------------------ the form
    def _blank(self) -> None:
        self.editing_id, self.form_error = "", ""
        self.draft_name = self.draft_goal = self.draft_script = ""
        self.draft_start, self.draft_end = "09:00", "17:00"
        self.draft_attempts, self.draft_retry, self.draft_concurrency = "3", "240", "5"
        self.draft_status, self.days = "draft", [0, 1, 2, 3, 4]
        self.target_view, self.target_trade, self.target_score_min = "hot", "", ""

    @door.event
    async def open_new(self) -> Events:
        self._blank()
        self.views = await door.run(self, camp.view_choices)
        self.form_open = True
        return CampaignsState.preview

    @door.event
    async def open_edit(self, campaign_id: OptionalId) -> Events:
        if campaign_id is None:
            return None
        self._blank()

        def both(s: Any, a: Actor) -> tuple[Any, list[ViewChoice]]:
            return camp.campaign_draft(s, a, campaign_id), camp.view_choices(s, a)

        d, self.views = (await door.transaction(self, both))[0]
        self.editing_id, self.draft_name, self.draft_goal, self.draft_script = (
            d.id,
            d.name,
            d.goal,
            d.script,
        )
        self.draft_start, self.draft_end, self.days = d.start, d.end, d.days
        self.draft_attempts, self.draft_retry = str(d.max_attempts), str(d.retry_minutes)
        self.draft_concurrency, self.draft_status = str(d.concurrency), d.status
        if d.view:
            self.target_view = d.view
        else:
            self.target_view = CUSTOM
            types = d.filters.get("business_type") or [""]
            self.target_trade = str(types[0])
            self.target_score_min = str(d.filters.get("score_min") or "")
        self.form_open = True
        return CampaignsState.preview

    @door.event
    async def set_form_open(self, value: Flag) -> Events:
        self.form_open = value
        return None

    @door.event
    async def toggle_day(self, day: Annotated[int, BeforeValidator(int), bounded(0, 6)]) -> Events:
        self.days = sorted(set(self.days) ^ {day})
        return None

    @door.event
    async def set_target_view(self, value: Key) -> Events:
        self.target_view = value
        return CampaignsState.preview

    @door.event
    async def set_target_trade(self, value: Trade) -> Events:
        self.target_trade = value
        return CampaignsState.preview

    @door.event
    async def set_target_score_min(self, value: ScoreMin) -> Events:
        self.target_score_min = value
        return CampaignsState.preview

    def _target(self) -> tuple[str, dict[str, Any]]:
        if self.target_view == CUSTOM:
            return "", _filters(self.target_trade, self.target_score_min)
        return self.target_view, {}

    def _preview_refused(self, exc: Exception) -> Events:
        self.preview_label = getattr(exc, "message", "")
        return None

    @door.event(on_refused="_preview_refused")
    async def preview(self) -> Events:
        view, filters = self._target()
        n = await door.run(self, camp.preview_targets, view, filters)
        self.preview_label = f"{n:,} leads would be called (do-not-call, converted and lost leads and bad numbers left out)"
        return None

    def _save_refused(self, exc: Exception) -> Events:
        self.form_error = getattr(exc, "message", "")
        return None

    @door.event(on_refused="_save_refused")
    async def save(self, form: CampaignForm) -> Events:
        view, filters = self._target()
        data = CampaignInput(
            name=form.name, goal=form.goal, script=form.script, view=view, filters=filters,
            days=tuple(self.days), start=form.start, end=form.end, max_attempts=form.max_attempts,
            retry_minutes=form.retry_minutes, concurrency=form.concurrency, status=form.status,
        )  # fmt: skip
        cid = await door.run(self, camp.save_campaign, self.editing_id or None, data)
        self.form_open, self.form_error = False, ""
        self.rows = await door.run(self, camp.list_campaigns)
        return [rx.toast.success("Campaign saved."), rx.redirect(f"/campaigns/{cid}")]


__all__ = ["CUSTOM", "DAY_OPTIONS", "STATUS_CHOICES", "TYPE_OPTIONS", "CampaignsState"]
