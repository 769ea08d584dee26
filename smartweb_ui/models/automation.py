"""AI call campaigns, individual AI calls, and follow-up tasks."""

from datetime import datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import Column, Index, Numeric, SmallInteger, Time, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Field, SQLModel

from .base import (
    count,
    created_at,
    fk,
    jsonb_list,
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
    # The dialer's rules (migration 0009): the calling window on each lead's own clock,
    # retries, calls at once, the saved inbox view the targets come from, the provider.
    window_days: list[int] = Field(
        default_factory=lambda: [0, 1, 2, 3, 4],
        sa_column=Column(ARRAY(SmallInteger), nullable=False, server_default=text("'{0,1,2,3,4}'")),
    )
    window_start: time = Field(
        default=time(9, 0), sa_type=Time(), sa_column_kwargs={"server_default": "09:00"}
    )
    window_end: time = Field(
        default=time(17, 0), sa_type=Time(), sa_column_kwargs={"server_default": "17:00"}
    )
    retry_minutes: int = count(240)
    concurrency: int = count(5)
    target_view: str | None = None
    provider: str = Field(default="simulator", sa_column_kwargs={"server_default": "simulator"})
    started_at: datetime | None = opt_ts()
    paused_at: datetime | None = opt_ts()
    completed_at: datetime | None = opt_ts()


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
        # One dial per lead and attempt, however many dialer workers race for it.
        UniqueConstraint("campaign_id", "lead_id", "attempt", name="uq_ai_calls_lead_attempt"),
        Index(
            "uq_ai_calls_provider_call",
            "organization_id",
            "provider",
            "provider_call_id",
            unique=True,
            postgresql_where=text("provider_call_id IS NOT NULL"),
        ),
        Index(
            "ix_ai_calls_campaign_active",
            "campaign_id",
            postgresql_where=text("status IN ('queued', 'dialing', 'in_progress')"),
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
    # From the provider's events (migration 0009).
    provider: str | None = None
    provider_call_id: str | None = None
    answered_by: str | None = None  # human | voicemail
    answered_at: datetime | None = opt_ts()
    transferred_at: datetime | None = opt_ts()
    callback_at: datetime | None = opt_ts()
    turns: list[dict[str, Any]] = jsonb_list()
    outcome_applied_at: datetime | None = opt_ts()
    last_event_at: datetime | None = opt_ts()


class CallEvent(SQLModel, table=True):
    """One provider event as received: the dedupe key (a replay is answered, not applied)."""

    __tablename__ = table_name("call_events")
    __table_args__ = (
        UniqueConstraint("organization_id", "provider", "event_id", name="uq_call_events_event"),
        Index("ix_call_events_call", "organization_id", "ai_call_id"),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    provider: str
    event_id: str
    provider_call_id: str
    ai_call_id: UUID | None = opt_fk("ai_calls.id", ondelete="CASCADE", index=False)
    type: str
    occurred_at: datetime | None = opt_ts()
    received_at: datetime = created_at()


class CallWebhookSecret(SQLModel, table=True):
    """An organization's webhook signing secret; the previous one is accepted until
    ``previous_valid_until`` after a rotation."""

    __tablename__ = table_name("call_webhook_secrets")

    organization_id: UUID = Field(
        foreign_key="organizations.id", ondelete="CASCADE", primary_key=True
    )
    current_secret: str
    previous_secret: str | None = None
    previous_valid_until: datetime | None = opt_ts()
    rotated_at: datetime = created_at()


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
