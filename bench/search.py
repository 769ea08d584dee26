"""Global search (the command palette) at 200k leads: ``services.core.search.search`` as the
manager and as a rep (row scope), over leads, contacts and deals, p50 / p95 per term.

    .venv/bin/python bench/search.py           # 200k leads, 40k deals (SMARTWEB_BENCH_LEADS=...)
    SMARTWEB_BENCH_REUSE=1 .venv/bin/python bench/search.py   # the last run's data again

Uses the data generator of ``bench/leads.py`` (its own embedded PostgreSQL and database, never
DATABASE_URL), adds a pipeline and one deal for every fifth lead, then times each term REPEAT
times in a tenant session (RLS on, as the app runs it) and prints the ratio to the 50 ms goal.
"""

from __future__ import annotations

import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import leads as gen  # bench/leads.py: setup_database, seed, pct, timed
import sqlalchemy as sa

from smartweb_ui import db

GOAL_MS = 50.0
DEAL_EVERY = 5
TERMS = [
    ("2 letters 'ha'", "ha"),
    ("name prefix 'hanc'", "hanc"),
    ("name 'hancock' (~5k hits)", "hancock"),
    ("broad 'plumbing' (22k hits)", "plumbing"),
    ("company + trade 'summit miller'", "summit miller"),
    ("exact company 'Pest Control 123457'", "Pest Control 123457"),
    ("phone '555-0142'", "555-0142"),
    ("e-mail 'office@summitmiller'", "office@summitmiller"),
    ("no match 'zzqxj'", "zzqxj"),
]


def seed_deals() -> int:
    """A pipeline with three stages and a deal named "<company> – Website" for every fifth lead."""
    now = datetime.now(UTC)
    rng = random.Random(11)
    eng = db.get_engine()
    with eng.begin() as conn:
        org_id = conn.execute(sa.text("SELECT id FROM organizations LIMIT 1")).scalar_one()
        pid = uuid.uuid4()
        conn.execute(
            sa.text(
                "INSERT INTO pipelines (id, organization_id, name, description, is_default, position,"
                " is_archived, created_at, updated_at) VALUES (:id, :org, 'Sales', '', true, 0,"
                " false, now(), now())"
            ),
            {"id": pid, "org": org_id},
        )
        stages = [uuid.uuid4() for _ in range(3)]
        for n, (sid, name) in enumerate(
            zip(stages, ("Discovery", "Proposal", "Negotiation"), strict=True)
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO pipeline_stages (id, organization_id, pipeline_id, name, position,"
                    " probability, is_won, is_lost, color, created_at, updated_at) VALUES (:id, :org,"
                    " :pid, :name, :pos, 20, false, false, 'gray', now(), now())"
                ),
                {"id": sid, "org": org_id, "pid": pid, "name": name, "pos": n},
            )
        rows = conn.execute(
            sa.text(
                "SELECT l.id, c.name, l.assigned_to FROM leads l JOIN companies c ON c.id = l.company_id"
            )
        ).all()
        deals = [
            (uuid.uuid4(), org_id, lid, pid, stages[rng.randrange(3)], f"{name} – Website",
             rng.randrange(1000, 90000), 20, 0, owner, "open", i, 1, now, now, now)
            for i, (lid, name, owner) in enumerate(rows) if i % DEAL_EVERY == 0
        ]  # fmt: skip
        gen._copy(conn, "opportunities", ["id", "organization_id", "lead_id", "pipeline_id",
                  "current_stage_id", "name", "value", "probability", "weighted_value", "owner_id",
                  "status", "position", "version", "stage_entered_at", "created_at", "updated_at"],
                  deals)  # fmt: skip
    with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE opportunities"))
    return len(deals)


def reuse_database() -> tuple[object, object]:
    """SMARTWEB_BENCH_REUSE=1: the last run's data, its search functions re-created (0010)."""
    admin_url = db.start_embedded_server().replace("postgresql://", "postgresql+psycopg://", 1)
    os.environ["DATABASE_URL"] = (
        sa.make_url(admin_url).set(database=gen.BENCH_DB).render_as_string(hide_password=False)
    )
    from alembic import command
    from alembic.config import Config

    from smartweb_ui.config import Settings
    from smartweb_ui.models import User
    from smartweb_ui.services.access.accounts import actor_for

    db.settings = Settings()
    db.database_url.cache_clear()
    db.get_engine.cache_clear()
    cfg = Config(str(Path(__file__).resolve().parent.parent / "alembic.ini"))
    command.downgrade(cfg, "0004")
    command.upgrade(cfg, "head")
    with db.system_session() as s:
        users = {u.email: u for u in s.exec(sa.select(User)).scalars()}  # type: ignore[call-overload]
        return actor_for(s, users["m@bench.test"]), actor_for(s, users["rep0@bench.test"])


def main() -> None:
    t0 = time.perf_counter()
    if os.environ.get("SMARTWEB_BENCH_REUSE") == "1":
        mgr, rep = reuse_database()
        print("reusing the last run's data", flush=True)
    else:
        gen.setup_database()
        mgr, rep, _ = gen.seed()
        n_deals = seed_deals()
        took = time.perf_counter() - t0
        print(f"seeded {gen.N_LEADS:,} leads and {n_deals:,} deals in {took:.1f}s", flush=True)
    from smartweb_ui.services import leads as _leads  # noqa: F401  (registers its sources)
    from smartweb_ui.services import pipeline as _pipeline  # noqa: F401
    from smartweb_ui.services.core.search import search
    from smartweb_ui.services.leads.search_sources import palette_patterns

    def floor(session: object, term: str) -> None:
        """The index look-ups alone (both palette functions, raw SQL): what no service beats."""
        prefix, pattern = palette_patterns(term)
        params = {"p": prefix, "q": pattern}
        session.execute(  # type: ignore[attr-defined]
            sa.text(
                "SELECT (SELECT count(*) FROM palette_companies(:p, :q, 60)),"
                " (SELECT count(*) FROM palette_deals(:p, :q, 30))"
            ),
            params,
        )

    print(
        f"\n{'term':40} {'who':8} {'p50 ms':>7} {'p95 ms':>7} {'p95/goal':>8} "
        f"{'floor p50':>9} {'ratio':>6}  hits"
    )
    worst = 0.0
    for label, term in TERMS:
        for who, actor in (("manager", mgr), ("rep", rep)):
            with db.tenant_session(actor) as s:  # type: ignore[arg-type]
                hits = search(s, actor, term)  # type: ignore[arg-type]
                times = gen.timed(lambda s=s, a=actor, t=term: search(s, a, t))  # type: ignore[misc]
                raw = gen.timed(lambda s=s, t=term: floor(s, t))  # type: ignore[misc]
            p50, p95 = gen.pct(times, 0.5), gen.pct(times, 0.95)
            f50 = gen.pct(raw, 0.5)
            worst = max(worst, p95)
            kinds = ",".join(sorted({h.kind for h in hits}))
            print(
                f"{label:40} {who:8} {p50:7.1f} {p95:7.1f} {p95 / GOAL_MS:8.2f} "
                f"{f50:9.1f} {p50 / max(f50, 0.01):6.2f}  {len(hits)} {kinds}",
                flush=True,
            )
    print(f"\nworst p95 {worst:.1f} ms = {worst / GOAL_MS:.2f} × the {GOAL_MS:.0f} ms goal")
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} on {os.cpu_count()} CPUs during the run")


if __name__ == "__main__":
    main()
