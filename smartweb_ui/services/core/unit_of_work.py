"""Transactions for callers outside the services (the door, jobs, HTTP routes).

``in_tenant(actor, fn, ...)`` runs ``fn(session, actor, ...)`` in ONE tenant transaction
(row-level security bound to the actor's organization): it commits when ``fn`` returns and
rolls back when it raises, so a failed call never leaves half a change. ``in_system`` is the
owner-level transaction for sign-in look-ups and maintenance.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError

from ...db import DatabaseUnavailable, system_connection, system_session, tenant_session
from .errors import Unavailable
from .security import Actor

T = TypeVar("T")
log = logging.getLogger(__name__)


@contextmanager
def _reachable(what: str) -> Iterator[None]:
    """A lost or refused database connection becomes ``Unavailable`` (one log line, no trace)."""
    try:
        yield
    except (OperationalError, DatabaseUnavailable) as exc:
        log.warning("%s: database unavailable (%s)", what, type(exc).__name__)
        raise Unavailable() from None
    except DBAPIError as exc:
        if not exc.connection_invalidated:
            raise
        log.warning("%s: database connection lost", what)
        raise Unavailable() from None


def in_tenant(actor: Actor, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with _reachable(getattr(fn, "__qualname__", "service")), tenant_session(actor) as session:
        return fn(session, actor, *args, **kwargs)


def in_system(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    with _reachable(getattr(fn, "__qualname__", "service")), system_session() as session:
        return fn(session, *args, **kwargs)


def in_system_connection(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``in_system`` on a plain connection (no ORM session): per-event look-ups."""
    with _reachable(getattr(fn, "__qualname__", "service")), system_connection() as conn:
        return fn(conn, *args, **kwargs)
