"""A minute of the load test (``bench/load.py``) as a test: simulated users speaking Reflex's
websocket protocol on two backend workers sharing state through Redis — signing in, opening
the board, moving their deals, the inbox, searching, logging calls, the dashboard. It asserts
what must hold at any speed: no error, no refused move (each user moves only their own deals),
every acknowledged move has exactly one history row and one audit row, nothing crossed
organizations, positions stay dense. The figures are the bench's business, not this test's."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from bench import simulate
from bench.simulate import check_database, prepare_world, run_users

from .server import ServedApp

USERS = 20
SECONDS = 30


def test_twenty_users_for_half_a_minute_lose_nothing(
    multiworker_server: ServedApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Answers are timed by the bench; here a slow machine must not turn into errors.
    monkeypatch.setattr(simulate, "ACTION_TIMEOUT_S", 60.0)
    dsn = multiworker_server.database_url()
    world = prepare_world(dsn, users=USERS, deals_per_user=10)
    since = datetime.now(UTC)
    users = run_users(multiworker_server.base_url, world, seconds=SECONDS, think=(0.5, 2.0))
    # Its own thread: the browser tests' Playwright keeps an event loop on this one.
    with ThreadPoolExecutor(1) as pool:
        tally = pool.submit(asyncio.run, users).result()
    summary = tally.summary()
    assert not tally.errors, (dict(tally.errors), tally.error_samples[:5])
    assert tally.conflicts == 0, summary
    assert len(tally.acked) > USERS, summary  # everybody got to move something
    checks = check_database(dsn, world, tally, since)
    assert checks["history_rows"] == checks["audit_rows"] == checks["moves_acked"], checks
    assert checks["acked_moves_missing_a_row"] == 0, checks
    assert checks["deals_with_unacknowledged_moves"] == 0, checks
    assert checks["rows_crossing_organizations"] == 0, checks
    assert checks["stages_with_gaps"] == 0, checks
