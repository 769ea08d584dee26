"""Pipelines, their stages, opportunities (deals) and the stage-move history."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import Column, Index, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import UUID as PGUUID
from sqlmodel import Field, SQLModel

from .base import (
    MONEY,
    PERCENT,
    TZ,
    count,
    created_at,
    fk,
    flag,
    money,
    opt_fk,
    opt_ts,
    org_fk,
    pg_enum,
    pk,
    table_name,
    updated_at,
)
from .enums import OpportunityStatus


class Pipeline(SQLModel, table=True):
    __tablename__ = table_name("pipelines")
    __table_args__ = (UniqueConstraint("organization_id", "name"),)

    id: UUID = pk()
    organization_id: UUID = org_fk()
    name: str
    description: str = ""
    is_default: bool = flag(False)
    position: int = count(0)
    is_archived: bool = flag(False)
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()


class PipelineStage(SQLModel, table=True):
    """A column of a pipeline: order, win probability, rot threshold, WIP limit, won/lost flag."""

    __tablename__ = table_name("pipeline_stages")
    __table_args__ = (Index("ix_stages_pipeline_position", "pipeline_id", "position"),)

    id: UUID = pk()
    organization_id: UUID = org_fk()
    pipeline_id: UUID = Field(foreign_key="pipelines.id", ondelete="CASCADE")
    name: str
    position: int
    probability: Decimal = Field(default=Decimal("0"), sa_type=PERCENT)
    is_won: bool = flag(False)
    is_lost: bool = flag(False)
    rotting_days: int | None = None
    wip_limit: int | None = None
    # A hard limit refuses drops over it for people without pipeline.manage (else it warns).
    wip_hard: bool = flag(False)
    color: str = Field(default="gray", sa_column_kwargs={"server_default": "gray"})
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()
    deleted_at: datetime | None = opt_ts()  # a deleted stage keeps its history rows


class Opportunity(SQLModel, table=True):
    """A deal on a pipeline."""

    __tablename__ = table_name("opportunities")
    __table_args__ = (
        # A column's open deals. ``position`` is deliberately not a key: a move shifts the
        # positions of many cards, and with no index on it those are in-place (HOT) updates
        # (the table keeps 20 % of each page free for them: fillfactor 80, migration 0012).
        Index(
            "ix_opps_open_by_stage",
            "organization_id",
            "current_stage_id",
            postgresql_where=text("status = 'open' AND deleted_at IS NULL AND NOT is_archived"),
        ),
        Index("ix_opps_org_owner_status", "organization_id", "owner_id", "status"),
        Index("ix_opportunities_lead", "lead_id"),  # a lead's deals; global search by company
        Index("ix_opps_org_status_close", "organization_id", "status", "actual_close_date"),
        Index("ix_opps_org_expected_close", "organization_id", "expected_close_date"),
        # Dashboard (services/analytics_*): covering indexes for index-only scans. Under RLS the
        # app role cannot use enum `status = ...` (not leakproof) as an index condition, so the
        # status sits in the partial-index predicate or is INCLUDEd, never a key to range on.
        # The owner_id / pipeline_id keys serve the team-member / pipeline filters; without
        # those filters PostgreSQL 18 skip-scans over their few values.
        Index(
            "ix_opps_closed_day",
            "organization_id",
            "owner_id",
            "actual_close_date",
            postgresql_include=[
                "status",
                "stage_entered_at",
                "created_at",
                "value",
                "pipeline_id",
                "lead_id",
                "closed_reason",
            ],
            postgresql_where=text("deleted_at IS NULL AND status <> 'open'"),
        ),
        Index(
            "ix_opps_open_live",
            "organization_id",
            "pipeline_id",
            "owner_id",
            postgresql_include=[
                "current_stage_id",
                "expected_close_date",
                "value",
                "weighted_value",
            ],
            postgresql_where=text("status = 'open' AND deleted_at IS NULL AND NOT is_archived"),
        ),
        Index(
            "ix_opps_org_created",
            "organization_id",
            "created_at",
            postgresql_include=[
                "id",
                "pipeline_id",
                "current_stage_id",
                "owner_id",
                "lead_id",
                "status",
                "value",
            ],
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index(
            "ix_opps_org_deleted",
            "organization_id",
            postgresql_where=text("deleted_at IS NOT NULL"),
        ),
        Index(
            "ix_opps_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    lead_id: UUID | None = opt_fk("leads.id")
    pipeline_id: UUID = fk("pipelines.id", ondelete="CASCADE")
    current_stage_id: UUID = fk("pipeline_stages.id", ondelete="RESTRICT")
    name: str
    value: Decimal = money()
    probability: Decimal = Field(default=Decimal("0"), sa_type=PERCENT)
    weighted_value: Decimal = money()
    expected_close_date: date | None = None
    actual_close_date: date | None = None
    owner_id: UUID | None = opt_fk("users.id")
    team_members: list[UUID] = Field(
        default_factory=list,
        sa_column=Column(ARRAY(PGUUID(as_uuid=True)), nullable=False, server_default="{}"),
    )
    status: OpportunityStatus = Field(
        default=OpportunityStatus.OPEN,
        sa_type=pg_enum(OpportunityStatus, "opportunity_status"),
        sa_column_kwargs={"server_default": OpportunityStatus.OPEN.value},
    )
    position: int = count(0)
    version: int = count(1)
    stage_entered_at: datetime = Field(sa_type=TZ)
    time_in_stage: int = count(0)
    closed_reason: str | None = None
    competitor_won: str | None = None
    created_by: UUID | None = opt_fk("users.id")
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()
    is_archived: bool = flag(False)
    deleted_at: datetime | None = opt_ts()


class OpportunityStageHistory(SQLModel, table=True):
    """One row per stage move (or creation, with from_stage_id NULL)."""

    __tablename__ = table_name("opportunity_stage_history")
    __table_args__ = (
        Index("ix_osh_opp_time", "organization_id", "opportunity_id", "moved_at"),
        Index(
            "ix_osh_org_to_stage_time",
            "organization_id",
            "to_stage_id",
            "moved_at",
            postgresql_include=["opportunity_id"],  # dashboard funnel: index-only by stage
        ),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    opportunity_id: UUID = Field(foreign_key="opportunities.id", ondelete="CASCADE")
    from_stage_id: UUID | None = opt_fk("pipeline_stages.id")
    to_stage_id: UUID = fk("pipeline_stages.id", ondelete="CASCADE", index=False)
    moved_by: UUID | None = opt_fk("users.id")
    moved_at: datetime = created_at()
    seconds_in_from_stage: int | None = None
    value_at_move: Decimal | None = Field(default=None, sa_type=MONEY)
