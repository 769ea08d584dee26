"""Companies, leads, interactions, enrichment and tags."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Index, Numeric, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PGUUID
from sqlmodel import Field, SQLModel

from .base import (
    PERCENT,
    TZ,
    count,
    created_at,
    fk,
    flag,
    jsonb_list,
    jsonb_obj,
    opt_fk,
    opt_money,
    opt_ts,
    org_fk,
    pg_enum,
    pk,
    table_name,
    updated_at,
)
from .enums import BusinessType, InteractionType, LeadSource, LeadStatus


class Company(SQLModel, table=True):
    """A trade business (plumber, roofer...) found by scraping or import."""

    __tablename__ = table_name("companies")
    __table_args__ = (
        UniqueConstraint("organization_id", "external_id"),
        UniqueConstraint("organization_id", "phone"),
        UniqueConstraint("organization_id", "email"),
        UniqueConstraint("organization_id", "google_business_id"),
        Index("ix_companies_org_domain", "organization_id", "website_domain"),
        Index(
            "ix_companies_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
        Index("ix_companies_org_city_state", "organization_id", "state", "city"),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    external_id: str | None = None
    name: str
    dba_name: str | None = None
    business_type: BusinessType = Field(
        default=BusinessType.OTHER, sa_type=pg_enum(BusinessType, "business_type")
    )
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    website_domain: str | None = None
    street_address: str | None = None
    city: str | None = None
    state: str | None = None
    zip_code: str | None = None
    country: str = Field(default="US", sa_column_kwargs={"server_default": "US"})
    latitude: Decimal | None = Field(default=None, sa_type=Numeric(9, 6))
    longitude: Decimal | None = Field(default=None, sa_type=Numeric(9, 6))
    license_number: str | None = None
    license_state: str | None = None
    license_expiry: date | None = None
    years_in_business: int | None = None
    employee_count: int | None = None
    annual_revenue: Decimal | None = opt_money()
    google_business_id: str | None = None
    google_rating: Decimal | None = Field(default=None, sa_type=Numeric(2, 1))
    google_reviews_count: int | None = None
    facebook_url: str | None = None
    linkedin_url: str | None = None
    instagram_url: str | None = None
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()
    last_scraped_at: datetime | None = opt_ts()
    is_active: bool = flag(True)
    deleted_at: datetime | None = opt_ts()
    phone_invalid: bool = flag(False)  # an AI call reached a wrong number (migration 0009)


class Lead(SQLModel, table=True):
    """A company being worked by sales; one lead per company."""

    __tablename__ = table_name("leads")
    __table_args__ = (
        Index("ix_leads_org_assignee_status", "organization_id", "assigned_to", "status"),
        Index("ix_leads_org_score", "organization_id", text("lead_score DESC"), "id"),
        Index("ix_leads_org_created", "organization_id", text("created_at DESC"), "id"),
        # The dashboard's lead-source chart: leads created in the period, read index-only.
        Index(
            "ix_leads_org_created_source",
            "organization_id",
            "created_at",
            postgresql_include=["source", "status", "converted_at", "assigned_to"],
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "ix_leads_unassigned_new",
            "organization_id",
            "created_at",
            postgresql_where=text("assigned_to IS NULL AND status = 'new' AND deleted_at IS NULL"),
        ),
        Index(
            "ix_leads_sla_open",
            "organization_id",
            "sla_due_at",
            postgresql_where=text("first_contact_at IS NULL AND deleted_at IS NULL"),
        ),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    company_id: UUID = Field(foreign_key="companies.id", ondelete="CASCADE", unique=True)
    status: LeadStatus = Field(
        default=LeadStatus.NEW,
        sa_type=pg_enum(LeadStatus, "lead_status"),
        sa_column_kwargs={"server_default": LeadStatus.NEW.value},
    )
    source: LeadSource = Field(
        default=LeadSource.MANUAL, sa_type=pg_enum(LeadSource, "lead_source")
    )
    source_details: dict[str, Any] = jsonb_obj()
    lead_score: int = count(0)
    score_breakdown: list[dict[str, Any]] = jsonb_list()
    qualified_at: datetime | None = opt_ts()
    qualified_by: str | None = None
    assigned_to: UUID | None = opt_fk("users.id")
    assigned_at: datetime | None = opt_ts()
    converted_at: datetime | None = opt_ts()
    conversion_value: Decimal | None = opt_money()
    lost_reason: str | None = None
    preferred_contact_method: str | None = None
    best_call_time: str | None = None
    timezone: str | None = None
    first_contact_at: datetime | None = opt_ts()
    last_contact_at: datetime | None = opt_ts()
    contact_attempts: int = count(0)
    sla_due_at: datetime | None = opt_ts()
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()
    deleted_at: datetime | None = opt_ts()
    do_not_call: bool = flag(False)  # asked not to be called: no campaign dials it again
    do_not_call_at: datetime | None = opt_ts()


class Interaction(SQLModel, table=True):
    """A touchpoint with a lead: call, email, meeting, note, AI call."""

    __tablename__ = table_name("interactions")
    __table_args__ = (
        Index("ix_interactions_lead_time", "organization_id", "lead_id", text("created_at DESC")),
        Index("ix_interactions_org_type_time", "organization_id", "type", "created_at"),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    lead_id: UUID = Field(foreign_key="leads.id", ondelete="CASCADE")
    opportunity_id: UUID | None = opt_fk("opportunities.id")
    type: InteractionType = Field(sa_type=pg_enum(InteractionType, "interaction_type"))
    direction: str | None = None
    subject: str | None = None
    content: str | None = None
    summary: str | None = None
    initiated_by: UUID | None = opt_fk("users.id")
    participated_users: list[UUID] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(PGUUID(as_uuid=True)), nullable=False, server_default="{}"),
    )
    call_duration: int | None = None
    call_outcome: str | None = None
    call_recording_url: str | None = None
    call_transcript: str | None = None
    call_sentiment: str | None = None
    email_message_id: str | None = None
    email_thread_id: str | None = None
    email_opened: bool = flag(False)
    email_clicked: bool = flag(False)
    meeting_date: datetime | None = opt_ts()
    meeting_duration: int | None = None
    meeting_location: str | None = None
    meeting_attendees: list[Any] = jsonb_list()
    ai_insights: dict[str, Any] = jsonb_obj()
    ai_score: Decimal | None = Field(default=None, sa_type=PERCENT)
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()
    scheduled_for: datetime | None = opt_ts()
    completed_at: datetime | None = opt_ts()
    edited_at: datetime | None = opt_ts()  # set when its author or a manager changes it
    deleted_at: datetime | None = opt_ts()  # soft delete: gone from the timeline, kept for audit


class LeadEnrichment(SQLModel, table=True):
    """Data about a lead from an enrichment provider (one row per provider pull)."""

    __tablename__ = table_name("lead_enrichment")

    id: UUID = pk()
    organization_id: UUID = org_fk()
    lead_id: UUID = fk("leads.id", ondelete="CASCADE")
    provider: str
    data: dict[str, Any] = jsonb_obj()
    confidence: Decimal | None = Field(default=None, sa_type=PERCENT)
    enriched_at: datetime = Field(sa_type=TZ)
    created_at: datetime = created_at()


class LeadTag(SQLModel, table=True):
    __tablename__ = table_name("lead_tags")
    __table_args__ = (
        UniqueConstraint("lead_id", "tag"),
        Index("ix_lead_tags_org_tag", "organization_id", "tag"),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    lead_id: UUID = Field(foreign_key="leads.id", ondelete="CASCADE")
    tag: str
    created_by: UUID | None = opt_fk("users.id")
    created_at: datetime = created_at()


class Contact(SQLModel, table=True):
    """A person at a company (the client side of a proposal); one primary contact per company."""

    __tablename__ = table_name("contacts")
    __table_args__ = (
        Index("ix_contacts_org_company", "organization_id", "company_id"),
        Index(
            "uq_contacts_primary",
            "company_id",
            unique=True,
            postgresql_where=text("is_primary AND deleted_at IS NULL"),
        ),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    company_id: UUID = Field(foreign_key="companies.id", ondelete="CASCADE")
    full_name: str
    role: str = Field(default="", sa_column_kwargs={"server_default": ""})
    phone: str | None = None
    email: str | None = None
    is_primary: bool = flag(False)
    created_by: UUID | None = opt_fk("users.id")
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()
    deleted_at: datetime | None = opt_ts()
