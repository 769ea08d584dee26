"""Pipeline benchmark: board build and move_deal vs raw SQL doing the same work, at 2k and 10k deals.

    SMARTWEB_PGDATA=/tmp/pipebench .venv/bin/python bench/pipeline.py

Uses its own embedded PostgreSQL (SMARTWEB_PGDATA, default /tmp/pipebench) and its own database
``pipebench`` (dropped and re-created each run), never DATABASE_URL. Prints medians and ratios
measured in this one run; not a test.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("SMARTWEB_PGDATA", "/tmp/pipebench")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from smartweb_ui import db

BENCH_DB = "pipebench"
OPEN_STAGES = [("Lead In", 10, 0.35), ("Qualified", 25, 0.25), ("Demo", 40, 0.18),
               ("Proposal", 60, 0.14), ("Negotiation", 80, 0.08)]  # fmt: skip
REPEAT = 30


def setup_database() -> None:
    admin_url = db.start_embedded_server().replace("postgresql://", "postgresql+psycopg://", 1)
    eng = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {BENCH_DB}"))
    eng.dispose()
    url = sa.make_url(admin_url).set(database=BENCH_DB).render_as_string(hide_password=False)
    os.environ["DATABASE_URL"] = url
    from smartweb_ui.config import Settings

    db.settings = Settings()
    db.database_url.cache_clear()
    db.get_engine.cache_clear()
    from alembic import command
    from alembic.config import Config

    command.upgrade(Config(str(Path(__file__).resolve().parent.parent / "alembic.ini")), "head")


def seed_org() -> tuple[object, uuid.UUID, list[uuid.UUID], dict[str, uuid.UUID], list[uuid.UUID]]:
    """Organization, a manager and 12 reps, one pipeline; returns (actor, pipeline, users, stages, companies)."""
    import smartweb_ui.models as m
    from smartweb_ui.services.access.accounts import (
        actor_for,
        create_organization,
        create_user,
        hash_password,
    )

    pw = hash_password("bench-password")
    with db.system_session() as s:
        org = create_organization(s, "Bench Org")
        manager = create_user(s, org, email="m@bench.test", password="", password_hash=pw,
                              first_name="Mia", last_name="Manager", roles=["Sales Manager"])  # fmt: skip
        users = [manager.id]
        for i in range(12):
            u = create_user(s, org, email=f"rep{i}@bench.test", password="", password_hash=pw,
                            first_name=f"Rep{i}", last_name="Seller", roles=["Sales Rep"])  # fmt: skip
            users.append(u.id)
        pipe = m.Pipeline(organization_id=org.id, name="Sales", is_default=True)
        s.add(pipe)
        s.flush()
        stages: dict[str, uuid.UUID] = {}
        spec = [(n, p, False, False) for n, p, _ in OPEN_STAGES] + [
            ("Won", 100, True, False),
            ("Lost", 0, False, True),
        ]
        for pos, (name, prob, won, lost) in enumerate(spec):
            st = m.PipelineStage(organization_id=org.id, pipeline_id=pipe.id, name=name, position=pos,
                                 probability=Decimal(prob), is_won=won, is_lost=lost,
                                 rotting_days=14 if not (won or lost) else None, wip_limit=400 if pos == 0 else None)  # fmt: skip
            s.add(st)
            s.flush()
            stages[name] = st.id
        companies = [uuid.uuid4() for _ in range(3000)]
        s.execute(sa.insert(m.Company.__table__), [
            {"id": c, "organization_id": org.id, "name": f"Company {i:05d} Plumbing", "country": "US",
             "business_type": "plumbing", "is_active": True}
            for i, c in enumerate(companies)])  # fmt: skip
        s.execute(sa.insert(m.Lead.__table__), [
            {"id": uuid.uuid4(), "organization_id": org.id, "company_id": c, "status": "converted",
             "source": "import", "lead_score": 0, "contact_attempts": 0,
             "source_details": {}, "score_breakdown": []}
            for c in companies])  # fmt: skip
        actor = actor_for(s, manager)
        return actor, pipe.id, users, stages, companies


def add_deals(org_id, pipeline_id, users, stages, companies, n_open: int, start: int) -> None:  # type: ignore[no-untyped-def]
    """Bulk insert open deals (appended at the end of their column) plus ~20% closed ones."""
    import smartweb_ui.models as m

    rnd = random.Random(start)
    now = datetime.now(UTC)
    with db.system_session() as s:
        leads = dict(s.execute(sa.text("SELECT company_id, id FROM leads")).all())
        nextpos = dict(s.execute(sa.text(
            "SELECT current_stage_id, count(*) FROM opportunities WHERE status = 'open' GROUP BY 1")).all())  # fmt: skip
        rows, tasks = [], []
        weights = [w for *_, w in OPEN_STAGES]
        for i in range(n_open + n_open // 5):
            closed = i >= n_open
            if closed:
                won = rnd.random() < 0.5
                stage, prob = stages["Won" if won else "Lost"], Decimal(100 if won else 0)
                status = "won" if won else "lost"
            else:
                name, p, _ = rnd.choices(OPEN_STAGES, weights)[0]
                stage, prob, status = stages[name], Decimal(p), "open"
            value = Decimal(rnd.randrange(500, 250_000)) + Decimal(rnd.randrange(100)) / 100
            pos = nextpos.get(stage, 0)
            nextpos[stage] = pos + 1
            deal_id = uuid.uuid4()
            rows.append({
                "id": deal_id, "organization_id": org_id, "pipeline_id": pipeline_id,
                "lead_id": leads[rnd.choice(companies)], "current_stage_id": stage,
                "name": f"Deal {start + i:06d}", "value": value, "probability": prob,
                "weighted_value": (value * prob / 100).quantize(Decimal("0.01")),
                "owner_id": rnd.choice(users), "status": status, "position": 0 if closed else pos,
                "version": 1, "stage_entered_at": now - timedelta(days=rnd.randrange(60)),
                "time_in_stage": 0, "team_members": [], "is_archived": False,
                "expected_close_date": date.today() + timedelta(days=rnd.randrange(-30, 120)),
                "actual_close_date": date.today() - timedelta(days=rnd.randrange(200)) if closed else None,
            })  # fmt: skip
            if rnd.random() < 0.4:
                tasks.append({
                    "id": uuid.uuid4(), "organization_id": org_id, "title": "Follow up",
                    "description": "", "opportunity_id": deal_id, "status": "open", "priority": "normal",
                    "due_at": now + timedelta(days=rnd.randrange(-5, 20)),
                })  # fmt: skip
        s.execute(sa.insert(m.Opportunity.__table__), rows)
        s.execute(sa.insert(m.Task.__table__), tasks)
    with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(sa.text("ANALYZE"))


RAW_TOTALS = """
SELECT current_stage_id, count(*), sum(value), sum(weighted_value)
FROM opportunities o
WHERE o.organization_id = :org AND o.pipeline_id = :pid AND o.deleted_at IS NULL AND NOT o.is_archived
  AND (o.status = 'open' OR o.actual_close_date >= :since)
GROUP BY current_stage_id
"""
RAW_CARDS = """
SELECT * FROM (
  SELECT o.id, o.current_stage_id, o.name, o.value, o.version, o.owner_id, o.expected_close_date,
         o.stage_entered_at, c.name AS company, u.full_name,
         (SELECT min(t.due_at) FROM tasks t WHERE t.opportunity_id = o.id AND t.status = 'open'
            AND t.deleted_at IS NULL) AS next_due,
         row_number() OVER (PARTITION BY o.current_stage_id ORDER BY o.position, o.id) AS rn
  FROM opportunities o
  LEFT JOIN leads l ON l.id = o.lead_id LEFT JOIN companies c ON c.id = l.company_id
  LEFT JOIN users u ON u.id = o.owner_id
  WHERE o.organization_id = :org AND o.pipeline_id = :pid AND o.deleted_at IS NULL
    AND NOT o.is_archived AND (o.status = 'open' OR o.actual_close_date >= :since)
) x WHERE rn <= 50
"""


def timed_pair(
    a: Callable[[], object], b: Callable[[], object], repeat: int = REPEAT
) -> tuple[float, float]:
    """Median wall time (ms) of ``a`` and of ``b``, calls interleaved so drift hits both alike."""
    for _ in range(2):
        a()
        b()
    sa_, sb = [], []
    for _ in range(repeat):
        for fn, out in ((a, sa_), (b, sb)):
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1000)
    return statistics.median(sa_), statistics.median(sb)


def timed(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    return timed_pair(fn, lambda: None, repeat)[0]


def bench_board(actor, pipeline_id) -> tuple[float, float, float]:  # type: ignore[no-untyped-def]
    from smartweb_ui.services.pipeline import BoardFilters, board_patch
    from smartweb_ui.services.pipeline.kanban import board

    def service() -> None:
        with db.tenant_session(actor) as s:
            b = board(s, actor, pipeline_id)
            assert sum(len(c.cards) for c in b.columns) > 0

    since = date.today() - timedelta(days=90)

    def raw() -> None:
        with db.get_engine().connect() as conn, conn.begin():
            db.apply_tenant(conn, actor.organization_id, actor.user_id)  # type: ignore[arg-type]
            p = {"org": actor.organization_id, "pid": pipeline_id, "since": since}
            conn.execute(sa.text(RAW_TOTALS), p).all()
            conn.execute(sa.text(RAW_CARDS), p).all()

    with db.tenant_session(actor) as s:
        one = next(c.cards[0].id for c in board(s, actor, pipeline_id).columns if c.cards)

    def patch() -> None:  # what every open board gets after a colleague's move
        with db.tenant_session(actor) as s:
            board_patch(s, actor, pipeline_id, BoardFilters(), [one])

    board_ms, raw_ms = timed_pair(service, raw)
    return board_ms, raw_ms, timed(patch)


LIVE = "status = 'open' AND deleted_at IS NULL AND NOT is_archived"


def raw_move(actor, deal, src, dst, index: int, probability: int) -> None:  # type: ignore[no-untyped-def]
    """The same writes as move_deal, hand-written: locks, two shifts, update, history, audit."""
    with db.get_engine().connect() as conn, conn.begin():
        db.apply_tenant(conn, actor.organization_id, actor.user_id)
        x = conn.execute
        x(
            sa.text("SELECT id FROM pipeline_stages WHERE id IN (:a, :b) ORDER BY id FOR UPDATE"),
            {"a": src, "b": dst},
        )
        row = x(
            sa.text("SELECT position, value FROM opportunities WHERE id = :d FOR UPDATE"),
            {"d": deal},
        ).one()
        m = x(
            sa.text(
                f"SELECT count(*) FROM opportunities WHERE current_stage_id = :s AND {LIVE} AND id <> :d"
            ),
            {"s": dst, "d": deal},
        ).scalar_one()
        new_pos = m - min(index, m)
        x(
            sa.text(
                f"UPDATE opportunities SET position = position - 1 WHERE current_stage_id = :s AND {LIVE} AND id <> :d AND position > :p"
            ),
            {"s": src, "d": deal, "p": row.position},
        )
        x(
            sa.text(
                f"UPDATE opportunities SET position = position + 1 WHERE current_stage_id = :s AND {LIVE} AND id <> :d AND position >= :p"
            ),
            {"s": dst, "d": deal, "p": new_pos},
        )
        x(
            sa.text(
                "UPDATE opportunities SET current_stage_id = :s, position = :p, probability = :pr, "
                "weighted_value = round(value * :pr / 100, 2), stage_entered_at = now(), time_in_stage = 0, "
                "version = version + 1, updated_at = now() WHERE id = :d"
            ),
            {"s": dst, "p": new_pos, "pr": probability, "d": deal},
        )
        x(
            sa.text(
                "INSERT INTO opportunity_stage_history (id, organization_id, opportunity_id, from_stage_id, "
                "to_stage_id, moved_by, moved_at, seconds_in_from_stage, value_at_move) VALUES "
                "(gen_random_uuid(), :org, :d, :f, :t, :u, now(), 5, :v)"
            ),
            {
                "org": actor.organization_id,
                "d": deal,
                "f": src,
                "t": dst,
                "u": actor.user_id,
                "v": row.value,
            },
        )
        x(sa.text(
            "INSERT INTO audit_logs (id, organization_id, actor_id, action, entity_type, entity_id, changes, created_at) "
            "VALUES (gen_random_uuid(), :org, :u, 'opportunity.move', 'opportunity', :d, '{}'::jsonb, now())"),
            {"org": actor.organization_id, "u": actor.user_id, "d": deal})  # fmt: skip


def bench_move(actor, stages) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """A card visible near the top of Lead In dropped at index 20 of Qualified, then dragged back
    to the top of Lead In (each call = two moves; reported per move)."""
    from smartweb_ui.services.pipeline.moves import move_deal

    a, b = stages["Lead In"], stages["Qualified"]
    with db.system_session() as s:
        deals = s.execute(sa.text(
            f"SELECT id, version FROM opportunities WHERE current_stage_id = :a AND {LIVE} "
            "ORDER BY position DESC LIMIT 50"), {"a": a}).all()  # fmt: skip
    versions = {d: v for d, v in deals}
    turn = iter(range(10**6))

    def service() -> None:
        deal = deals[next(turn) % len(deals)][0]
        with db.tenant_session(actor) as s:
            move_deal(s, actor, deal, b, 20, versions[deal])
        with db.tenant_session(actor) as s:
            move_deal(s, actor, deal, a, 0, versions[deal] + 1)
        versions[deal] += 2

    turn2 = iter(range(10**6))

    def raw() -> None:
        deal = deals[(next(turn2) + 25) % len(deals)][0]
        raw_move(actor, deal, a, b, 20, 25)
        raw_move(actor, deal, b, a, 0, 10)
        versions[deal] += 2

    service_ms, raw_ms = timed_pair(service, raw, 40)
    return service_ms / 2, raw_ms / 2


def main() -> None:
    print(f"PostgreSQL data dir: {os.environ['SMARTWEB_PGDATA']}, database {BENCH_DB}")
    setup_database()
    actor, pipeline_id, users, stages, companies = seed_org()
    org_id = actor.organization_id  # type: ignore[attr-defined]
    rows = []
    have = 0
    for target in (2000, 10000):
        add_deals(org_id, pipeline_id, users, stages, companies, target - have, start=have)
        have = target
        t0 = time.perf_counter()
        board_ms, raw_ms, marker_ms = bench_board(actor, pipeline_id)
        move_ms, raw_move_ms = bench_move(actor, stages)
        rows.append((target, board_ms, raw_ms, move_ms, raw_move_ms, marker_ms))
        print(f"  {target} open deals measured in {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    print()
    print(
        "| open deals | board() ms | raw SQL ms | ratio | move_deal ms | raw txn ms | ratio | board_patch ms |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, b, r, mv, rmv, mk in rows:
        print(
            f"| {n:,} | {b:.1f} | {r:.1f} | {b / r:.2f} | {mv:.1f} | {rmv:.1f} | {mv / rmv:.2f} | {mk:.1f} |"
        )
    print(
        f"\nmedians of {REPEAT} (board) / 40 (move) runs; +20% closed deals (won/lost) in each set"
    )


if __name__ == "__main__":
    main()
