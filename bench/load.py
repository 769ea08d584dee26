"""Load test: simulated users (Reflex's websocket protocol) and a few real Chromium tabs against
the production server, on loopback, bounded in users and time; it stops by itself.

    .venv/bin/python bench/load.py                       # 200 users, 2 workers, 120 s
    .venv/bin/python bench/load.py --users 20 --workers 1 --seconds 60
    .venv/bin/python bench/load.py --solo-only           # the drop round trip vs its floor
    .venv/bin/python bench/load.py --users 201 --crowds 20,200 --workers 2   # two crowds, one server

It serves its own copy of the app (``tests/e2e/server.py``: a fresh embedded PostgreSQL with
the demo organizations, ``reflex run --env prod``; with several workers, a ``redis-server`` of
its own for the shared state) and adds the simulated users: sales reps split over the two
demo organizations, each owning ``--deals-per-user`` open deals (100 users × 50 = 5,000 open
deals on each organization's board) and a few leads.

1. **Solo** (one user, nothing else running): the no-op round trip on the board
   (``PipelineState.ping``: the door, the state's load and save, no service call) and a drop
   until its patch is back, alternating; then ten "load more" pages into one column and the
   drops again — the drop's cost must not grow with the cards loaded. Frame sizes included.
2. **Crowd**: every user signs in (not timed), opens the board, then for ``--seconds`` runs a
   mix with a think time between actions (``simulate.MIX``: board, move, inbox, search, log a
   call, dashboard); ``--chromium`` real Chromium tabs drag deals meanwhile (drop → the server's
   patch seen on the tab's websocket).
3. **Checks**: every acknowledged move has exactly one history row and one audit row, no row of
   the run crossed organizations, positions stay dense; backend memory (RSS of the workers)
   after warm-up and at the end.

Prints a report and writes it as JSON (``--json``). Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import multiprocessing
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
import psycopg  # noqa: E402

from bench.simulate import Tab, Tally, prepare_world, run_users  # noqa: E402
from bench.simulate import check_database as check_db  # noqa: E402
from tests.e2e.server import ServedApp, free_port, serve_app, wait_until  # noqa: E402


# ------------------------------------------------------------------ serving
@contextmanager
def redis_server() -> Iterator[str]:
    """A throw-away redis-server on a free loopback port (nothing kept on disk)."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("several workers share state through Redis: install redis-server")
    port = free_port()
    tmp = tempfile.mkdtemp(prefix="swredis", dir="/tmp")
    proc = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            tmp,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(port=port)
        if not wait_until(lambda: _pings(client), timeout_s=20):
            raise SystemExit("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(tmp, ignore_errors=True)


def _pings(client: Any) -> bool:
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - not up yet
        return False


@contextmanager
def served(workers: int) -> Iterator[ServedApp]:
    if workers > 1:
        with (
            redis_server() as url,
            serve_app(
                prefix="swload", web_workdir=".web-bench", redis_url=url, workers=workers
            ) as app,
        ):
            yield app
    else:
        with serve_app(prefix="swload", web_workdir=".web-bench") as app:
            yield app


def database_url(app: ServedApp) -> str:
    return app.database_url()


class Memory:
    """RSS of the backend (Granian's supervisor and workers), sampled every second."""

    def __init__(self, app: ServedApp) -> None:
        self.app = app
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def now(self) -> int:
        total = 0
        try:
            root = psutil.Process(self.app.pid)
            for proc in [root, *root.children(recursive=True)]:
                try:
                    if "node" not in proc.name() and "bun" not in proc.name():
                        total += proc.memory_info().rss
                except psutil.Error:
                    continue
        except psutil.Error:
            return 0
        return total

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.peak = max(self.peak, self.now())

    def stop(self) -> None:
        self._stop.set()


# ------------------------------------------------------------------ solo
def _ms(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[k] * 1000, 2)


def server_cpu_seconds(app: ServedApp) -> dict[str, float]:
    """CPU seconds used so far by the backend workers and by the database server's processes
    (the connections stay open in the pool, so their counters cover the run)."""
    out = {"backend": 0.0, "database": 0.0}
    procs = []
    with contextlib.suppress(psutil.Error):
        root = psutil.Process(app.pid)
        procs += [("backend", p) for p in [root, *root.children(recursive=True)]]
    for proc in psutil.process_iter(["name"]):
        if proc.info["name"] == "postgres":
            procs.append(("database", proc))
    for kind, proc in procs:
        with contextlib.suppress(psutil.Error):
            if kind == "backend" and proc.name() in ("node", "bun"):
                continue
            times = proc.cpu_times()
            out[kind] += times.user + times.system
    return out


def machine_cpu(app: ServedApp) -> dict[str, float]:
    """CPU seconds so far: the backend, the database, this load generator, and the rest of the
    machine (the Chromium tabs, Redis, anything else), to say where a crowd's cores went."""
    out = server_cpu_seconds(app)
    mine = psutil.Process().cpu_times()
    out["load generator"] = mine.user + mine.system
    total = psutil.cpu_times()
    busy = total.user + total.system + getattr(total, "nice", 0.0) + getattr(total, "irq", 0.0)
    busy += getattr(total, "softirq", 0.0)
    out["rest"] = busy - sum(out.values())
    return out


def cores_used(before: tuple[dict[str, float], float], app: ServedApp) -> dict[str, float]:
    """Cores each part used on average since ``before`` (``machine_cpu``, perf_counter)."""
    now, wall = machine_cpu(app), time.perf_counter() - before[1]
    return {k: round((now[k] - before[0][k]) / wall, 2) for k in now}


ACTIONS = ("board", "move", "inbox", "search", "call", "dashboard")


@contextmanager
def sampled(app: ServedApp, out: Path | None, name: str) -> Iterator[None]:
    """With ``out``: py-spy samples every backend worker while the block runs (the thread holding
    the GIL: where the CPU goes), one collapsed
    stack file per worker (``<name>-<pid>.txt``) and a summary of the hottest functions."""
    if out is None or shutil.which("py-spy") is None:
        yield
        return
    out.mkdir(parents=True, exist_ok=True)
    root = psutil.Process(app.pid)
    pids = [p.pid for p in [root, *root.children(recursive=True)] if p.name().startswith("python")]
    spies = [
        subprocess.Popen(
            ["py-spy", "record", "--pid", str(pid), "--format", "raw", "--rate", "250", "--gil",
             "--nonblocking", "--output", str(out / f"{name}-{pid}.txt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for pid in pids
    ]  # fmt: skip
    time.sleep(1.0)
    try:
        yield
    finally:
        for spy in spies:
            spy.send_signal(2)
        for spy in spies:
            with contextlib.suppress(subprocess.TimeoutExpired):
                spy.wait(timeout=20)
        (out / f"{name}-top.txt").write_text(hottest(out.glob(f"{name}-[0-9]*.txt")))


def hottest(files: Any, top: int = 40) -> str:
    """The functions holding most samples (inclusive, each counted once per stack), from
    py-spy's collapsed stacks, skipping idle stacks (a loop or a thread waiting)."""
    inclusive: dict[str, int] = {}
    busy = 0
    for file in files:
        for line in Path(file).read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            frames = stack.split(";")
            if any(w in frames[-1] for w in ("select (", "wait (", "_worker (", "poll (")):
                continue
            n = int(count)
            busy += n
            for frame in set(frames):
                inclusive[frame] = inclusive.get(frame, 0) + n
    rows = sorted(inclusive.items(), key=lambda kv: -kv[1])[:top]
    return "\n".join(f"{n / max(busy, 1):6.1%}  {frame}" for frame, n in rows) + "\n"


async def costs(
    app: ServedApp,
    world: Any,
    repeat: int = 30,
    actions: tuple[str, ...] = ACTIONS,
    profile: Path | None = None,
) -> dict[str, Any]:
    """Server CPU per action: one rep does each action of the mix ``repeat`` times, alone, and
    the backend's and the database's CPU seconds are read before and after (what bounds the
    number of users 2 cores can serve). With ``profile``, py-spy samples each action."""
    import random

    tally = Tally()
    tab = Tab(app.base_url, world.users[0], tally, random.Random(5))
    await tab.sign_in()
    await tab.open_board()
    # What the servers burn doing nothing (the job queue's worker, the live tasks waiting):
    # subtracted per action for the time the action's rounds took.
    before, t0 = server_cpu_seconds(app), time.perf_counter()
    await asyncio.sleep(10)
    after, idle_wall = server_cpu_seconds(app), time.perf_counter() - t0
    idle = {k: (after[k] - before[k]) / idle_wall for k in after}
    out: dict[str, Any] = {"idle_cores": {k: round(v, 3) for k, v in idle.items()}}
    for action in actions:
        if action == "move":
            await tab.open_board()
        with sampled(app, profile, action):
            before, t0, done = server_cpu_seconds(app), time.perf_counter(), 0
            for _ in range(repeat):
                if action == "move" and tab.path != "/pipeline":
                    await tab.open_board()
                with contextlib.suppress(RuntimeError, TimeoutError):
                    await getattr(tab, action)()
                    done += 1
                await asyncio.sleep(0.3)  # let live updates land (they count too)
            after, wall = server_cpu_seconds(app), time.perf_counter() - t0
        used = {k: after[k] - before[k] - idle[k] * wall for k in after}
        out[action] = {
            "n": done,
            "backend_ms": round(used["backend"] / max(done, 1) * 1000, 1),
            "database_ms": round(used["database"] / max(done, 1) * 1000, 1),
            "wall_s": round(wall, 1),
        }
    await tab.sock.close()
    return out


async def solo(base_url: str, world: Any, rounds: int = 40) -> dict[str, Any]:
    import random

    tally = Tally()
    # The last user's deals were inserted last: on top of every column of the whole board.
    tab = Tab(base_url, world.users[-1], tally, random.Random(3), own_board=False)
    await tab.sign_in()
    await tab.open_board()
    out: dict[str, Any] = {}

    async def drops_and_floor(label: str) -> None:
        floor, drops = [], []
        frames = len(tally.frames)
        for i in range(rounds):
            floor.append(await tab.ping(i + 1 + len(out) * 1000))
            try:
                seconds = await tab.move()
            except (RuntimeError, TimeoutError) as exc:
                tally.error("move", str(exc)[:200])
                continue
            if seconds is not None:
                drops.append(seconds)
        sizes = tally.frames[frames:]
        out[label] = {
            "floor_p50_ms": _ms(floor, 50), "floor_p95_ms": _ms(floor, 95),
            "drop_p50_ms": _ms(drops, 50), "drop_p95_ms": _ms(drops, 95),
            "error_samples": tally.error_samples[-3:],
            "ratio_p50": round(_ms(drops, 50) / _ms(floor, 50), 2),
            "ratio_p95": round(_ms(drops, 95) / _ms(floor, 95), 2),
            "frame_bytes_p50": int(statistics.median(sizes)), "frame_bytes_max": max(sizes),
            "errors": dict(tally.errors), "conflicts": tally.conflicts,
        }  # fmt: skip

    await drops_and_floor("fresh board (50 cards per column)")
    first = tab.open_stages[0]
    loaded, pages = 0, []
    for _ in range(10):
        seconds, n = await tab.load_more(first, 50 + loaded)
        loaded += n
        pages.append(seconds)
    out["load_more"] = {"pages": len(pages), "cards": loaded, "p50_ms": _ms(pages, 50)}
    await drops_and_floor(f"after {loaded} more cards loaded in one column")
    await tab.sock.close()
    return out


# ------------------------------------------------------------------ Chromium
MOVABLE = "[data-deal-id]:not(.kb-card--locked)"


def chromium_users(base_url: str, emails: list[str], seconds: float, queue: Any) -> None:
    """Real browsers on the board: drag one of their own deals to another open stage, time
    the drop until the server's patch placing it is on the tab's websocket."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.helpers import ServerFrames, board_column, column_names, drag, goto, login

    times: list[float] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        pages = []
        for email in emails:
            ctx = browser.new_context(base_url=base_url, viewport={"width": 1600, "height": 1000})
            page = ctx.new_page()
            frames = ServerFrames(page)
            login(page, email)
            # A rep drags their own deals: their own board (``owner=me``), as the simulated
            # reps open it (on the whole board the crowd's cards fill every column's first page).
            goto(page, "/pipeline?owner=me")
            page.locator(MOVABLE).first.wait_for()
            pages.append((page, frames))
        until = time.monotonic() + seconds
        i = 0
        while time.monotonic() < until:
            page, frames = pages[i % len(pages)]
            i += 1
            try:
                names = [n for n in column_names(page) if n not in ("Won", "Lost")]
                # From the open column with most of the user's own cards to its neighbour
                # (the cards never pile up out of reach at one end of the board).
                mine = [page.locator(f'section[aria-label="{n}"] {MOVABLE}').count() for n in names]
                at = mine.index(max(mine))
                src = page.locator(f'section[aria-label="{names[at]}"]')
                card = src.locator(MOVABLE).first
                deal = card.get_attribute("data-deal-id") or ""
                dst = page.locator(
                    f'section[aria-label="{names[at + 1 if at + 1 < len(names) else at - 1]}"]'
                )
                dst_id = dst.get_attribute("data-stage-id") or ""
                # the column may be scrolled out of the board's view: grab the card in view
                card.evaluate("e => e.scrollIntoView({block: 'nearest', inline: 'center'})")
                mark = frames.mark()
                target = dst.locator("[data-deal-id]").first
                drag(page, card, target if target.count() else dst)
                t0 = time.perf_counter()
                frames.wait_for("the drop's patch", board_column(dst_id, deal), since=mark,
                                timeout_ms=15_000)  # fmt: skip
                times.append(time.perf_counter() - t0)
            except Exception as exc:  # noqa: BLE001 - counted
                errors.append(repr(exc)[:200])
                if page.get_by_text("An error occurred while rendering this page").count():
                    errors.append("the board crashed in the browser (reloaded)")
                    page.reload()
            page.wait_for_timeout(1500)
        browser.close()
    queue.put({"drops": len(times), "p50_ms": _ms(times, 50) if times else 0,
               "p95_ms": _ms(times, 95) if times else 0, "errors": errors})  # fmt: skip


# ------------------------------------------------------------------ main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--deals-per-user", type=int, default=50)
    parser.add_argument(
        "--think", default="10,30", help="seconds between a user's actions: lo,hi (a busy rep "
        "in a busy hour; 2,6 is the stress run: more actions than 2 cores serve)",
    )  # fmt: skip
    parser.add_argument("--chromium", type=int, default=2, help="real browser tabs (0 = none)")
    parser.add_argument(
        "--crowds", default="", help="crowd sizes run one after another on the same server, "
        "e.g. 20,200 (default: --users minus the solo user)",
    )  # fmt: skip
    parser.add_argument("--solo-only", action="store_true")
    parser.add_argument("--costs", action="store_true", help="server CPU per action, then stop")
    parser.add_argument("--costs-actions", default=",".join(ACTIONS))
    parser.add_argument("--costs-repeat", type=int, default=30)
    parser.add_argument(
        "--profile", type=Path, help="py-spy stacks here: per action with --costs, else per crowd"
    )
    parser.add_argument("--no-solo", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    think = tuple(float(x) for x in args.think.split(","))
    report: dict[str, Any] = {
        "machine": f"{platform.node()} · {os.cpu_count()} CPUs · {platform.python_version()}",
        "users": args.users, "workers": args.workers, "seconds": args.seconds,
        "deals_per_user": args.deals_per_user, "think_s": think,
    }  # fmt: skip
    with served(args.workers) as app:
        dsn = database_url(app)
        t0 = time.monotonic()
        world = prepare_world(dsn, users=args.users, deals_per_user=args.deals_per_user)
        report["prepare_s"] = round(time.monotonic() - t0, 1)
        with psycopg.connect(dsn) as conn:
            report["open_deals_per_org"] = [
                n for (n,) in conn.execute(
                    "SELECT count(*) FROM opportunities WHERE status = 'open' AND deleted_at IS NULL"
                    " GROUP BY organization_id ORDER BY 1"
                ).fetchall()
            ]  # fmt: skip
        memory = Memory(app)
        report["rss_mb_start"] = round(memory.now() / 2**20)
        if args.costs:
            report["cpu_per_action"] = asyncio.run(
                costs(
                    app,
                    world,
                    args.costs_repeat,
                    tuple(args.costs_actions.split(",")),
                    args.profile,
                )
            )
            print(json.dumps(report["cpu_per_action"], indent=1), flush=True)
            args.solo_only = args.no_solo = True
        if not args.no_solo:
            report["solo"] = asyncio.run(solo(app.base_url, world))
            print(json.dumps(report["solo"], indent=1), flush=True)
        crowds = [int(n) for n in args.crowds.split(",")] if args.crowds else [args.users - 1]
        everyone = world.users[:-1]  # the solo user sits the crowds out
        report["crowds"] = {}
        for n in [] if args.solo_only else crowds:
            with psycopg.connect(dsn) as conn:
                since = conn.execute("SELECT now()").fetchone()[0]  # this crowd's rows from here
            world.users = everyone[:n]
            browsers = None
            queue: Any = multiprocessing.Queue()
            run: dict[str, Any] = {"users": len(world.users)}

            cpu: list[tuple[dict[str, float], float]] = []
            spying = contextlib.ExitStack()

            def warm(run: dict[str, Any] = run, queue: Any = queue, cpu: list[Any] = cpu) -> None:
                nonlocal browsers
                # This process's own full garbage passes (every tab's received messages) would
                # stall every simulated user at once, timed as the server's: freeze what is here
                # (the signed-in users), collect rarely.
                gc.collect()
                gc.freeze()
                gc.set_threshold(50_000, 50, 50)
                spying.enter_context(sampled(app, args.profile, f"crowd{n}"))  # noqa: B023
                run["rss_mb_warm"] = round(memory.now() / 2**20)
                cpu.append((machine_cpu(app), time.perf_counter()))
                if args.chromium:
                    emails = ["rep@demo.smartweb.test", "rep2@demo.smartweb.test",
                              "manager@rival.smartweb.test"][: args.chromium]  # fmt: skip
                    browsers = multiprocessing.Process(
                        target=chromium_users, args=(app.base_url, emails, args.seconds, queue)
                    )
                    browsers.start()

            tally = asyncio.run(
                run_users(app.base_url, world, seconds=args.seconds, think=think, on_warm=warm)
            )
            spying.close()
            run["crowd"] = tally.summary()
            if cpu:
                run["cores_used"] = cores_used(cpu[0], app)
            run["rss_mb_end"] = round(memory.now() / 2**20)
            run["rss_mb_peak"] = round(memory.peak / 2**20)
            if browsers is not None:
                browsers.join(timeout=args.seconds + 120)
                run["chromium"] = queue.get(timeout=30) if not queue.empty() else {"error": "none"}
            run["database"] = check_db(dsn, world, tally, since)
            report["crowds"][str(len(world.users))] = run
            print(json.dumps({len(world.users): run}, indent=1, default=str), flush=True)
        memory.stop()
    text = json.dumps(report, indent=1, default=str)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text)


if __name__ == "__main__":
    main()
