"""A small hand-built sales history for the dashboard tests (every expected number is worked
out by hand in the comments of ``test_analytics.py``; nothing is re-derived by the code).

The ``world`` (module-wide, read-only) and ``fresh_world`` (one test's own, writable) fixtures
in ``tests/db/conftest.py`` build it; tests import ``TODAY``, ``World`` and ``chi`` from here.

Organization "Acme Plumbing" in America/Chicago, "today" = 2026-03-31.

Pipeline Sales (default): Lead 0 (10%), Qualified 1 (30%), Proposal 2 (60%), Won 3, Lost 4.
Pipeline Renewals: Open 0 (50%), Won 1, Lost 2.

Deals (value, status, close day, owner, created):
  D1  Sales  won  10000.00  2026-03-05          rep   2026-01-10  lead L0 (referral)
  D2  Sales  won   5000.00  no date; entered Won 2026-03-31 23:30 Chicago (04-01 UTC)
                                               rep2  2026-03-01 10:00  lead L4 (website)
  D3  Sales  won   2500.50  2026-02-10          rep   2026-02-01
  D4  Sales  lost  8000.00  2026-03-10 Price    rep   2026-03-01 09:00
  D5  Sales  lost  3000.00  2026-03-12 Price    rep2  2026-02-28 23:30 Chicago (03-01 UTC)
  D6  Sales  lost  1000.00  2026-03-20 Timing   rep2  2026-03-02
  D7  Sales  open 20000.00  Proposal, exp 2026-04-15  rep   2026-03-02 09:00  lead L1
  D8  Sales  open  4000.00  Qualified, exp 2026-03-25 rep2  2026-03-08 11:00  lead L5
  D9  Sales  open  1500.00  Lead, no exp date, no history   -     2026-03-04
  D10 Renew  won   7000.00  2025-03-15          rep   2025-02-01
  D11 Renew  open  6000.00  Open, exp 2026-01-10 (overdue)  rep   2025-12-01
  D12 Sales  won    999.00  2026-03-06  DELETED
  D13 Sales  open 50000.00  Lead  ARCHIVED      rep   2025-06-01
  D14 Sales  won   1200.00  no date; entered Won 2026-02-28 23:30 Chicago (03-01 UTC)
                                               rep2  2026-02-18 12:00
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa

import smartweb_ui.models as m

from .orgs import OrgFixture, build_org

CHI = ZoneInfo("America/Chicago")
TODAY = date(2026, 3, 31)


def chi(y: int, mo: int, d: int, h: int = 12, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=CHI)


@dataclass
class World:
    org: Any
    sales: UUID
    renewals: UUID
    stages: dict[str, UUID] = field(default_factory=dict)
    deals: dict[str, UUID] = field(default_factory=dict)
    leads: dict[str, UUID] = field(default_factory=dict)
    campaigns: dict[str, UUID] = field(default_factory=dict)
    other_org: Any = None


def _stage(s: Any, org_id: UUID, pipe: UUID, name: str, pos: int, prob: str, **kw: Any) -> UUID:
    st = m.PipelineStage(
        organization_id=org_id,
        pipeline_id=pipe,
        name=name,
        position=pos,
        probability=Decimal(prob),
        **kw,
    )
    s.add(st)
    s.flush()
    return st.id


def build_world(org: Any, other_org: Any) -> World:
    from smartweb_ui.db import system_session

    rep, rep2 = org.users["rep"], org.users["rep2"]
    with system_session() as s:
        s.get(m.Organization, org.id).timezone = "America/Chicago"
        sales = m.Pipeline(organization_id=org.id, name="Sales", is_default=True, position=0)
        renew = m.Pipeline(organization_id=org.id, name="Renewals", position=1)
        s.add_all([sales, renew])
        s.flush()
        w = World(org=org, sales=sales.id, renewals=renew.id, other_org=other_org)
        for name, pos, prob, kw in [
            ("Lead", 0, "10", {}),
            ("Qualified", 1, "30", {}),
            ("Proposal", 2, "60", {}),
            ("Won", 3, "100", {"is_won": True}),
            ("Lost", 4, "0", {"is_lost": True}),
        ]:
            w.stages[name] = _stage(s, org.id, sales.id, name, pos, prob, **kw)
        for name, pos, prob, kw in [
            ("R-Open", 0, "50", {}),
            ("R-Won", 1, "100", {"is_won": True}),
            ("R-Lost", 2, "0", {"is_lost": True}),
        ]:
            w.stages[name] = _stage(s, org.id, renew.id, name, pos, prob, **kw)

        def company_lead(key: str, source: str, created: datetime, **kw: Any) -> None:
            co = m.Company(organization_id=org.id, name=f"{key} Heating Co")
            s.add(co)
            s.flush()
            lead = m.Lead(
                organization_id=org.id,
                company_id=co.id,
                source=m.LeadSource(source),
                created_at=created,
                **kw,
            )
            s.add(lead)
            s.flush()
            w.leads[key] = lead.id

        conv = {"status": m.LeadStatus.CONVERTED, "converted_at": chi(2026, 3, 9)}
        company_lead("L0", "referral", chi(2026, 1, 5))
        company_lead("L1", "referral", chi(2026, 3, 2, 8), **conv)
        company_lead("L2", "referral", chi(2026, 3, 5))
        company_lead("L3", "website", chi(2026, 3, 6), status=m.LeadStatus.QUALIFIED)
        company_lead("L4", "website", chi(2026, 2, 28, 23, 30))  # March 1 in UTC
        company_lead("L5", "ai_campaign", chi(2026, 3, 7, 9), **conv)

        def deal(
            key: str,
            pipe: UUID,
            stage: str,
            value: str,
            status: str,
            created: datetime,
            *,
            owner: UUID | None = None,
            closed: date | None = None,
            entered: datetime | None = None,
            **kw: Any,
        ) -> None:
            st = s.get(m.PipelineStage, w.stages[stage])
            value_d = Decimal(value)
            o = m.Opportunity(
                organization_id=org.id,
                pipeline_id=pipe,
                current_stage_id=st.id,
                name=key,
                value=value_d,
                probability=st.probability,
                weighted_value=(value_d * st.probability / 100).quantize(Decimal("0.01")),
                status=m.OpportunityStatus(status),
                actual_close_date=closed,
                owner_id=owner,
                created_at=created,
                stage_entered_at=entered or created,
                **kw,
            )
            s.add(o)
            s.flush()
            w.deals[key] = o.id

        deal("D1", sales.id, "Won", "10000.00", "won", chi(2026, 1, 10), owner=rep,
             closed=date(2026, 3, 5), lead_id=w.leads["L0"])  # fmt: skip
        deal("D2", sales.id, "Won", "5000.00", "won", chi(2026, 3, 1, 10), owner=rep2,
             entered=chi(2026, 3, 31, 23, 30), lead_id=w.leads["L4"])  # fmt: skip
        deal("D3", sales.id, "Won", "2500.50", "won", chi(2026, 2, 1), owner=rep,
             closed=date(2026, 2, 10))  # fmt: skip
        deal("D4", sales.id, "Lost", "8000.00", "lost", chi(2026, 3, 1, 9), owner=rep,
             closed=date(2026, 3, 10), closed_reason="Price")  # fmt: skip
        deal("D5", sales.id, "Lost", "3000.00", "lost", chi(2026, 2, 28, 23, 30), owner=rep2,
             closed=date(2026, 3, 12), closed_reason="Price")  # fmt: skip
        deal("D6", sales.id, "Lost", "1000.00", "lost", chi(2026, 3, 2), owner=rep2,
             closed=date(2026, 3, 20), closed_reason="Timing")  # fmt: skip
        deal("D7", sales.id, "Proposal", "20000.00", "open", chi(2026, 3, 2, 9), owner=rep,
             expected_close_date=date(2026, 4, 15), lead_id=w.leads["L1"])  # fmt: skip
        deal("D8", sales.id, "Qualified", "4000.00", "open", chi(2026, 3, 8, 11), owner=rep2,
             expected_close_date=date(2026, 3, 25), lead_id=w.leads["L5"])  # fmt: skip
        deal("D9", sales.id, "Lead", "1500.00", "open", chi(2026, 3, 4))
        deal("D10", renew.id, "R-Won", "7000.00", "won", chi(2025, 2, 1), owner=rep,
             closed=date(2025, 3, 15))  # fmt: skip
        deal("D11", renew.id, "R-Open", "6000.00", "open", chi(2025, 12, 1), owner=rep,
             expected_close_date=date(2026, 1, 10))  # fmt: skip
        deal("D12", sales.id, "Won", "999.00", "won", chi(2026, 3, 1, 12), owner=rep,
             closed=date(2026, 3, 6), deleted_at=chi(2026, 3, 7))  # fmt: skip
        deal("D13", sales.id, "Lead", "50000.00", "open", chi(2025, 6, 1), owner=rep,
             is_archived=True)  # fmt: skip
        deal("D14", sales.id, "Won", "1200.00", "won", chi(2026, 2, 18), owner=rep2,
             entered=chi(2026, 2, 28, 23, 30))  # fmt: skip

        paths = {
            "D2": ["Lead", "Qualified", "Proposal", "Won"],
            "D7": ["Lead", "Qualified", "Proposal"],
            "D8": ["Lead", "Qualified"],
            "D4": ["Lead", "Proposal", "Lost"],
            "D6": ["Lead", "Lost"],
        }
        for key, path in paths.items():
            prev = None
            for i, name in enumerate(path):
                s.add(
                    m.OpportunityStageHistory(
                        organization_id=org.id,
                        opportunity_id=w.deals[key],
                        from_stage_id=w.stages[prev] if prev else None,
                        to_stage_id=w.stages[name],
                        moved_at=chi(2026, 3, 10 + i),
                    )
                )
                prev = name

        def proposal(key: str, deal_key: str, status: str, sent: datetime | None) -> None:
            s.add(
                m.Proposal(
                    organization_id=org.id,
                    opportunity_id=w.deals[deal_key],
                    proposal_number=key,
                    title=key,
                    status=m.ProposalStatus(status),
                    sent_at=sent,
                )
            )

        proposal("P1", "D7", "accepted", chi(2026, 3, 10))
        proposal("P2", "D8", "sent", chi(2026, 3, 31, 23))  # April 1 in UTC
        proposal("P3", "D4", "rejected", chi(2026, 2, 28, 23))  # March 1 in UTC
        proposal("P4", "D9", "draft", None)
        proposal("P5", "D1", "accepted", chi(2026, 3, 3))

        for key, name in [("C1", "Spring HVAC"), ("C2", "Roofers")]:
            c = m.AICallCampaign(organization_id=org.id, name=name)
            s.add(c)
            s.flush()
            w.campaigns[key] = c.id

        attempts: dict[tuple[str, str], int] = {}

        def call(camp: str, lead: str, at: datetime, status: str, outcome: str | None) -> None:
            attempts[camp, lead] = attempts.get((camp, lead), 0) + 1  # one call per attempt
            s.add(
                m.AICall(
                    organization_id=org.id,
                    campaign_id=w.campaigns[camp],
                    lead_id=w.leads[lead],
                    status=m.AICallStatus(status),
                    outcome=m.AICallOutcome(outcome) if outcome else None,
                    attempt=attempts[camp, lead],
                    created_at=at,
                )
            )

        call("C1", "L4", chi(2026, 3, 1, 8), "completed", "interested")
        call("C1", "L5", chi(2026, 3, 7, 10), "no_answer", None)
        call("C1", "L5", chi(2026, 3, 8, 10), "completed", "interested")
        call("C1", "L2", chi(2026, 3, 9), "completed", "not_interested")
        call("C1", "L3", chi(2026, 2, 28, 23), "completed", "interested")  # Feb locally
        call("C2", "L1", chi(2026, 3, 2, 12), "voicemail", "voicemail")

        # Another tenant with a big March win that must never show up.
        op = m.Pipeline(organization_id=other_org.id, name="Sales", is_default=True)
        s.add(op)
        s.flush()
        ost = _stage(s, other_org.id, op.id, "Won", 0, "100", is_won=True)
        s.add(
            m.Opportunity(
                organization_id=other_org.id,
                pipeline_id=op.id,
                current_stage_id=ost,
                name="Rival deal",
                value=Decimal("77777.00"),
                status=m.OpportunityStatus.WON,
                actual_close_date=date(2026, 3, 15),
                owner_id=other_org.users["rep"],
                created_at=chi(2026, 3, 1),
                stage_entered_at=chi(2026, 3, 15),
            )
        )
    return w


def new_world(*, copy: str | None = None) -> World:
    """The two tenants and the history. ``copy`` (a short tag) gives the organizations their
    own slugs and e-mail domains, so the copy can exist next to the shared world."""
    from smartweb_ui.services.access.accounts import slugify

    def tenant(name: str) -> OrgFixture:
        return build_org(name, slug=f"{slugify(name)}-{copy}" if copy else None, can_sign_in=False)

    return build_world(tenant("Acme Plumbing"), tenant("Rival Roofing"))


def world_org_ids(world: World) -> list[UUID]:
    return [world.org.id, world.other_org.id]


def truncate_tenants() -> None:
    from smartweb_ui.db import get_engine

    with get_engine().begin() as conn:
        conn.execute(sa.text("TRUNCATE organizations CASCADE"))


def drop_tenants(org_ids: list[UUID]) -> None:
    """Delete these organizations and everything of theirs (other tenants are left alone)."""
    from smartweb_ui.db import get_engine

    ids = {"ids": list(org_ids)}
    with get_engine().begin() as conn:
        # Deals first: their stage reference is ON DELETE RESTRICT.
        conn.execute(sa.text("DELETE FROM opportunities WHERE organization_id = ANY(:ids)"), ids)
        conn.execute(sa.text("DELETE FROM organizations WHERE id = ANY(:ids)"), ids)


def _tenant_tables(conn: sa.Connection) -> list[str]:
    return list(
        conn.execute(
            sa.text(
                "SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' "
                "AND column_name = 'organization_id' ORDER BY table_name"
            )
        ).scalars()
    )


def fingerprint(org_ids: list[UUID]) -> dict[str, str]:
    """Per table: a digest of every row these organizations own (their own rows included)."""
    from smartweb_ui.db import get_engine

    ids = {"ids": list(org_ids)}
    with get_engine().connect() as conn:
        digests = {}
        for table in ["organizations", *_tenant_tables(conn)]:
            column = "id" if table == "organizations" else "organization_id"
            digests[table] = conn.execute(
                sa.text(
                    f"SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, '|' "
                    f"ORDER BY t::text)), '') FROM {table} t WHERE {column} = ANY(:ids)"
                ),
                ids,
            ).scalar_one()
    return digests
