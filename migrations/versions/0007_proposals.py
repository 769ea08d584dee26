"""proposals: contacts (tenant, RLS), per-organization document counters (tenant, RLS),
billing units on products, a proposal's client contact, discount type and latest-version flag

Revision ID: 0007
Revises: 0004
Create Date: 2026-12-02 04:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from smartweb_ui.config import settings

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The RLS-bound role tenant sessions switch to (SMARTWEB_APP_ROLE, validated as a plain name).
APP_ROLE = settings.app_role
ORG_EXPR = "NULLIF(current_setting('app.org_id', true), '')::uuid"
NEW_TENANT_TABLES = ["contacts", "document_counters"]


def _secure() -> None:
    for table in NEW_TENANT_TABLES:
        op.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {APP_ROLE}")
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} "
            f"USING (organization_id = {ORG_EXPR}) WITH CHECK (organization_id = {ORG_EXPR})"
        )


def _backfill() -> None:
    # Billing units replace the free-text unit ("each" -> one_off, "month" -> monthly ...).
    op.execute(
        """
        UPDATE products SET unit = CASE
          WHEN unit IN ('month', 'monthly', 'mo') THEN 'monthly'
          WHEN unit IN ('year', 'yearly', 'annual') THEN 'yearly'
          WHEN unit IN ('hour', 'hourly', 'hr') THEN 'hourly'
          ELSE 'one_off' END
        """
    )
    # Only the newest version of each number is the latest.
    op.execute(
        """
        UPDATE proposals p SET is_latest = (p.version = (
          SELECT max(o.version) FROM proposals o
          WHERE o.organization_id = p.organization_id AND o.proposal_number = p.proposal_number))
        """
    )
    # Counters continue from the numbers already handed out (P-YYYY-NNNN, C-YYYY-NNNN).
    for kind, table, column, prefix in (
        ("proposal", "proposals", "proposal_number", "P"),
        ("contract", "contracts", "contract_number", "C"),
    ):
        op.execute(
            f"""
            INSERT INTO document_counters (organization_id, kind, year, last_value)
            SELECT organization_id, '{kind}', split_part({column}, '-', 2)::int,
                   max(split_part({column}, '-', 3)::int)
            FROM {table}
            WHERE {column} ~ '^{prefix}-[0-9]{{4}}-[0-9]+$'
            GROUP BY organization_id, split_part({column}, '-', 2)
            """
        )


def upgrade() -> None:
    op.create_table(
        "contacts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("company_id", sa.Uuid(), nullable=False),
        sa.Column("full_name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(), server_default="", nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("is_primary", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["company_id"], ["companies.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_contacts_organization_id"), "contacts", ["organization_id"])
    op.create_index(op.f("ix_contacts_created_by"), "contacts", ["created_by"])
    op.create_index("ix_contacts_org_company", "contacts", ["organization_id", "company_id"])
    op.create_index(
        "uq_contacts_primary",
        "contacts",
        ["company_id"],
        unique=True,
        postgresql_where=sa.text("is_primary AND deleted_at IS NULL"),
    )
    op.create_table(
        "document_counters",
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_value", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("organization_id", "kind", "year"),
    )
    op.alter_column("products", "unit", server_default="one_off")
    op.create_index("ix_products_org_name", "products", ["organization_id", "name"])
    op.add_column(
        "proposals",
        sa.Column("is_latest", sa.Boolean(), server_default=sa.text("true"), nullable=False),
    )
    op.add_column("proposals", sa.Column("contact_id", sa.Uuid(), nullable=True))
    op.add_column(
        "proposals",
        sa.Column(
            "discount_type",
            sqlmodel.sql.sqltypes.AutoString(),
            server_default="percent",
            nullable=False,
        ),
    )
    op.create_foreign_key(
        "proposals_contact_id_fkey",
        "proposals",
        "contacts",
        ["contact_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index(op.f("ix_proposals_contact_id"), "proposals", ["contact_id"])
    op.create_index(
        "ix_proposals_latest",
        "proposals",
        ["organization_id", sa.literal_column("created_at DESC"), "id"],
        postgresql_where=sa.text("is_latest AND deleted_at IS NULL"),
    )
    _secure()
    _backfill()
    op.create_check_constraint(
        "ck_products_billing_unit", "products", "unit IN ('one_off', 'monthly', 'yearly', 'hourly')"
    )
    op.create_check_constraint(
        "ck_proposals_discount_type", "proposals", "discount_type IN ('percent', 'amount')"
    )


def downgrade() -> None:
    op.drop_constraint("ck_proposals_discount_type", "proposals", type_="check")
    op.drop_constraint("ck_products_billing_unit", "products", type_="check")
    op.drop_index("ix_proposals_latest", table_name="proposals")
    op.drop_index(op.f("ix_proposals_contact_id"), table_name="proposals")
    op.drop_constraint("proposals_contact_id_fkey", "proposals", type_="foreignkey")
    op.drop_column("proposals", "discount_type")
    op.drop_column("proposals", "contact_id")
    op.drop_column("proposals", "is_latest")
    op.drop_index("ix_products_org_name", table_name="products")
    op.execute(
        "UPDATE products SET unit = CASE WHEN unit = 'monthly' THEN 'month' "
        "WHEN unit = 'yearly' THEN 'year' WHEN unit = 'hourly' THEN 'hour' ELSE 'each' END"
    )
    op.alter_column("products", "unit", server_default="each")
    for table in NEW_TENANT_TABLES:
        op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
    op.drop_table("document_counters")
    op.drop_index("uq_contacts_primary", table_name="contacts")
    op.drop_index("ix_contacts_org_company", table_name="contacts")
    op.drop_index(op.f("ix_contacts_created_by"), table_name="contacts")
    op.drop_index(op.f("ix_contacts_organization_id"), table_name="contacts")
    op.drop_table("contacts")
