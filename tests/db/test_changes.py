"""The change feed: one NOTIFY per committed transaction, with what it changed; none on rollback."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from sqlalchemy.engine import make_url

from smartweb_ui.db import get_engine, tenant_session
from smartweb_ui.services.core.changes import CHANNEL, Change, decode, listen
from smartweb_ui.services.pipeline.moves import move_deal

from .builders.pipeline import make_pipeline

pytestmark = pytest.mark.db


def _dsn() -> str:
    url = make_url(get_engine().url.render_as_string(hide_password=False)).set(
        drivername="postgresql"
    )
    return url.render_as_string(hide_password=False)


def _listener() -> psycopg.Connection:
    conn = psycopg.connect(_dsn(), autocommit=True)
    conn.execute(f"LISTEN {CHANNEL}")
    return conn


def _received(conn: psycopg.Connection) -> list[Change]:
    notes = list(conn.notifies(timeout=0.5, stop_after=10))
    return [c for n in notes if (c := decode(n.payload)) is not None]


def test_a_committed_move_is_published_once_with_the_deal(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    conn = _listener()
    mgr = org.actors["manager"]
    with tenant_session(mgr) as s:
        move_deal(s, mgr, data.deals["r1"], data.stages["Qualified"], 0, 1)
    changes = _received(conn)
    assert len(changes) == 1
    change = changes[0]
    assert change.organization_id == org.id and change.actor_id == mgr.user_id
    assert change.ids("opportunity") == {data.deals["r1"]}


def test_a_rolled_back_change_is_never_published(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    conn = _listener()
    mgr = org.actors["manager"]
    with pytest.raises(RuntimeError), tenant_session(mgr) as s:
        move_deal(s, mgr, data.deals["r1"], data.stages["Qualified"], 0, 1)
        raise RuntimeError("the handler failed after the move")
    assert _received(conn) == []


def test_the_async_feed_yields_changes(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    mgr = org.actors["manager"]

    async def first_change() -> Change:
        ready = asyncio.Event()
        feed = listen(_dsn(), ready=ready)
        waiter = asyncio.ensure_future(feed.__anext__())
        await asyncio.wait_for(ready.wait(), 10)  # the LISTEN is in place before the commit
        await asyncio.to_thread(_move)
        return await asyncio.wait_for(waiter, 10)

    def _move() -> None:
        with tenant_session(mgr) as s:
            move_deal(s, mgr, data.deals["r2"], data.stages["Qualified"], 0, 1)

    change = asyncio.run(first_change())
    assert change.ids("opportunity") == {data.deals["r2"]}
