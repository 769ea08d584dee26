"""A short-lived, per-process cache of dashboard results.

Keyed on (organization, effective filters, data version). The data version comes from the
audit trail, which every mutating service writes in the same transaction (conventions): the
newest audit row of the organization plus the number of audit rows of the last minutes. Both
are read from the ``(organization_id, created_at DESC)`` index, so the check costs well under
a millisecond even with millions of rows; the count catches a transaction that committed late
with an older timestamp. Writes that bypass the services (seeding, raw SQL) are picked up when
the entry expires (TTL 60 s).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlmodel import Session

TTL_SECONDS = 60.0
MAX_ENTRIES = 512

_lock = threading.Lock()
_entries: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()

VERSION_WINDOW = "10 minutes"
VERSION_SQL = f"""
SELECT (SELECT count(*) FROM audit_logs
        WHERE organization_id = :org AND created_at > now() - interval '{VERSION_WINDOW}')
           AS recent_changes,
       (SELECT max(created_at) FROM audit_logs WHERE organization_id = :org) AS last_change,
       (SELECT updated_at FROM organizations WHERE id = :org) AS org_at
"""


def data_version(session: Session, org_id: UUID) -> tuple[Any, ...]:
    """A value that changes whenever anything the dashboard shows may have changed."""
    row = session.execute(text(VERSION_SQL), {"org": org_id}).one()
    return tuple(row)


def get(key: tuple[Any, ...]) -> Any | None:
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
        if hit is None:
            return None
        expires, value = hit
        if expires < now:
            del _entries[key]
            return None
        _entries.move_to_end(key)
        return value


def put(key: tuple[Any, ...], value: Any) -> None:
    with _lock:
        _entries[key] = (time.monotonic() + TTL_SECONDS, value)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)


def clear() -> None:
    with _lock:
        _entries.clear()
