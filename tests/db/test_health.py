"""GET /api/health: 200 only when the database (at the migration head), Redis (when used) and
this worker's change feed are all fine; otherwise 503 naming what is wrong, and no data."""

from __future__ import annotations

import dataclasses
import warnings

import pytest

from smartweb_ui.api import health
from smartweb_ui.config import settings
from smartweb_ui.db import migration_head
from smartweb_ui.state.live import hub

pytestmark = pytest.mark.db

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


@pytest.fixture
def client(migrated_db: str) -> TestClient:
    return TestClient(health.api)


def test_healthy_when_the_database_is_at_head_and_the_feed_listens(client: TestClient) -> None:
    hub.ready.set()
    try:
        answer = client.get("/api/health")
    finally:
        hub.ready.clear()
    body = answer.json()
    assert answer.status_code == 200 and body["status"] == "ok", body
    assert body["database"]["ok"] and body["database"]["schema"] == migration_head()
    assert body["redis"] == {"ok": True, "used": False}
    assert body["live_feed"]["ok"]


def test_a_worker_without_its_feed_reports_degraded(client: TestClient) -> None:
    hub.ready.clear()
    answer = client.get("/api/health")
    assert answer.status_code == 503
    assert answer.json()["status"] == "degraded" and not answer.json()["live_feed"]["ok"]


def test_an_unreachable_redis_is_reported_without_details(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    hub.ready.set()
    dead = dataclasses.replace(settings, redis_url="redis://127.0.0.1:1/0")
    monkeypatch.setattr(health, "settings", dead)
    try:
        answer = client.get("/api/health")
    finally:
        hub.ready.clear()
    assert answer.status_code == 503
    assert answer.json()["redis"]["ok"] is False
    assert "127.0.0.1" not in answer.text  # says what failed, not where
