"""The job queue: jobs are written by the transaction that needs them (a rollback leaves none),
never queued twice under one queueing lock, run by a worker in a tenant transaction of their
organization, and reported by the health check."""

from __future__ import annotations

import warnings
from uuid import UUID

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from smartweb_ui.api import health
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services.core import queue

from .builders.orgs import OrgFixture

pytestmark = pytest.mark.db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

SEEN: list[tuple[str, str, int]] = []


def _count_orgs_seen(session: Session, organization_id: UUID) -> int:
    # Under RLS a tenant transaction sees its own organization only.
    return int(session.execute(sa.text("SELECT count(*) FROM organizations")).scalar_one())


@queue.app.task(name="tests.record", retry=queue.RETRY)
async def record(organization_id: str, note: str) -> None:
    visible = await queue.in_org(organization_id, _count_orgs_seen)
    SEEN.append((organization_id, note, visible))


def _jobs() -> list[dict]:
    with system_session() as s:
        rows = s.execute(sa.text("SELECT task_name, status, args FROM procrastinate_jobs"))
        return [dict(r._mapping) for r in rows]


def test_a_job_exists_only_if_its_transaction_commits(org: OrgFixture) -> None:
    actor = org.actors["rep"]
    with pytest.raises(RuntimeError), tenant_session(actor) as session:
        queue.defer(session, "tests.record", {"organization_id": org.id, "note": "lost"})
        raise RuntimeError("the change fails")
    assert _jobs() == []

    with tenant_session(actor) as session:  # the app role may enqueue
        job_id = queue.defer(session, "tests.record", {"organization_id": org.id, "note": "kept"})
    assert job_id is not None
    [job] = _jobs()
    assert job["task_name"] == "tests.record" and job["status"] == "todo"
    assert job["args"] == {"organization_id": str(org.id), "note": "kept"}


def test_a_queueing_lock_keeps_the_same_work_from_being_queued_twice(org: OrgFixture) -> None:
    with tenant_session(org.actors["rep"]) as session:
        first = queue.defer(session, "tests.record", {"organization_id": org.id, "note": "a"},
                            queueing_lock=f"sweep:{org.id}")  # fmt: skip
        second = queue.defer(session, "tests.record", {"organization_id": org.id, "note": "a"},
                             queueing_lock=f"sweep:{org.id}")  # fmt: skip
        # the transaction is still usable after the refused duplicate
        session.execute(sa.text("SELECT 1"))
    assert first is not None and second is None
    assert len(_jobs()) == 1


def test_a_worker_runs_due_jobs_in_a_tenant_transaction(
    org: OrgFixture, other_org: OrgFixture
) -> None:
    SEEN.clear()
    with tenant_session(org.actors["rep"]) as session:
        queue.defer(session, "tests.record", {"organization_id": org.id, "note": "one"})
    queue.run_until_idle()
    assert [(str(org.id), "one", 1)] == SEEN  # it saw its own organization only
    assert _jobs() == []  # finished jobs are removed


def test_health_reports_the_queue(org: OrgFixture) -> None:
    with tenant_session(org.actors["rep"]) as session:
        queue.defer(session, "tests.record", {"organization_id": org.id, "note": "waiting"})
    body = TestClient(health.api).get("/api/health").json()
    jobs = body["job_queue"]
    assert jobs["ok"] and jobs["due"] == 1 and jobs["failed"] == 0, jobs
