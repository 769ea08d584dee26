"""The live layer of one worker: subscriptions by organization, shared work per change, and the
loop every live page runs (``live.follow``), with a stand-in for a Reflex state."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from types import SimpleNamespace
from typing import Any
from uuid import UUID, uuid4

import pytest

from smartweb_ui.services.core.changes import Change, origin_of
from smartweb_ui.services.core.errors import Forbidden
from smartweb_ui.state import door, live

ORG, OTHER = uuid4(), uuid4()
USER = uuid4()


def change(org: UUID = ORG, **kinds: Any) -> Change:
    return Change(org, {k: (frozenset(v) if v is not None else None) for k, v in kinds.items()})


def test_a_change_reaches_only_its_organizations_pages_numbered() -> None:
    async def run() -> None:
        async with live.watching(ORG) as mine, live.watching(OTHER) as theirs:
            live.hub.publish(change(opportunity=[uuid4()]))
            got = await live.next_changes(mine, 1)
            assert got is not None and got[0].seq > 0
            assert await live.next_changes(theirs, 0) is None
        assert live.hub.watchers == 0  # unsubscribed on the way out

    asyncio.run(run())


def test_a_page_that_falls_behind_gets_one_reload_instead_of_a_backlog() -> None:
    async def run() -> None:
        async with live.watching(ORG) as queue:
            for _ in range(live.QUEUE_SIZE + 5):
                live.hub.publish(change(lead=[uuid4()]))
            got = await live.next_changes(queue, 1)
            assert got is not None and live.OVERFLOW in got and len(got) <= 6

    asyncio.run(run())


def test_shared_work_runs_once_for_every_page_that_needs_it_and_failures_are_not_kept() -> None:
    calls = 0

    async def compute() -> int:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        return 42

    async def fail() -> int:
        raise RuntimeError("database gone")

    async def run() -> None:
        shared = live.Shared(size=4)
        assert await asyncio.gather(*(shared.get("k", compute) for _ in range(20))) == [42] * 20
        assert calls == 1 and shared.computed == 1 and shared.reused == 19
        with pytest.raises(RuntimeError):
            await shared.get("bad", fail)
        await asyncio.sleep(0)
        with pytest.raises(RuntimeError):
            await shared.get("bad", fail)
        assert shared.computed == 3  # tried again, not served the old failure
        for i in range(10):
            await shared.get(i, compute)
        assert len(shared._items) == 4  # bounded

    asyncio.run(run())


# ------------------------------------------------------------------ follow
class FakeState:
    """What ``follow`` needs from a Reflex state: the lock, ``_live``, a view."""

    def __init__(self) -> None:
        self._live = 1
        self.view = "page 1"
        self.applied: list[Any] = []
        self.fetched: list[tuple[Any, int]] = []
        self.locks = 0
        self.router = SimpleNamespace(session=SimpleNamespace(client_token=str(uuid4())))

    @classmethod
    def get_full_name(cls) -> str:
        return "fake_state"

    async def __aenter__(self) -> FakeState:
        self.locks += 1
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None


class Actor:
    organization_id, user_id = ORG, USER


@pytest.fixture
def fake_door(monkeypatch: pytest.MonkeyPatch) -> dict[str, bool]:
    session = {"alive": True, "rechecks": 0}

    async def recheck(_state: Any) -> bool:
        session["rechecks"] += 1
        return session["alive"]

    monkeypatch.setattr(door, "actor_of", lambda _state: Actor())
    monkeypatch.setattr(door, "recheck", recheck)
    return session  # type: ignore[return-value]


def how(state: FakeState, **kw: Any) -> live.Follow:
    async def fetch(view: Any, changes: list[Change], _actor: Any) -> Any:
        state.fetched.append((view, len(changes)))
        if view == "slow":
            state.view = "page 2"  # the user moved on while this was computed
        return f"result for {view}"

    async def apply(result: Any) -> None:
        state.applied.append(result)

    return live.Follow(
        wanted=lambda c: c.touches("lead"), view=lambda: state.view, fetch=fetch, apply=apply, **kw
    )


async def settle_down() -> None:
    for _ in range(20):
        await asyncio.sleep(0.01)


def test_follow_applies_each_relevant_burst_once_and_skips_the_rest(fake_door) -> None:  # type: ignore[no-untyped-def]
    state = FakeState()

    async def run() -> None:
        task = asyncio.create_task(live.follow(state, how(state, settle=0.05)))
        await settle_down()
        live.hub.publish(change(task=[uuid4()]))  # not shown on this page
        await settle_down()
        assert state.fetched == []
        for _ in range(3):  # a burst
            live.hub.publish(change(lead=[uuid4()]))
        await asyncio.sleep(0.2)
        assert state.fetched == [("page 1", 3)] and state.applied == ["result for page 1"]
        state._live += 1  # the page left: the task ends at the next change
        live.hub.publish(change(lead=[uuid4()]))
        await asyncio.wait_for(task, 1)
        assert len(state.applied) == 1

    asyncio.run(run())


def test_a_page_skips_the_changes_its_own_tab_made_and_showed_but_not_other_tabs(fake_door) -> None:  # type: ignore[no-untyped-def]
    """A drop's handler pushes its own patch (``shown_here``): the dropping tab's live task
    skips that notification; the same user's other tab, and pages that do not opt in, apply it."""
    state, other_tab, plain = FakeState(), FakeState(), FakeState()
    mine = origin_of(state.router.session.client_token)

    async def run() -> None:
        tasks = [
            asyncio.create_task(live.follow(state, how(state, skip_own=True))),
            asyncio.create_task(live.follow(other_tab, how(other_tab, skip_own=True))),
            asyncio.create_task(live.follow(plain, how(plain))),
        ]
        await settle_down()
        live.hub.publish(replace(change(lead=[uuid4()]), origin=mine))
        await settle_down()
        assert state.fetched == [] and state.locks == 1  # only its start read the state
        assert other_tab.applied == ["result for page 1"] and plain.applied == ["result for page 1"]
        live.hub.publish(change(lead=[uuid4()]))  # someone else's change: everyone applies it
        await settle_down()
        assert state.applied == ["result for page 1"]
        for task in tasks:
            task.cancel()

    asyncio.run(run())


def test_a_page_started_with_its_view_follows_without_the_state_lock_and_takes_new_views(
    fake_door,
) -> None:  # type: ignore[no-untyped-def]
    """The page load names its view (``restart(view=...)``): the live task needs no load of the
    tab's state to start (that lock sat on the path of every page load); a new filter said
    through ``shows`` is what the next change is computed for; a second task for the same
    start ends at once."""
    state = FakeState()

    async def run() -> None:
        live.restart(state, view="page 1")
        task = asyncio.create_task(live.follow(state, how(state)))
        twin = asyncio.create_task(live.follow(state, how(state)))
        await settle_down()
        assert twin.done() and state.locks == 0
        live.hub.publish(change(lead=[uuid4()]))
        await settle_down()
        assert state.fetched == [("page 1", 1)] and state.locks == 1  # the lock to apply it
        state.view = "page 2"
        live.shows(state, "page 2")
        live.hub.publish(change(lead=[uuid4()]))
        await settle_down()
        assert state.fetched[-1] == ("page 2", 1) and state.applied[-1] == "result for page 2"
        live.restart(state)  # leaving the page
        live.hub.publish(change(lead=[uuid4()]))
        await asyncio.wait_for(task, 1)
        assert len(state.fetched) == 2
        assert not live._views and not live._running
        assert live._tab_key(state) not in live._generations  # a page left is forgotten

    asyncio.run(run())


def test_an_answer_for_a_view_the_user_left_is_computed_again_for_the_new_one(fake_door) -> None:  # type: ignore[no-untyped-def]
    state = FakeState()
    state.view = "slow"

    async def run() -> None:
        task = asyncio.create_task(live.follow(state, how(state)))
        await settle_down()
        live.hub.publish(change(lead=[uuid4()]))
        await settle_down()
        assert state.fetched == [("slow", 1), ("page 2", 1)]
        assert state.applied == ["result for page 2"]  # never the answer for the old view
        task.cancel()

    asyncio.run(run())


def test_access_changes_recheck_the_session_and_an_ended_one_stops(fake_door) -> None:  # type: ignore[no-untyped-def]
    state = FakeState()

    async def run() -> None:
        task = asyncio.create_task(live.follow(state, how(state)))
        await settle_down()
        live.hub.publish(change(user=[uuid4()]))  # someone else's account: nothing to do
        await settle_down()
        assert fake_door["rechecks"] == 0
        fake_door["alive"] = False
        live.hub.publish(change(user=[USER]))  # this user suspended
        await asyncio.wait_for(task, 1)
        assert fake_door["rechecks"] == 1 and state.applied == []

    asyncio.run(run())


def test_a_view_that_shows_none_of_it_takes_no_lock_and_restart_ends_it(fake_door) -> None:  # type: ignore[no-untyped-def]
    """A board of one rep's deals skips everyone else's moves (``SKIP``) without loading the
    tab's state; leaving the page (``restart``) ends the task without a lock either."""
    state = FakeState()
    follow = how(state)

    async def skip(view: Any, changes: list[Change], _actor: Any) -> Any:
        state.fetched.append((view, len(changes)))
        return live.SKIP

    follow.fetch = skip

    async def run() -> None:
        task = asyncio.create_task(live.follow(state, follow))
        await settle_down()
        started = state.locks
        for _ in range(5):
            live.hub.publish(change(lead=[uuid4()]))
            await settle_down()
        assert len(state.fetched) == 5 and state.locks == started and state.applied == []
        live.restart(state)  # the page left
        live.hub.publish(change(lead=[uuid4()]))
        await asyncio.wait_for(task, 1)
        assert state.locks == started

    asyncio.run(run())


def test_a_page_whose_right_was_taken_away_stops_following_quietly(fake_door) -> None:  # type: ignore[no-untyped-def]
    """A role edited mid-session (say, the campaign list no longer allowed): the next refresh is
    refused, and the live task ends there instead of logging a failure at every change."""
    state = FakeState()
    follow = how(state)

    async def refused(view: Any, changes: list[Change], _actor: Any) -> Any:
        state.fetched.append((view, len(changes)))
        raise Forbidden("You do not have permission to do that.")

    follow.fetch = refused

    async def run() -> None:
        task = asyncio.create_task(live.follow(state, follow))
        await settle_down()
        live.hub.publish(change(lead=[uuid4()]))
        await asyncio.wait_for(task, 1)  # ended, not raised
        assert state.fetched == [("page 1", 1)] and state.applied == []

    asyncio.run(run())


def test_a_failed_refresh_keeps_what_is_shown_and_the_next_change_tries_again(fake_door) -> None:  # type: ignore[no-untyped-def]
    state = FakeState()
    follow = how(state)
    calls = {"n": 0}

    async def flaky(view: Any, changes: list[Change], _actor: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("the database went away for a moment")
        return f"result for {view}"

    follow.fetch = flaky

    async def run() -> None:
        task = asyncio.create_task(live.follow(state, follow))
        await settle_down()
        live.hub.publish(change(lead=[uuid4()]))
        await asyncio.sleep(0.3)
        assert state.applied == [] and not task.done()  # nothing applied, still following
        live.hub.publish(change(lead=[uuid4()]))
        await asyncio.sleep(1.3)  # past the page's spacing
        assert state.applied == ["result for page 1"]
        task.cancel()

    asyncio.run(run())
