"""Row-level security: another organization's rows are invisible and untouchable."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, select

import smartweb_ui.models as m
from smartweb_ui.db import apply_tenant, system_session, tenant_session

pytestmark = pytest.mark.db


def tenant_tables() -> list[sa.Table]:
    """Every table carrying organization_id, found by walking the metadata."""
    return [t for t in SQLModel.metadata.sorted_tables if "organization_id" in t.c]


def test_every_table_but_the_catalog_is_tenant_owned() -> None:
    owned = {t.name for t in tenant_tables()} | {"organizations"}
    # permissions: the catalog; sign_in_failures: throttling before any organization is known
    assert set(SQLModel.metadata.tables) - owned == {"permissions", "sign_in_failures"}


def test_rls_is_enabled_with_a_policy_on_every_tenant_table(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT c.relname, c.relrowsecurity, count(p.polname) FROM pg_class c "
                "LEFT JOIN pg_policy p ON p.polrelid = c.oid "
                "WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' "
                "GROUP BY c.relname, c.relrowsecurity"
            )
        ).all()
    status = {name: (rls, n) for name, rls, n in rows}
    for table in [*(t.name for t in tenant_tables()), "organizations"]:
        assert status[table] == (True, 1), table


def _fill_every_table(org_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """One row in each tenant table for the organization (through the ORM, as the owner)."""
    from decimal import Decimal

    from smartweb_ui.models.base import utcnow

    now = utcnow()
    with system_session() as s:
        company = m.Company(organization_id=org_id, name=f"Co {org_id}")
        s.add(company)
        s.flush()
        lead = m.Lead(organization_id=org_id, company_id=company.id)
        pipe = m.Pipeline(organization_id=org_id, name="Main")
        product = m.Product(organization_id=org_id, sku="S1", name="Svc")
        camp = m.AICallCampaign(organization_id=org_id, name="C1")
        s.add_all([lead, pipe, product, camp])
        s.flush()
        stage = m.PipelineStage(organization_id=org_id, pipeline_id=pipe.id, name="New", position=0)
        s.add(stage)
        s.flush()
        opp = m.Opportunity(
            organization_id=org_id,
            lead_id=lead.id,
            pipeline_id=pipe.id,
            current_stage_id=stage.id,
            name="Deal",
            value=Decimal("10.00"),
            stage_entered_at=now,
        )
        s.add(opp)
        s.flush()
        inter = m.Interaction(organization_id=org_id, lead_id=lead.id, type=m.InteractionType.NOTE)
        prop = m.Proposal(
            organization_id=org_id, opportunity_id=opp.id, proposal_number="P-1", title="P"
        )
        sess = m.UserSession(
            organization_id=org_id, user_id=user_id, token_hash=uuid.uuid4().hex, expires_at=now
        )
        s.add_all([inter, prop, sess])
        s.flush()
        s.add_all(
            [
                m.LeadEnrichment(
                    organization_id=org_id, lead_id=lead.id, provider="x", enriched_at=now
                ),
                m.LeadTag(organization_id=org_id, lead_id=lead.id, tag="hot"),
                m.OpportunityStageHistory(
                    organization_id=org_id, opportunity_id=opp.id, to_stage_id=stage.id
                ),
                m.ProposalLineItem(organization_id=org_id, proposal_id=prop.id, description="L"),
                m.Contract(
                    organization_id=org_id,
                    opportunity_id=opp.id,
                    proposal_id=prop.id,
                    contract_number="C-1",
                    title="C",
                ),
                m.AICall(organization_id=org_id, campaign_id=camp.id, lead_id=lead.id),
                m.Task(organization_id=org_id, title="T", lead_id=lead.id),
                m.CallEvent(
                    organization_id=org_id,
                    provider="simulator",
                    event_id=uuid.uuid4().hex,
                    provider_call_id="c",
                    type="queued",
                ),
                m.CallWebhookSecret(organization_id=org_id, current_secret=uuid.uuid4().hex),
                m.VerificationToken(
                    organization_id=org_id,
                    user_id=user_id,
                    purpose="reset",
                    token_hash=uuid.uuid4().hex,
                    expires_at=now,
                ),
                m.OAuthAccount(
                    organization_id=org_id,
                    user_id=user_id,
                    provider="google",
                    provider_account_id=uuid.uuid4().hex,
                ),
                m.AuditLog(organization_id=org_id, action="x", entity_type="y"),
                m.SavedView(organization_id=org_id, user_id=user_id, name="Mine"),
                m.LeadRoundRobin(organization_id=org_id, user_id=user_id),
                m.DownloadTicket(
                    organization_id=org_id,
                    user_id=user_id,
                    session_id=sess.id,
                    purpose="leads.csv",
                    expires_at=now,
                ),
                m.Contact(organization_id=org_id, company_id=company.id, full_name="Pat"),
                m.DocumentCounter(organization_id=org_id, kind="proposal", year=2026),
                m.ProposalLink(
                    organization_id=org_id, proposal_id=prop.id, token_hash=uuid.uuid4().hex
                ),
                m.ApprovalRequest(organization_id=org_id, proposal_id=prop.id),
                m.OutboxEmail(
                    organization_id=org_id,
                    proposal_id=prop.id,
                    to_email="a@b.test",
                    subject="S",
                    body="B",
                ),
            ]
        )


def test_raw_sql_under_the_app_role_touches_no_other_org_row(org, other_org) -> None:  # type: ignore[no-untyped-def]
    _fill_every_table(org.id, org.users["admin"])
    tables = tenant_tables()
    with system_session() as s:
        for t in tables:
            n = s.execute(
                sa.select(sa.func.count()).select_from(t).where(t.c.organization_id == org.id)
            ).scalar_one()
            assert n >= 1, f"fixture left {t.name} empty"
    from sqlmodel import Session

    from smartweb_ui.db import get_engine

    with Session(get_engine()) as s:
        apply_tenant(s, other_org.id)
        for t in [*tables, SQLModel.metadata.tables["organizations"]]:
            key = t.c.id if t.name == "organizations" else t.c.organization_id
            seen = s.execute(
                sa.text(f"SELECT count(*) FROM {t.name} WHERE {key.name} = :o"), {"o": org.id}
            ).scalar_one()
            assert seen == 0, t.name
            upd = s.execute(
                sa.text(f"UPDATE {t.name} SET {key.name} = {key.name} WHERE {key.name} = :o"),
                {"o": org.id},
            )
            assert upd.rowcount == 0, t.name
            dele = s.execute(sa.text(f"DELETE FROM {t.name} WHERE {key.name} = :o"), {"o": org.id})
            assert dele.rowcount == 0, t.name
        s.rollback()


def test_no_org_set_means_no_rows(org) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import Session

    from smartweb_ui.config import settings
    from smartweb_ui.db import get_engine

    with Session(get_engine()) as s:
        s.execute(sa.text(f'SET LOCAL ROLE "{settings.app_role}"'))
        assert s.execute(sa.text("SELECT count(*) FROM users")).scalar_one() == 0


def test_insert_into_another_org_is_refused(org, other_org) -> None:  # type: ignore[no-untyped-def]
    actor = org.actors["admin"]
    with (
        pytest.raises(sa.exc.ProgrammingError, match="row-level security"),
        tenant_session(actor) as s,
    ):
        s.add(m.Company(organization_id=other_org.id, name="Sneaky"))
        s.flush()


def test_tenant_session_sees_only_own_users(org, other_org) -> None:  # type: ignore[no-untyped-def]
    with tenant_session(org.actors["manager"]) as s:
        orgs = {u.organization_id for u in s.exec(select(m.User)).all()}
    assert orgs == {org.id}
