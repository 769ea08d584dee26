"""The Today page's data: only my items, overdue tasks first, weighted totals in SQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.models.base import utcnow
from smartweb_ui.services.today.agenda import today_for

pytestmark = pytest.mark.db


def _arrange(org, other_org) -> None:  # type: ignore[no-untyped-def]
    now = utcnow()
    rep, rep2 = org.users["rep"], org.users["rep2"]
    with system_session() as s:
        pipe = m.Pipeline(organization_id=org.id, name="Main")
        s.add(pipe)
        s.flush()
        stage = m.PipelineStage(
            organization_id=org.id,
            pipeline_id=pipe.id,
            name="Proposal",
            position=0,
            probability=Decimal("40"),
        )
        won = m.PipelineStage(
            organization_id=org.id,
            pipeline_id=pipe.id,
            name="Won",
            position=1,
            probability=Decimal("100"),
            is_won=True,
        )
        s.add_all([stage, won])
        s.flush()
        for i, (owner, value, status) in enumerate(
            [
                (rep, "1000.00", m.OpportunityStatus.OPEN),
                (rep, "2500.50", m.OpportunityStatus.OPEN),
                (rep, "9999.00", m.OpportunityStatus.WON),
                (rep2, "5000.00", m.OpportunityStatus.OPEN),
            ]
        ):
            s.add(
                m.Opportunity(
                    organization_id=org.id,
                    pipeline_id=pipe.id,
                    current_stage_id=won.id if status == m.OpportunityStatus.WON else stage.id,
                    name=f"Deal {i}",
                    value=Decimal(value),
                    weighted_value=(Decimal(value) * Decimal("0.4")).quantize(Decimal("0.01")),
                    probability=Decimal("40"),
                    owner_id=owner,
                    status=status,
                    stage_entered_at=now,
                )
            )
        for title, due, who, status in [
            ("later", now + timedelta(days=2), rep, m.TaskStatus.OPEN),
            ("overdue", now - timedelta(days=1), rep, m.TaskStatus.OPEN),
            ("no date", None, rep, m.TaskStatus.OPEN),
            ("done", now - timedelta(days=3), rep, m.TaskStatus.DONE),
            ("not mine", now - timedelta(days=5), rep2, m.TaskStatus.OPEN),
        ]:
            s.add(
                m.Task(
                    organization_id=org.id, title=title, due_at=due, assigned_to=who, status=status
                )
            )
        for name, assignee, contacted in [
            ("Mine new", rep, None),
            ("Mine called", rep, now),
            ("Theirs", rep2, None),
        ]:
            co = m.Company(organization_id=org.id, name=name)
            s.add(co)
            s.flush()
            s.add(
                m.Lead(
                    organization_id=org.id,
                    company_id=co.id,
                    assigned_to=assignee,
                    first_contact_at=contacted,
                )
            )
        # Another organization's rows assigned to a look-alike id must never show.
        s.add(
            m.Task(organization_id=other_org.id, title="rival", assigned_to=other_org.users["rep"])
        )


def test_today_shows_only_my_open_work_overdue_first(org, other_org) -> None:  # type: ignore[no-untyped-def]
    _arrange(org, other_org)
    actor = org.actors["rep"]
    with tenant_session(actor) as s:
        today = today_for(s, actor)
    assert [t.title for t in today.tasks] == ["overdue", "later", "no date"]
    assert (today.open_tasks, today.overdue_tasks) == (3, 1)
    assert [lead.company for lead in today.leads] == ["Mine new"]
    assert today.open_deals == 2
    assert today.pipeline_value == "$3,500.50"  # 1000.00 + 2500.50, never rounded up
    assert today.weighted_value == "$1,400.20"  # 400.00 + 1000.20
    assert sorted(d.name for d in today.deals) == ["Deal 0", "Deal 1"]


def _stuck_deal(org) -> None:  # type: ignore[no-untyped-def]
    """A deal of rep2's 20 days in a stage that rots after 7."""
    with system_session() as s:
        stage = s.exec(
            sa.select(m.PipelineStage).where(
                m.PipelineStage.organization_id == org.id, m.PipelineStage.name == "Proposal"
            )
        ).scalar_one()
        stage.rotting_days = 7
        deal = s.exec(
            sa.select(m.Opportunity).where(
                m.Opportunity.organization_id == org.id, m.Opportunity.name == "Deal 3"
            )
        ).scalar_one()
        deal.stage_entered_at = utcnow() - timedelta(days=20)
        s.add_all([stage, deal])


def test_each_role_gets_its_own_today(org, other_org) -> None:  # type: ignore[no-untyped-def]
    _arrange(org, other_org)
    _stuck_deal(org)
    views = {}
    for who in ("rep", "manager", "exec"):
        actor = org.actors[who]
        with tenant_session(actor) as s:
            views[who] = today_for(s, actor)
    rep, mgr, exe = views["rep"], views["manager"], views["exec"]

    # A rep: what they have now; no team, no revenue summary; they may convert.
    assert (rep.lens, rep.can_convert, rep.team, rep.revenue) == ("own", True, [], [])

    # A manager: the team, per rep, and the stuck deal by name.
    assert mgr.lens == "team"
    with system_session() as s:
        names = {u.id: u.full_name for u in s.exec(sa.select(m.User)).scalars()}
    lines = {line.name: line for line in mgr.team}
    r1, r2 = lines[names[org.users["rep"]]], lines[names[org.users["rep2"]]]
    assert (r1.overdue_tasks, r1.uncontacted_leads, r1.stuck_deals, r1.open_deals) == (1, 1, 0, 2)
    assert (r2.overdue_tasks, r2.uncontacted_leads, r2.stuck_deals, r2.open_deals) == (1, 1, 1, 1)
    assert [(d.name, d.days, d.stage) for d in mgr.stuck] == [("Deal 3", 20, "Proposal")]
    assert all(line.name != "rival" for line in mgr.team)

    # An executive: a short revenue summary linking to the dashboard; never told to convert.
    assert exe.lens == "revenue" and not exe.can_convert and exe.team == []
    assert [line.label.split(" ")[0] for line in exe.revenue] == ["Won", "Open", "Weighted"]
    assert exe.revenue[1].value == "$8,500.50" and exe.revenue[1].note == "3 open deals"
    assert all(line.href.startswith("/dashboard") for line in exe.revenue)
