"""AI call campaigns, individual AI calls, and follow-up tasks."""

from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Index, Numeric, text
from sqlmodel import Field, SQLModel

from .base import (
    count,
    created_at,
    fk,
    jsonb_obj,
    opt_fk,
    opt_ts,
    org_fk,
    pg_enum,
    pk,
    table_name,
    updated_at,
)
from .enums import AICallOutcome, AICallStatus, CampaignStatus, TaskPriority, TaskStatus


class AICallCampaign(SQLModel, table=True):
    __tablename__ = table_name("ai_call_campaigns")
    __table_args__ = (Index("ix_campaigns_org_status", "organization_id", "status"),)

    id: UUID = pk()
    organization_id: UUID = org_fk()
    name: str
    description: str = ""
    status: CampaignStatus = Field(
        default=CampaignStatus.DRAFT,
        sa_type=pg_enum(CampaignStatus, "campaign_status"),
        sa_column_kwargs={"server_default": CampaignStatus.DRAFT.value},
    )
    goal: str = ""
    script: str = ""
    voice: str = Field(default="alloy", sa_column_kwargs={"server_default": "alloy"})
    target_filter: dict[str, Any] = jsonb_obj()
    schedule: dict[str, Any] = jsonb_obj()
    timezone: str = Field(
        default="America/New_York", sa_column_kwargs={"server_default": "America/New_York"}
    )
    max_attempts: int = count(3)
    calls_per_hour: int = count(60)
    starts_at: datetime | None = opt_ts()
    ends_at: datetime | None = opt_ts()
    created_by: UUID | None = opt_fk("users.id")
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()


class AICall(SQLModel, table=True):
    """One automated call to a lead within a campaign; it creates one interaction."""

    __tablename__ = table_name("ai_calls")
    __table_args__ = (
        Index("ix_ai_calls_campaign_time", "organization_id", "campaign_id", "created_at"),
        Index("ix_ai_calls_org_outcome", "organization_id", "outcome"),
        # The dashboard's campaign chart: the period's calls, read index-only.
        Index(
            "ix_ai_calls_org_created",
            "organization_id",
            "created_at",
            postgresql_include=["campaign_id", "lead_id", "status", "outcome"],
        ),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    campaign_id: UUID = fk("ai_call_campaigns.id", ondelete="CASCADE", index=False)
    lead_id: UUID = fk("leads.id", ondelete="CASCADE")
    interaction_id: UUID | None = Field(
        default=None, foreign_key="interactions.id", ondelete="SET NULL", unique=True
    )
    status: AICallStatus = Field(
        default=AICallStatus.QUEUED,
        sa_type=pg_enum(AICallStatus, "ai_call_status"),
        sa_column_kwargs={"server_default": AICallStatus.QUEUED.value},
    )
    outcome: AICallOutcome | None = Field(
        default=None, sa_type=pg_enum(AICallOutcome, "ai_call_outcome")
    )
    attempt: int = count(1)
    phone_number: str | None = None
    started_at: datetime | None = opt_ts()
    ended_at: datetime | None = opt_ts()
    duration_seconds: int | None = None
    recording_url: str | None = None
    transcript: str | None = None
    summary: str | None = None
    sentiment: str | None = None
    sentiment_score: Decimal | None = Field(default=None, sa_type=Numeric(4, 3))
    cost: Decimal | None = Field(default=None, sa_type=Numeric(10, 4))
    error: str | None = None
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()


class Task(SQLModel, table=True):
    """A follow-up for a person, linked to a lead and/or a deal."""

    __tablename__ = table_name("tasks")
    __table_args__ = (
        Index(
            "ix_tasks_open_by_assignee",
            "organization_id",
            "assigned_to",
            "due_at",
            postgresql_where=text("status = 'open' AND deleted_at IS NULL"),
        ),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    title: str
    description: str = ""
    due_at: datetime | None = opt_ts()
    priority: TaskPriority = Field(
        default=TaskPriority.NORMAL,
        sa_type=pg_enum(TaskPriority, "task_priority"),
        sa_column_kwargs={"server_default": TaskPriority.NORMAL.value},
    )
    status: TaskStatus = Field(
        default=TaskStatus.OPEN,
        sa_type=pg_enum(TaskStatus, "task_status"),
        sa_column_kwargs={"server_default": TaskStatus.OPEN.value},
    )
    assigned_to: UUID | None = opt_fk("users.id")
    created_by: UUID | None = opt_fk("users.id")
    lead_id: UUID | None = opt_fk("leads.id", ondelete="CASCADE")
    opportunity_id: UUID | None = opt_fk("opportunities.id", ondelete="CASCADE")
    completed_at: datetime | None = opt_ts()
    completed_by: UUID | None = opt_fk("users.id")
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()
    deleted_at: datetime | None = opt_ts()
