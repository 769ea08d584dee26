"""A tab's state lock in Redis is not left held by an event cancelled while taking it (a newer
navigation cancels the previous page's unfinished on_load chain): against a real redis-server."""

from __future__ import annotations

import asyncio
import types
from collections.abc import Iterator

import pytest
import redis.asyncio as aioredis
from reflex.istate.manager.redis import StateManagerRedis

from smartweb_ui.serving import release_cancelled_state_locks
from tests.support.redis_server import OwnRedis, running_redis


@pytest.fixture(scope="module")
def server() -> Iterator[OwnRedis]:
    with running_redis() as own:
        yield own


def _manager(url: str) -> types.SimpleNamespace:
    """What ``_try_get_lock`` reads of the state manager: its client and lock expiry."""
    return types.SimpleNamespace(redis=aioredis.Redis.from_url(url), lock_expiration=30_000)


async def _cancelled_requests(take, url: str, tries: int = 20) -> list[bytes | None]:  # type: ignore[no-untyped-def]
    """Ask for ``tries`` locks, each cancelled once its SET is on its way (the asking task ran
    up to its wait for Redis's answer); what each lock key holds afterwards."""
    manager = _manager(url)
    left = []
    for n in range(tries):
        key = f"tab-{n}-{id(take)}_lock".encode()
        asking = asyncio.ensure_future(take(manager, key, b"on_load_internal:1"))
        await asyncio.sleep(0)
        asking.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asking
        await asyncio.sleep(0.05)  # the give-back runs after the cancellation
        left.append(await manager.redis.get(key))
    await manager.redis.aclose()
    return left


def test_a_cancelled_lock_request_gives_the_lock_back(server: OwnRedis) -> None:
    release_cancelled_state_locks()
    patched = StateManagerRedis._try_get_lock
    # Reflex's own request leaves the lock held by nobody (what this guards against) ...
    leaked = asyncio.run(_cancelled_requests(patched.__wrapped__, server.url))  # type: ignore[attr-defined]
    assert any(value == b"on_load_internal:1" for value in leaked)
    # ... the patched one gives it back every time.
    assert asyncio.run(_cancelled_requests(patched, server.url)) == [None] * 20

    async def normal() -> tuple[bool, bool, bytes | None]:
        manager = _manager(server.url)
        await manager.redis.set(b"busy_lock", b"other")
        held = await patched(manager, b"busy_lock", b"mine")
        free = await patched(manager, b"free_lock", b"mine")
        owner = await manager.redis.get(b"busy_lock")
        await manager.redis.aclose()
        return bool(held), bool(free), owner

    # A lock held by someone else is never taken away; a free one is taken as before.
    assert asyncio.run(normal()) == (False, True, b"other")


def test_the_first_waiter_of_each_contended_lock_is_woken_to_try_again() -> None:
    from smartweb_ui import serving

    class Manager(StateManagerRedis):  # only what the nudge reads
        def __init__(self) -> None:
            self._lock_waiters = {}

    async def scenario() -> list[list[bool]]:
        manager = Manager()
        first, second, other = asyncio.Event(), asyncio.Event(), asyncio.Event()
        manager._lock_waiters = {b"tab-a_lock": [first, second], b"tab-b_lock": [other], b"x": []}
        app = types.SimpleNamespace(state_manager=manager)
        nudging = asyncio.ensure_future(serving.nudge_lock_waiters(app, every_s=0.01))
        await asyncio.sleep(0.015)
        woken = [[first.is_set(), second.is_set()], [other.is_set()]]
        nudging.cancel()
        return woken

    assert asyncio.run(scenario()) == [[True, False], [True]]
    # One worker (no Redis): nothing to do, the task ends at once.
    app = types.SimpleNamespace(state_manager=object())
    asyncio.run(asyncio.wait_for(serving.nudge_lock_waiters(app, every_s=0.01), 1))
