"""Single-use tickets for file downloads served outside the websocket (the lead CSV).

A page handler (which knows the signed-in actor and their session) issues a ticket: a row in
``download_tickets`` bound to that session, expiring after TTL_SECONDS, plus a signed token
``<ticket id>.<expiry>.<signature>`` (HMAC-SHA256 with a key derived from the secret). The
browser then fetches ``/api/exports/...?ticket=...`` once: the route checks the signature and
expiry, uses the row up (a second fetch is refused), checks the session is still live (sign-out
kills the ticket) and re-loads the user and their permissions before serving anything.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from sqlmodel import Session, select

from ...config import settings
from ...models import DownloadTicket, Organization, User, UserStatus
from ...models.base import utcnow
from ..access.accounts import actor_for
from ..access.auth import live_session
from ..core.errors import DomainError
from ..core.security import Actor, require
from .filters import LeadFilter
from .inbox import SORTS

LEADS_CSV = "leads.csv"
LEADS_CSV_PATH = "/api/exports/leads.csv"  # the route that streams it (api/exports.py)
TTL_SECONDS = 60
MAX_TICKET_CHARS = 200
REFUSED = "This download link is invalid, used or expired. Start the export again from the app."


class TicketRefused(DomainError):
    """A forged, altered, expired, used or no longer usable ticket (HTTP 403, plain message)."""

    def __init__(self, message: str = REFUSED) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Ticket:
    """A redeemed ticket: what it was issued for."""

    id: UUID
    purpose: str
    user_id: UUID
    organization_id: UUID
    filters: dict[str, Any]
    sort: str


def _key() -> bytes:
    """A key for tickets only (the secret also keys session hashes)."""
    return hmac.new(settings.secret_key.encode(), b"smartweb/download-ticket/v2", "sha256").digest()


def _sign(purpose: str, body: str) -> str:
    return hmac.new(_key(), f"{purpose}|{body}".encode(), hashlib.sha256).hexdigest()


def issue(
    session: Session,
    actor: Actor,
    purpose: str,
    payload: dict[str, Any],
    *,
    ttl: int = TTL_SECONDS,
    now: datetime | None = None,
) -> str:
    """A ticket for one download of ``purpose`` by the actor's session, valid ``ttl`` seconds."""
    if actor.session_id is None:
        raise TicketRefused("Downloads need a signed-in session.")
    expires = (now or utcnow()) + timedelta(seconds=ttl)
    row = DownloadTicket(
        organization_id=actor.organization_id,
        user_id=actor.user_id,
        session_id=actor.session_id,
        purpose=purpose,
        payload=payload,
        expires_at=expires,
    )
    session.add(row)
    session.flush()
    body = f"{row.id.hex}.{int(expires.timestamp())}"
    return f"{body}.{_sign(purpose, body)}"


def _parse(raw: str, purpose: str, now: datetime) -> UUID:
    raw = raw or ""
    if len(raw) > MAX_TICKET_CHARS or raw.count(".") != 2 or not raw.isascii():
        raise TicketRefused
    ticket_id, expiry, signature = raw.split(".")
    if not hmac.compare_digest(_sign(purpose, f"{ticket_id}.{expiry}"), signature):
        raise TicketRefused
    try:
        found, expires = UUID(hex=ticket_id), datetime.fromtimestamp(int(expiry), UTC)
    except ValueError:
        raise TicketRefused from None
    if expires <= now:
        raise TicketRefused
    return found


def redeem(
    session: Session, raw: str, purpose: str, permission: str, *, now: datetime | None = None
) -> tuple[Ticket, Actor]:
    """Use a ticket up (owner session, like a sign-in) and return it with its actor as they are
    now; ``TicketRefused`` for anything else. The use is committed with the caller's transaction."""
    now = now or utcnow()
    ticket_id = _parse(raw, purpose, now)
    row = session.exec(
        select(DownloadTicket).where(DownloadTicket.id == ticket_id).with_for_update()
    ).first()
    if row is None or row.purpose != purpose or row.used_at is not None or row.expires_at <= now:
        raise TicketRefused
    row.used_at = now
    session.add(row)
    session.flush()
    if live_session(session, row.session_id) is None:
        raise TicketRefused
    ticket = Ticket(
        id=row.id,
        purpose=row.purpose,
        user_id=row.user_id,
        organization_id=row.organization_id,
        filters=dict(row.payload.get("filters") or {}),
        sort=str(row.payload.get("sort") or "score"),
    )
    return ticket, ticket_actor(session, ticket, permission, session_id=row.session_id)


def leads_csv_ticket(
    session: Session, actor: Actor, filters: LeadFilter | dict[str, Any] | None, sort: str
) -> str:
    """A ticket for the CSV of the leads the inbox filters match (``leads.import`` needed)."""
    require(actor, "leads.import")
    flt = filters if isinstance(filters, LeadFilter) else LeadFilter.parse(filters)
    if sort not in SORTS:
        sort = "score"
    return issue(session, actor, LEADS_CSV, {"filters": flt.to_dict(), "sort": sort})


def leads_csv_path(ticket: str) -> str:
    """Where the browser downloads the CSV a ticket stands for."""
    return f"{LEADS_CSV_PATH}?{urlencode({'ticket': ticket})}"


def ticket_actor(
    session: Session, ticket: Ticket, permission: str, *, session_id: UUID | None = None
) -> Actor:
    """The ticket's user as they are now (active, same organization, still holding
    ``permission``), loaded with a system session like a sign-in; else ``TicketRefused``."""
    user = session.get(User, ticket.user_id)
    if (
        user is None
        or user.deleted_at is not None
        or user.status != UserStatus.ACTIVE
        or user.organization_id != ticket.organization_id
    ):
        raise TicketRefused
    org = session.get(Organization, user.organization_id)
    if org is None or not org.is_active:
        raise TicketRefused
    actor = actor_for(session, user, session_id=session_id)
    if not actor.can(permission):
        raise TicketRefused("You no longer have permission to export leads.")
    return actor
