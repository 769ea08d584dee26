"""AI call campaigns: the campaigns.view permission, dialer rules on campaigns, provider call ids,
the call-event dedupe table, per-organization webhook secrets, do-not-call and invalid phones

Revision ID: 0009
Revises: 0005
Create Date: 2026-12-02 04:40:00.000000
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

from smartweb_ui.config import settings

revision: str = "0009"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = settings.app_role
ORG_EXPR = "NULLIF(current_setting('app.org_id', true), '')::uuid"
VIEW = "campaigns.view"
VIEW_DESCRIPTION = "See AI call campaigns and their calls"
VIEW_ID = uuid.uuid5(uuid.NAMESPACE_URL, f"smartweb:perm:{VIEW}")
GRANTED_TO = ("Admin", "Sales Manager", "Executive")
NEW_TABLES = ("call_events", "call_webhook_secrets")


def upgrade() -> None:
    op.execute(
        sa.text(
            "INSERT INTO permissions (id, code, category, description) "
            "VALUES (:id, :code, 'campaigns', :description) ON CONFLICT (code) DO NOTHING"
        ).bindparams(id=VIEW_ID, code=VIEW, description=VIEW_DESCRIPTION)
    )
    op.execute(
        sa.text(
            "INSERT INTO role_permissions (role_id, permission_id, organization_id) "
            "SELECT r.id, p.id, r.organization_id FROM roles r, permissions p "
            "WHERE p.code = :code AND r.is_system AND r.name = ANY(:names) "
            "ON CONFLICT DO NOTHING"
        ).bindparams(
            sa.bindparam("names", value=list(GRANTED_TO), type_=postgresql.ARRAY(sa.String())),
            code=VIEW,
        )
    )

    ts = sa.DateTime(timezone=True)
    op.add_column(
        "ai_call_campaigns",
        sa.Column(
            "window_days",
            postgresql.ARRAY(sa.SmallInteger()),
            server_default=sa.text("'{0,1,2,3,4}'"),
            nullable=False,
        ),
    )
    op.add_column(
        "ai_call_campaigns",
        sa.Column("window_start", sa.Time(), server_default="09:00", nullable=False),
    )
    op.add_column(
        "ai_call_campaigns",
        sa.Column("window_end", sa.Time(), server_default="17:00", nullable=False),
    )
    op.add_column(
        "ai_call_campaigns",
        sa.Column("retry_minutes", sa.Integer(), server_default=sa.text("240"), nullable=False),
    )
    op.add_column(
        "ai_call_campaigns",
        sa.Column("concurrency", sa.Integer(), server_default=sa.text("5"), nullable=False),
    )
    op.add_column(
        "ai_call_campaigns",
        sa.Column("target_view", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    )
    op.add_column(
        "ai_call_campaigns",
        sa.Column(
            "provider",
            sqlmodel.sql.sqltypes.AutoString(),
            server_default="simulator",
            nullable=False,
        ),
    )
    for name in ("started_at", "paused_at", "completed_at"):
        op.add_column("ai_call_campaigns", sa.Column(name, ts, nullable=True))

    for name in ("provider", "provider_call_id", "answered_by"):
        op.add_column(
            "ai_calls", sa.Column(name, sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
    for name in (
        "answered_at",
        "transferred_at",
        "callback_at",
        "outcome_applied_at",
        "last_event_at",
    ):
        op.add_column("ai_calls", sa.Column(name, ts, nullable=True))
    op.add_column(
        "ai_calls",
        sa.Column(
            "turns",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
    )
    # Demo history may hold repeated (campaign, lead, attempt) triples: renumber them first.
    op.execute(
        """
        UPDATE ai_calls c SET attempt = n.rn
        FROM (SELECT id, row_number() OVER (PARTITION BY campaign_id, lead_id
                                            ORDER BY created_at, id) AS rn
              FROM ai_calls) n
        WHERE n.id = c.id AND c.attempt IS DISTINCT FROM n.rn
        """
    )
    op.create_unique_constraint(
        "uq_ai_calls_lead_attempt", "ai_calls", ["campaign_id", "lead_id", "attempt"]
    )
    op.create_index(
        "uq_ai_calls_provider_call",
        "ai_calls",
        ["organization_id", "provider", "provider_call_id"],
        unique=True,
        postgresql_where=sa.text("provider_call_id IS NOT NULL"),
    )
    op.create_index(
        "ix_ai_calls_campaign_active",
        "ai_calls",
        ["campaign_id"],
        unique=False,
        postgresql_where=sa.text("status IN ('queued', 'dialing', 'in_progress')"),
    )

    op.add_column(
        "leads",
        sa.Column("do_not_call", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column("leads", sa.Column("do_not_call_at", ts, nullable=True))
    op.add_column(
        "companies",
        sa.Column("phone_invalid", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )

    op.create_table(
        "call_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("provider_call_id", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("ai_call_id", sa.Uuid(), nullable=True),
        sa.Column("type", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("occurred_at", ts, nullable=True),
        sa.Column("received_at", ts, server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["ai_call_id"], ["ai_calls.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organization_id", "provider", "event_id", name="uq_call_events_event"),
    )
    op.create_index("ix_call_events_call", "call_events", ["organization_id", "ai_call_id"])
    op.create_index(
        op.f("ix_call_events_organization_id"), "call_events", ["organization_id"], unique=False
    )
    op.create_table(
        "call_webhook_secrets",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("current_secret", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("previous_secret", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("previous_valid_until", ts, nullable=True),
        sa.Column("rotated_at", ts, server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organization_id"),
    )
    for table in NEW_TABLES:
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {APP_ROLE}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} "
            f"USING (organization_id = {ORG_EXPR}) WITH CHECK (organization_id = {ORG_EXPR})"
        )


def downgrade() -> None:
    for table in NEW_TABLES:
        op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    op.drop_table("call_webhook_secrets")
    op.drop_index(op.f("ix_call_events_organization_id"), table_name="call_events")
    op.drop_index("ix_call_events_call", table_name="call_events")
    op.drop_table("call_events")
    op.drop_column("companies", "phone_invalid")
    op.drop_column("leads", "do_not_call_at")
    op.drop_column("leads", "do_not_call")
    op.drop_index("ix_ai_calls_campaign_active", table_name="ai_calls")
    op.drop_index("uq_ai_calls_provider_call", table_name="ai_calls")
    op.drop_constraint("uq_ai_calls_lead_attempt", "ai_calls", type_="unique")
    for name in (
        "turns", "last_event_at", "outcome_applied_at", "callback_at", "transferred_at",
        "answered_at", "answered_by", "provider_call_id", "provider",
    ):  # fmt: skip
        op.drop_column("ai_calls", name)
    for name in (
        "completed_at", "paused_at", "started_at", "provider", "target_view", "concurrency",
        "retry_minutes", "window_end", "window_start", "window_days",
    ):  # fmt: skip
        op.drop_column("ai_call_campaigns", name)
    op.execute(
        sa.text(
            "DELETE FROM role_permissions WHERE permission_id IN "
            "(SELECT id FROM permissions WHERE code = :code)"
        ).bindparams(code=VIEW)
    )
    op.execute(sa.text("DELETE FROM permissions WHERE code = :code").bindparams(code=VIEW))
