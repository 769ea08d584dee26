"""The one audit helper every mutating service calls (and so the one source of the change feed)."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from sqlmodel import Session

from ...models import AuditLog
from .changes import mark_changed
from .security import Actor


def _jsonable(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (UUID, Decimal)):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    return value


def diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any]:
    """``{"before": {...}, "after": {...}}`` holding only the keys whose values changed."""
    old: dict[str, Any] = _jsonable(before or {})
    new: dict[str, Any] = _jsonable(after or {})
    keys = [k for k in {**old, **new} if old.get(k) != new.get(k)]
    return {
        "before": {k: old.get(k) for k in keys if k in old},
        "after": {k: new.get(k) for k in keys if k in new},
    }


def snapshot(row: Any, fields: list[str]) -> dict[str, Any]:
    """The named attributes of a row, for a before/after diff."""
    return {f: getattr(row, f) for f in fields}


def record(
    session: Session,
    actor: Actor | None,
    action: str,
    entity_type: str,
    entity_id: UUID | None,
    *,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    organization_id: UUID | None = None,
    ip: str | None = None,
    user_agent: str | None = None,
) -> AuditLog:
    """Add an audit row in the caller's transaction (so it commits or rolls back with it)."""
    org = organization_id or (actor.organization_id if actor else None)
    if org is None:
        raise ValueError("audit row needs an organization")
    person = actor.user_id if actor is not None and actor.is_person else None
    changes = diff(before, after)
    if actor is not None and actor.via:
        changes["via"] = actor.via  # who acted when it was not a person (a campaign)
    row = AuditLog(
        organization_id=org,
        actor_id=person,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        changes=changes,
        ip_address=ip or (actor.ip if actor else None),
        user_agent=user_agent,
    )
    session.add(row)
    # What the audit trail records is what open pages hear about, once the transaction commits.
    mark_changed(session, org, entity_type, [entity_id], person)
    return row
