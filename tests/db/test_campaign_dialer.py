"""The dialer: windows per lead, the concurrency cap, retries, pause/resume, the quota, and no
double dial with two workers."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services import campaigns

from .builders.campaigns import event, make_campaign
from .builders.leads import make_lead

pytestmark = pytest.mark.db
# Wednesday 2026-12-02 15:00 UTC = 10:00 New York, 09:00 Chicago, 07:00 Los Angeles.
NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
ALL_DAY = {"window_start": time(0, 0), "window_end": time(23, 59), "window_days": list(range(7))}


class Recorder:
    name = "simulator"

    def __init__(self) -> None:
        self.dials: list[campaigns.Dial] = []
        self.lock = threading.Lock()

    def place_call(self, dial: campaigns.Dial) -> None:
        with self.lock:
            self.dials.append(dial)


def _running(org_id: UUID, **fields: Any) -> UUID:
    return make_campaign(org_id, status=m.CampaignStatus.RUNNING, **fields)


def _leads(org_id: UUID, n: int, **fields: Any) -> list[UUID]:
    return [make_lead(org_id, f"Dial Co {i:02d}", phone=f"+1555000{i:04d}", lead_score=50 + i, **fields)
            for i in range(n)]  # fmt: skip


def _dial(org_id: UUID, cid: UUID, now: datetime = NOW) -> list[campaigns.Dial]:
    rec = Recorder()
    campaigns.dial_campaign(org_id, cid, now=now, provider=rec)
    return rec.dials


def _end(org_id: UUID, dial: campaigns.Dial, outcome: str | None, at: datetime) -> None:
    fields: dict[str, Any] = {"outcome": outcome} if outcome else {}
    ev = event(
        dial.campaign_id, dial.lead_id, "ended", call_id=dial.provider_call_id, at=at, **fields
    )
    with tenant_session(campaigns.campaign_actor(org_id, None)) as s:
        campaigns.apply_event(s, org_id, "simulator", campaigns.parse_event("simulator", ev))


def test_only_leads_whose_own_window_is_open_are_dialled(org) -> None:
    ny = make_lead(org.id, "East Plumbing", phone="+15550000001", timezone="America/New_York")
    la = make_lead(org.id, "West Plumbing", phone="+15550000002", timezone="America/Los_Angeles")
    cid = _running(org.id)
    assert {d.lead_id for d in _dial(org.id, cid)} == {ny}
    assert {d.lead_id for d in _dial(org.id, cid, NOW + timedelta(hours=3))} == {la}


def test_never_more_than_concurrency_calls_at_once(org) -> None:
    _leads(org.id, 8)
    cid = _running(org.id, concurrency=3, **ALL_DAY)
    first = _dial(org.id, cid)
    assert len(first) == 3
    assert _dial(org.id, cid) == []  # three in flight
    _end(org.id, first[0], "not_interested", NOW)
    assert len(_dial(org.id, cid)) == 1


def test_unanswered_leads_are_retried_after_the_interval_up_to_max_attempts(org) -> None:
    (lead,) = _leads(org.id, 1)
    cid = _running(org.id, max_attempts=2, retry_minutes=60, **ALL_DAY)
    (d1,) = _dial(org.id, cid)
    _end(org.id, d1, "no_answer", NOW)
    assert _dial(org.id, cid, NOW + timedelta(minutes=30)) == []
    (d2,) = _dial(org.id, cid, NOW + timedelta(minutes=61))
    assert (d2.lead_id, d2.attempt) == (lead, 2)
    _end(org.id, d2, "voicemail", NOW + timedelta(minutes=62))
    assert _dial(org.id, cid, NOW + timedelta(hours=5)) == []  # max attempts reached


def test_a_reached_lead_is_not_called_again(org) -> None:
    _leads(org.id, 1)
    cid = _running(org.id, retry_minutes=5, **ALL_DAY)
    (d1,) = _dial(org.id, cid)
    _end(org.id, d1, "not_interested", NOW)
    assert _dial(org.id, cid, NOW + timedelta(hours=2)) == []


def test_do_not_call_converted_and_invalid_phones_are_never_dialled(org) -> None:
    make_lead(org.id, "Dnc Co", phone="+15550000011", do_not_call=True)
    make_lead(org.id, "Won Co", phone="+15550000012", status="converted")
    make_lead(org.id, "Bad Phone Co", phone="+15550000013", phone_invalid=True)
    make_lead(org.id, "No Phone Co")
    ok = make_lead(org.id, "Fine Co", phone="+15550000014")
    cid = _running(org.id, **ALL_DAY)
    assert [d.lead_id for d in _dial(org.id, cid)] == [ok]


def test_pause_stops_new_dials_and_resume_continues(org) -> None:
    _leads(org.id, 4)
    cid = _running(org.id, concurrency=2, **ALL_DAY)
    manager = org.actors["manager"]
    first = _dial(org.id, cid)
    assert len(first) == 2
    with tenant_session(manager) as s:
        campaigns.change_status(s, manager, cid, "pause")
    for d in first:
        _end(org.id, d, "not_interested", NOW)
    assert _dial(org.id, cid) == []
    with tenant_session(manager) as s:
        campaigns.change_status(s, manager, cid, "resume")
    second = _dial(org.id, cid)
    assert len(second) == 2 and not {d.lead_id for d in second} & {d.lead_id for d in first}


def test_the_quota_is_enforced_at_dial_time(org) -> None:
    _leads(org.id, 5)
    with system_session() as s:
        s.execute(sa.update(m.Organization).where(m.Organization.id == org.id)
                  .values(max_ai_calls_per_month=2))  # fmt: skip
    cid = _running(org.id, concurrency=5, **ALL_DAY)
    assert len(_dial(org.id, cid, datetime.now(UTC))) == 2
    assert _dial(org.id, cid, datetime.now(UTC)) == []
    manager = org.actors["manager"]
    other = make_campaign(org.id)
    with tenant_session(manager) as s, pytest.raises(campaigns_errors().Invalid):
        campaigns.change_status(s, manager, other, "start")


def campaigns_errors() -> Any:
    from smartweb_ui.services.core import errors

    return errors


def test_two_workers_never_dial_one_attempt_twice(org) -> None:
    _leads(org.id, 12)
    cid = _running(org.id, concurrency=12, **ALL_DAY)
    rec = Recorder()
    barrier = threading.Barrier(4)

    def worker() -> None:
        barrier.wait()
        for _ in range(3):
            campaigns.dial_campaign(org.id, cid, now=NOW, provider=rec)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    keys = [(d.lead_id, d.attempt) for d in rec.dials]
    assert len(keys) == 12 and len(set(keys)) == 12
    with system_session() as s:
        assert s.execute(sa.select(sa.func.count()).select_from(m.AICall)).scalar_one() == 12


def test_a_campaign_of_another_organization_is_not_found(org, other_org) -> None:
    cid = make_campaign(other_org.id)
    manager = org.actors["manager"]
    for action in ("start", "pause"):
        with tenant_session(manager) as s, pytest.raises(campaigns_errors().NotFound):
            campaigns.change_status(s, manager, cid, action)
    with tenant_session(manager) as s, pytest.raises(campaigns_errors().NotFound):
        campaigns.monitor(s, manager, cid)
    with system_session() as s:
        n = s.execute(sa.select(sa.func.count()).select_from(m.AuditLog)
                      .where(m.AuditLog.organization_id == org.id)).scalar_one()  # fmt: skip
        assert n == 0


def test_starting_a_campaign_queues_its_dialer_and_the_worker_places_calls(org) -> None:
    from smartweb_ui.services.core import queue

    rec = Recorder()
    campaigns.register("recorder", lambda: rec)
    _leads(org.id, 3)
    cid = make_campaign(org.id, provider="recorder", concurrency=2, **ALL_DAY)
    manager = org.actors["manager"]
    with tenant_session(manager) as s:
        change = campaigns.change_status(s, manager, cid, "start")
    assert change.status == "running" and "calls left" in change.message
    queue.run_until_idle()
    assert len(rec.dials) == 2
    with system_session() as s:
        waiting = s.execute(sa.text(
            "SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'campaigns.dial' "
            "AND status = 'todo'")).scalar_one()  # fmt: skip
    assert waiting == 1  # the next round is queued while the campaign runs
