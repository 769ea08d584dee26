"""A per-process cache of derived figures (view counts …), dropped by the change feed.

``get_or_compute(org_id, key, compute, kinds)`` returns the cached value of ``key`` in the
organization, or runs ``compute()`` and keeps its answer until a change of one of ``kinds``
(audit entity kinds, as the change feed names them) is heard for that organization —
``invalidate(org_id, kinds)`` — or ``ttl`` seconds pass (a safety net for writes that bypass
the services, and for figures that move with the clock such as "due today").

A figure that only counts one user's own and unassigned leads (a rep's inbox view counts) says
so with ``scope=user_id``: a change whose lead rows are known to belong to other people only
(``invalidate(..., lead_owners=…)``, the change feed's assignees) leaves it, so one rep's calls
do not drop a hundred colleagues' counts.

Every worker keeps its own cache and hears every change (each has its LISTEN): the worker that
committed invalidates on commit (``changes`` calls ``invalidate`` after the commit), the others
when the notification arrives. A value computed while a change of its kinds commits is not
kept: each organization carries a generation number, read before computing and checked
before storing.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar
from uuid import UUID

T = TypeVar("T")

DEFAULT_TTL = 60.0
MAX_ENTRIES = 4096
ANY = "*"  # a change of this kind (or a feed overflow) drops everything of the organization
# The kinds whose rows belong to one lead and the assignee that stands for nobody (the change
# feed's ``lead_owners`` speak of these; ``changes`` takes them from here).
LEAD_KINDS = frozenset({"lead", "interaction", "task"})
UNASSIGNED = UUID(int=0)


@dataclass
class _Entry:
    value: object
    kinds: frozenset[str]
    expires: float
    scope: UUID | None = None  # counts only this user's own and unassigned leads

    def dropped_by(self, changed: frozenset[str], lead_owners: frozenset[UUID] | None) -> bool:
        """Does a change of ``changed`` (whose lead rows belong to ``lead_owners``, None: not
        known) reach this figure?"""
        hit = self.kinds & changed
        if not hit:
            return False
        if self.scope is None or lead_owners is None or not hit <= LEAD_KINDS:
            return True
        return self.scope in lead_owners or UNASSIGNED in lead_owners


@dataclass
class Stats:
    hits: int = 0
    misses: int = 0
    invalidations: int = 0


_lock = threading.Lock()
_entries: OrderedDict[tuple[UUID, Hashable], _Entry] = OrderedDict()
# organization -> kind -> generation (bumped by each invalidation of that kind)
_generations: dict[UUID, dict[str, int]] = {}
stats = Stats()


def _generation(org_id: UUID, kinds: frozenset[str]) -> tuple[int, ...]:
    gens = _generations.get(org_id, {})
    return (gens.get(ANY, 0), *(gens.get(k, 0) for k in sorted(kinds)))


def get_or_compute(
    org_id: UUID,
    key: Hashable,
    compute: Callable[[], T],
    kinds: Iterable[str],
    *,
    ttl: float = DEFAULT_TTL,
    scope: UUID | None = None,
) -> T:
    """The cached value of ``key`` in ``org_id``, else ``compute()`` (kept until a change of
    one of ``kinds`` in the organization, or ``ttl`` seconds). ``scope``: the figure counts
    only this user's own and unassigned leads (see above)."""
    wanted = frozenset(kinds)
    full_key = (org_id, key)
    now = time.monotonic()
    with _lock:
        entry = _entries.get(full_key)
        if entry is not None and entry.expires > now:
            _entries.move_to_end(full_key)
            stats.hits += 1
            return entry.value  # type: ignore[return-value]
        stats.misses += 1
        before = _generation(org_id, wanted)
    value = compute()
    with _lock:
        if _generation(org_id, wanted) == before:  # nothing it reads changed meanwhile
            _entries[full_key] = _Entry(value, wanted, time.monotonic() + ttl, scope)
            _entries.move_to_end(full_key)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return value


def invalidate(
    org_id: UUID, kinds: Iterable[str], lead_owners: frozenset[UUID] | None = None
) -> int:
    """Drop the organization's entries that depend on any of ``kinds`` ("*": all of them);
    ``lead_owners``: the assignees of the change's lead rows, when known (a scoped entry of
    someone else stays). Returns how many were dropped."""
    changed = frozenset(kinds)
    if not changed:
        return 0
    everything = ANY in changed
    with _lock:
        gens = _generations.setdefault(org_id, {})
        for kind in changed:
            gens[kind] = gens.get(kind, 0) + 1
        gone = [
            k
            for k, e in _entries.items()
            if k[0] == org_id and (everything or e.dropped_by(changed, lead_owners))
        ]
        for k in gone:
            del _entries[k]
        stats.invalidations += len(gone)
    return len(gone)


def clear() -> None:
    """Forget everything (tests)."""
    with _lock:
        _entries.clear()
        _generations.clear()
        stats.hits = stats.misses = stats.invalidations = 0
