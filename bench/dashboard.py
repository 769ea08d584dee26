"""Dashboard benchmark: every dashboard query for one filter at 100k deals / 1M interactions.

    SMARTWEB_PGDATA=/tmp/dashbench .venv/bin/python bench/dashboard.py [--deals 100000]
        [--interactions 1000000] [--repeat 7] [--keep]

Uses its own embedded PostgreSQL (SMARTWEB_PGDATA, default /tmp/dashbench) and its own database
``dashbench`` (re-created unless ``--keep`` finds it already filled), never DATABASE_URL.
Data is generated set-based in SQL (generate_series), deterministic per run size.

For each filter it prints, per chart, the median (and min) wall time of the service call
(tenant session, RLS, result building) and of the same SQL statements replayed raw on an owner
connection, plus the PostgreSQL backend CPU time of those statements (serial plans, read from
/proc: unlike wall time it does not grow when other processes share the machine). Then the
dashboard total against the slowest single raw query (the ratio) and the cost of a cache hit.
Not a test: wall figures vary with the machine and its load (printed); the goal is total
<= 300 ms for one uncached filter.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("SMARTWEB_PGDATA", "/tmp/dashbench")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from smartweb_ui import db

BENCH_DB = "dashbench"
ROOT = Path(__file__).resolve().parent.parent


def connect_database(keep: bool) -> bool:
    """Point the app at the bench database; True when it already holds generated data."""
    admin_url = db.start_embedded_server().replace("postgresql://", "postgresql+psycopg://", 1)
    eng = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        exists = conn.execute(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": BENCH_DB}
        ).first()
        if not (keep and exists):
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

    command.upgrade(Config(str(ROOT / "alembic.ini")), "head")
    with db.get_engine().connect() as conn:
        return bool(keep and conn.execute(sa.text("SELECT count(*) FROM opportunities")).scalar())


# ------------------------------------------------------------------ data generation
SALES = [("Lead In", 10), ("Qualified", 25), ("Demo", 40), ("Proposal", 60), ("Negotiation", 80)]
RENEWALS = [("Due", 50), ("Quoted", 75)]
REASONS = ["Price", "Timing", "Chose a competitor", "No budget", "No response", "Went in-house"]


def create_org(name: str, reps: int) -> Any:
    """Organization, users (1 exec, 1 manager, ``reps`` reps), two pipelines with stages."""
    from decimal import Decimal

    import smartweb_ui.models as m
    from smartweb_ui.services.access.accounts import actor_for, create_organization, create_user

    with db.system_session() as s:
        org = create_organization(s, name, timezone="America/Chicago")
        people = [("exec", "Executive"), ("manager", "Sales Manager")]
        people += [(f"rep{i}", "Sales Rep") for i in range(reps)]
        users = {}
        for key, role in people:
            users[key] = create_user(
                s,
                org,
                email=f"{key}@{org.slug}.bench",
                password="",
                password_hash="x",
                first_name=key.capitalize(),
                last_name="Bench",
                roles=[role],
            )
        for pos, (pname, stages) in enumerate([("Sales", SALES), ("Renewals", RENEWALS)]):
            pipe = m.Pipeline(organization_id=org.id, name=pname, is_default=pos == 0, position=pos)
            s.add(pipe)
            s.flush()
            spec = [(n, p, False, False) for n, p in stages]
            spec += [("Won", 100, True, False), ("Lost", 0, False, True)]
            for i, (sname, prob, won, lost) in enumerate(spec):
                s.add(
                    m.PipelineStage(
                        organization_id=org.id, pipeline_id=pipe.id, name=sname, position=i,
                        probability=Decimal(prob), is_won=won, is_lost=lost,
                    )
                )  # fmt: skip
        s.flush()
        return actor_for(s, users["exec"])


GEN_SQL = [
    "SELECT setseed(0.42)",
    # (A LATERAL subquery must mention an outer column, else random() is drawn only once.)
    # Companies + leads (0.8 per deal), created over two years.
    """INSERT INTO companies (id, organization_id, name, business_type)
       SELECT gen_random_uuid(), :org, 'Company ' || g, 'plumbing'
       FROM generate_series(1, :n_leads) g""",
    """INSERT INTO leads (id, organization_id, company_id, source, status, created_at,
                          updated_at, converted_at)
       SELECT gen_random_uuid(), :org, c.id,
              (ARRAY['scrape','import','referral','website','cold_call','ai_campaign','event',
                     'manual']::lead_source[])[1 + floor(random() * 8)::int],
              x.st::lead_status, x.at, x.at,
              CASE WHEN x.st = 'converted' THEN x.at + interval '9 days' END
       FROM companies c,
            LATERAL (SELECT now() - random() * interval '730 days' AS at,
                            (ARRAY['new','contacted','qualified','converted','lost'])
                                [1 + floor(random() * 5)::int] AS st
                     WHERE c.id IS NOT NULL) x
       WHERE c.organization_id = :org""",
    """CREATE TEMP TABLE ids ON COMMIT DROP AS SELECT
         (SELECT array_agg(id ORDER BY email) FROM users
          WHERE organization_id = :org AND email LIKE 'rep%%') AS users,
         (SELECT count(*) FROM leads WHERE organization_id = :org) AS n_leads""",
    # Numbered leads: joined by number (indexing a 100k-element array per row is quadratic).
    """CREATE TEMP TABLE lead_n ON COMMIT DROP AS
       SELECT row_number() OVER (ORDER BY id) AS n, id FROM leads WHERE organization_id = :org""",
    "CREATE UNIQUE INDEX ON lead_n (n)",
    "ANALYZE lead_n",
    """CREATE TEMP TABLE st ON COMMIT DROP AS
       SELECT s.id, s.position, s.probability, s.is_won, s.is_lost, p.is_default AS sales,
              p.id AS pipeline_id
       FROM pipeline_stages s JOIN pipelines p ON p.id = s.pipeline_id
       WHERE s.organization_id = :org""",
    # One row per deal with its random draws; outcome decided from the close moment.
    """CREATE TEMP TABLE gen ON COMMIT DROP AS
       SELECT g, gen_random_uuid() AS id, random() < 0.8 AS sales,
              now() - random() * interval '730 days' AS created_at,
              random() AS r_out, random() AS r_stage, random() AS r_val, random() AS r_cycle,
              random() AS r_owner, random() AS r_lead, random() AS r_misc
       FROM generate_series(1, :n_deals) g""",
    """ALTER TABLE gen ADD COLUMN closed_at timestamptz, ADD COLUMN status text,
                       ADD COLUMN max_pos int, ADD COLUMN n_open int""",
    """UPDATE gen SET n_open = CASE WHEN sales THEN 5 ELSE 2 END,
                      closed_at = created_at + (5 + r_cycle * 120) * interval '1 day'""",
    """UPDATE gen SET status = CASE WHEN closed_at > now() OR r_out >= 0.6 THEN 'open'
                                    WHEN r_out < 0.3 THEN 'won' ELSE 'lost' END,
                      max_pos = LEAST(n_open - 1, floor(r_stage * n_open)::int)""",
    """UPDATE gen SET closed_at = NULL WHERE status = 'open'""",
    """INSERT INTO opportunities (id, organization_id, lead_id, pipeline_id, current_stage_id,
           name, value, probability, weighted_value, expected_close_date, actual_close_date,
           owner_id, status, position, stage_entered_at, closed_reason, created_at, updated_at,
           is_archived, deleted_at)
       SELECT gen.id, :org,
              ln.id,
              s.pipeline_id, s.id, 'Deal ' || g, v.value, s.probability,
              round(v.value * s.probability / 100, 2),
              CASE WHEN gen.status = 'open' AND r_misc > 0.05
                   THEN (created_at + (20 + r_cycle * 150) * interval '1 day')::date END,
              (closed_at AT TIME ZONE 'America/Chicago')::date,
              ids.users[1 + floor(r_owner * array_length(ids.users, 1))::int],
              gen.status::opportunity_status, 0,
              COALESCE(closed_at, created_at + (r_cycle * 20) * interval '1 day'),
              CASE WHEN gen.status = 'lost'
                   THEN (ARRAY[{reasons}])[1 + floor(r_misc * 6)::int] END,
              created_at, COALESCE(closed_at, created_at), r_misc > 0.99,
              CASE WHEN r_misc < 0.005 THEN now() END
       FROM gen CROSS JOIN ids
       LEFT JOIN lead_n ln ON gen.r_lead < 0.85 AND ln.n = 1 + g % ids.n_leads
       CROSS JOIN LATERAL (SELECT round((300 + r_val * r_val * 60000)::numeric, 2) AS value) v
       JOIN st s ON s.sales = gen.sales AND s.position = CASE gen.status
                    WHEN 'open' THEN gen.max_pos WHEN 'won' THEN gen.n_open
                    ELSE gen.n_open + 1 END""",
    # Stage history: creation row, each open stage visited, then the close.
    """INSERT INTO opportunity_stage_history (id, organization_id, opportunity_id,
           from_stage_id, to_stage_id, moved_at, seconds_in_from_stage)
       SELECT gen_random_uuid(), :org, gen.id, prev.id, s.id,
              gen.created_at + k * interval '3 days', CASE WHEN k > 0 THEN 259200 END
       FROM gen
       CROSS JOIN LATERAL generate_series(0, CASE WHEN gen.status = 'won' THEN gen.n_open - 1
                                                  ELSE gen.max_pos END) k
       JOIN st s ON s.sales = gen.sales AND s.position = k
       LEFT JOIN st prev ON prev.sales = gen.sales AND prev.position = k - 1""",
    """INSERT INTO opportunity_stage_history (id, organization_id, opportunity_id,
           from_stage_id, to_stage_id, moved_at, seconds_in_from_stage)
       SELECT gen_random_uuid(), :org, gen.id, f.id, t.id, gen.closed_at, 86400
       FROM gen
       JOIN st f ON f.sales = gen.sales
            AND f.position = CASE WHEN gen.status = 'won' THEN gen.n_open - 1 ELSE gen.max_pos END
       JOIN st t ON t.sales = gen.sales
            AND t.position = CASE WHEN gen.status = 'won' THEN gen.n_open ELSE gen.n_open + 1 END
       WHERE gen.status <> 'open'""",
    # Proposals on 40% of deals that reached a proposal-like stage.
    """INSERT INTO proposals (id, organization_id, opportunity_id, proposal_number, title,
           status, sent_at, accepted_at, total_amount, discount_percentage, tax_rate,
           created_at, updated_at)
       SELECT gen_random_uuid(), :org, gen.id, 'P-' || g, 'Proposal ' || g,
              x.st::proposal_status, gen.created_at + interval '4 days',
              CASE WHEN x.st = 'accepted' THEN gen.created_at + interval '9 days' END,
              1000, 0, 0, gen.created_at, gen.created_at
       FROM gen CROSS JOIN LATERAL (SELECT CASE WHEN gen.status = 'won' THEN 'accepted'
                    WHEN gen.status = 'lost' THEN 'rejected'
                    ELSE (ARRAY['sent','viewed','expired'])[1 + floor(gen.r_cycle * 3)::int]
                    END AS st) x
       WHERE gen.r_misc < 0.4 AND gen.max_pos >= 1""",
    # AI campaigns and calls (1.5 calls per deal), over two years.
    """INSERT INTO ai_call_campaigns (id, organization_id, name, status, description, goal,
                                       script)
       SELECT gen_random_uuid(), :org, 'Campaign ' || g, 'running', '', '', ''
       FROM generate_series(1, 10) g""",
    """INSERT INTO ai_calls (id, organization_id, campaign_id, lead_id, attempt, status, outcome,
                             created_at, updated_at)
       SELECT gen_random_uuid(), :org, c.ids[1 + g % 10], ln.id, g,
              x.st::ai_call_status,
              CASE WHEN x.st = 'completed' THEN (ARRAY['interested','meeting_booked','callback',
                   'not_interested','not_interested','not_interested'])[1 + g % 6]
                   END::ai_call_outcome,
              x.at, x.at
       FROM generate_series(1, :n_calls) g CROSS JOIN ids
       JOIN lead_n ln ON ln.n = 1 + (g::bigint * 7919) % ids.n_leads
       CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM ai_call_campaigns
                   WHERE organization_id = :org) c
       CROSS JOIN LATERAL (SELECT (ARRAY['completed','completed','no_answer','voicemail',
                   'failed'])[1 + floor(random() * 5)::int] AS st,
                   now() - random() * interval '730 days' AS at WHERE g > 0) x""",
    # Interactions: the bulk table (not read by the dashboard, but part of the data size).
    """INSERT INTO interactions (id, organization_id, lead_id, type, created_at, updated_at)
       SELECT gen_random_uuid(), :org, ln.id,
              (ARRAY['call','email','meeting','note','sms','ai_call']::interaction_type[])
                  [1 + g % 6], x.at, x.at
       FROM generate_series(1, :n_interactions) g CROSS JOIN ids
       JOIN lead_n ln ON ln.n = 1 + (g::bigint * 104729) % ids.n_leads
       CROSS JOIN LATERAL (SELECT now() - random() * interval '730 days' AS at WHERE g > 0) x""",
]


def generate(org_id: Any, deals: int, interactions: int) -> None:
    reasons = ", ".join(f"'{r}'" for r in REASONS)
    params = {
        "org": org_id,
        "n_deals": deals,
        "n_leads": int(deals * 0.8),
        "n_calls": int(deals * 1.5),
        "n_interactions": interactions,
    }
    with db.get_engine().begin() as conn:
        for sql in GEN_SQL:
            started = time.perf_counter()
            stmt = sa.text(sql.replace("{reasons}", reasons))
            used = {k: v for k, v in params.items() if f":{k}" in sql}
            conn.execute(stmt, used)
            head = " ".join(sql.split()[:3])
            print(f"  {head[:48]:<48} {time.perf_counter() - started:6.1f}s", flush=True)


# ------------------------------------------------------------------ measuring
def timed_ms(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """(median, min) wall time in ms after one warm-up run."""
    fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times)


TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")


def backend_cpu_ms(pid: int) -> float:
    """User + system CPU time used so far by one PostgreSQL backend process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * TICK_MS


def cpu_per_run_ms(conn: Any, fn: Callable[[], Any], runs: int) -> float:
    """Backend CPU per run of ``fn`` on ``conn`` (serial plans, so no worker CPU is missed).

    Unlike wall time this does not grow when other processes compete for the CPU.
    """
    conn.exec_driver_sql("SELECT set_config('max_parallel_workers_per_gather', '0', true)")
    pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    fn()
    before = backend_cpu_ms(pid)
    for _ in range(runs):
        fn()
    return (backend_cpu_ms(pid) - before) / runs


class Recorder:
    """Captures the SQL statements (with parameters) a service call sends."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []
        self.on = False

    def __call__(self, conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if self.on:
            self.statements.append((statement, parameters))


def bench_filter(actor: Any, filters: Any, repeat: int) -> dict[str, Any]:
    from smartweb_ui.services.analytics import cache
    from smartweb_ui.services.analytics import overview as an

    engine = db.get_engine()
    rec = Recorder()
    sa.event.listen(engine, "before_cursor_execute", rec)
    rows: list[tuple[str, float, float, float, float, float]] = []
    statements: dict[str, list[tuple[str, Any]]] = {}
    try:
        with db.tenant_session(actor) as s:
            ctx = an.context(s, actor, filters)
        for name, query in an.CHART_QUERIES.items():

            def service(query: Callable[..., Any] = query) -> None:
                with db.tenant_session(actor) as s:
                    an.tune_session(s)
                    query(s, ctx)

            rec.statements, rec.on = [], True
            service()
            rec.on = False
            # Same statements (and SET LOCAL tuning) on an owner connection: no RLS, no
            # session set-up, no result building.
            captured = [st for st in rec.statements if not st[0].lstrip().upper().startswith(("SET LOCAL ROLE", "SELECT SET_CONFIG('APP."))]  # fmt: skip
            assert captured[0][0].startswith("SELECT set_config('work_mem'")

            def raw(captured: list[tuple[str, Any]] = captured) -> None:
                with engine.begin() as conn:
                    for statement, params in captured:
                        result = conn.exec_driver_sql(statement, params)
                        if result.returns_rows:
                            result.all()

            def raw_cpu(captured: list[tuple[str, Any]] = captured) -> float:
                with engine.begin() as conn:

                    def once() -> None:
                        for statement, params in captured:
                            result = conn.exec_driver_sql(statement, params)
                            if result.returns_rows:
                                result.all()

                    return cpu_per_run_ms(conn, once, max(10, repeat))

            rows.append((name, *timed_ms(service, repeat), *timed_ms(raw, repeat), raw_cpu()))
            statements[name] = captured

        def whole(use_cache: bool) -> None:
            with db.tenant_session(actor) as s:
                an.dashboard(s, actor, filters, use_cache=use_cache)

        total = timed_ms(lambda: whole(False), repeat)

        # As the page asks for it: the chart groups at once, one tenant session each.
        from concurrent.futures import ThreadPoolExecutor

        def part(names: tuple[str, ...]) -> Any:
            with db.tenant_session(actor) as s:
                return an.dashboard_part(s, actor, filters, names, use_cache=False)

        with ThreadPoolExecutor(len(an.CHART_GROUPS)) as pool:
            at_once = timed_ms(lambda: an.assemble(list(pool.map(part, an.CHART_GROUPS))), repeat)
        cache.clear()
        whole(True)
        cached = timed_ms(lambda: whole(True), repeat)

        def version() -> None:
            with engine.connect() as conn:
                conn.execute(sa.text(cache.VERSION_SQL), {"org": actor.organization_id}).one()

        version_ms = timed_ms(version, repeat)
        with db.tenant_session(actor) as s:
            total_cpu = cpu_per_run_ms(
                s.connection(),
                lambda: an.dashboard(s, actor, filters, use_cache=False),
                max(10, repeat),
            )
    finally:
        sa.event.remove(engine, "before_cursor_execute", rec)
    return {"rows": rows, "total": total, "at_once": at_once, "cached": cached, "version": version_ms,
            "total_cpu": total_cpu, "statements": statements, "ctx": ctx}  # fmt: skip


def migrate(revision: str) -> None:
    """Move the bench database's schema to ``revision`` (indexes dropped or built)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config(str(ROOT / "alembic.ini"))
    started = time.perf_counter()
    if revision == "head":
        command.upgrade(cfg, "head")
    else:
        command.downgrade(cfg, revision)
    with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ANALYZE"))
    print(f"\nschema at {revision} ({time.perf_counter() - started:.1f}s)")


def calibrate() -> float:
    """Backend CPU of a fixed query: compares runs made while the machine is more or less busy."""
    with db.get_engine().connect() as conn:
        return cpu_per_run_ms(
            conn,
            lambda: conn.exec_driver_sql("SELECT count(*) FROM generate_series(1, 1000000)").all(),
            5,
        )


def bench_rollup(result: dict[str, Any], repeat: int) -> tuple[float, float, float]:
    """The rollup way for the filter of ``result``: rollup statements for the charts they can
    answer, the live statements (as captured) for the others. (wall, CPU, wall) in ms."""
    import dashboard_rollup as ru

    engine = db.get_engine()
    with engine.begin() as conn:
        started = time.perf_counter()
        sizes = ru.build(conn)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for sql in ru.VACUUM_SQL:  # index-only reads need the visibility map
            conn.execute(sa.text(sql))
        print(f"\nrollups built in {time.perf_counter() - started:.1f}s: "
              + ", ".join(f"{k} {v:,} rows" for k, v in sizes.items()))  # fmt: skip
    params = ru.params(result["ctx"])
    live = [st for name in ru.LIVE_CHARTS for st in result["statements"][name]]
    per_chart: dict[str, tuple[float, float]] = {}
    per_cpu: dict[str, float] = {}

    def run_rollup(conn: Any, sql: str) -> None:
        conn.execute(sa.text(sql), params).all()

    def run_live(conn: Any, statements: list[tuple[str, Any]]) -> None:
        for statement, p in statements:
            out = conn.exec_driver_sql(statement, p)
            if out.returns_rows:
                out.all()

    with engine.begin() as conn:
        conn.exec_driver_sql(result["statements"]["kpis"][0][0], result["statements"]["kpis"][0][1])
        for name, sql in [*ru.CHART_SQL.items(), ("open-pipeline tile", ru.OPEN_TILE_SQL)]:
            per_chart[name] = timed_ms(lambda sql=sql: run_rollup(conn, sql), repeat)
            per_cpu[name] = cpu_per_run_ms(conn, lambda sql=sql: run_rollup(conn, sql), 10)

        def whole() -> None:
            for sql in [*ru.CHART_SQL.values(), ru.OPEN_TILE_SQL]:
                run_rollup(conn, sql)
            run_live(conn, live)

        total = timed_ms(whole, repeat)
        cpu = cpu_per_run_ms(conn, whole, max(5, repeat))
    print("rollup way, last 12 months, everyone (raw SQL, owner connection)")
    for name, (med, low) in per_chart.items():
        print(f"  {name:<28} {med:8.1f} ({low:6.1f}) ms  CPU {per_cpu[name]:6.1f}  rollups")
    live_ms = sum(r[3] for r in result["rows"] if r[0] in ru.LIVE_CHARTS)
    live_cpu = sum(r[5] for r in result["rows"] if r[0] in ru.LIVE_CHARTS)
    what = "forecast + funnel + campaigns"
    print(f"  {what:<28} {live_ms:8.1f} ms           CPU {live_cpu:6.1f}  live, as above")
    print(f"  all charts: wall {total[0]:.1f} ms (min {total[1]:.1f}); backend CPU {cpu:.1f} ms")
    return total[0], cpu, total[0]


def report(label: str, result: dict[str, Any]) -> None:
    from smartweb_ui.services.analytics import overview as an

    rows = result["rows"]
    slowest = max(rows, key=lambda r: r[3])
    slowest_cpu = max(rows, key=lambda r: r[5])
    total, total_min = result["total"]
    print(f"\n{label}   (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"  {'chart':<10} {'service ms (min)':>18} {'raw SQL ms (min)':>18} {'svc/raw':>8} {'CPU ms':>8}")  # fmt: skip
    for name, svc, svc_min, raw, raw_min, cpu in rows:
        print(f"  {name:<10} {svc:9.1f} ({svc_min:6.1f}) {raw:9.1f} ({raw_min:6.1f}) {svc / raw:8.2f} {cpu:8.1f}")  # fmt: skip
    print(
        f"  {'sum':<10} {sum(r[1] for r in rows):9.1f} ({sum(r[2] for r in rows):6.1f}) "
        f"{sum(r[3] for r in rows):9.1f} ({sum(r[4] for r in rows):6.1f}) {'':8} "
        f"{sum(r[5] for r in rows):8.1f}"
    )
    print(f"  dashboard() uncached, all charts: wall {total:.1f} ms (min {total_min:.1f}); "
          f"backend CPU {result['total_cpu']:.1f} ms")  # fmt: skip
    groups = " | ".join(" + ".join(g) for g in an.CHART_GROUPS)
    print(f"  as the page loads it, the groups at once ({groups}): "
          f"wall {result['at_once'][0]:.1f} ms (min {result['at_once'][1]:.1f})")  # fmt: skip
    print(
        f"  slowest single raw query: {slowest[0]} {slowest[3]:.1f} ms wall -> ratio total / "
        f"slowest = {total / slowest[3]:.2f}; by CPU: {slowest_cpu[0]} {slowest_cpu[5]:.1f} ms "
        f"-> ratio {result['total_cpu'] / slowest_cpu[5]:.2f}"
    )
    print(
        f"  dashboard() cache hit (context + data version + lookup): "
        f"{result['cached'][0]:.1f} ms; data-version query alone: {result['version'][0]:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--interactions", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="reuse an already generated database")
    parser.add_argument(
        "--before", default="",
        help="a revision to measure as 'before' (its later indexes dropped); only revisions whose "
        "columns today's queries still find (0009 on), '' (the default) to skip",
    )  # fmt: skip
    args = parser.parse_args()

    from smartweb_ui.services.access.accounts import actor_for
    from smartweb_ui.services.analytics.overview import DashboardFilters

    filled = connect_database(args.keep)
    if not filled:
        print(f"Generating {args.deals:,} deals and {args.interactions:,} interactions ...")
        started = time.perf_counter()
        actor = create_org("Bench Trades", reps=20)
        generate(actor.organization_id, args.deals, args.interactions)
        other = create_org("Other Tenant", reps=5)
        generate(other.organization_id, args.deals // 10, args.interactions // 10)
        with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        print(f"generated in {time.perf_counter() - started:.0f}s")
    import smartweb_ui.models as m

    with db.system_session() as s:
        org = s.exec(sa.select(m.Organization).where(m.Organization.name == "Bench Trades")).scalar_one()  # fmt: skip
        user = s.exec(sa.select(m.User).where(m.User.email == "exec@bench-trades.bench")).scalar_one()  # fmt: skip
        actor = actor_for(s, user)
        counts = {
            t: s.execute(
                sa.text(f"SELECT count(*) FROM {t} WHERE organization_id = :o"), {"o": org.id}
            ).scalar()
            for t in (
                "opportunities",
                "opportunity_stage_history",
                "leads",
                "interactions",
                "ai_calls",
                "proposals",
            )
        }
        rep = s.execute(sa.text("SELECT id FROM users WHERE email = 'rep3@bench-trades.bench'")).scalar()  # fmt: skip
    print("Bench Trades rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(
        f"CPU calibration (count(*) over generate_series(1, 1e6), backend CPU): {calibrate():.0f} ms"
    )
    filters_12 = DashboardFilters(period="last12")
    summary: list[tuple[str, float, float, float]] = []
    if args.before:
        migrate(args.before)
        before = bench_filter(actor, filters_12, args.repeat)
        report(f"BEFORE (schema at {args.before}): last 12 months, everyone", before)
        summary.append(("before (indexes of 0003)", before["total"][0], before["total_cpu"],
                        sum(r[3] for r in before["rows"])))  # fmt: skip
        migrate("head")
    after: dict[str, Any] = {}
    for label, filters in [
        ("Filter: last 12 months, all pipelines, everyone", filters_12),
        ("Filter: this quarter, all pipelines, everyone", DashboardFilters(period="quarter")),
        ("Filter: this year, one rep", DashboardFilters(period="year", owner_id=rep)),
    ]:
        result = bench_filter(actor, filters, args.repeat)
        report(label, result)
        after = after or result
    summary.append(("indexes (head)", after["total"][0], after["total_cpu"],
                    sum(r[3] for r in after["rows"])))  # fmt: skip
    summary.append(("indexes, groups at once (page)", after["at_once"][0], after["total_cpu"],
                    sum(r[3] for r in after["rows"])))  # fmt: skip
    summary.append(("rollup tables (alternative)", *bench_rollup(after, args.repeat)))
    print("\n12-month dashboard, everyone: the ways compared (ms; goal <= 300)")
    print(f"  {'way':<30} {'wall':>8} {'CPU':>8} {'raw SQL sum':>12} {'wall / raw floor':>17}")
    floor = next(r[3] for r in summary if r[0] == "indexes (head)")
    for way, wall, cpu, raw_sum in summary:
        print(f"  {way:<30} {wall:8.1f} {cpu:8.1f} {raw_sum:12.1f} {wall / floor:17.2f}")
    print(f"  (raw floor = the raw SQL sum with the head indexes, {floor:.1f} ms)")


if __name__ == "__main__":
    main()
