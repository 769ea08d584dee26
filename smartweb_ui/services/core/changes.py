"""The change feed: what a committed transaction changed, published once, heard by every worker.

Every change a service makes writes an audit row (``audit.record``), and that marks the entity
as changed in the session. When the transaction commits, ONE PostgreSQL ``NOTIFY`` per
organization carries what changed (entity kinds and ids): PostgreSQL delivers it only if the
transaction commits, to every listening connection — so it works the same with one backend
worker or many, and needs nothing beyond the database. Each worker keeps one ``LISTEN``
connection (``listen``) and hands the changes to the pages open on it (``state/live.py``).
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from uuid import UUID

import psycopg
from sqlalchemy import event, text
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from . import cache

log = logging.getLogger(__name__)

CHANNEL = "smartweb_changes"
MAX_IDS = 100  # per kind in one notification; past that the change says "many" (ids None)
MAX_PAYLOAD = 7000  # PostgreSQL refuses NOTIFY payloads of 8000 bytes or more
_PENDING = "smartweb.changes"
_COMMITTING = "smartweb.changes.committing"
_OWNERS = "smartweb.changes.owners"
_LEAD_OWNERS = "smartweb.changes.lead_owners"
# In ``lead_owners``: a lead that was or is assigned to nobody (every rep's inbox shows those).
UNASSIGNED = cache.UNASSIGNED
T = TypeVar("T")
# The tab whose own event made the change and shows its effect already (``shown_by``).
_ORIGIN: contextvars.ContextVar[str | None] = contextvars.ContextVar("change_origin", default=None)


@dataclass(frozen=True)
class Change:
    """What one committed transaction changed in one organization."""

    organization_id: UUID
    # entity kind (an audit entity type: "opportunity", "lead", "task" …) -> ids (None: many)
    kinds: dict[str, frozenset[UUID] | None] = field(default_factory=dict)
    actor_id: UUID | None = None
    seq: int = 0  # numbered by the worker that heard it (pages share work per change)
    # The owners (before and after) of every deal it changed, when known for all of them
    # (None: not known). A board filtered to one owner skips a change that is not theirs.
    deal_owners: frozenset[UUID] | None = None
    # The assignees (before and after; UNASSIGNED for nobody) of the leads behind every lead,
    # interaction and task row it wrote, when known for all of them (None: not known). A rep's
    # inbox (their own and unassigned leads) skips a change of other people's leads.
    lead_owners: frozenset[UUID] | None = None
    # The tab whose event made the change and already shows its effect (``origin_of`` its
    # client token): that tab's live task skips it (None: every page that shows it applies it).
    origin: str | None = None

    def touches(self, *kinds: str) -> bool:
        return any(k in self.kinds for k in kinds)

    def ids(self, kind: str) -> frozenset[UUID] | None:
        """The changed ids of ``kind`` (None: too many to list, or none of that kind)."""
        return self.kinds.get(kind)

    def touches_id(self, kind: str, id_: UUID) -> bool:
        """Did it change this ``kind`` row (or too many of that kind to list)?"""
        if kind not in self.kinds:
            return False
        ids = self.kinds[kind]
        return ids is None or id_ in ids

    def may_show_owner(self, owner_id: UUID) -> bool:
        """Could it change what a view of ``owner_id``'s deals shows?"""
        return self.deal_owners is None or owner_id in self.deal_owners

    def may_show_lead_of(self, user_id: UUID) -> bool:
        """Could it change what a view of ``user_id``'s own and unassigned leads shows?"""
        owners = self.lead_owners
        return owners is None or user_id in owners or UNASSIGNED in owners

    def affects_access(self, user_id: UUID) -> bool:
        """Could it change what this user may do (their account, or any role's permissions)?"""
        return self.touches("role") or self.touches_id("user", user_id)


def origin_of(tab: str) -> str:
    """What a notification says of a tab: a digest of its client token, never the token (which
    opens the tab's state)."""
    return hashlib.blake2b(tab.encode(), digest_size=8).hexdigest()


def shown_by(tab: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``fn(*args)``, whose commits name the tab (its client token) as their origin: the handler
    of that tab shows the change itself (a drop's own patch), so the tab's live task need not
    fetch it again."""
    reset = _ORIGIN.set(origin_of(tab))
    try:
        return fn(*args, **kwargs)
    finally:
        _ORIGIN.reset(reset)


def mark_changed(
    session: Session, organization_id: UUID, kind: str, ids: Iterable[UUID | None] = (),
    actor_id: UUID | None = None,
) -> None:  # fmt: skip
    """Note a change of ``kind`` (ids) for this transaction's notification."""
    pending: dict[UUID, dict[str, set[UUID] | None]] = session.info.setdefault(_PENDING, {})
    by_kind = pending.setdefault(organization_id, {})
    wanted = [i for i in ids if i is not None]
    current = by_kind.get(kind, set())
    if current is None or (len(current) + len(wanted)) > MAX_IDS:
        by_kind[kind] = None
    else:
        by_kind[kind] = current | set(wanted)
    if actor_id is not None:
        session.info.setdefault(_PENDING + ".actors", {})[organization_id] = actor_id


def mark_deal_owners(
    session: OrmSession, organization_id: UUID, deal_id: UUID, owners: Iterable[UUID | None]
) -> None:
    """Note whose deal this was and is (a board filtered to one owner skips other changes).
    The ORM does it for every deal it writes (``services.pipeline.owners``)."""
    known: dict[UUID, dict[UUID, set[UUID]]] = session.info.setdefault(_OWNERS, {})
    known.setdefault(organization_id, {}).setdefault(deal_id, set()).update(
        o for o in owners if o is not None
    )


def mark_lead_owners(
    session: OrmSession,
    organization_id: UUID,
    kind: str,
    row_id: UUID,
    assignees: Iterable[UUID | None],
) -> None:
    """Note whose lead a lead, interaction or task row belongs to (``kind``; its lead's
    assignees before and after, None for nobody). The ORM does it for every such row it
    writes (``services.leads.owners``)."""
    known: dict[UUID, dict[tuple[str, UUID], set[UUID]]] = session.info.setdefault(_LEAD_OWNERS, {})
    known.setdefault(organization_id, {}).setdefault((kind, row_id), set()).update(
        UNASSIGNED if a is None else a for a in assignees
    )


def _lead_owners(
    kinds: dict[str, set[UUID] | None], noted: dict[tuple[str, UUID], set[UUID]]
) -> frozenset[UUID] | None:
    """The assignees behind the change's lead, interaction and task rows, if known for all."""
    found: set[UUID] = set()
    for kind in cache.LEAD_KINDS:  # rows of one lead: noted with the lead's assignees
        if kind not in kinds:
            continue
        ids = kinds[kind]
        if ids is None or any((kind, i) not in noted for i in ids):
            return None
        for i in ids:
            found |= noted[(kind, i)]
    return frozenset(found)


def _deal_owners(
    kinds: dict[str, set[UUID] | None], owners: dict[UUID, set[UUID]]
) -> frozenset[UUID] | None:
    """The owners of the change's deals, if known for every one of them."""
    if "opportunity" not in kinds:
        return None if "stage" in kinds else frozenset()
    deals = kinds["opportunity"]
    if deals is None or not deals <= owners.keys():
        return None
    return frozenset().union(*(owners[d] for d in deals))


def touch_deal(session: Session, deal_id: UUID, organization_id: UUID) -> None:
    """A change that shows on a deal's card (a task on it, say) without editing the deal row."""
    owner = session.execute(
        text(
            "UPDATE opportunities SET updated_at = clock_timestamp() WHERE id = :d "
            "RETURNING owner_id"
        ),
        {"d": deal_id},
    ).scalar()
    mark_changed(session, organization_id, "opportunity", [deal_id])
    mark_deal_owners(session, organization_id, deal_id, [owner])


def encode(change: Change) -> str:
    raw: dict[str, Any] = {
        "o": str(change.organization_id),
        "a": str(change.actor_id) if change.actor_id else None,
        "k": {k: sorted(map(str, v)) if v is not None else None for k, v in change.kinds.items()},
    }
    if change.deal_owners is not None:
        raw["w"] = sorted(map(str, change.deal_owners))
    if change.lead_owners is not None:
        raw["l"] = sorted(map(str, change.lead_owners))
    if change.origin:
        raw["t"] = change.origin
    return json.dumps(raw, separators=(",", ":"))


def fitted(change: Change) -> str:
    """``encode``, with the longest id lists turned into "many" until it fits a NOTIFY."""
    payload = encode(change)
    kinds = dict(change.kinds)
    if len(payload) > MAX_PAYLOAD and (change.deal_owners or change.lead_owners) is not None:
        change = replace(change, deal_owners=None, lead_owners=None)  # "not known" is safe
        payload = encode(change)
    while len(payload) > MAX_PAYLOAD:
        listed = [k for k, v in kinds.items() if v]
        if not listed:
            break
        kinds[max(listed, key=lambda k: len(kinds[k] or ()))] = None
        payload = encode(replace(change, kinds=kinds))
    return payload


def decode(payload: str) -> Change | None:
    try:
        raw = json.loads(payload)
        kinds = {
            str(k): (frozenset(UUID(i) for i in v) if v is not None else None)
            for k, v in dict(raw["k"]).items()
        }
        owners, lead_owners = raw.get("w"), raw.get("l")
        return Change(
            UUID(raw["o"]),
            kinds,
            UUID(raw["a"]) if raw.get("a") else None,
            deal_owners=frozenset(UUID(i) for i in owners) if owners is not None else None,
            lead_owners=(
                frozenset(UUID(i) for i in lead_owners) if lead_owners is not None else None
            ),
            origin=str(raw["t"])[:64] if raw.get("t") else None,
        )
    except (ValueError, KeyError, TypeError):
        log.warning("ignored a malformed change notification")
        return None


@event.listens_for(OrmSession, "before_commit")
def _publish(session: OrmSession) -> None:
    """One NOTIFY per organization with what this transaction changed (sent on commit)."""
    if session.info.get(_PENDING) and (session.new or session.dirty or session.deleted):
        session.flush()  # the last writes note their deals' owners as they flush
    pending = session.info.pop(_PENDING, None)
    actors = session.info.pop(_PENDING + ".actors", {})
    owners = session.info.pop(_OWNERS, {})
    lead_owners = session.info.pop(_LEAD_OWNERS, {})
    if not pending:
        return
    committing = []
    for org_id, kinds in pending.items():
        change = Change(
            org_id,
            {k: (frozenset(v) if v is not None else None) for k, v in kinds.items()},
            actors.get(org_id),
            deal_owners=_deal_owners(kinds, owners.get(org_id, {})),
            lead_owners=_lead_owners(kinds, lead_owners.get(org_id, {})),
            origin=_ORIGIN.get(),
        )
        session.execute(text("SELECT pg_notify(:c, :p)"), {"c": CHANNEL, "p": fitted(change)})
        committing.append((org_id, set(kinds), change.lead_owners))
    session.info[_COMMITTING] = committing


@event.listens_for(OrmSession, "after_commit")
def _invalidate_here(session: OrmSession) -> None:
    """This worker's caches forget what the commit changed at once (other workers do when the
    notification reaches them), so the committing user's next read is fresh."""
    for org_id, kinds, lead_owners in session.info.pop(_COMMITTING, ()):
        cache.invalidate(org_id, kinds, lead_owners)


@event.listens_for(OrmSession, "after_rollback")
def _forget(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)
    session.info.pop(_PENDING + ".actors", None)
    session.info.pop(_OWNERS, None)
    session.info.pop(_LEAD_OWNERS, None)
    session.info.pop(_COMMITTING, None)


async def listen(
    dsn: str, *, retry_seconds: float = 1.0, ready: asyncio.Event | None = None
) -> AsyncIterator[Change]:
    """Every change any worker commits, as it is committed. Reconnects after a lost
    connection (a restarted database), waiting ``retry_seconds`` (doubling, at most 5 s).
    ``ready`` is set while the LISTEN is in place (cleared while reconnecting)."""
    delay = retry_seconds
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
                await conn.execute(f"LISTEN {CHANNEL}")
                log.info("listening for changes")
                if ready is not None:
                    ready.set()
                delay = retry_seconds
                async for note in conn.notifies():
                    change = decode(note.payload)
                    if change is not None:
                        yield change
        except (psycopg.OperationalError, OSError) as exc:
            if ready is not None:
                ready.clear()
            log.warning(
                "change feed: connection lost (%s); retrying in %.0fs", type(exc).__name__, delay
            )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def feed(ready: asyncio.Event | None = None) -> AsyncIterator[Change]:
    """``listen`` on the configured database."""
    from ...db import libpq_url

    return listen(libpq_url(), ready=ready)


_status: Callable[[], dict[str, Any]] | None = None


def report_status(status: Callable[[], dict[str, Any]]) -> None:
    """The process that listens says how its feed is doing (the health route asks)."""
    global _status
    _status = status


def feed_status() -> dict[str, Any]:
    """How this worker's feed is doing; ``ok`` False when nothing listens here."""
    if _status is None:
        return {"ok": False, "error": "not listening"}
    return _status()
