"""Simulated SmartWeb users speaking Reflex's real websocket protocol (no browser).

Each user is one tab: one websocket (``tests/security/protocol.py``'s client), signed in through
the sign-in handler, then a loop of what people do all day — open the board, move one of their
deals, open the inbox, search it, open a lead and log a call, open the dashboard — with a think
time between actions. Page openings are client-side navigations (``update_vars_internal`` +
``on_load_internal``, what the browser sends); an action counts as done when the answer that
shows it arrives: the board's columns, the patch placing the moved card in its new stage, the
inbox rows, the "Call logged." toast, the dashboard tiles.

Used by ``bench/load.py`` (the load test) and by the short smoke in ``tests/e2e``.
``prepare_world`` adds the simulated users (and their deals and leads) to a served app's
database; ``run_users`` runs them; ``check_database`` verifies every acknowledged move afterwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import psycopg

from tests.security.protocol import ProtocolError, Received, ReflexSocket, Router

ROOT = "reflex___state____state"
FIELD = "_rx_state_"
PASSWORD = "smartweb-demo"
ACTION_TIMEOUT_S = 20.0
# name -> weight of the next action (a sales team: mostly the board and the inbox)
MIX = {"board": 2, "move": 8, "inbox": 2, "search": 3, "call": 2, "dashboard": 1}


def _state(module: str, cls: str) -> str:
    """The full Reflex name of one of the app's states (``smartweb_ui.state.<module>.<cls>``)."""
    snake = "".join(f"_{c.lower()}" if c.isupper() else c for c in cls).lstrip("_")
    return f"{ROOT}.smartweb_ui___state___{module}____{snake}"


AUTH = _state("auth", "AuthState")
PIPELINE = _state("pipeline", "PipelineState")
BOARD = _state("pipeline", "BoardState")
INBOX = _state("leads", "LeadInboxState")
LEAD = _state("lead_detail", "LeadDetailState")
DASHBOARD = _state("dashboard", "DashboardState")
TOKEN_VAR = f"{AUTH}.token{FIELD}"
# What the browser sends on a client-side navigation (reflex_base/compiler/templates.py).
UPDATE_VARS = "reflex___state____update_vars_internal_state.update_vars_internal"
ON_LOAD = "reflex___state____on_load_internal_state.on_load_internal"


# ------------------------------------------------------------------ the world
@dataclass
class SimUser:
    email: str
    user_id: str
    org_id: str
    leads: list[str] = field(default_factory=list)


@dataclass
class World:
    users: list[SimUser]
    deals: dict[str, str]  # deal id -> owner id (the simulated users' deals)
    started_at: Any = None  # database time when the run starts


def prepare_world(
    dsn: str, *, users: int, deals_per_user: int, leads_per_user: int = 3, seed: int = 7
) -> World:
    """Add ``users`` sales reps split over the two demo organizations, each owning
    ``deals_per_user`` open deals (spread over their pipeline's open stages, positions kept
    dense) and a few leads. Their password is the demo one (its hash copied)."""
    rng = random.Random(seed)
    out: list[SimUser] = []
    deals: dict[str, str] = {}
    with psycopg.connect(dsn, autocommit=False) as conn:
        orgs = conn.execute(
            "SELECT id::text FROM organizations WHERE name IN ('Demo Trades Co', 'Rival Roofing') "
            "ORDER BY name"
        ).fetchall()
        if len(orgs) != 2:
            raise RuntimeError("the demo organizations are missing (seed the demo first)")
        pw_hash = conn.execute(
            "SELECT password_hash FROM users WHERE email = 'rep@demo.smartweb.test'"
        ).fetchone()[0]
        run = uuid.uuid4().hex[:6]
        for n in range(users):
            (org_id,) = orgs[n % 2]
            user_id = str(uuid.uuid4())
            email = f"load{n}-{run}@bench.smartweb.test"
            conn.execute(
                "INSERT INTO users (id, organization_id, email, first_name, last_name, full_name,"
                " password_hash, status) VALUES (%s, %s, %s, 'Load', %s, %s, %s, 'active')",
                (user_id, org_id, email, f"User{n}", f"Load User{n}", pw_hash),
            )
            granted = conn.execute(
                "INSERT INTO user_roles (user_id, role_id, organization_id) SELECT %s, id, "
                "organization_id FROM roles WHERE organization_id = %s AND name = 'Sales Rep'",
                (user_id, org_id),
            ).rowcount
            if granted != 1:
                raise RuntimeError("the demo organizations have no 'Sales Rep' role")
            out.append(SimUser(email, user_id, org_id))
        for org_id, members in _by_org(out).items():
            pipe, stages = _default_pipeline(conn, org_id)
            base = dict(
                conn.execute(
                    "SELECT current_stage_id::text, count(*) FROM opportunities WHERE "
                    "current_stage_id = ANY(%s::uuid[]) AND status = 'open' AND deleted_at IS NULL "
                    "AND NOT is_archived GROUP BY 1",
                    ([s for s, _ in stages],),
                ).fetchall()
            )
            rows = []
            for user in members:
                for k in range(deals_per_user):
                    stage, prob = stages[rng.randrange(len(stages))]
                    pos = base.get(stage, 0)
                    base[stage] = pos + 1
                    value = rng.randrange(1_000, 90_000)
                    deal_id = str(uuid.uuid4())
                    deals[deal_id] = user.user_id
                    rows.append((deal_id, org_id, pipe, stage, f"Load deal {k} of {user.email}",
                                 value, prob, round(value * prob / 100, 2), user.user_id, pos))  # fmt: skip
                for k in range(leads_per_user):
                    company_id, lead_id = str(uuid.uuid4()), str(uuid.uuid4())
                    conn.execute(
                        "INSERT INTO companies (id, organization_id, name, business_type) "
                        "VALUES (%s, %s, %s, 'plumbing')",
                        (company_id, org_id, f"Load Plumbing {k} {user.email.split('@')[0]}"),
                    )
                    conn.execute(
                        "INSERT INTO leads (id, organization_id, company_id, source, assigned_to,"
                        " assigned_at) VALUES (%s, %s, %s, 'manual', %s, now())",
                        (lead_id, org_id, company_id, user.user_id),
                    )
                    user.leads.append(lead_id)
            with conn.cursor() as cur:
                cur.executemany(
                    "INSERT INTO opportunities (id, organization_id, pipeline_id, current_stage_id,"
                    " name, value, probability, weighted_value, owner_id, position, status,"
                    " stage_entered_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 'open',"
                    " now() - interval '2 days')",
                    rows,
                )
        conn.commit()
        # Fresh statistics: the planner would otherwise plan the board for the empty tables.
        for table in ("opportunities", "leads", "companies", "users", "user_roles"):
            conn.execute(f"ANALYZE {table}")
        conn.commit()
    return World(out, deals)


def _by_org(users: Iterable[SimUser]) -> dict[str, list[SimUser]]:
    out: dict[str, list[SimUser]] = defaultdict(list)
    for u in users:
        out[u.org_id].append(u)
    return out


def _default_pipeline(conn: psycopg.Connection, org_id: str) -> tuple[str, list[tuple[str, Any]]]:
    (pipe,) = conn.execute(
        "SELECT id::text FROM pipelines WHERE organization_id = %s "
        "ORDER BY is_default DESC, position LIMIT 1",
        (org_id,),
    ).fetchone()
    stages = conn.execute(
        "SELECT id::text, probability FROM pipeline_stages WHERE pipeline_id = %s "
        "AND NOT is_won AND NOT is_lost ORDER BY position",
        (pipe,),
    ).fetchall()
    return pipe, [(s, p) for s, p in stages]


# ------------------------------------------------------------------ measurements
@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    conflicts: int = 0  # a move refused because "someone changed this deal": never expected here
    acked: list[tuple[str, str, str]] = field(default_factory=list)  # (deal, from, to)
    frames: list[int] = field(default_factory=list)  # bytes of each move's answer
    pushes: int = 0  # patches received from other users' changes
    started: float = 0.0
    ended: float = 0.0

    def error(self, action: str, detail: str) -> None:
        self.errors[action] += 1
        if len(self.error_samples) < 20:
            self.error_samples.append(f"{action}: {detail[:300]}")

    def summary(self) -> dict[str, Any]:
        span = max(self.ended - self.started, 1e-9)
        actions = {}
        for name, values in sorted(self.times.items()):
            ordered = sorted(values)
            actions[name] = {
                "n": len(ordered),
                "p50_ms": _pct(ordered, 50),
                "p95_ms": _pct(ordered, 95),
                "p99_ms": _pct(ordered, 99),
                "per_s": round(len(ordered) / span, 2),
            }
        return {
            "seconds": round(span, 1),
            "actions": actions,
            "errors": dict(self.errors),
            "error_samples": self.error_samples,
            "spurious_conflicts": self.conflicts,
            "moves_acked": len(self.acked),
            "move_frame_bytes_p50": int(statistics.median(self.frames)) if self.frames else 0,
            "move_frame_bytes_max": max(self.frames, default=0),
            "pushes_received": self.pushes,
            "throughput_per_s": round(sum(len(v) for v in self.times.values()) / span, 1),
        }


def _pct(ordered: list[float], p: float) -> float:
    if not ordered:
        return 0.0
    k = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[k] * 1000, 1)


# ------------------------------------------------------------------ one user
def _deltas(r: Received) -> Mapping[str, Any]:
    return r.data.get("delta") or {} if isinstance(r.data, Mapping) else {}


def _var(r: Received, state: str, name: str) -> Any:
    return _deltas(r).get(state, {}).get(name + FIELD)


class Tab:
    """One simulated browser tab of one user."""

    def __init__(
        self,
        base_url: str,
        user: SimUser,
        tally: Tally,
        rng: random.Random,
        *,
        own_board: bool = True,
    ) -> None:
        # A rep's board shows their own deals (the owner filter "me"); False: everyone's.
        self.own_board = own_board
        self.sock = ReflexSocket(base_url, f"{ROOT}.{ON_LOAD.split('.')[0]}.set_is_hydrated")
        self.user, self.tally, self.rng = user, tally, rng
        self.token = ""
        self.path = "/"
        self.query: dict[str, str] = {}  # the page's link parameters (?owner=me)
        self.mine: dict[str, tuple[str, int]] = {}  # my deal -> (stage, version)
        self.open_stages: list[str] = []

    # ------------------------------------------------------------ protocol
    def _event(self, name: str, payload: Mapping[str, Any], path: str | None = None) -> dict:
        return {
            "name": name,
            "payload": dict(payload),
            "router_data": Router(path or self.path, dict(self.query)).data(),
        }

    async def _answer(
        self, send: list[dict], done: Callable[[Received], bool], timeout: float | None = None
    ) -> tuple[float, Received]:
        """Send the events; wait for the first message ``done`` accepts. (seconds, message)"""
        timeout = ACTION_TIMEOUT_S if timeout is None else timeout
        start = len(self.sock.received)
        t0 = time.perf_counter()
        for event in send:
            await self.sock.emit(event)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        seen = start
        while True:
            for r in self.sock.received[seen:]:
                if done(r):
                    return time.perf_counter() - t0, r
            seen = len(self.sock.received)
            if not self.sock.alive:
                raise ProtocolError("the server closed the websocket")
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError(f"no answer within {timeout:.0f}s")
            assert self.sock._arrived is not None
            self.sock._arrived.clear()
            if len(self.sock.received) == seen:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.sock._arrived.wait(), left)

    def _refusal(self, r: Received) -> str:
        """The text of an error toast in this message, if any."""
        if not isinstance(r.data, Mapping):
            return ""
        for event in r.data.get("events") or []:
            text = json.dumps(event)
            # refs['__toast']?.["error"](...) — not a success toast whose Undo code says "error"
            if re.search(r"__toast[^(]{0,24}error", text):
                return text
        return ""

    async def _navigate(
        self, path: str, done: Callable[[Received], bool], query: Mapping[str, str] | None = None
    ) -> float:
        self.path, self.query = path, dict(query or {})
        events = [
            self._event(f"{ROOT}.{UPDATE_VARS}", {"vars": {TOKEN_VAR: self.token}}),
            self._event(f"{ROOT}.{ON_LOAD}", {}),
        ]  # fmt: skip
        seconds, _ = await self._answer(events, done)
        return seconds

    # ------------------------------------------------------------ session
    async def sign_in(self) -> None:
        boot = self._event(f"{ROOT}.hydrate_and_load", {}, "/login")
        await self.sock.connect(boot)
        self.path = "/login"
        form = {"email": self.user.email, "password": PASSWORD}
        _, got = await self._answer(
            [self._event(f"{AUTH}.sign_in", {"form": form})],
            lambda r: bool(_var(r, AUTH, "token")),
            timeout=3 * ACTION_TIMEOUT_S,
        )
        self.token = _var(got, AUTH, "token")

    # ------------------------------------------------------------ actions
    async def board(self) -> float:
        return await self.open_board()

    async def ping(self, n: int) -> float:
        """The no-op round trip on the board (the floor of a drop)."""
        event = self._event(f"{PIPELINE}.ping", {"n": n})
        seconds, _ = await self._answer([event], lambda r: _var(r, PIPELINE, "pong") == n)
        return seconds

    async def load_more(self, stage_id: str, offset: int) -> tuple[float, int]:
        """A column's next cards: (seconds, cards received)."""
        event = self._event(f"{PIPELINE}.load_more", {"stage_id": stage_id, "offset": offset})

        def appended(r: Received) -> bool:
            answer = _var(r, PIPELINE, "appended")
            return isinstance(answer, Mapping) and answer.get("stage_id") == stage_id

        seconds, got = await self._answer([event], appended)
        return seconds, len(_var(got, PIPELINE, "appended")["cards"])

    async def open_board(self) -> float:
        # A state reset (the user changed) sends an empty board first: wait for the real one.
        # A rep's own board is a link with the owner filter (what the board keeps in its URL).
        mark = len(self.sock.received)
        seconds = await self._navigate(
            "/pipeline",
            lambda r: bool(_var(r, BOARD, "columns")),
            {"owner": "me"} if self.own_board else None,
        )
        columns = next(
            _var(r, BOARD, "columns") for r in reversed(self.sock.received[mark:])
            if _var(r, BOARD, "columns")
        )  # fmt: skip
        self.open_stages = [c["id"] for c in columns if not c["is_won"] and not c["is_lost"]]
        self.mine = {
            card["id"]: (c["id"], card["version"])
            for c in columns
            for card in c["cards"]
            if card.get("owner_id") == self.user.user_id
        }
        return seconds

    async def move(self) -> float | None:
        if self.path != "/pipeline":
            await self.open_board()
        movable = [d for d, (s, _) in self.mine.items() if s in self.open_stages]
        if not movable or len(self.open_stages) < 2:
            return None
        deal = self.rng.choice(movable)
        src, version = self.mine[deal]
        dst = self.rng.choice([s for s in self.open_stages if s != src])
        event = self._event(f"{PIPELINE}.move_deal", {
            "deal_id": deal, "from_stage_id": src, "to_stage_id": dst, "position": 0,
            "version": version, "before_id": "", "after_id": "",
        })  # fmt: skip

        def placing(r: Received) -> list[dict]:
            # ``patches`` keeps the last few patches: only the newest card counts.
            return [
                pc["card"]
                for p in sorted(_var(r, PIPELINE, "patches") or [], key=lambda p: p.get("seq", 0))
                if p.get("kind") == "cards"
                for pc in p.get("cards", [])
                if pc["card"]["id"] == deal
                and pc["stage_id"] == dst
                and pc["card"].get("version", 0) > version
            ]

        seconds, got = await self._answer([event], lambda r: bool(self._refusal(r) or placing(r)))
        refusal = self._refusal(got)
        if refusal:
            if "changed this deal" in refusal:
                self.tally.conflicts += 1
            raise RuntimeError(f"move refused: {refusal}")
        card = placing(got)[-1]
        self.mine[deal] = (dst, card["version"])
        self.tally.acked.append((deal, src, dst))
        self.tally.frames.append(len(got.text))
        return seconds

    async def inbox(self) -> float:
        return await self._navigate("/leads", lambda r: _var(r, INBOX, "rows") is not None)

    async def search(self) -> float:
        if self.path != "/leads":
            await self.inbox()
        text = self.rng.choice(["plumb", "roof", "heat", "elec", "load", "co"])
        event = self._event(f"{INBOX}.set_search", {"value": text})
        seconds, _ = await self._answer([event], lambda r: _var(r, INBOX, "rows") is not None)
        return seconds

    async def call(self) -> float | None:
        if not self.user.leads:
            return None
        lead = self.rng.choice(self.user.leads)
        await self._navigate(f"/leads/{lead}", lambda r: _var(r, LEAD, "lead") is not None)
        form = {"outcome": "connected", "duration": 4, "notes": "Load test call"}
        event = self._event(f"{LEAD}.log_call", {"form": form})
        seconds, got = await self._answer(
            [event], lambda r: "Call logged" in r.text or bool(self._refusal(r))
        )
        if self._refusal(got):
            raise RuntimeError(f"call refused: {self._refusal(got)}")
        return seconds

    async def dashboard(self) -> float:
        return await self._navigate("/dashboard", lambda r: _var(r, DASHBOARD, "tiles") is not None)

    def count_pushes(self, since: int) -> None:
        """Patches this tab got from other people's changes (not its own drops)."""
        for r in self.sock.received[since:]:
            for p in _var(r, PIPELINE, "patches") or []:
                if p.get("kind") == "cards" and not any(
                    pc["card"].get("owner_id") == self.user.user_id for pc in p.get("cards", [])
                ):
                    self.tally.pushes += 1


async def _user_loop(
    base_url: str, user: SimUser, tally: Tally, *, stop: list[float], think: tuple[float, float],
    seed: int, ready: asyncio.Event, signed_in: list[int],
) -> None:  # fmt: skip
    rng = random.Random(seed)
    tab = Tab(base_url, user, tally, rng)
    try:
        await tab.sign_in()
        await tab.open_board()
    except Exception as exc:  # noqa: BLE001 - counted, the run goes on
        tally.error("sign_in", repr(exc))
        return
    signed_in.append(1)
    await ready.wait()
    names, weights = zip(*MIX.items(), strict=True)
    try:
        while time.monotonic() < stop[0]:
            await asyncio.sleep(rng.uniform(*think))
            if time.monotonic() >= stop[0]:
                break
            action = rng.choices(names, weights)[0]
            mark = len(tab.sock.received)
            try:
                seconds = await getattr(tab, action)()
            except Exception as exc:  # noqa: BLE001 - counted, the user goes on
                tally.error(action, repr(exc))
                if not tab.sock.alive:
                    return
                continue
            if seconds is not None:
                tally.times[action].append(seconds)
            tab.count_pushes(mark)
            if len(tab.sock.received) > 400:  # keep the client's memory flat
                del tab.sock.received[:-50]
    finally:
        await tab.sock.close()


async def run_users(
    base_url: str, world: World, *, seconds: float, think: tuple[float, float] = (2.0, 6.0),
    on_warm: Callable[[], None] | None = None, seed: int = 11,
) -> Tally:  # fmt: skip
    """Sign every user in (not timed), then run the mix for ``seconds``; returns the tally.
    ``on_warm`` runs once every user is signed in with the board open (before the timed part)."""
    tally = Tally()
    ready = asyncio.Event()
    signed_in: list[int] = []
    stop = [time.monotonic() + 10 * 3600]  # set for real once everyone is in
    tasks = []
    for i, user in enumerate(world.users):
        tasks.append(asyncio.create_task(_user_loop(
            base_url, user, tally, stop=stop, think=think, seed=seed + i, ready=ready,
            signed_in=signed_in,
        )))  # fmt: skip
        await asyncio.sleep(0.05)  # a ramp: sign-ins are deliberately slow (password hashing)
    while len(signed_in) + tally.errors.get("sign_in", 0) < len(world.users):
        await asyncio.sleep(0.2)
    if on_warm is not None:
        on_warm()
    stop[0] = time.monotonic() + seconds
    tally.started = time.perf_counter()
    ready.set()
    await asyncio.gather(*tasks)
    tally.ended = time.perf_counter()
    return tally


# ------------------------------------------------------------------ afterwards
def check_database(dsn: str, world: World, tally: Tally, since: Any) -> dict[str, Any]:
    """Every acknowledged move has exactly one history row and one audit row; no row of the run
    crossed organizations; the open positions of every stage are dense."""
    acked = defaultdict(int)
    for deal, _src, _dst in tally.acked:
        acked[deal] += 1
    ids = list(world.deals)
    with psycopg.connect(dsn) as conn:
        history = dict(conn.execute(
            "SELECT opportunity_id::text, count(*) FROM opportunity_stage_history "
            "WHERE opportunity_id = ANY(%s::uuid[]) AND moved_at >= %s GROUP BY 1", (ids, since),
        ).fetchall())  # fmt: skip
        audits = dict(conn.execute(
            "SELECT entity_id::text, count(*) FROM audit_logs WHERE entity_type = 'opportunity' "
            "AND action = 'opportunity.move' AND entity_id = ANY(%s::uuid[]) AND created_at >= %s "
            "GROUP BY 1", (ids, since),
        ).fetchall())  # fmt: skip
        crossed = conn.execute(
            """
            SELECT
              (SELECT count(*) FROM opportunity_stage_history h JOIN opportunities o
                 ON o.id = h.opportunity_id WHERE h.moved_at >= %(s)s
                 AND (h.organization_id <> o.organization_id
                      OR (SELECT organization_id FROM pipeline_stages WHERE id = h.to_stage_id)
                         <> o.organization_id)),
              (SELECT count(*) FROM audit_logs a JOIN opportunities o ON o.id = a.entity_id
                 WHERE a.entity_type = 'opportunity' AND a.created_at >= %(s)s
                 AND a.organization_id <> o.organization_id),
              (SELECT count(*) FROM interactions i JOIN leads l ON l.id = i.lead_id
                 WHERE i.created_at >= %(s)s AND i.organization_id <> l.organization_id),
              (SELECT count(*) FROM audit_logs a JOIN users u ON u.id = a.actor_id
                 WHERE a.created_at >= %(s)s AND a.organization_id <> u.organization_id)
            """,
            {"s": since},
        ).fetchone()
        gaps = conn.execute(
            """
            SELECT count(*) FROM (
              SELECT current_stage_id, count(*) AS n, min(position) AS lo, max(position) AS hi,
                     count(DISTINCT position) AS d
              FROM opportunities WHERE status = 'open' AND deleted_at IS NULL AND NOT is_archived
              GROUP BY current_stage_id) s
            WHERE lo <> 0 OR hi <> n - 1 OR d <> n
            """
        ).fetchone()[0]
    missing = sum(1 for d, n in acked.items() if history.get(d, 0) < n or audits.get(d, 0) < n)
    extra = sum(1 for d, n in history.items() if n > acked.get(d, 0))
    return {
        "moves_acked": sum(acked.values()),
        "history_rows": sum(history.values()),
        "audit_rows": sum(audits.values()),
        "acked_moves_missing_a_row": missing,
        "deals_with_unacknowledged_moves": extra,  # applied, the answer not seen in time
        "rows_crossing_organizations": sum(crossed),
        "stages_with_gaps": gaps,
    }
