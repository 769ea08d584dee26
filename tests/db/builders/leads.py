"""Lead test data shared by the test_leads_* modules (``test_leads_fixtures.py`` checks it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session
from smartweb_ui.models.base import utcnow

_COMPANY_FIELDS = {c.name for c in m.Company.__table__.c}  # type: ignore[attr-defined]


def make_lead(org_id: UUID, name: str, **fields: Any) -> UUID:
    """A company + lead; company columns and lead columns may be mixed in ``fields``."""
    company_kw = {
        k: v
        for k, v in fields.items()
        if k in _COMPANY_FIELDS and k not in ("id", "created_at", "updated_at", "deleted_at")
    }
    lead_kw = {k: v for k, v in fields.items() if k not in company_kw}
    tags = lead_kw.pop("tags", [])
    with system_session() as s:
        company = m.Company(organization_id=org_id, name=name, **company_kw)
        s.add(company)
        s.flush()
        lead = m.Lead(organization_id=org_id, company_id=company.id, **lead_kw)
        s.add(lead)
        s.flush()
        for tag in tags:
            s.add(m.LeadTag(organization_id=org_id, lead_id=lead.id, tag=tag))
        return lead.id


def make_many(org_id: UUID, n: int, **fields: Any) -> list[UUID]:
    """``n`` plain leads created one second apart (newest last)."""
    base = utcnow() - timedelta(hours=1)
    return [
        make_lead(org_id, f"Bulk Co {i:03d}", created_at=base + timedelta(seconds=i), **fields)
        for i in range(n)
    ]


def audit_actions(org_id: UUID, entity_id: UUID | None = None) -> list[str]:
    with system_session() as s:
        stmt = sa.select(m.AuditLog.action).where(m.AuditLog.organization_id == org_id)
        if entity_id is not None:
            stmt = stmt.where(m.AuditLog.entity_id == entity_id)
        return list(s.execute(stmt.order_by(m.AuditLog.created_at)).scalars())


def lead_row(lead_id: UUID) -> m.Lead:
    with system_session() as s:
        lead = s.get(m.Lead, lead_id)
        assert lead is not None
        s.expunge(lead)
        return lead
