"""Lead inbox benchmark: the list query at 200k leads in one organization, service vs raw SQL.

    .venv/bin/python bench/leads.py            # 200k leads (SMARTWEB_BENCH_LEADS=... to change)

Uses its own embedded PostgreSQL (SMARTWEB_PGDATA, default /tmp/leadbench) and its own database
``leadbench`` (dropped and re-created each run), never DATABASE_URL. For a dozen filter / search /
sort combinations it times ``services.leads.list_leads`` (one page of 50, in a tenant session:
RLS, settings look-up, tags of the page, display formatting) and the raw SQL of the same page
(the compiled statement, run under the same app role and RLS), prints p50 / p95 and the ratio,
and the indexes EXPLAIN shows. Then what a search or filter change really runs: the page WITH
its count (``inbox_page``: exact up to ``counts.EXACT_UP_TO``, the planner's estimate above),
against the page alone; and the view list with its counts uncached and cached. Not a test:
figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import os
import random
import re
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("SMARTWEB_PGDATA", "/tmp/leadbench")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from smartweb_ui import db

BENCH_DB = "leadbench"
N_LEADS = int(os.environ.get("SMARTWEB_BENCH_LEADS", "200000"))
REPEAT = int(os.environ.get("SMARTWEB_BENCH_REPEAT", "40"))
ADJ = ["Summit", "Blue", "Eagle", "Apex", "Liberty", "Pioneer", "Red", "Golden", "Precision",
       "Reliable", "Lone Star", "Metro", "Hometown", "Express", "Superior", "Allied", "Royal",
       "Evergreen", "Patriot", "Capital"]  # fmt: skip
NAMES = ["Hancock", "Miller", "Johnson", "Garcia", "Nguyen", "Patel", "Smith", "Brown", "Lopez",
         "Walker", "Young", "King", "Wright", "Hill", "Green", "Baker", "Carter", "Turner",
         "Parker", "Collins", "Stewart", "Morris", "Rogers", "Reed", "Cook", "Bell", "Murphy",
         "Bailey", "Rivera", "Cooper", "Howard", "Ward", "Torres", "Peterson", "Gray", "Ramirez",
         "James", "Watson", "Brooks", "Kelly"]  # fmt: skip
TRADES = [("plumbing", "Plumbing"), ("hvac", "Heating & Air"), ("roofing", "Roofing"),
          ("electrical", "Electric"), ("general_contractor", "Builders"), ("landscaping", "Landscaping"),
          ("painting", "Painting"), ("pest_control", "Pest Control"), ("other", "Services")]  # fmt: skip
CITIES = [("Austin", "TX"), ("Dallas", "TX"), ("Houston", "TX"), ("Miami", "FL"), ("Tampa", "FL"),
          ("Atlanta", "GA"), ("Denver", "CO"), ("Phoenix", "AZ"), ("Chicago", "IL"),
          ("Columbus", "OH"), ("Charlotte", "NC"), ("Nashville", "TN"), ("Seattle", "WA"),
          ("Portland", "OR"), ("Boston", "MA"), ("St. Louis", "MO")]  # fmt: skip
STATUSES = [("new", 30), ("contacted", 25), ("qualified", 10), ("unqualified", 10),
            ("converted", 10), ("lost", 15)]  # fmt: skip
SOURCES = ["scrape", "import", "referral", "website", "cold_call", "ai_campaign", "event", "manual"]
TAGS = ["commercial", "residential", "emergency", "multi-location", "referral", "24-7", "vip",
        "fleet", "seasonal", "high-ticket"]  # fmt: skip


def setup_database() -> None:
    admin_url = db.start_embedded_server().replace("postgresql://", "postgresql+psycopg://", 1)
    eng = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {BENCH_DB}"))
    eng.dispose()
    os.environ["DATABASE_URL"] = (
        sa.make_url(admin_url).set(database=BENCH_DB).render_as_string(hide_password=False)
    )
    from smartweb_ui.config import Settings

    db.settings = Settings()
    db.database_url.cache_clear()
    db.get_engine.cache_clear()
    from alembic import command
    from alembic.config import Config

    command.upgrade(Config(str(Path(__file__).resolve().parent.parent / "alembic.ini")), "head")


def _copy(conn: sa.Connection, table: str, cols: list[str], rows: list[tuple]) -> None:
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def seed() -> tuple[object, object, list[uuid.UUID]]:
    """Organization, a manager and 12 reps, N_LEADS companies + leads, tags and tasks."""
    from smartweb_ui.services.access.accounts import (
        actor_for,
        create_organization,
        create_user,
        hash_password,
    )

    rng = random.Random(7)
    pw = hash_password("bench-password")
    with db.system_session() as s:
        org = create_organization(s, "Bench Org")
        manager = create_user(
            s,
            org,
            email="m@bench.test",
            password="",
            password_hash=pw,
            first_name="Mia",
            last_name="Manager",
            roles=["Sales Manager"],
        )
        reps = [
            create_user(
                s,
                org,
                email=f"rep{i}@bench.test",
                password="",
                password_hash=pw,
                first_name=f"Rep{i}",
                last_name="Seller",
                roles=["Sales Rep"],
            )
            for i in range(12)
        ]
        mgr_actor, rep_actor = actor_for(s, manager), actor_for(s, reps[0])
        org_id, rep_ids = org.id, [r.id for r in reps]
    now = datetime.now(UTC)
    statuses = [st for st, w in STATUSES for _ in range(w)]
    companies, leads, tags, tasks = [], [], [], []
    for i in range(N_LEADS):
        cid, lid = uuid.uuid4(), uuid.uuid4()
        kind, word = TRADES[i % len(TRADES)]
        city, state = CITIES[rng.randrange(len(CITIES))]
        name = f"{ADJ[rng.randrange(len(ADJ))]} {NAMES[rng.randrange(len(NAMES))]} {word} {i}"
        slug = re.sub(r"[^a-z0-9]", "", name.lower())
        created = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
        companies.append((cid, org_id, name, kind, f"({200 + i // 10000}) 555-{i % 10000:04d}", f"office@{slug}.com",
                          f"https://www.{slug}.com", f"{slug}.com", city, state, f"{rng.randrange(10000, 99999)}",
                          "US", created, created, True))  # fmt: skip
        status = statuses[rng.randrange(len(statuses))]
        contacted = status != "new"
        first = created + timedelta(hours=rng.randrange(1, 48)) if contacted else None
        last = first + timedelta(days=rng.randrange(0, 30)) if first else None
        owner = None if rng.random() < 0.3 else rep_ids[rng.randrange(len(rep_ids))]
        leads.append((lid, org_id, cid, status, SOURCES[rng.randrange(len(SOURCES))], rng.randrange(101), "[]",
                      owner, created if owner else None, first, last, rng.randrange(6) if contacted else 0,
                      created + timedelta(hours=4), created, created))  # fmt: skip
        if rng.random() < 0.15:
            tags.append((uuid.uuid4(), org_id, lid, TAGS[rng.randrange(len(TAGS))], now))
        if rng.random() < 0.03:
            tasks.append((uuid.uuid4(), org_id, "Follow up", "", now + timedelta(hours=rng.randrange(-72, 72)),
                          "normal", "open", owner, lid, now, now))  # fmt: skip
    eng = db.get_engine()
    with eng.begin() as conn:
        _copy(conn, "companies", ["id", "organization_id", "name", "business_type", "phone", "email", "website",
                                  "website_domain", "city", "state", "zip_code", "country", "created_at",
                                  "updated_at", "is_active"], companies)  # fmt: skip
        _copy(conn, "leads", ["id", "organization_id", "company_id", "status", "source", "lead_score",
                              "score_breakdown", "assigned_to", "assigned_at", "first_contact_at",
                              "last_contact_at", "contact_attempts", "sla_due_at", "created_at", "updated_at"], leads)  # fmt: skip
        _copy(conn, "lead_tags", ["id", "organization_id", "lead_id", "tag", "created_at"], tags)
        _copy(conn, "tasks", ["id", "organization_id", "title", "description", "due_at", "priority", "status",
                              "assigned_to", "lead_id", "created_at", "updated_at"], tasks)  # fmt: skip
    with eng.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    return mgr_actor, rep_actor, rep_ids


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def timed(fn: Callable[[], object]) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def calibration_ms() -> float:
    """Wall time of a fixed query (median of 3): compares runs on a more or less busy machine."""
    with db.get_engine().connect() as conn:
        conn.exec_driver_sql("SET max_parallel_workers_per_gather = 0")
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            conn.exec_driver_sql("SELECT count(*) FROM generate_series(1, 1000000)").all()
            runs.append((time.perf_counter() - t0) * 1000)
    return sorted(runs)[1]


def main() -> None:
    t0 = time.perf_counter()
    setup_database()
    mgr, rep, rep_ids = seed()
    print(f"seeded {N_LEADS:,} leads in {time.perf_counter() - t0:.1f}s", flush=True)
    print(f"calibration (count(*) over generate_series(1, 1e6)): {calibration_ms():.0f} ms; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)  # fmt: skip
    from smartweb_ui.services.core import cache
    from smartweb_ui.services.leads.counts import count_matching
    from smartweb_ui.services.leads.inbox import LeadFilter, _after, list_leads, list_query
    from smartweb_ui.services.leads.page import inbox_page
    from smartweb_ui.services.leads.views import list_views

    # A cursor deep in the score order, for a "page N" case.
    with db.tenant_session(mgr) as s:
        cursor = None
        for _ in range(40):
            cursor = list_leads(s, mgr, {}, sort="score", after=cursor).next_cursor
    combos: list[tuple[str, object, dict, str, str | None]] = [
        ("all, score (manager)", mgr, {}, "score", None),
        ("all, newest", mgr, {}, "created", None),
        ("all, last contact", mgr, {}, "last_contact", None),
        ("all, SLA due", mgr, {}, "sla_due", None),
        ("page 41 by keyset, score", mgr, {}, "score", cursor),
        ("rep scope (own+unassigned), score", rep, {}, "score", None),
        (
            "my new leads (rep), SLA due",
            rep,
            {"assignee": "me", "status": ["new"]},
            "sla_due",
            None,
        ),
        (
            "unassigned open, newest",
            mgr,
            {"assignee": "unassigned", "status": ["new", "contacted", "qualified"]},
            "created",
            None,
        ),
        (
            "hot: score ≥ 70 open, score",
            mgr,
            {"score_min": 70, "status": ["new", "contacted", "qualified"]},
            "score",
            None,
        ),
        ("overdue first contact, SLA due", mgr, {"overdue": True}, "sla_due", None),
        ("follow-ups due today", mgr, {"follow_up_due": True}, "score", None),
        ("search name 'hancock', score", mgr, {"search": "hancock"}, "score", None),
        ("search exact company, score", mgr, {"search": "Pest Control 123457"}, "score", None),
        ("search broad 'plumbing' (22k hits), score", mgr, {"search": "plumbing"}, "score", None),
        ("search phone '555-0142', score", mgr, {"search": "555-0142"}, "score", None),
        (
            "search email/site 'summitmiller', newest",
            mgr,
            {"search": "summitmiller"},
            "created",
            None,
        ),
        (
            "type hvac + state TX, score",
            mgr,
            {"business_type": ["hvac"], "state": "TX"},
            "score",
            None,
        ),
        (
            "city Denver + status contacted, last contact",
            mgr,
            {"city": "Denver", "status": ["contacted"]},
            "last_contact",
            None,
        ),
        ("tag vip, score", mgr, {"tag": "vip"}, "score", None),
        (
            "source referral + rep2, newest",
            mgr,
            {"source": ["referral"], "assignee": str(rep_ids[2])},
            "created",
            None,
        ),
    ]
    dialect = db.get_engine().dialect
    print(
        f"\n{'combination':46} {'svc p50':>8} {'svc p95':>8} {'raw p50':>8} {'raw p95':>8} {'ratio':>6}  rows  indexes"
    )
    worst = 0.0
    with_count: list[tuple[float, float, float, float, str]] = []
    for label, actor, filters, sort, after in combos:
        with db.tenant_session(actor) as s:
            svc = timed(lambda: list_leads(s, actor, filters, sort=sort, after=after))  # noqa: B023
            flt = LeadFilter.parse(filters)
            stmt = list_query(actor, flt, sort, ZoneInfo("America/New_York"))
            if after:
                stmt = stmt.where(_after(sort, after))
            sql = str(
                stmt.limit(51).compile(dialect=dialect, compile_kwargs={"literal_binds": True})
            )
            raw = timed(lambda: s.execute(sa.text(sql)).all())  # noqa: B023
            plan = "\n".join(r[0] for r in s.execute(sa.text("EXPLAIN " + sql)))
            n = len(s.execute(sa.text(sql)).all())
        used = sorted(
            set(
                re.findall(
                    r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)",
                    plan,
                )
            )
        )
        seq = (
            " SEQ:" + ",".join(sorted(set(re.findall(r"Seq Scan on (\w+)", plan))))
            if "Seq Scan" in plan
            else ""
        )
        p95 = pct(svc, 0.95)
        worst = max(worst, p95)
        with db.tenant_session(actor) as s:
            flt = LeadFilter.parse(filters)
            page = timed(lambda: inbox_page(s, actor, flt, sort, after or "", count=True))  # noqa: B023
            counted = timed(lambda: count_matching(s, actor, flt))  # noqa: B023
            shown = inbox_page(s, actor, flt, sort, after or "", count=True).total_label
        with_count.append(
            (pct(svc, 0.5), pct(page, 0.5), pct(page, 0.95), pct(counted, 0.5), shown)
        )
        print(
            f"{label:46} {pct(svc, 0.5):8.1f} {p95:8.1f} {pct(raw, 0.5):8.1f} {pct(raw, 0.95):8.1f} {pct(svc, 0.5) / pct(raw, 0.5):6.2f} {n:5}  {', '.join(used)}{seq}",
            flush=True,
        )
    print(f"\nworst service p95 (page only): {worst:.1f} ms")
    print(f"\n{'page + count (inbox_page, what a search or filter change runs)':46} "
          f"{'p50':>8} {'p95':>8} {'count p50':>10} {'/ page':>10}  shown")  # fmt: skip
    worst_count = 0.0
    for (label, *_), (alone, p50, p95, c50, shown) in zip(combos, with_count, strict=True):
        worst_count = max(worst_count, p95)
        ratio = p50 / alone  # the page with its count against the page alone
        print(f"{label:46} {p50:8.1f} {p95:8.1f} {c50:10.1f} {ratio:10.2f}  {shown}")
    print(f"\nworst page + count p95: {worst_count:.1f} ms (goal ≤ 50 ms); calibration now "
          f"{calibration_ms():.0f} ms, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    for label, actor in (("manager", mgr), ("rep", rep)):

        def cold(actor: object = actor) -> None:
            cache.clear()
            with db.tenant_session(actor) as s:
                list_views(s, actor)

        def warm(actor: object = actor) -> None:
            with db.tenant_session(actor) as s:
                list_views(s, actor)

        miss, hit = timed(cold), timed(warm)
        print(
            f"view list with counts ({label}): uncached p50 {pct(miss, 0.5):.1f} / p95 "
            f"{pct(miss, 0.95):.1f} ms; cached p50 {pct(hit, 0.5):.2f} / p95 {pct(hit, 0.95):.2f} ms"
            f" (ratio {pct(miss, 0.5) / pct(hit, 0.5):.0f}x)"
        )


if __name__ == "__main__":
    main()
