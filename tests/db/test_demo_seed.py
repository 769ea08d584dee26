"""The demo seed: who can sign in, what a first look at the app shows, and that the data adds up."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import select

from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.models import Company, Lead, LeadSource, LeadStatus, Organization, User
from smartweb_ui.seed.demo import is_database_empty, seed_demo
from smartweb_ui.services.access.accounts import actor_for, role_names_of, verify_password
from smartweb_ui.services.core.errors import Conflict
from smartweb_ui.services.leads.scoring import rescore, scoring_config
from smartweb_ui.services.leads.sla import first_contact_due

pytestmark = pytest.mark.db

DEMO = "demo-trades"
LOGINS = {
    ("admin@demo.smartweb.test", "Admin"),
    ("manager@demo.smartweb.test", "Sales Manager"),
    ("rep@demo.smartweb.test", "Sales Rep"),
    ("rep2@demo.smartweb.test", "Sales Rep"),
    ("exec@demo.smartweb.test", "Executive"),
    ("manager@rival.smartweb.test", "Sales Manager"),
    ("rep@rival.smartweb.test", "Sales Rep"),
}


def scalar(conn: sa.Connection, sql: str, **params: Any) -> Any:
    return conn.execute(sa.text(sql), params).scalar_one()


def demo_id(conn: sa.Connection) -> Any:
    return scalar(conn, "SELECT id FROM organizations WHERE slug = :s", s=DEMO)


def test_demo_logins_sign_in_with_their_roles(engine: sa.Engine) -> None:
    with system_session() as s:
        assert is_database_empty(s)
    report = seed_demo(password="demo-pass-1")
    assert set(report["logins"]) == LOGINS
    with system_session() as s:
        assert not is_database_empty(s)
        orgs = {o.slug: o for o in s.exec(select(Organization)).all()}
        assert set(orgs) == {DEMO, "rival-roofing"}
        assert orgs[DEMO].name == "Demo Trades Co"
        assert orgs[DEMO].timezone == "America/Chicago"
        settings = orgs[DEMO].settings
        assert settings["sla_first_contact_hours"] == 4
        assert "Went with competitor" in settings["lost_reasons"]
        assert settings["scoring"]["rules"] and settings["round_robin"]["eligible_roles"]
        for email, role in LOGINS:
            user = s.exec(select(User).where(User.email == email)).one()
            assert role_names_of(s, user.id) == [role]
            assert verify_password("demo-pass-1", user.password_hash)
            assert user.full_name and user.job_title
        manager = s.exec(select(User).where(User.email == "manager@demo.smartweb.test")).one()
        assert manager.full_name == "Morgan Reyes"


def test_scale_one_volumes_and_pipelines(engine: sa.Engine) -> None:
    counts = seed_demo()["counts"]
    with engine.connect() as conn:
        org = demo_id(conn)
        per_org = dict(
            conn.execute(
                sa.text(
                    "SELECT o.slug, count(c.id) FROM organizations o "
                    "JOIN companies c ON c.organization_id = o.id GROUP BY o.slug"
                )
            ).all()
        )
        assert per_org == {DEMO: 300, "rival-roofing": 40}
        assert counts["leads"] == counts["companies"] == 340
        assert 140 <= scalar(conn, "SELECT count(*) FROM opportunities WHERE organization_id = :o", o=org) <= 160  # fmt: skip
        assert counts["interactions"] > 1000 and counts["tasks"] > 100 and counts["ai_calls"] > 80
        assert counts["proposals"] >= 30 and counts["contracts"] >= 5 and counts["products"] >= 20
        pipelines = conn.execute(
            sa.text(
                "SELECT p.name, p.is_default, count(*) FILTER (WHERE s.is_won), "
                "count(*) FILTER (WHERE s.is_lost), count(*) FROM pipelines p "
                "JOIN pipeline_stages s ON s.pipeline_id = p.id "
                "WHERE p.organization_id = :o GROUP BY p.name, p.is_default ORDER BY p.name"
            ),
            {"o": org},
        ).all()
        assert [tuple(r) for r in pipelines] == [
            ("New Business", True, 1, 1, 7),
            ("Renewals & Upsell", False, 1, 1, 6),
        ]
        # The board shows a stage over its WIP limit and deals rotting in their stage.
        over_wip = scalar(
            conn,
            "SELECT count(*) FROM pipeline_stages s WHERE s.organization_id = :o "
            "AND s.wip_limit < (SELECT count(*) FROM opportunities d "
            "WHERE d.current_stage_id = s.id AND d.status = 'open')",
            o=org,
        )
        stuck = scalar(
            conn,
            "SELECT count(*) FROM opportunities d JOIN pipeline_stages s ON s.id = d.current_stage_id "
            "WHERE d.organization_id = :o AND d.status = 'open' "
            "AND d.stage_entered_at < now() - make_interval(days => s.rotting_days)",
            o=org,
        )
        assert over_wip >= 1 and stuck >= 3


def test_seeded_data_is_consistent(engine: sa.Engine) -> None:
    seed_demo()
    checks = {
        # weighted value = value x stage probability for every open deal
        "weighted": "SELECT count(*) FROM opportunities d JOIN pipeline_stages s "
        "ON s.id = d.current_stage_id WHERE d.status = 'open' AND (d.probability <> s.probability "
        "OR d.weighted_value <> round(d.value * d.probability / 100, 2))",
        # won/lost deals sit in the Won/Lost stage with a close date; lost ones have a reason
        "closed": "SELECT count(*) FROM opportunities d JOIN pipeline_stages s "
        "ON s.id = d.current_stage_id WHERE (d.status = 'won') <> s.is_won "
        "OR (d.status = 'lost') <> s.is_lost OR ((d.status <> 'open') <> (d.actual_close_date IS NOT NULL)) "
        "OR (d.status = 'lost' AND d.closed_reason IS NULL)",
        # history: first row is the creation (no from-stage), then strictly later moves that
        # chain stage to stage, with the seconds spent matching the gaps
        "history": "SELECT count(*) FROM (SELECT h.*, lag(h.moved_at) OVER w AS prev_at, "
        "lag(h.to_stage_id) OVER w AS prev_stage, row_number() OVER w AS n "
        "FROM opportunity_stage_history h WINDOW w AS (PARTITION BY opportunity_id ORDER BY moved_at)) x "
        "WHERE (n = 1 AND from_stage_id IS NOT NULL) OR (n > 1 AND (moved_at <= prev_at "
        "OR from_stage_id <> prev_stage "
        "OR seconds_in_from_stage <> extract(epoch FROM moved_at - prev_at)::int))",
        "history_ends_at_stage": "SELECT count(*) FROM opportunities d WHERE d.stage_entered_at <> "
        "(SELECT max(moved_at) FROM opportunity_stage_history h WHERE h.opportunity_id = d.id) "
        "OR d.current_stage_id <> (SELECT to_stage_id FROM opportunity_stage_history h "
        "WHERE h.opportunity_id = d.id ORDER BY moved_at DESC LIMIT 1) "
        "OR d.created_at <> (SELECT min(moved_at) FROM opportunity_stage_history h WHERE h.opportunity_id = d.id)",
        "positions": "SELECT count(*) FROM (SELECT position, row_number() OVER "
        "(PARTITION BY current_stage_id ORDER BY position) - 1 AS want FROM opportunities) x "
        "WHERE position <> want",
        "deal_leads": "SELECT count(*) FROM opportunities d JOIN leads l ON l.id = d.lead_id "
        "WHERE l.status NOT IN ('converted', 'qualified') OR l.created_at > d.created_at",
        "phones": "SELECT count(*) - count(DISTINCT (organization_id, phone)) FROM companies",
        # proposals: line totals, subtotal, discount, tax and total add up to the cent
        "lines": "SELECT count(*) FROM proposal_line_items "
        "WHERE line_total <> round(quantity * unit_price * (1 - discount_percentage / 100), 2)",
        "totals": "SELECT count(*) FROM proposals p JOIN (SELECT proposal_id, sum(line_total) AS sub, "
        "sum(x.tax) AS tax FROM (SELECT li.*, round(li.line_total * (1 - p2.discount_percentage / 100) "
        "* li.tax_rate / 100, 2) AS tax FROM proposal_line_items li JOIN proposals p2 "
        "ON p2.id = li.proposal_id) x GROUP BY proposal_id) t ON t.proposal_id = p.id "
        "WHERE p.subtotal <> t.sub OR p.tax_amount <> t.tax "
        "OR p.discount_amount <> round(p.subtotal * p.discount_percentage / 100, 2) "
        "OR p.total_amount <> p.subtotal - p.discount_amount + p.tax_amount",
        "contracts": "SELECT count(*) FROM contracts c JOIN proposals p ON p.id = c.proposal_id "
        "JOIN opportunities d ON d.id = c.opportunity_id "
        "WHERE p.status <> 'accepted' OR d.status <> 'won' OR c.total_value <> p.total_amount",
        # leads: nobody contacted a new lead; contacted ones carry their first/last touch
        "new_untouched": "SELECT count(*) FROM leads l WHERE l.status = 'new' AND (l.first_contact_at "
        "IS NOT NULL OR l.contact_attempts > 0 OR EXISTS (SELECT 1 FROM interactions i WHERE i.lead_id = l.id))",
        "touches": "SELECT count(*) FROM leads l JOIN (SELECT lead_id, min(created_at) AS f, "
        "max(created_at) AS m FROM interactions GROUP BY lead_id) i ON i.lead_id = l.id "
        "WHERE l.first_contact_at <> i.f OR l.last_contact_at <> i.m OR l.first_contact_at < l.created_at",
        "scores": "SELECT count(*) FROM leads l WHERE l.lead_score <> greatest(0, least(100, "
        "(SELECT coalesce(sum((b ->> 'points')::int), 0) FROM jsonb_array_elements(l.score_breakdown) b)))",
        "lost_reason": "SELECT count(*) FROM leads WHERE (status = 'lost') <> (lost_reason IS NOT NULL)",
        "ai_calls": "SELECT count(*) FROM ai_calls c LEFT JOIN interactions i ON i.id = c.interaction_id "
        "WHERE (c.status = 'completed') <> (i.id IS NOT NULL AND i.type = 'ai_call' AND i.lead_id = c.lead_id)",
        "future": "SELECT (SELECT count(*) FROM interactions WHERE created_at > now()) "
        "+ (SELECT count(*) FROM opportunity_stage_history WHERE moved_at > now()) "
        "+ (SELECT count(*) FROM leads WHERE created_at > now())",
        "cross_org": "SELECT (SELECT count(*) FROM leads l JOIN companies c ON c.id = l.company_id "
        "WHERE c.organization_id <> l.organization_id) + (SELECT count(*) FROM opportunities d "
        "JOIN pipelines p ON p.id = d.pipeline_id WHERE p.organization_id <> d.organization_id) "
        "+ (SELECT count(*) FROM tasks t JOIN users u ON u.id = t.assigned_to "
        "WHERE u.organization_id <> t.organization_id)",
    }
    with engine.connect() as conn:
        bad = {name: scalar(conn, sql) for name, sql in checks.items()}
        assert bad == dict.fromkeys(checks, 0)
        org = demo_id(conn)
        statuses = set(conn.execute(sa.text("SELECT DISTINCT status FROM leads WHERE organization_id = :o"), {"o": org}).scalars())  # fmt: skip
        sources = set(conn.execute(sa.text("SELECT DISTINCT source FROM leads WHERE organization_id = :o"), {"o": org}).scalars())  # fmt: skip
        assert statuses == {s.value for s in LeadStatus}
        assert sources == {s.value for s in LeadSource}
        stage_kinds = scalar(
            conn,
            "SELECT count(DISTINCT current_stage_id) FROM opportunities WHERE organization_id = :o",
            o=org,
        )
        assert stage_kinds == 13  # every stage of both pipelines holds deals
    # The lead services would compute the same score and SLA deadline as the seed stored.
    with system_session() as s:
        orgs = {o.id: o for o in s.exec(select(Organization)).all()}
        rows = s.exec(select(Lead, Company).join(Company, Company.id == Lead.company_id)).all()
        today = datetime.now(UTC).date()
        for lead, company in rows:
            org = orgs[lead.organization_id]
            due = first_contact_due(lead.created_at, org.settings, org.timezone)
            assert lead.sla_due_at == due
            assert not rescore(s, lead, company, scoring_config(org.settings), today), lead.id
        s.rollback()


def test_the_demo_rep_has_a_day_of_work(engine: sa.Engine) -> None:
    seed_demo()
    with engine.connect() as conn:
        rep = scalar(conn, "SELECT id FROM users WHERE email = 'rep@demo.smartweb.test'")
        tasks = conn.execute(
            sa.text(
                "SELECT count(*) FILTER (WHERE due_at < now()), "
                "count(*) FILTER (WHERE due_at >= now()) FROM tasks "
                "WHERE assigned_to = :u AND status = 'open'"
            ),
            {"u": rep},
        ).one()
        assert tasks[0] >= 3 and tasks[1] >= 3
        new_leads = scalar(conn, "SELECT count(*) FROM leads WHERE assigned_to = :u AND status = 'new'", u=rep)  # fmt: skip
        open_deals = scalar(conn, "SELECT count(*) FROM opportunities WHERE owner_id = :u AND status = 'open'", u=rep)  # fmt: skip
        unassigned = scalar(conn, "SELECT count(*) FROM leads WHERE assigned_to IS NULL AND status = 'new'")  # fmt: skip
        assert new_leads >= 3 and open_deals >= 5 and unassigned >= 5


def test_rival_roofing_sees_only_its_own_data(engine: sa.Engine) -> None:
    seed_demo()
    with system_session() as s:
        rival = s.exec(select(User).where(User.email == "manager@rival.smartweb.test")).one()
        actor = actor_for(s, rival)
    with tenant_session(actor) as s:
        companies = s.exec(select(Company.name)).all()
        leads = s.exec(select(Lead)).all()
    assert len(companies) == 40 and len(leads) == 40
    assert {lead.organization_id for lead in leads} == {actor.organization_id}


def test_seed_is_deterministic_and_needs_an_empty_database(engine: sa.Engine) -> None:
    def snapshot() -> list[list[str]]:
        queries = [
            "SELECT name FROM companies ORDER BY name, phone",
            "SELECT name || value FROM opportunities ORDER BY 1",
            "SELECT proposal_number || total_amount FROM proposals ORDER BY 1",
        ]
        with engine.connect() as conn:
            return [list(conn.execute(sa.text(sql)).scalars()) for sql in queries]

    seed_demo(seed=7)
    first = snapshot()
    with pytest.raises(Conflict):
        seed_demo(seed=7)
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE organizations CASCADE"))
    seed_demo(seed=7)
    assert snapshot() == first
    with engine.begin() as conn:
        conn.execute(sa.text("TRUNCATE organizations CASCADE"))
    seed_demo(seed=8)
    assert snapshot()[0] != first[0]
