"""The change feed: one NOTIFY per committed transaction, with what it changed; none on rollback."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
from sqlalchemy.engine import make_url

from smartweb_ui.db import get_engine, tenant_session
from smartweb_ui.services.core.changes import CHANNEL, Change, decode, encode, listen
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


def test_a_change_made_for_a_tab_that_shows_it_names_that_tab(org) -> None:  # type: ignore[no-untyped-def]
    """``door.transaction(..., shown_here=True)``: the drop's tab skips its own notification."""
    from smartweb_ui.services.core.changes import origin_of, shown_by

    data = make_pipeline(org)
    conn = _listener()
    mgr = org.actors["manager"]

    def move() -> None:
        with tenant_session(mgr) as s:
            move_deal(s, mgr, data.deals["r1"], data.stages["Qualified"], 0, 1)

    shown_by("tab-1", move)
    with tenant_session(mgr) as s:  # the same kind of change from no tab in particular
        move_deal(s, mgr, data.deals["r1"], data.stages["Lead In"], 0, 2)
    first, second = _received(conn)
    assert first.origin == origin_of("tab-1") != "tab-1" and second.origin is None


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


def test_a_change_names_the_owners_of_the_deals_it_wrote(org) -> None:  # type: ignore[no-untyped-def]
    """A board of one owner's deals skips other people's moves: the feed says whose deals a
    transaction wrote (before and after a reassignment), or nothing when it cannot know."""
    from smartweb_ui.services.core.changes import touch_deal
    from smartweb_ui.services.pipeline import update_deal

    data = make_pipeline(org)
    mgr, rep, rep2 = (org.actors[k] for k in ("manager", "rep", "rep2"))
    conn = _listener()
    with tenant_session(mgr) as s:
        move_deal(s, mgr, data.deals["r1"], data.stages["Qualified"], 0, 1)
    (moved,) = _received(conn)
    assert moved.deal_owners == {rep.user_id}
    assert moved.may_show_owner(rep.user_id) and not moved.may_show_owner(rep2.user_id)

    with tenant_session(mgr) as s:
        update_deal(s, mgr, data.deals["r1"], 2, name="Reassigned", value="1000.00",
                    expected_close_date=None, owner_id=rep2.user_id)  # fmt: skip
    (reassigned,) = _received(conn)
    assert reassigned.deal_owners == {rep.user_id, rep2.user_id}  # it leaves one board for another

    with tenant_session(mgr) as s:
        touch_deal(s, data.deals["m1"], org.id)
    (touched,) = _received(conn)
    assert touched.deal_owners == {mgr.user_id}

    # Not known for every deal of the change: every board looks.
    unknown = Change(org.id, {"opportunity": None, "stage": frozenset()})
    assert decode(encode(unknown)).deal_owners is None and unknown.may_show_owner(rep2.user_id)
    assert decode(encode(moved)).deal_owners == moved.deal_owners


def test_a_change_names_the_assignees_of_the_leads_behind_it(org) -> None:  # type: ignore[no-untyped-def]
    """A rep's inbox (their own and unassigned leads) skips a colleague's call on a lead of
    the colleague's: the feed says whose leads a transaction wrote, or nothing when unsure."""
    from smartweb_ui.services.core.changes import UNASSIGNED
    from smartweb_ui.services.leads import log_call
    from smartweb_ui.services.leads.actions import assign_leads

    from .builders.leads import make_lead

    mgr, rep, rep2 = (org.actors[k] for k in ("manager", "rep", "rep2"))
    mine = make_lead(org.id, "Rep's Plumbing", assigned_to=rep.user_id)
    nobodys = make_lead(org.id, "Nobody's Roofing")
    conn = _listener()
    with tenant_session(rep) as s:
        log_call(s, rep, mine, duration_minutes=5, outcome="connected")
    (call,) = _received(conn)
    assert call.touches("interaction") and call.lead_owners == {rep.user_id}
    assert call.may_show_lead_of(rep.user_id) and not call.may_show_lead_of(rep2.user_id)
    assert decode(encode(call)) == call

    with tenant_session(mgr) as s:
        log_call(s, mgr, nobodys, duration_minutes=5, outcome="connected")
    (unassigned,) = _received(conn)
    assert unassigned.lead_owners == {UNASSIGNED} and unassigned.may_show_lead_of(rep2.user_id)

    with tenant_session(mgr) as s:
        assign_leads(s, mgr, [mine], rep2.user_id)
    (moved,) = _received(conn)
    assert moved.may_show_lead_of(rep.user_id) and moved.may_show_lead_of(rep2.user_id)
