"""The call webhook over HTTP: signatures, tolerance, replay, schema, size, providers, order."""

from __future__ import annotations

import time
import warnings
from typing import Any
from uuid import uuid4

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session
from smartweb_ui.services import campaigns

from .builders.campaigns import count, event, make_campaign, secret_of, signed
from .builders.leads import make_lead

pytestmark = pytest.mark.db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
URL = "/api/webhooks/calls/simulator"


@pytest.fixture
def client(migrated_db: str) -> TestClient:
    from smartweb_ui.api import health

    return TestClient(health.api)


@pytest.fixture
def setup(org: Any) -> dict[str, Any]:
    lead = make_lead(org.id, "Drip Fix Plumbing", phone="+15550001111", timezone="America/Chicago")
    return {
        "org": org.id,
        "lead": lead,
        "campaign": make_campaign(org.id),
        "secret": secret_of(org.id),
    }


def _post(client: TestClient, s: dict[str, Any], payload: Any, **kw: Any) -> Any:
    body, headers = signed(s["org"], kw.pop("secret", s["secret"]), payload, at=kw.pop("at", None))
    headers.update(kw.pop("headers", {}))
    return client.post(URL, content=body, headers=headers)


def _stored(org_id: Any) -> tuple[int, int, int]:
    return count(m.CallEvent, org_id), count(m.AICall, org_id), count(m.AuditLog, org_id)


def test_a_signed_event_is_applied_once_and_a_replay_changes_nothing(client, setup) -> None:
    ev = event(setup["campaign"], setup["lead"], "ringing")
    first = _post(client, setup, ev)
    assert first.status_code == 200 and first.json()["status"] == "applied"
    stored = _stored(setup["org"])
    again = _post(client, setup, ev)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert _stored(setup["org"]) == stored


def test_unsigned_badly_signed_and_stale_requests_are_refused(client, setup) -> None:
    ev = event(setup["campaign"], setup["lead"], "ringing")
    body, headers = signed(setup["org"], setup["secret"], ev)
    unsigned = client.post(URL, content=body, headers={"Content-Type": "application/json"})
    bad = _post(client, setup, ev, secret="whsec_wrong")
    stale = _post(client, setup, ev, at=time.time() - 301)
    future = _post(client, setup, ev, at=time.time() + 301)
    tampered = client.post(URL, content=body.replace(b"ringing", b"ended  "), headers=headers)
    other_org = client.post(
        URL, content=body, headers={**headers, "X-SmartWeb-Organization": str(uuid4())}
    )
    for response in (unsigned, bad, stale, future, tampered, other_org):
        assert response.status_code == 401
        assert response.json()["error"]
    assert _stored(setup["org"])[:2] == (0, 0)


def test_within_tolerance_is_accepted(client, setup) -> None:
    ev = event(setup["campaign"], setup["lead"], "ringing")
    assert _post(client, setup, ev, at=time.time() - 290).status_code == 200


def test_the_previous_secret_works_for_the_grace_period_only(client, setup, org) -> None:
    old = setup["secret"]
    with system_session() as s:
        actor = org.actors["manager"]
        from smartweb_ui.db import apply_tenant

        apply_tenant(s, actor.organization_id, actor.user_id)
        new = campaigns.rotate_secret(s, actor)
    assert (
        _post(
            client, setup, event(setup["campaign"], setup["lead"], "queued"), secret=old
        ).status_code
        == 200
    )
    assert (
        _post(
            client, setup, event(setup["campaign"], setup["lead"], "ringing"), secret=new
        ).status_code
        == 200
    )
    with system_session() as s:
        s.execute(
            sa.text("UPDATE call_webhook_secrets SET previous_valid_until = now() - interval '1 s'")
        )
    late = _post(client, setup, event(setup["campaign"], setup["lead"], "answered"), secret=old)
    assert late.status_code == 401


def test_malformed_json_wrong_schema_and_big_bodies(client, setup) -> None:
    assert _post(client, setup, b"{not json").status_code == 400
    wrong = _post(
        client, setup, {**event(setup["campaign"], setup["lead"], "ringing"), "type": "exploded"}
    )
    assert wrong.status_code == 422 and wrong.json()["details"]
    extra = _post(
        client, setup, {**event(setup["campaign"], setup["lead"], "ringing"), "admin": True}
    )
    assert extra.status_code == 422
    big = _post(client, setup, {"pad": "x" * (1024 * 1024)})
    assert big.status_code == 413
    assert _stored(setup["org"])[:2] == (0, 0)


def test_unknown_provider_is_404(client, setup) -> None:
    body, headers = signed(
        setup["org"], setup["secret"], event(setup["campaign"], setup["lead"], "queued")
    )
    response = client.post("/api/webhooks/calls/nosuch", content=body, headers=headers)
    assert response.status_code == 404 and response.json()["error"]


def test_ids_of_another_organization_are_not_found_and_nothing_is_written(
    client, setup, other_org
) -> None:
    foreign_lead = make_lead(other_org.id, "Elsewhere Roofing")
    foreign_campaign = make_campaign(other_org.id)
    audits = count(m.AuditLog, setup["org"])
    for ev in (
        event(foreign_campaign, setup["lead"], "ringing"),
        event(setup["campaign"], foreign_lead, "ringing"),
    ):
        response = _post(client, setup, ev)
        assert response.status_code == 404
    assert _stored(setup["org"]) == (0, 0, audits)
    assert count(m.AICall, other_org.id) == 0


def test_an_ended_before_answered_still_ends_the_call(client, setup) -> None:
    c, lead = setup["campaign"], setup["lead"]
    ended = event(
        c,
        lead,
        "ended",
        duration_seconds=95,
        outcome="not_interested",
        summary="Not now.",
        transcript=[{"speaker": "agent", "text": "Hi"}, {"speaker": "lead", "text": "No thanks"}],
    )
    assert _post(client, setup, ended).status_code == 200
    assert _post(client, setup, event(c, lead, "answered", answered_by="human")).status_code == 200
    assert _post(client, setup, event(c, lead, "ringing")).status_code == 200
    with system_session() as s:
        call = s.exec(sa.select(m.AICall)).scalars().one()  # type: ignore[call-overload]
        assert call.status == m.AICallStatus.COMPLETED
        assert call.answered_by == "human" and call.duration_seconds == 95
        assert call.interaction_id is not None
        interactions = s.execute(
            sa.select(sa.func.count())
            .select_from(m.Interaction)
            .where(m.Interaction.lead_id == lead)
        ).scalar_one()
        assert interactions == 1
