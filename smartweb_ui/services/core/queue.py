"""Background jobs on PostgreSQL: one procrastinate app for the whole project.

A task lives with its area (``services/<area>/jobs.py``)::

    @queue.app.task(name="proposals.deliver_email", retry=queue.RETRY)
    async def deliver_email(organization_id: str, outbox_id: str) -> None:
        await queue.in_org(organization_id, outbox.deliver, UUID(outbox_id))

and its module is listed in ``TASK_MODULES`` so every worker knows it. Services enqueue with
``defer(session, ...)`` *inside* their own transaction: the job row is written by the same
commit as the change that needs it, so a rolled-back change never leaves a job behind and a
committed one never lacks its job (the outbox pattern without a relay). Jobs carry ids only
(the organization's among them), never personal data, and open their own tenant transaction.

Workers: by default one runs inside every app process (a lifespan task, ``run_worker``), so
``make run`` needs nothing more; ``python -m smartweb_ui.cli worker`` runs separate workers
(``SMARTWEB_JOBS_IN_APP=0`` turns the in-app one off). Several workers never take the same
job: procrastinate locks each row it fetches.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

import procrastinate
import psycopg_pool
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from ...config import settings

log = logging.getLogger(__name__)
T = TypeVar("T")

# Every module that declares tasks (imported by workers before they fetch jobs).
TASK_MODULES: list[str] = [
    "smartweb_ui.services.campaigns.jobs",
    "smartweb_ui.services.proposals.jobs",
]

# Retry a failing job with growing pauses: 5 s, 10 s, 20 s … up to 8 attempts.
RETRY = procrastinate.RetryStrategy(max_attempts=8, exponential_wait=5)


def _pool(**kwargs: Any) -> psycopg_pool.AsyncConnectionPool:
    """The worker's pool, on the app's database — resolved when the app opens, not at import
    (the embedded server starts on first use)."""
    from ...db import libpq_url

    kwargs.pop("conninfo", None)
    kwargs.setdefault("min_size", 1)
    kwargs.setdefault("max_size", max(2, settings.job_concurrency + 1))
    return psycopg_pool.AsyncConnectionPool(conninfo=libpq_url(), **kwargs)


app = procrastinate.App(
    connector=procrastinate.PsycopgConnector(pool_factory=_pool),
    import_paths=TASK_MODULES,
)


_DEFER = text(
    "SELECT procrastinate_defer_jobs_v1(ARRAY[ROW(:queue_name, :task_name, :priority, :lock,"
    " :queueing_lock, CAST(:args AS jsonb), :scheduled_at)::procrastinate_job_to_defer_v1])"
)


def defer(
    session: Session,
    task_name: str,
    args: dict[str, Any],
    *,
    queueing_lock: str | None = None,
    lock: str | None = None,
    scheduled_at: datetime | None = None,
    queue_name: str = "default",
    priority: int = 0,
) -> int | None:
    """Enqueue ``task_name(**args)`` in the caller's transaction; its id, or None when a job
    with the same ``queueing_lock`` is already waiting (nothing is queued twice)."""
    payload = json.dumps(args, default=str)
    params = {
        "queue_name": queue_name,
        "task_name": task_name,
        "priority": priority,
        "lock": lock,
        "queueing_lock": queueing_lock,
        "args": payload,
        "scheduled_at": scheduled_at,
    }
    try:
        with session.begin_nested():
            ids = session.execute(_DEFER, params).scalar_one()
    except IntegrityError:
        if queueing_lock is None:
            raise
        return None  # the same work is already queued
    return int(ids[0]) if ids else None


@dataclass(frozen=True)
class OrgTenant:
    """Who a job acts for: an organization, with no signed-in user."""

    organization_id: UUID
    user_id: UUID | None = None


def _in_org(organization_id: UUID, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
    from ...db import tenant_session

    with tenant_session(OrgTenant(organization_id)) as session:
        return fn(session, organization_id, *args)


async def in_org(organization_id: UUID | str, fn: Callable[..., T], *args: Any) -> T:
    """Run ``fn(session, organization_id, *args)`` in one tenant transaction of that
    organization, on a worker thread (services are synchronous)."""
    org = organization_id if isinstance(organization_id, UUID) else UUID(str(organization_id))
    return await asyncio.to_thread(_in_org, org, fn, args)


# ------------------------------------------------------------------ workers
_state: dict[str, Any] = {"running": False, "since": None}


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


async def run_worker(*, wait: bool = True, concurrency: int | None = None) -> None:
    """Run a worker until cancelled (``wait=False``: until the queue is empty)."""
    async with app.open_async():
        _state.update(running=True, since=datetime.now().astimezone().isoformat())
        try:
            await app.run_worker_async(
                name=worker_name(),
                concurrency=concurrency or settings.job_concurrency,
                wait=wait,
                install_signal_handlers=False,
                delete_jobs="successful",
                listen_notify=True,
            )
        finally:
            _state["running"] = False


async def lifespan_worker() -> None:
    """The app's own worker (a lifespan task); retries when the database is away."""
    if not settings.jobs_in_app:
        return
    delay = 1.0
    while True:
        try:
            await run_worker()
            return
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the app keeps serving; the worker comes back
            log.warning("job worker stopped (%s); restarting in %.0fs", type(exc).__name__, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)


def run_until_idle() -> None:
    """Run every job that is due now, in this process, then return (tests, maintenance)."""
    asyncio.run(run_worker(wait=False, concurrency=1))


_STATUS = text(
    """
    WITH due AS (
      SELECT COALESCE(j.scheduled_at,
                      (SELECT min(e.at) FROM procrastinate_events e WHERE e.job_id = j.id)) AS since
      FROM procrastinate_jobs j
      WHERE j.status = 'todo' AND (j.scheduled_at IS NULL OR j.scheduled_at <= now())
    )
    SELECT
      (SELECT count(*) FROM due) AS due,
      (SELECT EXTRACT(EPOCH FROM now() - min(since)) FROM due) AS oldest_due_s,
      (SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing') AS running,
      (SELECT count(*) FROM procrastinate_jobs WHERE status = 'failed') AS failed,
      (SELECT count(*) FROM procrastinate_workers
        WHERE last_heartbeat > now() - interval '1 minute') AS workers
    """
)
STALE_QUEUE_S = 300  # a due job older than this with nobody working: degraded


def status(session: Session) -> dict[str, Any]:
    """The queue as the health check reports it."""
    row = session.execute(_STATUS).mappings().one()
    oldest = float(row["oldest_due_s"] or 0)
    workers = int(row["workers"] or 0)
    return {
        "ok": workers > 0 or oldest < STALE_QUEUE_S,
        "workers": workers,
        "in_this_process": bool(_state["running"]),
        "due": int(row["due"]),
        "running": int(row["running"]),
        "failed": int(row["failed"]),
        "oldest_due_s": round(oldest, 1),
    }
