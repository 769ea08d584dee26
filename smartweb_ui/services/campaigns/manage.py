"""Campaigns as a manager sees them: the list with live counters, the create/edit form with a
preview of its targets, and the lifecycle (start, pause, resume, complete)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ...models import AICall, AICallCampaign, CampaignStatus
from ...models.base import utcnow
from ..core import audit
from ..core.errors import Invalid, NotFound, as_uuid
from ..core.formatting import format_datetime
from ..core.org import org_context
from ..core.security import Actor, require
from ..core.text import clean_text
from ..leads import LeadFilter, list_views, view_definition
from .quota import quota
from .targets import count_targets, lead_filter
from .windows import DAY_NAMES

STATUS_LABELS = {
    "draft": "Draft", "scheduled": "Scheduled", "running": "Running", "paused": "Paused",
    "completed": "Completed",
}  # fmt: skip
EDITABLE_STATUSES = ("draft", "scheduled")
ACTIONS: dict[str, tuple[tuple[CampaignStatus, ...], CampaignStatus]] = {
    "start": ((CampaignStatus.DRAFT, CampaignStatus.SCHEDULED), CampaignStatus.RUNNING),
    "pause": ((CampaignStatus.RUNNING,), CampaignStatus.PAUSED),
    "resume": ((CampaignStatus.PAUSED,), CampaignStatus.RUNNING),
    "complete": ((CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.RUNNING,
                  CampaignStatus.PAUSED), CampaignStatus.COMPLETED),
}  # fmt: skip


def load_campaign(
    session: Session, actor: Actor, campaign_id: UUID | str, *, lock: bool = False,
    permission: str = "campaigns.view",
) -> AICallCampaign:  # fmt: skip
    """A campaign of the actor's organization, else NotFound."""
    require(actor, permission)
    stmt = select(AICallCampaign).where(
        AICallCampaign.id == as_uuid(campaign_id, "Campaign"),
        AICallCampaign.organization_id == actor.organization_id,
    )
    row = session.exec(stmt.with_for_update() if lock else stmt).first()
    if row is None:
        raise NotFound("Campaign not found.")
    return row


# ------------------------------------------------------------------ the list
@dataclass(frozen=True)
class CampaignRow:
    id: str
    name: str
    goal: str
    status: str
    status_label: str
    calls: int
    in_flight: int
    answered: int
    interested: int
    window: str
    updated: str


def list_campaigns(session: Session, actor: Actor) -> list[CampaignRow]:
    require(actor, "campaigns.view")
    org = org_context(session, actor)
    counts = (
        sa.select(
            col(AICall.campaign_id).label("cid"),
            sa.func.count().label("calls"),
            sa.func.count()
            .filter(col(AICall.status).in_(["queued", "dialing", "in_progress"]))
            .label("in_flight"),
            sa.func.count()
            .filter(
                sa.or_(
                    col(AICall.answered_by) == "human",
                    sa.and_(col(AICall.answered_by).is_(None), col(AICall.status) == "completed"),
                )
            )
            .label("answered"),
            sa.func.count()
            .filter(col(AICall.outcome).in_(["interested", "meeting_booked"]))
            .label("interested"),
        )
        .where(col(AICall.organization_id) == actor.organization_id)
        .group_by(col(AICall.campaign_id))
        .subquery()
    )
    rows = session.execute(
        sa.select(AICallCampaign, counts)
        .outerjoin(counts, counts.c.cid == AICallCampaign.id)
        .where(col(AICallCampaign.organization_id) == actor.organization_id)
        .order_by(
            sa.case((col(AICallCampaign.status) == "running", 0), else_=1),
            col(AICallCampaign.updated_at).desc(),
        )
    ).all()
    out = []
    for r in rows:
        c: AICallCampaign = r[0]
        out.append(
            CampaignRow(
                id=str(c.id), name=c.name, goal=c.goal, status=c.status.value,
                status_label=STATUS_LABELS[c.status.value], calls=int(r.calls or 0),
                in_flight=int(r.in_flight or 0), answered=int(r.answered or 0),
                interested=int(r.interested or 0), window=window_label(c),
                updated=format_datetime(c.updated_at, org.tz),
            )
        )  # fmt: skip
    return out


def window_label(c: AICallCampaign) -> str:
    days = ", ".join(DAY_NAMES[d] for d in sorted(c.window_days or [])) or "no days"
    return f"{days} · {c.window_start:%H:%M}–{c.window_end:%H:%M} (lead's time)"


# ------------------------------------------------------------------ the form
@dataclass(frozen=True)
class CampaignInput:
    name: str
    goal: str = ""
    script: str = ""
    view: str = ""  # a built-in view key or a saved view id; "" = the filter below
    filters: dict[str, Any] = field(default_factory=dict)
    days: tuple[int, ...] = (0, 1, 2, 3, 4)
    start: str = "09:00"
    end: str = "17:00"
    max_attempts: int = 3
    retry_minutes: int = 240
    concurrency: int = 5
    status: str = "draft"


@dataclass(frozen=True)
class CampaignDraft:
    id: str
    name: str
    goal: str
    script: str
    view: str
    filters: dict[str, Any]
    days: list[int]
    start: str
    end: str
    max_attempts: int
    retry_minutes: int
    concurrency: int
    status: str


@dataclass(frozen=True)
class ViewChoice:
    key: str
    name: str


def _time(raw: str, what: str) -> time:
    try:
        hh, mm = raw.strip().split(":")[:2]
        return time(int(hh), int(mm))
    except (ValueError, AttributeError):
        raise Invalid(f"{what} must be a time like 09:00.") from None


def _targets(
    session: Session, actor: Actor, data: CampaignInput
) -> tuple[dict[str, Any], str | None]:
    """The filter the campaign calls (a view is copied: later edits of it do not move targets)."""
    if data.view:
        filters, _sort = view_definition(session, actor, data.view)
        return dict(filters), data.view
    LeadFilter.parse(data.filters)  # refuse unknown values now, not at dial time
    return dict(data.filters), None


def _check(data: CampaignInput) -> dict[str, Any]:
    name = clean_text(data.name, "The name", max_length=200, required=True)
    days = sorted(set(data.days))
    if not days or any(d not in range(7) for d in days):
        raise Invalid("Pick at least one calling day.")
    start, end = _time(data.start, "The window start"), _time(data.end, "The window end")
    if start >= end:
        raise Invalid("The calling window must end after it starts.")
    if not 1 <= data.max_attempts <= 10:
        raise Invalid("Max attempts must be between 1 and 10.")
    if not 5 <= data.retry_minutes <= 10_080:
        raise Invalid("The retry interval must be between 5 minutes and 7 days.")
    if not 1 <= data.concurrency <= 100:
        raise Invalid("Concurrency must be between 1 and 100 calls at once.")
    if data.status not in EDITABLE_STATUSES:
        raise Invalid("A campaign is saved as a draft or scheduled; start it from its page.")
    return {
        "name": name,
        "goal": clean_text(data.goal, "The goal", max_length=500),
        "script": clean_text(data.script, "The script", max_length=20_000, multiline=True),
        "window_days": days, "window_start": start, "window_end": end,
        "max_attempts": data.max_attempts, "retry_minutes": data.retry_minutes,
        "concurrency": data.concurrency, "status": CampaignStatus(data.status),
    }  # fmt: skip


FIELDS = ["name", "goal", "script", "window_days", "window_start", "window_end", "max_attempts",
          "retry_minutes", "concurrency", "status", "target_filter", "target_view"]  # fmt: skip


def save_campaign(
    session: Session, actor: Actor, campaign_id: UUID | str | None, data: CampaignInput
) -> str:
    """Create (no id) or edit a draft or scheduled campaign; returns its id."""
    require(actor, "campaigns.manage")
    values = _check(data)
    values["target_filter"], values["target_view"] = _targets(session, actor, data)
    if campaign_id:
        row = load_campaign(session, actor, campaign_id, lock=True, permission="campaigns.manage")
        if row.status.value not in EDITABLE_STATUSES:
            raise Invalid("Only draft or scheduled campaigns can be edited.")
        before = audit.snapshot(row, FIELDS)
        action = "campaign.update"
    else:
        row = AICallCampaign(
            organization_id=actor.organization_id, name=values["name"], created_by=actor.user_id,
            timezone=org_context(session, actor).tz_name,
        )  # fmt: skip
        before, action = None, "campaign.create"
    for key, value in values.items():
        setattr(row, key, value)
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(session, actor, action, "campaign", row.id, before=before,
                 after=audit.snapshot(row, FIELDS))  # fmt: skip
    return str(row.id)


def campaign_draft(session: Session, actor: Actor, campaign_id: UUID | str) -> CampaignDraft:
    c = load_campaign(session, actor, campaign_id)
    return CampaignDraft(
        id=str(c.id), name=c.name, goal=c.goal, script=c.script, view=c.target_view or "",
        filters=dict(c.target_filter or {}), days=list(c.window_days or []),
        start=f"{c.window_start:%H:%M}", end=f"{c.window_end:%H:%M}", max_attempts=c.max_attempts,
        retry_minutes=c.retry_minutes, concurrency=c.concurrency, status=c.status.value,
    )  # fmt: skip


def view_choices(session: Session, actor: Actor) -> list[ViewChoice]:
    """The inbox views a campaign can target: built-in ones and the actor's saved ones."""
    require(actor, "campaigns.manage")
    return [ViewChoice(v.key, v.name) for v in list_views(session, actor, with_counts=False)]


def preview_targets(session: Session, actor: Actor, view: str, filters: dict[str, Any]) -> int:
    """How many leads the campaign would call (do-not-call, converted, lost, bad phones out)."""
    require(actor, "campaigns.manage")
    raw, _ = _targets(session, actor, CampaignInput(name="preview", view=view, filters=filters))
    return count_targets(session, actor, lead_filter(raw, actor.user_id))


# ------------------------------------------------------------------ lifecycle
@dataclass(frozen=True)
class StatusChange:
    status: str
    message: str
    calls_left: int


def change_status(
    session: Session, actor: Actor, campaign_id: UUID | str, action: str
) -> StatusChange:
    """start / pause / resume / complete. Starting needs calls left in the month's quota."""
    require(actor, "campaigns.manage")
    if action not in ACTIONS:
        raise Invalid("Unknown action.")
    row = load_campaign(session, actor, campaign_id, lock=True, permission="campaigns.manage")
    allowed, target = ACTIONS[action]
    if row.status not in allowed:
        raise Invalid(f"A {STATUS_LABELS[row.status.value].lower()} campaign cannot {action}.")
    left = quota(session, actor.organization_id).left
    if target == CampaignStatus.RUNNING and left <= 0:
        raise Invalid("No AI calls left this month: the organization's quota is used up.")
    before = audit.snapshot(row, ["status"])
    now = utcnow()
    row.status, row.updated_at = target, now
    if action == "start":
        row.started_at = row.started_at or now
    elif action == "pause":
        row.paused_at = now
    elif action == "complete":
        row.completed_at = now
    session.add(row)
    session.flush()
    audit.record(session, actor, f"campaign.{action}", "campaign", row.id, before=before,
                 after=audit.snapshot(row, ["status"]))  # fmt: skip
    if target == CampaignStatus.RUNNING:
        from .jobs import kick

        kick(session, actor.organization_id, row.id)
    verb = {"start": "started", "pause": "paused", "resume": "resumed", "complete": "completed"}
    message = f"Campaign {verb[action]}."
    if target == CampaignStatus.RUNNING:
        message += f" {left:,} calls left this month."
    return StatusChange(target.value, message, left)
