"""Proposal jobs: e-mail delivery and the nightly expiry sweep (procrastinate tasks).

Both are idempotent: delivering an e-mail already sent does nothing, and the sweep expires
only what is still open past its date. They carry the organization's id and open a tenant
transaction of that organization themselves.
"""

from __future__ import annotations

from uuid import UUID

from sqlmodel import Session

from ...db import system_session
from ..core import queue
from . import lifecycle, outbox

DELIVER_EMAIL = "proposals.deliver_email"
EXPIRE_ORG = "proposals.expire_org"


def defer_delivery(session: Session, organization_id: UUID, outbox_id: UUID) -> None:
    """Queue the delivery of one outbox row in the caller's transaction (once)."""
    queue.defer(
        session,
        DELIVER_EMAIL,
        {"organization_id": str(organization_id), "outbox_id": str(outbox_id)},
        queueing_lock=f"outbox:{outbox_id}",
        lock=f"outbox:{outbox_id}",
    )


@queue.app.task(name=DELIVER_EMAIL, retry=queue.RETRY)
async def deliver_email(organization_id: str, outbox_id: str) -> str:
    """Send one outbox e-mail over SMTP; a failure raises so the queue retries it."""
    return await outbox.deliver(UUID(organization_id), UUID(outbox_id))


@queue.app.task(name=EXPIRE_ORG, retry=queue.RETRY)
async def expire_org(organization_id: str) -> int:
    """Expire one organization's sent proposals past their valid-until date."""
    return len(await queue.in_org(organization_id, lifecycle.expire_overdue))


def _overdue_orgs() -> list[UUID]:
    with system_session() as session:
        return lifecycle.organizations_with_overdue(session)


def sweep(session: Session) -> int:
    """Queue one expiry job per organization with overdue proposals (the periodic task)."""
    orgs = lifecycle.organizations_with_overdue(session)
    for org in orgs:
        queue.defer(
            session, EXPIRE_ORG, {"organization_id": str(org)}, queueing_lock=f"expire:{org}"
        )
    return len(orgs)


@queue.app.periodic(cron="*/15 * * * *", periodic_id="proposals.expiry_sweep")
@queue.app.task(name="proposals.expiry_sweep", queueing_lock="proposals.expiry_sweep")
async def expiry_sweep(timestamp: int) -> int:
    """Every quarter hour: fan the sweep out per organization."""
    import asyncio

    def run() -> int:
        with system_session() as session:
            return sweep(session)

    return await asyncio.to_thread(run)
