"""Short-lived signed tickets for file downloads served outside the websocket.

A page handler (which knows the signed-in actor) issues a ticket; the browser then fetches
``/api/exports/...?ticket=...``. The ticket is ``<payload>.<signature>`` (both base64url):
the payload is JSON with the purpose, user, organization, filters, sort and expiry, and the
signature is HMAC-SHA256 over it with a key derived from ``settings.secret_key``. It proves
only "this user asked for this export a moment ago": the route re-loads the user and their
permissions from the database before serving anything.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from sqlmodel import Session

from ...config import settings
from ...models import Organization, User, UserStatus
from ..access.accounts import actor_for
from ..core.errors import DomainError
from ..core.security import Actor, require
from .filters import LeadFilter
from .inbox import SORTS

LEADS_CSV = "leads.csv"
LEADS_CSV_PATH = "/api/exports/leads.csv"  # the route that streams it (api/exports.py)
TTL_SECONDS = 60
MAX_TICKET_CHARS = 4096
REFUSED = "This download link is invalid or has expired. Start the export again from the app."


class TicketRefused(DomainError):
    """A forged, altered, expired or no longer usable ticket (HTTP 403, plain message)."""

    def __init__(self, message: str = REFUSED) -> None:
        super().__init__(message)


@dataclass(frozen=True)
class Ticket:
    """The verified claims of a ticket."""

    purpose: str
    user_id: UUID
    organization_id: UUID
    filters: dict[str, Any]
    sort: str
    expires: int


def _key() -> bytes:
    """A key for tickets only (the secret also keys session hashes)."""
    return hmac.new(settings.secret_key.encode(), b"smartweb/export-ticket/v1", "sha256").digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(payload: str) -> str:
    return _b64(hmac.new(_key(), payload.encode("ascii"), hashlib.sha256).digest())


def issue(
    actor: Actor,
    purpose: str,
    filters: dict[str, Any],
    sort: str,
    *,
    ttl: int = TTL_SECONDS,
    now: float | None = None,
) -> str:
    """A signed ticket for ``purpose`` valid ``ttl`` seconds."""
    claims = {
        "p": purpose,
        "u": str(actor.user_id),
        "o": str(actor.organization_id),
        "f": filters,
        "s": sort,
        "e": int((time.time() if now is None else now) + ttl),
    }
    payload = _b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    return f"{payload}.{_sign(payload)}"


def verify(ticket: str, purpose: str, *, now: float | None = None) -> Ticket:
    """The claims of a genuine, unexpired ticket for ``purpose``; else ``TicketRefused``."""
    ticket = ticket or ""
    if len(ticket) > MAX_TICKET_CHARS or ticket.count(".") != 1:
        raise TicketRefused
    payload, signature = ticket.split(".")
    try:
        payload.encode("ascii")
        signature.encode("ascii")
    except UnicodeEncodeError:
        raise TicketRefused from None
    if not hmac.compare_digest(_sign(payload), signature):
        raise TicketRefused
    try:
        claims = json.loads(_unb64(payload))
        found = Ticket(
            purpose=str(claims["p"]),
            user_id=UUID(str(claims["u"])),
            organization_id=UUID(str(claims["o"])),
            filters=dict(claims["f"]),
            sort=str(claims["s"]),
            expires=int(claims["e"]),
        )
    except (binascii.Error, ValueError, KeyError, TypeError):
        raise TicketRefused from None
    if found.purpose != purpose or found.expires <= (time.time() if now is None else now):
        raise TicketRefused
    return found


def leads_csv_ticket(
    actor: Actor, filters: LeadFilter | dict[str, Any] | None, sort: str, **kw: Any
) -> str:
    """A ticket for the CSV of the leads the inbox filters match (``leads.import`` needed)."""
    require(actor, "leads.import")
    flt = filters if isinstance(filters, LeadFilter) else LeadFilter.parse(filters)
    if sort not in SORTS:
        sort = "score"
    return issue(actor, LEADS_CSV, flt.to_dict(), sort, **kw)


def leads_csv_path(ticket: str) -> str:
    """Where the browser downloads the CSV a ticket stands for."""
    return f"{LEADS_CSV_PATH}?{urlencode({'ticket': ticket})}"


def ticket_actor(session: Session, ticket: Ticket, permission: str) -> Actor:
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
    actor = actor_for(session, user)
    if not actor.can(permission):
        raise TicketRefused("You no longer have permission to export leads.")
    return actor
