"""The acting organization: name, currency, timezone and settings — resolved in ONE place.

Every service that needs the organization's clock or currency calls ``org_context``. The
result is cached on the session for the rest of the transaction, so a service that calls
others pays for one look-up — and an actor resolved by the per-event session look-up carries
it already (``Actor.org``), so a handler's transactions read no organization row at all.
"""

from __future__ import annotations

from uuid import UUID

from sqlmodel import Session

from ...models import Organization
from .errors import NotFound
from .org_context import FALLBACK_ZONE, OrgContext, org_of_row, zone
from .security import Actor

__all__ = ["FALLBACK_ZONE", "OrgContext", "forget_org_context", "org_context", "org_of_row", "zone"]

_CACHE_KEY = "smartweb.org_context"


def org_context(session: Session, actor: Actor | UUID) -> OrgContext:
    """The organization of ``actor`` (or of an organization id, for jobs and routes)."""
    org_id = actor if isinstance(actor, UUID) else actor.organization_id
    cached = session.info.get(_CACHE_KEY)
    if isinstance(cached, OrgContext) and cached.id == org_id:
        return cached
    known = None if isinstance(actor, UUID) else actor.org
    if known is not None and known.id == org_id:
        session.info[_CACHE_KEY] = known
        return known
    org = session.get(Organization, org_id)
    if org is None or org.id != org_id:
        raise NotFound("Organization not found.")
    ctx = org_of_row(org.id, org.name, org.currency, org.timezone, org.settings)
    session.info[_CACHE_KEY] = ctx
    return ctx


def forget_org_context(session: Session) -> None:
    """Drop the cached context (after the organization row itself changed)."""
    session.info.pop(_CACHE_KEY, None)
