"""The dialer on the job queue.

``campaigns.dial`` (one campaign): places the calls that are due (``dial_campaign``) and, while
the campaign runs, queues itself again — soon when lines are busy, later when no lead's window
is open. Its ``lock`` runs one dial of a campaign at a time across all workers, its
``queueing_lock`` keeps one waiting; the unique (campaign, lead, attempt) key is the last word.
Starting or resuming a campaign and every call that ends queue a dial at once (``kick``), so
a freed line is used without waiting; ``campaigns.sweep`` restarts any chain that was lost.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID

from sqlmodel import Session

from ...models.base import utcnow
from ..core import queue
from ..core.unit_of_work import in_system
from .dialer import dial_campaign, running_campaigns

DIAL = "campaigns.dial"
BUSY_DELAY = timedelta(seconds=5)
IDLE_DELAY = timedelta(seconds=60)


def kick(
    session: Session, organization_id: UUID, campaign_id: UUID, *, delay: timedelta | None = None
) -> None:
    """Queue a dial of the campaign in the caller's transaction (once: a waiting one suffices)."""
    queue.defer(
        session,
        DIAL,
        {"organization_id": str(organization_id), "campaign_id": str(campaign_id)},
        queueing_lock=f"{DIAL}:{campaign_id}",
        lock=f"{DIAL}:{campaign_id}",
        scheduled_at=utcnow() + delay if delay else None,
    )


def dial_once(organization_id: UUID, campaign_id: UUID) -> None:
    """The job's body (synchronous): dial what is due, then queue the next round."""
    plan = dial_campaign(organization_id, campaign_id)
    if plan.reason == "not running":
        return
    delay = IDLE_DELAY if plan.reason in ("no lead due", "quota reached") else BUSY_DELAY
    from ...db import tenant_session
    from .actor import campaign_actor

    with tenant_session(campaign_actor(organization_id, campaign_id)) as s:
        kick(s, organization_id, campaign_id, delay=delay)


@queue.app.task(name=DIAL, retry=queue.RETRY)
async def dial(organization_id: str, campaign_id: str) -> None:
    await asyncio.to_thread(dial_once, UUID(organization_id), UUID(campaign_id))


def _sweep(session: Session) -> int:
    found = running_campaigns(session)
    for org_id, cid in found:
        kick(session, org_id, cid)
    return len(found)


@queue.app.periodic(cron="* * * * *")
@queue.app.task(name="campaigns.sweep", queueing_lock="campaigns.sweep")
async def sweep(timestamp: int) -> None:
    """Every minute: every running campaign has a dial queued (a lost chain restarts)."""
    await asyncio.to_thread(in_system, _sweep)
