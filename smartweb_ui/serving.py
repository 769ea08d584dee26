"""How the production server runs its backend workers (imported by ``rxconfig.py``).

``reflex run --env prod`` starts Granian with several workers when the state is shared through
Redis. Granian's default is to stop the whole server as soon as one worker dies (a crash, the
OOM killer): every user would lose the app for the sake of one process. ``respawn_failed_workers``
makes the servers this process creates start a dead worker again instead (Granian's own option,
which Reflex does not pass); the other workers keep serving meanwhile, and the dead worker's
browsers reconnect and hydrate again from the shared state.

``release_cancelled_state_locks`` keeps a cancelled event from leaving a tab's state lock held in
Redis (below).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
from typing import Any


def respawn_failed_workers() -> None:
    """Granian servers created from now on in this process restart a worker that died."""
    try:
        from granian.server import common
    except ImportError:  # Granian not installed: Reflex serves with uvicorn, one worker
        return
    init = common.AbstractServer.__init__
    if getattr(init, "smartweb_respawns", False):
        return

    @functools.wraps(init)
    def with_respawn(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("respawn_failed_workers", True)
        init(self, *args, **kwargs)

    with_respawn.smartweb_respawns = True  # type: ignore[attr-defined]
    common.AbstractServer.__init__ = with_respawn  # type: ignore[method-assign]


# Reflex takes a tab's state lock in Redis with ``SET key id NX PX``. When the task asking is
# cancelled while that command is on its way (a newer navigation cancels the unfinished
# ``on_load`` chain of the previous page — every sign-in does this), the lock is set in Redis
# but nobody knows it is held: every later event of the tab waits for the lock to expire
# (``SMARTWEB_STATE_LOCK_MS``, 30 s). Seen with the load bench: 3–20 of 60 simultaneous
# sign-ins on two workers got no answer for 20 s. The fix: let the SET finish, and if the
# asking task was cancelled and the lock is now its own, give it back at once.
_RELEASE_IF_OURS = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


def release_cancelled_state_locks() -> None:
    """Make Reflex's Redis state lock safe against a cancelled acquirer (see above)."""
    from reflex.istate.manager.redis import StateManagerRedis

    take = StateManagerRedis._try_get_lock
    if getattr(take, "smartweb_cancel_safe", False):
        return

    @functools.wraps(take)
    async def cancel_safe(self: Any, lock_key: bytes, lock_id: bytes) -> bool | None:
        attempt = asyncio.ensure_future(take(self, lock_key, lock_id))
        try:
            return await asyncio.shield(attempt)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                if await attempt:  # the lock was set for us: nobody will use or free it
                    await self.redis.eval(_RELEASE_IF_OURS, 1, lock_key, lock_id)
            raise

    cancel_safe.smartweb_cancel_safe = True  # type: ignore[attr-defined]
    StateManagerRedis._try_get_lock = cancel_safe  # type: ignore[method-assign]


# A tab's event waits for the tab's lock until a keyspace notification says it was released,
# or until the lock would have expired (30 s). Notifications are lost while Redis restarts (the
# subscription is re-made after it), and an event that failed during the outage can leave its
# place in the local queue of waiters: the next event of the tab then sleeps out the whole
# expiry. Waking the first waiter of every contended lock twice a second makes it try the lock
# again (one SET NX): a lost notification costs at most NUDGE_SECONDS.
NUDGE_SECONDS = 0.5


async def nudge_lock_waiters(app: Any, every_s: float = NUDGE_SECONDS) -> None:
    """Lifespan task: wake the waiters of the app's Redis state locks periodically (one
    worker keeps its states in process: nothing to do)."""
    from reflex.istate.manager.redis import StateManagerRedis

    manager = app.state_manager
    if not isinstance(manager, StateManagerRedis):
        return
    while True:
        await asyncio.sleep(every_s)
        for key, waiters in list(manager._lock_waiters.items()):
            if waiters:
                manager._notify_next_waiter(key)


# The garbage collector's full pass walks every object the worker holds, and the loop stands
# still meanwhile: with the app's pages, components and modules (a few hundred thousand objects)
# a full pass took 70-340 ms every few seconds under load, in the p95 of every user's action.
# Once the app has started, what it built is frozen (never walked again) and young objects are
# collected less often: the passes that remain walk only what requests and tabs keep.
GC_THRESHOLDS = (700, 10, 100)


async def settle_garbage_collector(after_s: float = 1.0) -> None:
    """Lifespan task: freeze what the started app holds, then collect less often."""
    await asyncio.sleep(after_s)  # the app's start-up (its first compiles) is done
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
