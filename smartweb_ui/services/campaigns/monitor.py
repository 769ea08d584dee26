"""The campaign monitor's numbers: live counters and rates, the funnel, calls per hour, the
pipeline it fed, a page of calls with filters, and one call's transcript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ...models import AICall, Company, Lead
from ...models.base import utcnow
from ..core.errors import NotFound, as_uuid
from ..core.formatting import format_datetime, format_money
from ..core.org import org_context
from ..core.security import Actor, require
from .manage import STATUS_LABELS, load_campaign, window_label
from .quota import quota
from .results import PipelineResult, deal_rows, pipeline_results, qualified_lead_ids

PAGE_SIZE = 25
HOURS = 24
OUTCOME_LABELS = {
    "interested": "Interested", "meeting_booked": "Meeting booked", "callback": "Callback",
    "not_interested": "Not interested", "wrong_number": "Wrong number",
    "do_not_call": "Do not call", "voicemail": "Voicemail", "no_answer": "No answer",
}  # fmt: skip
CALL_STATUS_LABELS = {
    "queued": "Queued", "dialing": "Dialing", "in_progress": "In call", "completed": "Completed",
    "no_answer": "No answer", "voicemail": "Voicemail", "failed": "Failed",
}  # fmt: skip
SENTIMENT_LABELS = {"positive": "Positive", "neutral": "Neutral", "negative": "Negative"}


@dataclass(frozen=True)
class Counter:
    key: str
    label: str
    value: str


@dataclass(frozen=True)
class HourBucket:
    label: str
    calls: int
    answered: int


@dataclass(frozen=True)
class FunnelStep:
    label: str
    value: int


@dataclass(frozen=True)
class MonitorData:
    id: str
    name: str
    goal: str
    status: str
    status_label: str
    window: str
    rules: str
    counters: list[Counter]
    rates: list[Counter]
    funnel: list[FunnelStep]
    hours: list[HourBucket]
    pipeline: list[Counter]
    calls_total: int
    timezone: str


def answered_by_person() -> sa.ColumnElement[bool]:
    """Answered by a person: as the provider said, or (older calls without it) a conversation."""
    return sa.or_(
        col(AICall.answered_by) == "human",
        sa.and_(col(AICall.answered_by).is_(None), col(AICall.status) == "completed"),
    )


def _rate(part: int, whole: int) -> str:
    return f"{Decimal(part * 100) / whole:.1f}%" if whole else "–"


def monitor(session: Session, actor: Actor, campaign_id: UUID | str) -> MonitorData:
    c = load_campaign(session, actor, campaign_id)
    org = org_context(session, actor)
    f = sa.func
    status, outcome = col(AICall.status), col(AICall.outcome)
    r = session.execute(
        sa.select(
            f.count().label("total"),
            f.count().filter(status == "queued").label("queued"),
            f.count().filter(status == "dialing").label("dialing"),
            f.count().filter(status == "in_progress").label("in_call"),
            f.count().filter(answered_by_person()).label("human"),
            f.count()
            .filter(sa.or_(col(AICall.answered_by) == "voicemail", status == "voicemail"))
            .label("voicemail"),
            f.count().filter(col(AICall.transferred_at).is_not(None)).label("transferred"),
            f.count().filter(outcome.in_(["interested", "meeting_booked"])).label("interested"),
            f.count().filter(outcome == "callback").label("callbacks"),
            f.count().filter(outcome == "do_not_call").label("dnc"),
            f.count()
            .filter(status.in_(["completed", "no_answer", "voicemail", "failed"]))
            .label("ended"),
            f.avg(AICall.duration_seconds).filter(col(AICall.duration_seconds) > 0).label("avg_s"),
            f.sum(AICall.cost).label("cost"),
        ).where(
            col(AICall.organization_id) == actor.organization_id, col(AICall.campaign_id) == c.id
        )
    ).one()
    q = quota(session, actor.organization_id)
    avg = int(r.avg_s or 0)
    counters = [
        Counter("queued", "Queued", f"{r.queued:,}"),
        Counter("dialing", "Dialing", f"{r.dialing + r.in_call:,}"),
        Counter("human", "Answered · human", f"{r.human:,}"),
        Counter("voicemail", "Answered · voicemail", f"{r.voicemail:,}"),
        Counter("transferred", "Transferred", f"{r.transferred:,}"),
        Counter("interested", "Interested", f"{r.interested:,}"),
        Counter("callbacks", "Callbacks", f"{r.callbacks:,}"),
        Counter("dnc", "Do not call", f"{r.dnc:,}"),
    ]
    rates = [
        Counter("connect", "Connect rate", _rate(r.human, r.ended)),
        Counter("conversion", "Conversion rate", _rate(r.interested, r.human)),
        Counter("duration", "Avg. duration", f"{avg // 60}:{avg % 60:02d}" if avg else "–"),
        Counter("cost", "Cost", format_money(r.cost, org.currency) if r.cost is not None else "–"),
        Counter("left", "Calls left this month", f"{q.left:,} of {q.limit:,}"),
    ]
    res = pipeline_results(session, actor.organization_id, [c.id]).get(
        str(c.id), PipelineResult(str(c.id), 0, 0, 0, Decimal("0"))
    )
    pipeline = [
        Counter("qualified", "Leads qualified", f"{res.qualified:,}"),
        Counter("deals", "Deals created", f"{res.deals:,}"),
        Counter("won", "Won revenue", format_money(res.won_revenue, org.currency)),
    ]
    funnel = [
        FunnelStep("Calls placed", int(r.total)),
        FunnelStep("Answered by a person", int(r.human)),
        FunnelStep("Interested", int(r.interested)),
        FunnelStep("Deals created", res.deals),
        FunnelStep("Deals won", res.won_deals),
    ]
    return MonitorData(
        id=str(c.id), name=c.name, goal=c.goal, status=c.status.value,
        status_label=STATUS_LABELS[c.status.value], window=window_label(c),
        rules=(f"{c.concurrency} at once · up to {c.max_attempts} attempts · "
               f"retry after {c.retry_minutes} min"),
        counters=counters, rates=rates, funnel=funnel,
        hours=_hours(session, actor, c.id, org.tz), pipeline=pipeline,
        calls_total=int(r.total), timezone=org.tz_name,
    )  # fmt: skip


def _hours(session: Session, actor: Actor, campaign_id: UUID, tz: Any) -> list[HourBucket]:
    """Calls placed and answered per hour over the last HOURS hours (organization's clock)."""
    now = utcnow()
    start = (now - timedelta(hours=HOURS - 1)).replace(minute=0, second=0, microsecond=0)
    hour = sa.func.date_trunc("hour", col(AICall.created_at))
    rows = session.execute(
        sa.select(
            hour.label("h"),
            sa.func.count().label("n"),
            sa.func.count().filter(answered_by_person()).label("a"),
        )
        .where(
            col(AICall.organization_id) == actor.organization_id,
            col(AICall.campaign_id) == campaign_id,
            col(AICall.created_at) >= start,
        )
        .group_by(hour)
    ).all()
    by_hour = {row.h.astimezone(tz).replace(tzinfo=None): row for row in rows}
    out = []
    for i in range(HOURS):
        moment = (start + timedelta(hours=i)).astimezone(tz)
        row = by_hour.get(moment.replace(tzinfo=None))
        out.append(HourBucket(f"{moment:%H}:00", int(row.n) if row else 0,
                              int(row.a) if row else 0))  # fmt: skip
    return out


# ------------------------------------------------------------------ the calls table
@dataclass(frozen=True)
class CallRow:
    id: str
    company: str
    lead_id: str
    status: str
    status_label: str
    outcome: str
    outcome_label: str
    sentiment: str
    sentiment_label: str
    duration: str
    at: str
    attempt: int


@dataclass(frozen=True)
class CallsPage:
    rows: list[CallRow]
    total: int
    page: int
    pages: int


def calls_page(
    session: Session, actor: Actor, campaign_id: UUID | str, *, outcome: str = "",
    sentiment: str = "", page: int = 0,
) -> CallsPage:  # fmt: skip
    c = load_campaign(session, actor, campaign_id)
    tz = org_context(session, actor).tz
    where = [col(AICall.organization_id) == actor.organization_id, col(AICall.campaign_id) == c.id]
    if outcome in OUTCOME_LABELS:
        where.append(col(AICall.outcome) == outcome)
    elif outcome in CALL_STATUS_LABELS:
        where.append(col(AICall.status) == outcome)
    if sentiment in SENTIMENT_LABELS:
        where.append(col(AICall.sentiment) == sentiment)
    total = int(session.execute(sa.select(sa.func.count()).select_from(AICall).where(*where))
                .scalar_one())  # fmt: skip
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    rows = session.execute(
        sa.select(AICall, col(Company.name))
        .join(Lead, col(Lead.id) == AICall.lead_id)
        .join(Company, col(Company.id) == Lead.company_id)
        .where(*where)
        .order_by(col(AICall.created_at).desc(), col(AICall.id))
        .limit(PAGE_SIZE)
        .offset(page * PAGE_SIZE)
    ).all()
    out = []
    for call, company in rows:
        secs = call.duration_seconds or 0
        o = call.outcome.value if call.outcome else ""
        out.append(CallRow(
            id=str(call.id), company=company, lead_id=str(call.lead_id),
            status=call.status.value, status_label=CALL_STATUS_LABELS[call.status.value],
            outcome=o, outcome_label=OUTCOME_LABELS.get(o, ""),
            sentiment=call.sentiment or "", sentiment_label=SENTIMENT_LABELS.get(call.sentiment or "", ""),
            duration=f"{secs // 60}:{secs % 60:02d}" if secs else "–",
            at=format_datetime(call.created_at, tz, with_year=False), attempt=call.attempt,
        ))  # fmt: skip
    return CallsPage(out, total, page, pages)


@dataclass(frozen=True)
class TurnView:
    speaker: str
    text: str


@dataclass(frozen=True)
class CallDetail:
    id: str
    company: str
    lead_id: str
    status_label: str
    outcome_label: str
    sentiment_label: str
    summary: str
    recording_url: str
    duration: str
    turns: list[TurnView]
    at: str


def call_detail(
    session: Session, actor: Actor, campaign_id: UUID | str, call_id: UUID | str
) -> CallDetail:
    c = load_campaign(session, actor, campaign_id)
    require(actor, "campaigns.view")
    call = session.exec(
        select(AICall).where(
            AICall.id == as_uuid(call_id, "Call"),
            AICall.organization_id == actor.organization_id,
            AICall.campaign_id == c.id,
        )
    ).first()
    if call is None:
        raise NotFound("Call not found.")
    lead = session.get(Lead, call.lead_id)
    company = session.get(Company, lead.company_id) if lead else None
    tz = org_context(session, actor).tz
    turns = [TurnView("Agent" if t.get("speaker") == "agent" else "Lead", str(t.get("text", "")))
             for t in (call.turns or [])]  # fmt: skip
    if not turns and call.transcript:
        for line in call.transcript.splitlines():
            who, _, said = line.partition(":")
            turns.append(TurnView(who.strip() or "—", said.strip()))
    secs = call.duration_seconds or 0
    o = call.outcome.value if call.outcome else ""
    return CallDetail(
        id=str(call.id), company=company.name if company else "", lead_id=str(call.lead_id),
        status_label=CALL_STATUS_LABELS[call.status.value], outcome_label=OUTCOME_LABELS.get(o, ""),
        sentiment_label=SENTIMENT_LABELS.get(call.sentiment or "", ""),
        summary=call.summary or "", recording_url=call.recording_url or "",
        duration=f"{secs // 60}:{secs % 60:02d}" if secs else "–", turns=turns,
        at=format_datetime(call.created_at, tz),
    )  # fmt: skip


# ------------------------------------------------------------------ pipeline drill-down
@dataclass(frozen=True)
class DrillItem:
    label: str
    detail: str
    href: str


def pipeline_drill(
    session: Session, actor: Actor, campaign_id: UUID | str, what: str
) -> list[DrillItem]:
    """The leads qualified, deals created or deals won behind the monitor's pipeline numbers."""
    c = load_campaign(session, actor, campaign_id)
    currency = org_context(session, actor).currency
    if what == "qualified":
        require(actor, "leads.read")
        return [DrillItem(r.name, "Qualified", f"/leads/{r.id}")
                for r in qualified_lead_ids(session, actor.organization_id, c.id)]  # fmt: skip
    require(actor, "pipeline.read")
    return [
        DrillItem(r.name, f"{r.status.title()} · {format_money(r.value, currency)}",
                  f"/pipeline?deal={r.id}")
        for r in deal_rows(session, actor.organization_id, c.id, won_only=what == "won")
    ]  # fmt: skip
