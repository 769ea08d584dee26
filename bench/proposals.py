"""Proposals benchmark: the builder's re-price per edit, the list page at 30,000 proposals and
the PDF render, each next to raw SQL doing the same database work.

    SMARTWEB_PGDATA=/tmp/propbench .venv/bin/python bench/proposals.py           # seed + measure
    SMARTWEB_PGDATA=/tmp/propbench .venv/bin/python bench/proposals.py --keep    # same data again

Uses its own embedded PostgreSQL (SMARTWEB_PGDATA, default /tmp/propbench) and its own database
``propbench`` (dropped and re-created each run), never DATABASE_URL. Prints medians and ratios
measured in this one run; not a test.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("SMARTWEB_PGDATA", "/tmp/propbench")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from smartweb_ui import db

BENCH_DB = "propbench"
N_PROPOSALS = 30_000
N_DEALS = 3_000
REPEAT = 25


def setup_database(keep: bool) -> bool:
    """Point the app at the bench database; True when ``keep`` found it already seeded."""
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
    kept = bool(keep and exists)
    url = sa.make_url(admin_url).set(database=BENCH_DB).render_as_string(hide_password=False)
    os.environ["DATABASE_URL"] = url
    from smartweb_ui.config import Settings

    db.settings = Settings()
    db.database_url.cache_clear()
    db.get_engine.cache_clear()
    from alembic import command
    from alembic.config import Config

    command.upgrade(Config(str(Path(__file__).resolve().parent.parent / "alembic.ini")), "head")
    return kept


def seeded() -> tuple[object, uuid.UUID]:
    import smartweb_ui.models as m
    from smartweb_ui.services.access.accounts import actor_for

    with db.system_session() as s:
        user = s.execute(sa.select(m.User).where(m.User.email == "m@propbench.test")).scalar_one()
        return actor_for(s, user), user.organization_id


def seed() -> tuple[object, uuid.UUID]:
    """One organization, a manager and 10 reps, 3,000 deals on companies with contacts,
    20 products and 30,000 proposals (3 lines each; one 10-line draft to edit)."""
    import smartweb_ui.models as m
    from smartweb_ui.services.access.accounts import actor_for, create_organization, create_user

    with db.system_session() as s:
        org = create_organization(s, "Bench Proposals")
        manager = create_user(s, org, email="m@propbench.test", password="", password_hash="x",
                              first_name="Mia", last_name="Manager", roles=["Sales Manager"])  # fmt: skip
        for i in range(10):
            create_user(s, org, email=f"rep{i}@propbench.test", password="", password_hash="x",
                        first_name=f"Rep{i}", last_name="Seller", roles=["Sales Rep"])  # fmt: skip
        pipe = m.Pipeline(organization_id=org.id, name="Sales", is_default=True)
        s.add(pipe)
        s.flush()
        stage = m.PipelineStage(organization_id=org.id, pipeline_id=pipe.id, name="Proposal",
                                position=0, probability=Decimal(50))  # fmt: skip
        s.add(stage)
        s.flush()
        p = {"org": org.id, "pipe": pipe.id, "stage": stage.id, "owner": manager.id}
        s.execute(sa.text(f"""
            INSERT INTO companies (id, organization_id, name, business_type, country, is_active)
            SELECT gen_random_uuid(), :org, 'Company ' || lpad(g::text, 5, '0') || ' Roofing',
                   'roofing', 'US', true FROM generate_series(1, {N_DEALS}) g"""), p)  # fmt: skip
        s.execute(sa.text("""
            INSERT INTO leads (id, organization_id, company_id, status, source, lead_score,
                               contact_attempts, source_details, score_breakdown)
            SELECT gen_random_uuid(), :org, id, 'converted', 'import', 0, 0, '{}', '[]'
            FROM companies WHERE organization_id = :org"""), p)  # fmt: skip
        s.execute(sa.text("""
            INSERT INTO contacts (id, organization_id, company_id, full_name, role, is_primary)
            SELECT gen_random_uuid(), :org, id, 'Pat ' || left(name, 13), 'Owner', true
            FROM companies WHERE organization_id = :org"""), p)  # fmt: skip
        s.execute(sa.text("""
            INSERT INTO opportunities (id, organization_id, lead_id, pipeline_id, current_stage_id,
                name, value, probability, weighted_value, owner_id, position, status, version,
                stage_entered_at)
            SELECT gen_random_uuid(), :org, l.id, :pipe, :stage, 'Deal ' || c.name, 5000, 50, 2500,
                   (SELECT id FROM users WHERE organization_id = :org ORDER BY random() LIMIT 1),
                   row_number() OVER (), 'open', 1, now()
            FROM leads l JOIN companies c ON c.id = l.company_id WHERE l.organization_id = :org
        """), p)  # fmt: skip
        for i in range(20):
            s.add(m.Product(organization_id=org.id, sku=f"SKU{i:02d}", name=f"Service {i:02d}",
                            unit="monthly" if i % 2 else "one_off",
                            unit_price=Decimal(100 + 37 * i), tax_rate=Decimal("8.25") if i % 5 == 0 else Decimal(0)))  # fmt: skip
        s.flush()
        s.execute(sa.text(f"""
            INSERT INTO proposals (id, organization_id, opportunity_id, proposal_number, version,
                is_latest, title, status, discount_type, discount_percentage, subtotal,
                discount_amount, tax_rate, tax_amount, total_amount, view_count, custom_sections,
                created_by, created_at, updated_at, valid_until)
            SELECT gen_random_uuid(), :org, d.id, 'P-2026-' || lpad(g::text, 5, '0'), 1, true,
                   'Proposal ' || g || ' for ' || d.name,
                   (ARRAY['draft','sent','viewed','accepted','rejected','expired'])[1 + g % 6]::proposal_status,
                   'percent', 5, 3000, 150, 0, 0, 2850, 0, '[]', d.owner_id,
                   now() - (g || ' minutes')::interval, now(), current_date + 30
            FROM generate_series(1, {N_PROPOSALS}) g
            JOIN LATERAL (SELECT id, name, owner_id FROM opportunities
                          WHERE organization_id = :org OFFSET (g % {N_DEALS}) LIMIT 1) d ON true
        """), p)  # fmt: skip
        s.execute(sa.text("""
            INSERT INTO proposal_line_items (id, organization_id, proposal_id, product_id, position,
                description, quantity, unit_price, discount_percentage, tax_rate, line_total)
            SELECT gen_random_uuid(), :org, pr.id, pd.id, n, pd.name, 1, 1000, 0, 0, 1000
            FROM proposals pr CROSS JOIN generate_series(0, 2) n
            JOIN LATERAL (SELECT id, name FROM products WHERE organization_id = :org
                          OFFSET n LIMIT 1) pd ON true
            WHERE pr.organization_id = :org"""), p)  # fmt: skip
        s.execute(sa.text("ANALYZE"))
        return actor_for(s, manager), org.id


def median_ms(fn: Callable[[], object], repeat: int = REPEAT) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def raw_tenant(actor, sql: str, params: dict) -> Callable[[], object]:  # type: ignore[no-untyped-def]
    def run() -> object:
        with db.tenant_session(actor) as s:
            out = None
            for stmt in sql.split(";"):
                if stmt.strip():
                    out = (
                        s.execute(sa.text(stmt), params).all()
                        if "SELECT" in stmt.split()[0].upper()
                        else s.execute(sa.text(stmt), params)
                    )
            return out

    return run


def main() -> None:
    from smartweb_ui.services import proposals as ps
    from smartweb_ui.services.core.unit_of_work import in_tenant

    if setup_database(keep="--keep" in sys.argv):
        actor, org_id = seeded()
    else:
        t0 = time.perf_counter()
        actor, org_id = seed()
        print(f"seeded {N_PROPOSALS:,} proposals in {time.perf_counter() - t0:.1f}s")
    # What autovacuum gives a live database: statistics, and the GIN indexes' pending lists
    # merged (with a long pending list the planner prices the trigram indexes out).
    with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    deal = in_tenant(
        actor, lambda s, a: s.execute(sa.text("SELECT id FROM opportunities LIMIT 1")).scalar_one()
    )
    pid = in_tenant(actor, ps.create_proposal, deal)
    products = in_tenant(actor, lambda s, a: [r.id for r in ps.catalog(s, a).rows])
    for prod in products[:10]:
        in_tenant(actor, ps.add_line, pid, prod)
    in_tenant(actor, ps.set_discount, pid, "percent", Decimal(10))
    line = in_tenant(actor, ps.proposal_view, pid).lines[3].id
    qty = iter(range(2, 10_000))

    def edit() -> object:  # what the door runs for one quantity edit: change + fresh view
        def step(s, a):  # type: ignore[no-untyped-def]
            ps.update_line(s, a, pid, line, Decimal(next(qty)), Decimal(5))
            return ps.proposal_view(s, a, pid), ps.history(s, a, pid)

        return in_tenant(actor, step)

    edit_raw = raw_tenant(actor, """
        SELECT * FROM proposals WHERE id = :p FOR UPDATE;
        UPDATE proposal_line_items SET quantity = quantity + 1, line_total = quantity * unit_price WHERE id = :l;
        SELECT * FROM proposal_line_items WHERE proposal_id = :p ORDER BY position;
        UPDATE proposals SET subtotal = (SELECT sum(line_total) FROM proposal_line_items WHERE proposal_id = :p), updated_at = now() WHERE id = :p;
        INSERT INTO audit_logs (id, organization_id, action, entity_type, entity_id, changes) VALUES (gen_random_uuid(), :o, 'x', 'proposal', :p, '{}');
        SELECT * FROM proposals WHERE id = :p;
        SELECT * FROM products WHERE organization_id = :o AND is_active;
        SELECT * FROM contacts WHERE organization_id = :o LIMIT 5
    """, {"p": pid, "l": line, "o": org_id})  # fmt: skip
    rows = [("builder edit (update_line + view)", median_ms(edit), median_ms(edit_raw))]

    list_raw = """
        SELECT count(*) FROM proposals p JOIN opportunities o ON o.id = p.opportunity_id
          LEFT JOIN leads l ON l.id = o.lead_id LEFT JOIN companies c ON c.id = l.company_id
          WHERE p.organization_id = :o AND p.is_latest AND p.deleted_at IS NULL {w};
        SELECT p.id, p.proposal_number, p.title, o.name, c.name, p.total_amount, p.status, p.version,
          p.valid_until, u.full_name FROM proposals p JOIN opportunities o ON o.id = p.opportunity_id
          LEFT JOIN leads l ON l.id = o.lead_id LEFT JOIN companies c ON c.id = l.company_id
          LEFT JOIN users u ON u.id = p.created_by
          WHERE p.organization_id = :o AND p.is_latest AND p.deleted_at IS NULL {w}
          ORDER BY p.created_at DESC, p.id DESC LIMIT 25 OFFSET {off}"""
    cases = [
        ("list: first page", ps.ProposalFilters(), "", 0),
        ("list: status = sent", ps.ProposalFilters(status="sent"), "AND p.status = 'sent'", 0),
        ("list: page 600 of 1,200", ps.ProposalFilters(page=600), "", 599 * 25),
        ("list: search '0042 roofing'", ps.ProposalFilters(search="0042 Roofing"),
         "AND (p.title ILIKE '%0042 Roofing%' OR c.name ILIKE '%0042 Roofing%')", 0),
    ]  # fmt: skip
    for label, filters, where, off in cases:
        svc = median_ms(lambda f=filters: in_tenant(actor, ps.list_proposals, f))
        raw = median_ms(raw_tenant(actor, list_raw.format(w=where, off=off), {"o": org_id}))
        rows.append((label, svc, raw))

    in_tenant(actor, ps.set_section, pid, "executive_summary", "**Plan**\n\n- one\n- two\n" * 20)
    pdf_ms = median_ms(lambda: in_tenant(actor, ps.proposal_pdf, pid), repeat=10)
    size = len(in_tenant(actor, ps.proposal_pdf, pid)[1])
    print(f"\n{'case':40} {'service ms':>11} {'raw SQL ms':>11} {'ratio':>7}")
    for label, svc, raw in rows:
        print(f"{label:40} {svc:11.1f} {raw:11.1f} {svc / raw:7.2f}")
    print(
        f"{'PDF render (10 lines, 4 sections)':40} {pdf_ms:11.1f} {'':>11} {'':>7}  ({size:,} bytes)"
    )


if __name__ == "__main__":
    main()
