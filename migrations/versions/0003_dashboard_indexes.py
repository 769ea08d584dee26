"""dashboard indexes: covering (index-only) indexes for the executive dashboard's aggregates

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 08:10:00

The dashboard (services/analytics_*.py) runs as the RLS-bound app role. PostgreSQL will not
use a non-leakproof operator as an index condition for it, and the enum ``=`` of
``opportunities.status`` is not leakproof: the status is therefore part of a partial-index
predicate (provable from the query) or an INCLUDE column, never a key column to range on.

* ``ix_opps_closed_day``: closed deals by (owner, close day) (won/lost charts, KPI tiles).
* ``ix_opps_open_live``: live open deals by (pipeline, owner) (forecast, open-pipeline tile).
* ``ix_opps_org_created``: deals by creation time (funnel cohort, AI-campaign deals).
* ``ix_opps_org_deleted``: the few soft-deleted deals (proposal tiles exclude them).
* ``ix_osh_org_to_stage_time`` gains INCLUDE (opportunity_id): funnel history by stage.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_opps_closed_day",
        "opportunities",
        ["organization_id", "owner_id", "actual_close_date"],
        unique=False,
        postgresql_include=[
            "status",
            "stage_entered_at",
            "created_at",
            "value",
            "pipeline_id",
            "lead_id",
            "closed_reason",
        ],
        postgresql_where=sa.text("deleted_at IS NULL AND status <> 'open'"),
    )
    op.create_index(
        "ix_opps_open_live",
        "opportunities",
        ["organization_id", "pipeline_id", "owner_id"],
        unique=False,
        postgresql_include=["current_stage_id", "expected_close_date", "value", "weighted_value"],
        postgresql_where=sa.text("status = 'open' AND deleted_at IS NULL AND NOT is_archived"),
    )
    op.create_index(
        "ix_opps_org_created",
        "opportunities",
        ["organization_id", "created_at"],
        unique=False,
        postgresql_include=[
            "id",
            "pipeline_id",
            "current_stage_id",
            "owner_id",
            "lead_id",
            "status",
            "value",
        ],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_opps_org_deleted",
        "opportunities",
        ["organization_id"],
        unique=False,
        postgresql_where=sa.text("deleted_at IS NOT NULL"),
    )
    op.drop_index("ix_osh_org_to_stage_time", table_name="opportunity_stage_history")
    op.create_index(
        "ix_osh_org_to_stage_time",
        "opportunity_stage_history",
        ["organization_id", "to_stage_id", "moved_at"],
        unique=False,
        postgresql_include=["opportunity_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_osh_org_to_stage_time", table_name="opportunity_stage_history")
    op.create_index(
        "ix_osh_org_to_stage_time",
        "opportunity_stage_history",
        ["organization_id", "to_stage_id", "moved_at"],
        unique=False,
    )
    op.drop_index("ix_opps_org_deleted", table_name="opportunities")
    op.drop_index("ix_opps_org_created", table_name="opportunities")
    op.drop_index("ix_opps_open_live", table_name="opportunities")
    op.drop_index("ix_opps_closed_day", table_name="opportunities")
