"""Lead inbox extras: saved views, round-robin state, and the search/sort indexes of the list.

The indexes on ``companies`` and ``leads`` are declared here (bound to the existing tables) so
the lead inbox keeps its own schema pieces together; migration 0002 creates them.
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import BigInteger, Column, Index, UniqueConstraint, func, inspect, text
from sqlmodel import Field, SQLModel

from .base import count, created_at, jsonb_obj, org_fk, pk, table_name, updated_at
from .crm import Company, Lead
from .pipeline import Opportunity


class SavedView(SQLModel, table=True):
    """A user's named lead-list filter + sort (built-in views live in code, not here)."""

    __tablename__ = table_name("saved_views")
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: UUID = pk()
    organization_id: UUID = org_fk()
    user_id: UUID = Field(foreign_key="users.id", ondelete="CASCADE")
    name: str
    filters: dict[str, Any] = jsonb_obj()
    sort: str = Field(default="score", sa_column_kwargs={"server_default": "score"})
    position: int = count(0)
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()


class LeadRoundRobin(SQLModel, table=True):
    """Per-user round-robin turn: the user with the lowest ``last_turn`` is next."""

    __tablename__ = table_name("lead_round_robin")

    user_id: UUID = Field(foreign_key="users.id", ondelete="CASCADE", primary_key=True)
    organization_id: UUID = org_fk()
    last_turn: int = Field(
        default=0, sa_column=Column(BigInteger, nullable=False, server_default=text("0"))
    )
    assigned_total: int = count(0)
    updated_at: datetime = updated_at()


_companies = inspect(Company).local_table
_leads = inspect(Lead).local_table

# Free-text search: trigram indexes over e-mail, website and the phone's digits.
Index(
    "ix_companies_email_trgm",
    _companies.c.email,
    postgresql_using="gin",
    postgresql_ops={"email": "gin_trgm_ops"},
)
Index(
    "ix_companies_website_trgm",
    _companies.c.website,
    postgresql_using="gin",
    postgresql_ops={"website": "gin_trgm_ops"},
)
Index(
    "ix_companies_phone_digits_trgm",
    func.regexp_replace(_companies.c.phone, "[^0-9]", "", "g").label("phone_digits"),
    postgresql_using="gin",
    postgresql_ops={"phone_digits": "gin_trgm_ops"},
)
Index("ix_companies_org_business_type", _companies.c.organization_id, _companies.c.business_type)

# Sort keys of the lead list (keyset paging: sort key, then id).
Index(
    "ix_leads_org_last_contact",
    _leads.c.organization_id,
    text("coalesce(last_contact_at, '-infinity'::timestamptz) DESC"),
    _leads.c.id,
)
Index(
    "ix_leads_org_sla_due",
    _leads.c.organization_id,
    text("coalesce(sla_due_at, 'infinity'::timestamptz)"),
    _leads.c.id,
)
Index("ix_leads_org_status_source", _leads.c.organization_id, _leads.c.status, _leads.c.source)

# The command palette's name prefix look-ups (migration 0010: palette_companies, palette_deals).
_opportunities = inspect(Opportunity).local_table
for _table, _name in ((_companies, "ix_companies_org_name_prefix"),
                      (_opportunities, "ix_opportunities_org_name_prefix")):  # fmt: skip
    Index(
        _name,
        _table.c.organization_id,
        func.lower(_table.c.name).label("lower_name"),
        postgresql_ops={"lower_name": "text_pattern_ops"},
    )
