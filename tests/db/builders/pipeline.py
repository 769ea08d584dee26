"""Pipeline test data shared by the test_pipeline_* modules (``test_pipeline_fixtures.py``
checks the data itself)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session
from smartweb_ui.models.base import utcnow

# name, probability, rotting_days, wip_limit, is_won, is_lost
STAGES = [
    ("Lead In", "10", 7, 3, False, False),
    ("Qualified", "25", None, None, False, False),
    ("Proposal", "50", 14, None, False, False),
    ("Won", "100", None, None, True, False),
    ("Lost", "0", None, None, False, True),
]


@dataclass
class PipeData:
    pipeline: UUID
    stages: dict[str, UUID]
    deals: dict[str, UUID] = field(default_factory=dict)
    companies: dict[str, UUID] = field(default_factory=dict)
    other_pipeline: UUID | None = None
    other_stage: UUID | None = None


def add_deal(
    s: sa.orm.Session,
    org_id: UUID,
    pipe: PipeData,
    stage: str,
    *,
    name: str,
    value: str,
    owner: UUID | None,
    position: int,
    company: UUID | None = None,
    days_in_stage: int = 1,
    close: date | None = None,
    status: m.OpportunityStatus = m.OpportunityStatus.OPEN,
    closed_on: date | None = None,
) -> UUID:
    lead_id = None
    if company:
        lead_id = s.execute(sa.select(m.Lead.id).where(m.Lead.company_id == company)).scalar()
    prob = Decimal(dict((n, p) for n, p, *_ in STAGES)[stage])
    deal = m.Opportunity(
        organization_id=org_id,
        lead_id=lead_id,
        pipeline_id=pipe.pipeline,
        current_stage_id=pipe.stages[stage],
        name=name,
        value=Decimal(value),
        probability=prob,
        weighted_value=(Decimal(value) * prob / 100).quantize(Decimal("0.01")),
        owner_id=owner,
        position=position,
        expected_close_date=close,
        stage_entered_at=utcnow() - timedelta(days=days_in_stage),
        status=status,
        actual_close_date=closed_on,
    )
    s.add(deal)
    s.flush()
    return deal.id


def make_pipeline(org, *, name: str = "Sales", deals: bool = True) -> PipeData:  # type: ignore[no-untyped-def]
    """Stages per STAGES; companies; deals for rep, rep2 and manager; a second pipeline."""
    today = date.today()
    with system_session() as s:
        pipeline = m.Pipeline(organization_id=org.id, name=name, is_default=True)
        other = m.Pipeline(organization_id=org.id, name=f"{name} renewals", position=1)
        s.add_all([pipeline, other])
        s.flush()
        stages = {}
        for pos, (sname, prob, rot, wip, won, lost) in enumerate(STAGES):
            st = m.PipelineStage(
                organization_id=org.id,
                pipeline_id=pipeline.id,
                name=sname,
                position=pos,
                probability=Decimal(prob),
                rotting_days=rot,
                wip_limit=wip,
                is_won=won,
                is_lost=lost,
            )
            s.add(st)
            s.flush()
            stages[sname] = st.id
        other_stage = m.PipelineStage(
            organization_id=org.id, pipeline_id=other.id, name="Renewal due", position=0
        )
        s.add(other_stage)
        s.flush()
        data = PipeData(pipeline.id, stages, other_pipeline=other.id, other_stage=other_stage.id)
        for key, cname in [
            ("acme", "Acme Heating"),
            ("blue", "Blue Pipe Co"),
            ("zen", "Zen Roofing"),
        ]:
            c = m.Company(organization_id=org.id, name=f"{cname} {org.id.hex[:4]}")
            s.add(c)
            s.flush()
            s.add(m.Lead(organization_id=org.id, company_id=c.id))
            data.companies[key] = c.id
        s.flush()
        if not deals:
            return data
        rep, rep2, mgr = org.users["rep"], org.users["rep2"], org.users["manager"]
        spec = [
            # key, stage, value, owner, company, days, close
            ("r1", "Lead In", "1000.00", rep, "acme", 10, today - timedelta(days=3)),
            ("r2", "Lead In", "2500.50", rep, "blue", 2, today + timedelta(days=30)),
            ("o1", "Lead In", "4000.00", rep2, "zen", 4, today + timedelta(days=10)),
            ("m1", "Lead In", "750.25", mgr, None, 1, None),
            ("m2", "Lead In", "300.00", mgr, "acme", 6, today + timedelta(days=60)),
            ("q1", "Qualified", "8000.00", rep, "zen", 3, today + timedelta(days=5)),
            ("q2", "Qualified", "1200.00", rep2, "blue", 20, None),
            ("p1", "Proposal", "15000.00", rep2, "acme", 15, today + timedelta(days=15)),
        ]
        # Columns show positions descending: the first deal listed per stage is the top card.
        left = {st: sum(1 for row in spec if row[1] == st) for st in {row[1] for row in spec}}
        for key, stage, value, owner, comp, days, close in spec:
            left[stage] -= 1
            pos = left[stage]
            data.deals[key] = add_deal(
                s,
                org.id,
                data,
                stage,
                name=f"Deal {key}",
                value=value,
                owner=owner,
                position=pos,
                company=data.companies[comp] if comp else None,
                days_in_stage=days,
                close=close,
            )
        data.deals["w_recent"] = add_deal(
            s, org.id, data, "Won", name="Deal won recently", value="5000.00", owner=rep,
            position=0, status=m.OpportunityStatus.WON, closed_on=today - timedelta(days=5),
        )  # fmt: skip
        data.deals["w_old"] = add_deal(
            s, org.id, data, "Won", name="Deal won long ago", value="9999.00", owner=rep,
            position=0, status=m.OpportunityStatus.WON, closed_on=today - timedelta(days=400),
        )  # fmt: skip
    return data


def column_positions(stage_id: UUID) -> list[tuple[UUID, int]]:
    """(id, position) of the live open deals of a column, in board order (top first)."""
    with system_session() as s:
        rows = s.execute(
            sa.text(
                "SELECT id, position FROM opportunities WHERE current_stage_id = :s "
                "AND status = 'open' AND deleted_at IS NULL AND NOT is_archived "
                "ORDER BY position DESC, id"
            ),
            {"s": stage_id},
        ).all()
    return [(r[0], r[1]) for r in rows]


def assert_dense(stage_id: UUID) -> int:
    """Positions of a column are n-1..0 from the top; returns n."""
    positions = [p for _, p in column_positions(stage_id)]
    assert positions == list(reversed(range(len(positions))))
    return len(positions)
