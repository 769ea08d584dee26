"""The dialer: which calls a running campaign places now.

``plan_dials`` runs in one transaction per campaign: it locks the campaign row (two dialer
workers for one campaign take turns), counts the calls in flight against ``concurrency`` and
the month's calls against the quota, picks the best-scored callable leads whose own window is
open and whose last unanswered attempt is older than the retry interval, and inserts one
queued call per lead and attempt — the unique (campaign, lead, attempt) key makes a second
dial of the same attempt impossible. The caller then hands each ``Dial`` to the provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import Session, col, select

from ...models import AICall, AICallCampaign, AICallStatus, CampaignStatus
from ...models.base import utcnow
from ..core import audit
from ..core.changes import mark_changed
from ..core.org import org_context, zone
from .actor import campaign_actor
from .provider import Dial, Provider, provider_for
from .quota import quota
from .targets import lead_filter, target_query
from .windows import Window, in_window, lead_window

ACTIVE = (AICallStatus.QUEUED, AICallStatus.DIALING, AICallStatus.IN_PROGRESS)
RETRYABLE = (AICallStatus.NO_ANSWER, AICallStatus.VOICEMAIL, AICallStatus.FAILED)
SCAN = 50  # candidate leads read per free line (the window filter runs in Python, per zone)
PLACE_TIMEOUT = timedelta(minutes=30)  # a call stuck in flight this long stops counting


@dataclass(frozen=True)
class DialPlan:
    dials: list[Dial]
    reason: str  # "" when calls were placed, else why not (paused, full, quota, none due)


def window_of(c: AICallCampaign) -> Window:
    return Window(frozenset(c.window_days or []), c.window_start, c.window_end)


def plan_dials(
    session: Session, organization_id: UUID, campaign_id: UUID, now: datetime | None = None
) -> DialPlan:
    now = now or utcnow()
    campaign = session.exec(
        select(AICallCampaign)
        .where(AICallCampaign.id == campaign_id, AICallCampaign.organization_id == organization_id)
        .with_for_update()
    ).first()
    if campaign is None or campaign.status != CampaignStatus.RUNNING:
        return DialPlan([], "not running")
    in_flight = int(
        session.execute(
            sa.select(sa.func.count())
            .select_from(AICall)
            .where(
                col(AICall.campaign_id) == campaign.id,
                col(AICall.status).in_(ACTIVE),
                col(AICall.created_at) > now - PLACE_TIMEOUT,
            )
        ).scalar_one()
    )
    free = campaign.concurrency - in_flight
    if free <= 0:
        return DialPlan([], "at concurrency")
    left = quota(session, organization_id, now).left
    if left <= 0:
        return DialPlan([], "quota reached")
    free = min(free, left)
    actor = campaign_actor(organization_id, campaign.id)
    calls = (
        sa.select(
            col(AICall.lead_id).label("lead_id"),
            sa.func.count().label("attempts"),
            sa.func.max(AICall.attempt).label("last_attempt"),
            sa.func.bool_or(col(AICall.status).in_(ACTIVE)).label("active"),
            sa.func.bool_or(col(AICall.status).not_in(RETRYABLE + ACTIVE)).label("reached"),
            sa.func.max(sa.func.coalesce(AICall.ended_at, AICall.created_at)).label("last_at"),
        )
        .where(col(AICall.campaign_id) == campaign.id)
        .group_by(col(AICall.lead_id))
        .subquery()
    )
    targets = target_query(session, actor, lead_filter(campaign.target_filter, campaign.created_by))
    t = targets.subquery()
    retry_before = now - timedelta(minutes=campaign.retry_minutes)
    rows = session.execute(
        sa.select(t, calls.c.last_attempt)
        .outerjoin(calls, calls.c.lead_id == t.c.id)
        .where(
            sa.or_(
                calls.c.lead_id.is_(None),
                sa.and_(
                    calls.c.attempts < campaign.max_attempts,
                    calls.c.active.is_(False),
                    calls.c.reached.is_(False),
                    calls.c.last_at <= retry_before,
                ),
            )
        )
        .order_by(t.c.lead_score.desc(), t.c.id)
        .limit(free * SCAN)
    ).all()
    window = window_of(campaign)
    fallback = org_context(session, organization_id).tz
    picked = []
    for r in rows:
        tz = zone(r.timezone) if r.timezone else fallback
        if in_window(now, tz, lead_window(window, r.best_call_time)):
            picked.append(r)
            if len(picked) == free:
                break
    if not picked:
        return DialPlan([], "no lead due")
    dials: list[Dial] = []
    for r in picked:
        attempt = int(r.last_attempt or 0) + 1
        call_id = uuid4()
        provider_call_id = f"{campaign.provider}-{call_id.hex}"
        inserted = session.execute(
            pg_insert(AICall)
            .values(
                id=call_id,
                organization_id=organization_id,
                campaign_id=campaign.id,
                lead_id=r.id,
                attempt=attempt,
                status=AICallStatus.QUEUED,
                phone_number=r.phone,
                provider=campaign.provider,
                provider_call_id=provider_call_id,
                created_at=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(constraint="uq_ai_calls_lead_attempt")
            .returning(col(AICall.id))
        ).first()
        if inserted is None:
            continue  # another dialer placed this attempt first
        audit.record(
            session, actor, "ai_call.dial", "ai_call", call_id,
            after={"campaign_id": campaign.id, "lead_id": r.id, "attempt": attempt},
        )  # fmt: skip
        dials.append(
            Dial(organization_id, campaign.id, r.id, call_id, provider_call_id, attempt, r.phone,
                 campaign.script)
        )  # fmt: skip
    mark_changed(session, organization_id, "campaign", [campaign.id])
    return DialPlan(dials, "")


def mark_failed(session: Session, organization_id: UUID, call_id: UUID, error: str) -> None:
    """The provider refused the call: it ends as failed (a retry may follow)."""
    call = session.get(AICall, call_id)
    if call is None or call.organization_id != organization_id:
        return
    if call.status == AICallStatus.QUEUED:
        call.status, call.error = AICallStatus.FAILED, error[:500]
        call.ended_at = call.updated_at = utcnow()
        session.add(call)
        mark_changed(session, organization_id, "campaign", [call.campaign_id])


def running_campaigns(session: Session) -> list[tuple[UUID, UUID]]:
    """(organization, campaign) of every running campaign (owner session: the periodic sweep)."""
    rows = session.execute(
        sa.select(col(AICallCampaign.organization_id), col(AICallCampaign.id)).where(
            col(AICallCampaign.status) == CampaignStatus.RUNNING
        )
    ).all()
    return [(r[0], r[1]) for r in rows]


def dial_campaign(
    organization_id: UUID, campaign_id: UUID, *, now: datetime | None = None,
    provider: Provider | None = None,
) -> DialPlan:  # fmt: skip
    """The dialer job's body: plan in one tenant transaction, then hand each call to the
    provider (outside it: a slow provider never holds the campaign lock)."""
    from ...db import tenant_session

    actor = campaign_actor(organization_id, campaign_id)
    with tenant_session(actor) as s:
        plan = plan_dials(s, organization_id, campaign_id, now)
        name = s.exec(
            select(AICallCampaign.provider).where(AICallCampaign.id == campaign_id)
        ).first()
    if not plan.dials:
        return plan
    provider = provider or provider_for(name or "simulator")
    for dial in plan.dials:
        try:
            provider.place_call(dial)
        except Exception as exc:  # noqa: BLE001 - the call fails, the campaign goes on
            with tenant_session(actor) as s:
                mark_failed(s, organization_id, dial.call_id, f"{type(exc).__name__}: {exc}")
    return plan
