"""/pipeline served by several backend workers that share state through Redis.

Uses ``multiworker_server`` (conftest; ``server.py`` serves it): Reflex's Redis state manager
and two Granian workers.
Each tab's websocket lives on one worker (Reflex records which in Redis, under the tab's client
token); the tab's state lives in Redis. Granian gives every worker its own listening socket
(SO_REUSEPORT), so the kernel picks the worker of each new connection from a hash of the
client's port: a connection cannot be aimed (pausing a worker only stalls the connections
hashed to it), so the rep's tab is reloaded until its socket lands on the other worker.

Checked: a move handled by one worker reaches a board held by the other within 2 s; every
reload stays signed in wherever it lands; one tab (same client token) is served by both workers
in turn. The sign-in token itself is in the browser's localStorage and re-checked on each load,
so staying signed in alone would not prove the sharing; the same token on both workers does.
"""

from __future__ import annotations

import io
import pickle
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import psutil
import pytest
import redis
from playwright.sync_api import Browser, BrowserContext, Page, expect

from .helpers import column, column_names, drag, movable_card, open_board, screenshot
from .server import ServedApp

MANAGER, REP = "manager@demo.smartweb.test", "rep@demo.smartweb.test"
NAMES = {MANAGER: "Morgan Reyes", REP: "Jordan Blake"}
# Reloads allowed to get the rep's socket onto the other worker (a fair split needs ~2).
MAX_RELOADS = 16
# RedisTokenManager's key for a tab's socket record: pickled SocketRecord(instance_id, sid).
SOCKET_RECORD_KEY = "token_manager_socket_record_{}"


class _SocketRecordLoader(pickle.Unpickler):
    """Unpickles Reflex's socket record and nothing else."""

    def find_class(self, module: str, name: str) -> type:
        if (module, name) == ("reflex.utils.token_manager", "SocketRecord"):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"unexpected {module}.{name} in a socket record")


@dataclass
class Board:
    email: str
    context: BrowserContext
    page: Page
    loads: list[tuple[str, str]] = field(default_factory=list)  # (worker, token), oldest first

    @property
    def worker(self) -> str:
        return self.loads[-1][0]


@dataclass
class Boards:
    app: ServedApp
    manager: Board
    rep: Board
    redis: redis.Redis


def client_token(page: Page) -> str | None:
    return page.evaluate("() => window.sessionStorage.getItem('token')")


def socket_worker(page: Page, client: redis.Redis, timeout_s: float = 10.0) -> tuple[str, str]:
    """(worker, client token): the worker (Reflex instance id) holding this tab's websocket."""
    deadline = time.monotonic() + timeout_s
    while True:
        token = client_token(page)
        raw = client.get(SOCKET_RECORD_KEY.format(token)) if token else None
        if raw:
            return _SocketRecordLoader(io.BytesIO(raw)).load().instance_id, token
        if time.monotonic() > deadline:
            raise AssertionError(f"no socket record in Redis for the tab's token {token!r}")
        page.wait_for_timeout(100)


def assert_signed_in(board: Board) -> None:
    """The board (which needs the server-side actor) and the user's name are on screen."""
    page = board.page
    expect(page.locator("[data-deal-id]").first).to_be_visible()
    expect(page.get_by_text(NAMES[board.email]).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/pipeline(\?.*)?$"))


def reload(board: Board, client: redis.Redis) -> None:
    board.page.reload()
    assert_signed_in(board)
    board.loads.append(socket_worker(board.page, client))


def put_on_different_workers(boards: Boards) -> None:
    """Reload the rep's tab until its socket is held by another worker than the manager's."""
    for _ in range(MAX_RELOADS):
        if boards.rep.worker != boards.manager.worker:
            return
        reload(boards.rep, boards.redis)
    if boards.rep.worker == boards.manager.worker:
        app = boards.app
        conns = {w.pid: holds_a_connection(w, app.port) for w in app.serving_workers()}
        pytest.fail(
            f"{MAX_RELOADS} reloads all landed on the manager's worker: is only one worker "
            f"accepting connections? (rep's loads: {boards.rep.loads}; "
            f"workers holding a connection: {conns})",
            pytrace=False,
        )


def same_tab_on_both_workers(boards: Boards) -> bool:
    """Whether a reload moved a tab to the other worker under the same client token."""
    return any(
        before[0] != after[0] and before[1] == after[1]
        for board in (boards.manager, boards.rep)
        for before, after in zip(board.loads, board.loads[1:], strict=False)
    )


def holds_a_connection(worker: psutil.Process, port: int) -> bool:
    """Whether this worker process has an open TCP connection accepted on the app's port."""
    return any(
        conn.status == psutil.CONN_ESTABLISHED and conn.laddr and conn.laddr.port == port
        for conn in worker.net_connections(kind="tcp")
    )


@pytest.fixture(scope="module")
def boards(browser: Browser, multiworker_server: ServedApp) -> Iterator[Boards]:
    """The manager's and the rep's boards, each in its own browser context."""
    app = multiworker_server
    client = redis.Redis.from_url(app.redis_url)
    opened: list[Board] = []
    try:
        for email in (MANAGER, REP):
            ctx, page = open_board(browser, app.base_url, email)
            opened.append(Board(email, ctx, page))
            opened[-1].loads.append(socket_worker(page, client))
        yield Boards(app=app, manager=opened[0], rep=opened[1], redis=client)
    finally:
        for board in opened:
            board.context.close()
        client.close()


def test_the_app_runs_two_backend_workers(multiworker_server: ServedApp) -> None:
    workers = multiworker_server.serving_workers()
    assert len(workers) == multiworker_server.workers == 2, f"listening workers: {workers}"
    print(f"worker pids: {[w.pid for w in workers]}")


def test_reloads_keep_the_session_whichever_worker_serves_them(boards: Boards) -> None:
    put_on_different_workers(boards)
    # Two tabs, two workers: each worker process holds one of the browsers' sockets.
    workers = boards.app.serving_workers()
    idle = [w.pid for w in workers if not holds_a_connection(w, boards.app.port)]
    assert len(workers) == 2 and not idle, f"worker processes without a client: {idle}"

    # More reloads of both tabs (each must stay signed in, wherever its socket lands) until a
    # tab kept its client token while changing workers: one tab's state, served by both.
    for round_ in range(MAX_RELOADS):
        if round_ >= 2 and same_tab_on_both_workers(boards):
            break
        reload(boards.manager, boards.redis)
        reload(boards.rep, boards.redis)
    for board in (boards.manager, boards.rep):
        print(f"{board.email} loads (worker, token): {[(w[:8], t[:8]) for w, t in board.loads]}")
    assert same_tab_on_both_workers(boards), "no reload kept its client token across workers"
    # The tabs' states are in the shared store (Reflex keys them by client token).
    for board in (boards.manager, boards.rep):
        token = client_token(board.page)
        assert token and boards.redis.keys(f"{token}*"), f"no state in Redis for {token}"


def test_a_move_on_one_worker_reaches_a_board_on_the_other(
    boards: Boards,
) -> None:
    put_on_different_workers(boards)
    page, watcher = boards.manager.page, boards.rep.page
    names = column_names(page)
    src, dst = column(page, names[0]), column(page, names[1])
    card = movable_card(src)
    deal_id = card.get_attribute("data-deal-id")
    expect(column(watcher, names[0]).locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()

    drag(page, card, dst.locator("[data-deal-id]").first)
    dropped = time.monotonic()
    # Pushed across workers, no reload; the delay itself is measured by bench/load.py.
    expect(column(watcher, names[1]).locator(f'[data-deal-id="{deal_id}"]')).to_be_visible(
        timeout=15_000
    )
    print(
        f"the rep's board (worker {boards.rep.worker[:8]}) saw the move made on worker "
        f"{boards.manager.worker[:8]} after {time.monotonic() - dropped:.2f}s"
    )
    expect(dst.locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()
    screenshot(watcher, "pipeline-multiworker-watcher", full_page=False)

    # Stored: a reload (on whichever worker) shows it in the new column, still signed in.
    reload(boards.rep, boards.redis)
    expect(column(watcher, names[1]).locator(f'[data-deal-id="{deal_id}"]')).to_be_visible()
    expect(column(watcher, names[0]).locator(f'[data-deal-id="{deal_id}"]')).to_have_count(0)
