"""Faults: the database restarted under load, a backend worker killed, Redis restarted.

The module serves its own copy of the app (``serve_app``: own embedded PostgreSQL, build folder
and port) with two Granian workers sharing state through a Redis the module starts itself
(``/usr/bin/redis-server`` on a free port, nothing persisted), so it may stop both. The users
are simulated tabs speaking Reflex's websocket protocol (``bench/simulate.py``'s ``Tab``):
signed in through the sign-in handler, moving their own deals on the board.

Checked (about a minute in ``make test``; ``SMARTWEB_SLOW=1`` runs the longer variants):

* PostgreSQL restarted while users move deals: the moves made while it is down are answered
  with an error toast on a live socket (never a dead page or no answer); within 5 s of the
  database being back every move succeeds again; afterwards every acknowledged move has exactly
  one history row and one audit row, nothing else was written, and every stage's positions are
  dense.
* One of the two workers SIGKILLed: its tabs lose their socket, reconnect under the same tab
  token (as the browser does, hydrating with its stored session token) and are still signed in
  on the same page — their state is in Redis; Granian starts a new worker.
* Redis restarted (every tab state gone): a plain event from a tab finds a fresh state and is
  answered by re-opening the page (never /login); the page's hydration with the browser's stored
  token resumes the session on the same page.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import psutil
import psycopg
import pytest

from tests.support.redis_server import OwnRedis, running_redis

from .server import (
    REPO_ROOT,
    ServedApp,
    postgres_url,
    serve_app,
    start_postgres,
    stop_postgres,
    wait_until,
)

sys.path.insert(0, str(REPO_ROOT))  # bench/ is not a package the tests import by default

from bench.simulate import (
    AUTH,
    BOARD,
    PIPELINE,
    ROOT,
    TOKEN_VAR,
    Tab,
    Tally,
    World,
    _var,
    check_database,
    prepare_world,
)
from tests.security.protocol import ProtocolError


@pytest.fixture(autouse=True)
def _patient_tabs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers are timed by the benches; here a busy machine must not read as a lost answer."""
    from bench import simulate

    monkeypatch.setattr(simulate, "ACTION_TIMEOUT_S", 60.0)


def _run(coro: Any) -> Any:
    """``asyncio.run`` on a thread of its own: the browser tests' Playwright keeps an event loop
    running on this one when they share the session."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


SLOW = bool(os.environ.get("SMARTWEB_SLOW"))


def slow(test: Callable[..., None]) -> Callable[..., None]:
    """A long variant: marked ``slow``, and run only with SMARTWEB_SLOW=1."""
    skipped = pytest.mark.skipif(not SLOW, reason="long variant: set SMARTWEB_SLOW=1")(test)
    return pytest.mark.slow(skipped)


RECOVERY_GOAL_S = 5.0
BOARD_TIMEOUT_S = 10.0  # a board re-opened while the database is away gets toasts, no columns
RESUME_SCRIPT = "window.location.reload()"


# ------------------------------------------------------------------ the servers
@pytest.fixture(scope="module")
def own_redis() -> Iterator[OwnRedis]:
    with running_redis() as server:
        yield server


@pytest.fixture(scope="module")
def faulty(own_redis: OwnRedis) -> Iterator[ServedApp]:
    """The app on two workers sharing state through ``own_redis``, on its own database."""
    if os.environ.get("SMARTWEB_E2E_BASE_URL"):
        pytest.skip("SMARTWEB_E2E_BASE_URL is set: the fault tests serve their own app")
    with serve_app(
        prefix="swflt", web_workdir=".web-e2e-faults", redis_url=own_redis.url, workers=2
    ) as app:
        yield app


@pytest.fixture(scope="module")
def dsn(faulty: ServedApp) -> str:
    return postgres_url(faulty)


# ------------------------------------------------------------------ simulated tabs
async def _open_board(tab: Tab) -> None:
    """``Tab.open_board``, until the board's columns have arrived: its navigation may be
    answered first by a delta carrying the columns' empty default."""
    mark = len(tab.sock.received)
    await tab.open_board()
    if tab.mine:
        return
    got = await _received(tab, lambda r: bool(_var(r, BOARD, "columns")), since=mark)
    columns = _var(got, BOARD, "columns")
    tab.open_stages = [c["id"] for c in columns if not c["is_won"] and not c["is_lost"]]
    tab.mine = {
        card["id"]: (c["id"], card["version"])
        for c in columns
        for card in c["cards"]
        if card.get("owner_id") == tab.user.user_id
    }


async def _board_or_toast(tab: Tab, mark: int) -> bool:
    """Re-open the board: True once it is shown, False as soon as an error toast answers
    instead (the database away); raises TimeoutError after BOARD_TIMEOUT_S without either."""
    opening = asyncio.create_task(_open_board(tab))
    deadline = time.monotonic() + BOARD_TIMEOUT_S
    try:
        while not opening.done():
            if any(tab._refusal(r) for r in tab.sock.received[mark:]):
                return False
            if time.monotonic() > deadline:
                raise TimeoutError("neither the board nor a toast")
            await asyncio.sleep(0.05)
        opening.result()
        return True
    finally:
        opening.cancel()


def _board_summary(tab: Tab) -> str:
    """What the tab's board showed (when it holds none of the user's deals)."""
    columns = next((_var(r, BOARD, "columns") for r in reversed(tab.sock.received)
                    if _var(r, BOARD, "columns") is not None), None)  # fmt: skip
    if not columns:
        return f"no columns received; last: {[r.text[:200] for r in tab.sock.received[-3:]]}"
    owners = {card.get("owner_id") for c in columns for card in c["cards"]}
    return (f"{tab.user.email} ({tab.user.user_id}) owns none of the {sum(len(c['cards']) for c in columns)} "
            f"cards in {len(columns)} columns; owners seen: {sorted(map(str, owners))[:5]}")  # fmt: skip


@dataclass
class Outcome:
    started: float  # monotonic
    seconds: float
    ok: bool
    kind: str = ""  # "toast" (an error toast, socket alive), "closed", "no-answer", "other"
    detail: str = ""


@dataclass
class Movers:
    """Users moving their own deals in a loop, each on its own tab."""

    tabs: list[Tab]
    tally: Tally
    outcomes: list[Outcome] = field(default_factory=list)

    @classmethod
    async def open(cls, base_url: str, world: World, seed: int = 5) -> Movers:
        tally = Tally()
        tabs = [Tab(base_url, u, tally, random.Random(seed + i)) for i, u in enumerate(world.users)]
        for tab in tabs:
            await tab.sign_in()
            await _open_board(tab)
            assert tab.mine, _board_summary(tab)
        return cls(tabs, tally)

    async def _loop(self, tab: Tab, until: list[float]) -> None:
        stale = False
        while time.monotonic() < until[0]:
            await asyncio.sleep(tab.rng.uniform(0.15, 0.4))
            started = time.monotonic()
            if stale:  # after a failed drop: where my deals really are (the board again)
                mark = len(tab.sock.received)
                try:
                    if await _board_or_toast(tab, mark):
                        stale = False
                    else:
                        raise TimeoutError("an error toast instead of the board")
                except (TimeoutError, AssertionError, ProtocolError):
                    # No board while the database is away: what the page got instead.
                    toast = any(tab._refusal(r) for r in tab.sock.received[mark:])
                    kind = "closed" if not tab.sock.alive else "toast" if toast else "no-answer"
                    seconds = time.monotonic() - started
                    self.outcomes.append(Outcome(started, seconds, False, kind, "board re-open"))
                    if kind == "closed":
                        return
                    continue
            try:
                seconds = await tab.move()
                if seconds is not None:
                    self.outcomes.append(Outcome(started, seconds, True))
            except Exception as exc:  # noqa: BLE001 - every failure is classified and asserted
                stale = True
                text = repr(exc)
                if not tab.sock.alive:
                    kind = "closed"
                elif isinstance(exc, TimeoutError):
                    kind = "no-answer"
                elif "changed this deal" in text:  # a version conflict, not the fault's doing
                    kind = "conflict"
                elif "toast" in text:
                    kind = "toast"
                else:
                    kind = "other"
                self.outcomes.append(
                    Outcome(started, time.monotonic() - started, False, kind, text)
                )
                if kind == "closed":
                    return

    async def run(self, after: float, fault: Callable[[], Awaitable[Any]]) -> Any:
        """Move; one second in, run ``fault``; go on for ``after`` seconds once it is over.
        Returns what ``fault`` returned."""
        until = [time.monotonic() + 3600]
        loops = [asyncio.create_task(self._loop(tab, until)) for tab in self.tabs]
        try:
            await asyncio.sleep(1.0)
            result = await fault()
            until[0] = time.monotonic() + after
            await asyncio.gather(*loops)
        finally:
            until[0] = 0
            for task in loops:
                task.cancel()
            for tab in self.tabs:
                await tab.sock.close()
        return result


def _deals_first(dsn: str, world: World) -> None:
    """Number each stage's open deals with the simulated users' deals last, that is on top of
    their column (the board shows the highest positions first), among the cards it loads."""
    with psycopg.connect(dsn) as conn:
        conn.execute(
            """
            WITH r AS (
              SELECT id, row_number() OVER (PARTITION BY current_stage_id
                                            ORDER BY id = ANY(%(ids)s::uuid[]), position) - 1 AS p
              FROM opportunities
              WHERE status = 'open' AND deleted_at IS NULL AND NOT is_archived
                AND current_stage_id IN (SELECT current_stage_id FROM opportunities
                                         WHERE id = ANY(%(ids)s::uuid[])))
            UPDATE opportunities o SET position = r.p FROM r WHERE o.id = r.id
            """,
            {"ids": list(world.deals)},
        )


def _world(dsn: str, users: int, deals_per_user: int, seed: int) -> World:
    world = prepare_world(dsn, users=users, deals_per_user=deals_per_user, leads_per_user=0,
                          seed=seed)  # fmt: skip
    _deals_first(dsn, world)
    return world


def _message(detail: str) -> str:
    """The words of an error toast in a failure's text (its script carries them)."""
    words = re.findall(r"[A-Z][A-Za-z' ,.;]{12,}", detail.replace("\\", ""))
    return words[0][:100] if words else detail[:100]


def _db_now(dsn: str) -> Any:
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]


# ------------------------------------------------------------------ PostgreSQL restarted
def test_postgres_restart_under_load_recovers_within_five_seconds_and_loses_nothing(
    faulty: ServedApp, dsn: str
) -> None:
    users = 6 if SLOW else 3
    world = _world(dsn, users, 4, seed=31)
    since = _db_now(dsn)
    marks: dict[str, float] = {}

    async def restart() -> None:
        marks["down"] = time.monotonic()
        await asyncio.to_thread(stop_postgres, faulty)
        await asyncio.sleep(1.0)  # really down for a while: moves meanwhile must fail cleanly
        await asyncio.to_thread(start_postgres, faulty)
        marks["up"] = time.monotonic()

    async def scenario() -> Movers:
        movers = await Movers.open(faulty.base_url, world)
        await movers.run(20.0 if SLOW else 8.0, restart)
        return movers

    movers = _run(scenario())
    up = marks["up"]
    # A refused version ("X changed this deal") is the board's concurrency check, not the
    # restart's doing (the simulated tab keeps the version its last answer carried): counted
    # and shown, not held against recovery.
    conflicts = [o for o in movers.outcomes if o.kind == "conflict"]
    failed = [o for o in movers.outcomes if not o.ok and o.kind != "conflict"]
    print(
        f"moves ok {sum(o.ok for o in movers.outcomes)}, failed {len(failed)} "
        f"({sorted({o.kind for o in failed})}), version conflicts {len(conflicts)}; "
        f"database down for {up - marks['down']:.1f}s"
    )
    for o in movers.outcomes:
        if not o.ok or o.started >= marks["down"] - 0.5:
            print(
                f"  {o.started - marks['down']:+6.2f}s {o.seconds:5.2f}s {o.kind or 'ok'} "
                f"{_message(o.detail)}"
            )
    # While it was down: an error toast on a live socket, never a dead page or silence.
    assert all(o.kind == "toast" for o in failed), [o.detail[:200] for o in failed][:5]
    # Back within 5 s: every move started from then on succeeded, and some did.
    late = [
        o for o in movers.outcomes if o.started >= up + RECOVERY_GOAL_S and o.kind != "conflict"
    ]
    assert late and all(o.ok for o in late), [o.detail[:200] for o in late if not o.ok][:5]
    first_ok = min((o.started + o.seconds for o in movers.outcomes if o.ok and o.started >= up),
                   default=None)  # fmt: skip
    assert first_ok is not None
    print(f"first acknowledged move {first_ok - up:.2f}s after the database was back")
    assert first_ok - up <= RECOVERY_GOAL_S

    # Nothing acknowledged lost, nothing half-written, nothing written that was not acknowledged.
    check = check_database(dsn, world, movers.tally, since)
    print(check)
    assert check["acked_moves_missing_a_row"] == 0
    assert check["history_rows"] == check["audit_rows"] == check["moves_acked"]
    assert check["deals_with_unacknowledged_moves"] == 0
    assert check["rows_crossing_organizations"] == 0
    assert check["stages_with_gaps"] == 0


# ------------------------------------------------------------------ a worker killed
def _connections_of(worker: psutil.Process, port: int) -> int:
    return sum(
        1
        for c in worker.net_connections(kind="tcp")
        if c.status == psutil.CONN_ESTABLISHED and c.laddr and c.laddr.port == port
    )


async def _received(
    tab: Tab, found: Callable[[Any], bool], timeout_s: float = 30, since: int = 0
) -> Any:
    """The first message received on the tab's socket (from index ``since``) that ``found``
    accepts, waiting for it up to ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while True:
        for r in tab.sock.received[since:]:
            if found(r):
                return r
        if time.monotonic() > deadline or not tab.sock.alive:
            raise AssertionError(
                f"nothing expected arrived; last: {[r.text[:300] for r in tab.sock.received[-3:]]}"
            )
        await asyncio.sleep(0.05)


async def _rehydrate(tab: Tab, path: str) -> Any:
    """What the browser does once its socket is back (or its page is re-opened): CONNECT
    under the same tab token, the hydrate event carrying the stored session token; then wait
    for the page's board."""
    boot = tab._event(f"{ROOT}.hydrate_and_load", {"vars": {TOKEN_VAR: tab.token}}, path)
    await tab.sock.connect(boot, same_tab=True)
    tab.path = path
    return await _received(tab, lambda r: bool(_var(r, BOARD, "columns")))


async def _plain_event(tab: Tab) -> str:
    """A drop sent on the open socket; the text of every answer carrying frontend events (the
    drop's own and that of the page load run with it)."""
    deal, (src, version) = next(iter(tab.mine.items()))
    dst = next(s for s in tab.open_stages if s != src)
    mark = len(tab.sock.received)
    await tab.sock.emit(tab._event(f"{PIPELINE}.move_deal", {
        "deal_id": deal, "from_stage_id": src, "to_stage_id": dst, "position": 0,
        "version": version, "before_id": "", "after_id": "",
    }))  # fmt: skip

    def answered(r: Any) -> bool:
        return bool((r.data or {}).get("events"))

    # From ``mark`` on by position: an answer can repeat an earlier frame word for word.
    await _received(tab, answered, timeout_s=20, since=mark)
    # The page load Reflex runs for the lost state answers after the drop, or not at all when
    # the drop's reload supersedes it. The test checks that no answer sends the tab to /login,
    # and an absence has no event to wait for: a window of 1.5 s it is.
    await asyncio.sleep(1.5)
    return " ".join(r.text for r in tab.sock.received[mark:] if answered(r))


def test_a_killed_worker_s_tabs_reconnect_and_keep_session_and_page(
    faulty: ServedApp, dsn: str
) -> None:
    world = _world(dsn, 6, 2, seed=47)

    async def scenario() -> tuple[int, int, list[str]]:
        tally = Tally()
        tabs = [Tab(faulty.base_url, u, tally, random.Random(i)) for i, u in enumerate(world.users)]
        for tab in tabs:
            await tab.sign_in()
            await _open_board(tab)
        workers = faulty.serving_workers()
        assert len(workers) == 2, workers
        victim = max(workers, key=lambda w: _connections_of(w, faulty.port))
        held = _connections_of(victim, faulty.port)
        tokens = {id(t): t.sock.client_token for t in tabs}
        os.kill(victim.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while all(t.sock.alive for t in tabs) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)  # until the kernel has closed the dead worker's sockets
        dropped = [t for t in tabs if not t.sock.alive]
        problems = []
        for tab in dropped:
            got = await _rehydrate(tab, "/pipeline")
            if tab.sock.client_token != tokens[id(tab)]:  # Reflex renamed the tab: a fresh state
                print(f"{tab.user.email}: reconnected under a new tab token")
            if _var(got, AUTH, "user_name") in ("", None) and not any(
                _var(r, AUTH, "user_name") for r in tab.sock.received
            ):
                problems.append(f"{tab.user.email}: not signed in after reconnecting")
            if any("/login" in r.text for r in tab.sock.received):
                problems.append(f"{tab.user.email}: sent to /login")
            if await tab.move() is None:  # the page works: a move goes through
                problems.append(f"{tab.user.email}: nothing to move")
        for tab in tabs:
            await tab.sock.close()
        return held, len(dropped), problems

    held, dropped, problems = _run(scenario())
    print(f"killed a worker holding {held} sockets; {dropped} tabs reconnected")
    assert dropped >= 1, "no tab lost its socket with the worker"
    assert not problems, problems
    # Granian starts a new worker for the dead one (serving.respawn_failed_workers).
    assert wait_until(lambda: len(faulty.serving_workers()) == 2, timeout_s=60), (
        "the killed worker was not replaced"
    )


# ------------------------------------------------------------------ Redis restarted
def test_after_a_redis_restart_a_tab_resumes_its_session_from_the_stored_token(
    faulty: ServedApp, own_redis: OwnRedis, dsn: str
) -> None:
    world = _world(dsn, 2, 2, seed=53)

    async def scenario() -> list[str]:
        tally = Tally()
        tabs = [Tab(faulty.base_url, u, tally, random.Random(i)) for i, u in enumerate(world.users)]
        for tab in tabs:
            await tab.sign_in()
            await _open_board(tab)
        own_redis.stop()
        own_redis.start()  # empty: every tab's state is gone
        problems = []
        for tab in tabs:
            # A plain event (a drop) on the open socket finds a fresh state: re-open the page.
            answer = await _plain_event(tab)
            if RESUME_SCRIPT not in answer:
                problems.append(f"{tab.user.email}: answered {answer[:300]}")
            if "/login" in answer:
                problems.append(f"{tab.user.email}: sent to /login")
            # The browser re-opens the page: its hydration carries the stored token.
            got = await _rehydrate(tab, "/pipeline")
            if not _var(got, BOARD, "columns"):
                problems.append(f"{tab.user.email}: no board after resuming")
            if await tab.move() is None:
                problems.append(f"{tab.user.email}: could not move after resuming")
        for tab in tabs:
            await tab.sock.close()
        return problems

    problems = _run(scenario())
    assert not problems, problems


@slow
def test_redis_restarted_twice_under_load_loses_no_acknowledged_move(
    faulty: ServedApp, own_redis: OwnRedis, dsn: str
) -> None:
    world = _world(dsn, 4, 3, seed=61)
    since = _db_now(dsn)

    async def restarts() -> None:
        for _ in range(2):
            await asyncio.to_thread(own_redis.stop)
            await asyncio.to_thread(own_redis.start)
            await asyncio.sleep(3)

    async def scenario() -> Movers:
        movers = await Movers.open(faulty.base_url, world)
        await movers.run(10.0, restarts)
        return movers

    movers = _run(scenario())
    check = check_database(dsn, world, movers.tally, since)
    print(check)
    assert check["acked_moves_missing_a_row"] == 0
    assert check["history_rows"] == check["audit_rows"]
    assert check["stages_with_gaps"] == 0
