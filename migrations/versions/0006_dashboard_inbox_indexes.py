"""dashboard indexes, part two: the period's AI calls, proposals sent and leads created

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02 05:00:00

The three full passes left in the 12-month dashboard (bench/dashboard.py), each now an
index-only range scan on (organization, time) carrying the columns the chart reads:

* ``ix_ai_calls_org_created``: the AI-campaign chart (calls of the period by campaign and lead);
* ``ix_proposals_org_sent``: the proposal tiles (proposals sent in the period or the one before);
* ``ix_leads_org_created_source``: the lead-source chart (leads created in the period).

Status and outcome are INCLUDE columns, not keys: under RLS the enum ``=`` is not leakproof,
so it is never an index condition for the app role (see 0003).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_ai_calls_org_created",
        "ai_calls",
        ["organization_id", "created_at"],
        unique=False,
        postgresql_include=["campaign_id", "lead_id", "status", "outcome"],
    )
    op.create_index(
        "ix_proposals_org_sent",
        "proposals",
        ["organization_id", "sent_at"],
        unique=False,
        postgresql_include=["status", "opportunity_id"],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )
    op.create_index(
        "ix_leads_org_created_source",
        "leads",
        ["organization_id", "created_at"],
        unique=False,
        postgresql_include=["source", "status", "converted_at", "assigned_to"],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_leads_org_created_source", table_name="leads")
    op.drop_index("ix_proposals_org_sent", table_name="proposals")
    op.drop_index("ix_ai_calls_org_created", table_name="ai_calls")
