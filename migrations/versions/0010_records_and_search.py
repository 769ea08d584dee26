"""editable timeline (interactions.deleted_at, edited_at) and global search over deals

Revision ID: 0010
Revises: 0004
Create Date: 2026-12-02 04:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from smartweb_ui.config import settings

revision: str = "0010"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = settings.app_role
ORG_EXPR = "NULLIF(current_setting('app.org_id', true), '')::uuid"

# Under RLS the trigram index on opportunities.name is unusable with ILIKE (not leakproof), as for
# companies in 0002: this SECURITY DEFINER function runs the look-up as the owner and restricts
# it itself to the caller's organization (app.org_id); unset -> no rows. Deals match on their own
# name or on their company's name (through lead_search_companies, same rule).
DEALS_FN = f"""
CREATE OR REPLACE FUNCTION global_search_deals(pattern text, max_rows integer)
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER ROWS 20
SET search_path = public, pg_temp
AS $$
  (SELECT o.id FROM opportunities o
    WHERE o.organization_id = {ORG_EXPR} AND o.deleted_at IS NULL AND o.name ILIKE pattern
    LIMIT max_rows)
  UNION
  (SELECT o.id FROM opportunities o
     JOIN leads l ON l.id = o.lead_id
    WHERE o.organization_id = {ORG_EXPR} AND o.deleted_at IS NULL
      AND l.company_id IN (SELECT lead_search_companies(pattern, NULL, max_rows))
    LIMIT max_rows)
$$
"""
FUNCTION = "global_search_deals(text, integer)"


def upgrade() -> None:
    op.add_column(
        "interactions", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("interactions", sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_opportunities_lead", "opportunities", ["lead_id"], unique=False)
    op.execute(DEALS_FN)
    op.execute(f"REVOKE ALL ON FUNCTION {FUNCTION} FROM PUBLIC")
    op.execute(f"GRANT EXECUTE ON FUNCTION {FUNCTION} TO {APP_ROLE}")


def downgrade() -> None:
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}")
    op.drop_index("ix_opportunities_lead", table_name="opportunities")
    op.drop_column("interactions", "edited_at")
    op.drop_column("interactions", "deleted_at")
