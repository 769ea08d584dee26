"""Live updates: each backend worker hears the change feed once and hands every change to the
pages open on it that watch that organization.

A page that shows live data runs one background task (``door.event(background=True)``) that
waits on its subscription queue — no polling: it sleeps until a change arrives, then applies a
small patch. Reflex ends the task when the tab's socket goes, and the subscription with it.
The feed is a PostgreSQL LISTEN (``services.core.changes``), so several workers each get every
change; ``start_feed`` runs as a lifespan task of the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import logging
from collections import OrderedDict, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable
from typing import Any, TypeVar
from uuid import UUID

from ..services.core import cache
from ..services.core.changes import Change, feed, origin_of, report_status
from ..services.core.errors import DomainError, Forbidden

log = logging.getLogger(__name__)
T = TypeVar("T")

QUEUE_SIZE = 64
OVERFLOW = Change(UUID(int=0), {"*": None})  # too many changes at once: reload instead
SKIP: Any = object()  # a page's fetch found nothing it shows: no update, no state lock


def shows_owner(changes: list[Change], owner_id: UUID, *, always: tuple[str, ...]) -> bool:
    """Could this burst change a view of one person's deals? Yes if a change touches one of
    ``always`` (kinds the view follows whoever they belong to) or deals that were or are
    ``owner_id``'s (or whose owners the change could not tell)."""
    return any(c.touches(*always) or c.may_show_owner(owner_id) for c in changes)


class Hub:
    """The subscriptions of this worker, by organization."""

    def __init__(self) -> None:
        self._queues: dict[UUID, set[asyncio.Queue[Change]]] = defaultdict(set)
        self.ready = asyncio.Event()
        self.delivered = 0
        self._numbers = itertools.count(1)

    def subscribe(self, organization_id: UUID) -> asyncio.Queue[Change]:
        queue: asyncio.Queue[Change] = asyncio.Queue(QUEUE_SIZE)
        self._queues[organization_id].add(queue)
        return queue

    def unsubscribe(self, organization_id: UUID, queue: asyncio.Queue[Change]) -> None:
        queues = self._queues.get(organization_id)
        if queues is not None:
            queues.discard(queue)
            if not queues:
                del self._queues[organization_id]

    @property
    def watchers(self) -> int:
        return sum(len(q) for q in self._queues.values())

    def publish(self, change: Change) -> None:
        """Hand a change to every subscriber of its organization (a full queue: reload)."""
        change = dataclasses.replace(change, seq=next(self._numbers))
        for queue in list(self._queues.get(change.organization_id, ())):
            if queue.full():
                with contextlib.suppress(asyncio.QueueEmpty):
                    while True:
                        queue.get_nowait()
                queue.put_nowait(OVERFLOW)
            else:
                queue.put_nowait(change)
            self.delivered += 1


hub = Hub()
report_status(
    lambda: {"ok": hub.ready.is_set(), "pages_watching": hub.watchers, "delivered": hub.delivered}
)


class Shared:
    """Work that many pages of this worker need after the same change (the same board patch
    for every board open on the same view): done once, awaited by all. Keys name the change
    (its ``seq``) and everything the result depends on; results are kept briefly."""

    def __init__(self, size: int = 512) -> None:
        self._size = size
        self._items: OrderedDict[Hashable, asyncio.Future[Any]] = OrderedDict()
        self.computed = 0
        self.reused = 0

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        future = self._items.get(key)
        if future is None:
            future = asyncio.ensure_future(compute())
            self._items[key] = future
            self.computed += 1
            while len(self._items) > self._size:
                self._items.popitem(last=False)
            future.add_done_callback(lambda f: self._forget_failure(key, f))
        else:
            self.reused += 1
        return await asyncio.shield(future)

    def _forget_failure(self, key: Hashable, future: asyncio.Future[Any]) -> None:
        if future.cancelled() or future.exception() is not None:
            self._items.pop(key, None)


shared = Shared()


@contextlib.asynccontextmanager
async def watching(organization_id: UUID) -> AsyncIterator[asyncio.Queue[Change]]:
    """A subscription for the life of a page's live task."""
    queue = hub.subscribe(organization_id)
    try:
        yield queue
    finally:
        hub.unsubscribe(organization_id, queue)


async def next_changes(queue: asyncio.Queue[Change], timeout: float) -> list[Change] | None:
    """The next change and any queued right behind it (a burst is handled once); None when
    nothing came within ``timeout`` seconds (0: only what is queued already)."""
    try:
        first = queue.get_nowait() if timeout <= 0 else await asyncio.wait_for(queue.get(), timeout)
    except (TimeoutError, asyncio.QueueEmpty):
        return None
    changes = [first]
    while not queue.empty():
        changes.append(queue.get_nowait())
    return changes


async def start_feed() -> None:
    """Lifespan task: the worker's one LISTEN, fanned out to this worker's pages."""
    async for change in feed(hub.ready):
        # Cached figures of the organization (view counts …) go before any page re-reads them.
        cache.invalidate(change.organization_id, change.kinds, change.lead_owners)
        hub.publish(change)


# ------------------------------------------------------------------ one loop for every live page
RECHECK_SECONDS = 60.0  # a live page re-checks its session this often while idle
# A page whose fetches keep finding nothing it shows (``SKIP``) never takes its state lock (it
# knows from ``restart`` when to stop); it still reads its state this often, in case the tab's
# events went to another worker meanwhile.
SKIP_RECHECK_SECONDS = 60.0
# The live generation of each (tab, page state) as this worker last set it (``restart``): a
# live task whose generation moved on stops without loading the tab's state.
_generations: dict[tuple[str, str], int] = {}
# What each (tab, page state) shows, as its handlers last said (``restart(view=…)``, ``shows``):
# its live task starts and decides without taking the tab's state lock to read it.
_views: dict[tuple[str, str], Hashable] = {}
# The live tasks running on this worker: a second task for the same tab, page and generation
# (a watch event sent twice) ends at once.
_running: set[tuple[tuple[str, str], int]] = set()
_UNSEEN: Any = object()


def _tab_key(state: Any) -> tuple[str, str]:
    return (state.router.session.client_token, state.get_full_name())


def restart(state: Any, view: Hashable = _UNSEEN) -> None:
    """The page (re)starts or stops following the feed (a load, a new view, leaving the page):
    its running live task ends at its next step, without taking the state lock to find out.
    ``view``: what the page now shows (its ``Follow.view()``), so the new live task starts
    without loading the tab's state (on the path of the page load) to read it."""
    state._live += 1
    key = _tab_key(state)
    _generations[key] = state._live
    if view is _UNSEEN:
        _views.pop(key, None)
    else:
        _views[key] = view


def shows(state: Any, view: Hashable) -> None:
    """The page now shows ``view`` (new filters, another page of rows): its live task, if it
    started from a ``restart(view=…)``, decides by this one from its next change on."""
    key = _tab_key(state)
    if key in _views:
        _views[key] = view


def _moved_on(key: tuple[str, str], generation: int) -> bool:
    """``key``: the tab's ``_tab_key``, read once per task (through a background task's state
    proxy the router costs a lookup, and every change asks every live tab)."""
    return _generations.get(key, generation) != generation


@dataclasses.dataclass
class Follow:
    """How a page follows the feed.

    ``wanted(change)``: does the page show anything this change touched? ``view()`` (called
    under the state lock): what the page shows now (its filters, its page), so an answer
    computed for an older view is dropped. ``fetch(view, changes, actor)`` (off the lock): the
    page's update, or ``SKIP`` when the view shows none of it; ``apply(result)`` (under the
    lock): show it. ``settle``: wait this long after
    a first change to take a burst as one; ``spacing``: at least this long between two updates
    while changes keep coming (a dashboard need not redraw for every drop).
    """

    wanted: Callable[[Change], bool]
    view: Callable[[], Hashable]
    fetch: Callable[[Any, list[Change], Any], Awaitable[Any]]
    apply: Callable[[Any], Awaitable[None]]
    settle: float = 0.0
    spacing: float = 0.0
    # Skip the changes this tab's own handlers made and showed (``door.transaction(...,
    # shown_here=True)``): their effect is on the page already.
    skip_own: bool = False

    def takes(self, change: Change, origin: str) -> bool:
        """Does this page apply ``change`` (``origin``: this tab's ``origin_of``)?"""
        if change is OVERFLOW:
            return True
        return not (self.skip_own and change.origin == origin) and self.wanted(change)


async def follow(state: Any, how: Follow) -> None:
    """The body of a page's live background task. Ends when the page stops following (its
    ``_live`` counter moves: another load, leaving the page) or its session ends. Reflex ends
    it with the tab's socket.

    One state lock per burst of changes (with a shared state manager every lock is a load and
    a save of the tab's state): the update is computed for the view last seen, and if the page
    shows another view by the time it is applied, it is computed again for that one."""
    from . import door

    actor = door.actor_of(state)
    key = _tab_key(state)
    origin = origin_of(key[0])
    generation, view = _generations.get(key), _views.get(key, _UNSEEN)
    if generation is None or view is _UNSEEN:  # not started by this worker's ``restart(view=…)``
        async with state:
            generation = state._live
            view = how.view()
        _generations[key] = generation  # the newest task of this tab and page
    if (key, generation) in _running:
        return
    _running.add((key, generation))
    loop = asyncio.get_running_loop()
    last = 0.0
    looked = loop.time()  # when the state (its ``_live`` and view) was last read
    try:
        async with watching(actor.organization_id) as queue:
            while True:
                changes = await next_changes(queue, RECHECK_SECONDS)
                if _moved_on(key, generation):
                    return
                view = _views.get(key, view)  # as the page's handlers last said
                if changes is None or any(c.affects_access(actor.user_id) for c in changes):
                    if not await door.recheck(state):
                        return
                    actor = door.actor_of(state)
                    if changes is None:
                        async with state:
                            if state._live != generation:
                                return
                            view, looked = how.view(), loop.time()
                        continue
                changes = [c for c in changes if how.takes(c, origin)]
                if not changes:
                    continue
                wait = max(how.settle, how.spacing - (loop.time() - last))
                if wait > 0:
                    await asyncio.sleep(wait)
                    changes += [
                        c for c in await next_changes(queue, 0) or [] if how.takes(c, origin)
                    ]
                for _attempt in range(3):
                    try:
                        result = await how.fetch(view, changes, actor)
                    except Forbidden:
                        return  # the actor lost the right to this page: its next load says so
                    except Exception as exc:
                        # A refusal (a filtered pipeline deleted meanwhile) is said as such; an
                        # unexpected failure with its traceback. The next change tries again.
                        refused = isinstance(exc, DomainError)
                        log.warning("live refresh of %s failed: %s", type(state).__name__,
                                    exc, exc_info=not refused)  # fmt: skip
                        break
                    if _moved_on(key, generation):
                        return
                    if result is SKIP:
                        if loop.time() - looked > SKIP_RECHECK_SECONDS:
                            async with state:
                                if state._live != generation:
                                    return
                                view, looked = how.view(), loop.time()
                        break
                    async with state:
                        looked = loop.time()
                        if state._live != generation:
                            return
                        shown = how.view()
                        if shown == view:
                            await how.apply(result)
                            last = loop.time()
                            break
                        view = shown  # the page moved on meanwhile: compute for what it shows
    finally:
        _running.discard((key, generation))
        # Forget the tab's page once no task follows it: its own generation, or a stop (the
        # page left: a generation with no view) that no task took up — else every page ever
        # left would keep its entry for the life of the worker.
        left = key not in _views and not any(k == key for k, _ in _running)
        if _generations.get(key) == generation or left:
            _generations.pop(key, None)
            _views.pop(key, None)
