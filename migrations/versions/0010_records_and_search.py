"""editable timeline (interactions.deleted_at, edited_at); command palette look-ups

Revision ID: 0010
Revises: 0004
Create Date: 2026-12-02 04:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from smartweb_ui.config import settings

revision: str = "0010"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APP_ROLE = settings.app_role
ORG_EXPR = "NULLIF(current_setting('app.org_id', true), '')::uuid"

# The command palette's look-ups. Under RLS an index is unusable with ILIKE / LIKE (not
# leakproof), as for companies in 0002: these SECURITY DEFINER functions run as the owner and
# restrict themselves to the caller's organization (app.org_id); unset -> no rows.
# * palette_companies: company names starting with ``prefix`` (btree, lower(name)
#   text_pattern_ops: works from 2 characters), then containing ``pattern`` (trigram; NULL for
#   terms under 3 characters, which trigrams cannot serve).
# * palette_deals: deals whose own name, or whose company's name, does the same.
# Both are planned for each call's own values (plan_cache_mode = force_custom_plan): a cached
# generic plan cannot turn ``LIKE prefix`` into an index range and scans the table instead
# (measured: 4 ms -> 200 ms from the sixth call on). 0002's lead_search_companies gets the same.
PALETTE_FN = f"""
CREATE OR REPLACE FUNCTION palette_companies(prefix text, pattern text, max_rows integer)
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER ROWS 50
SET search_path = public, pg_temp
SET plan_cache_mode = force_custom_plan
AS $$
  (SELECT c.id FROM companies c
    WHERE c.organization_id = {ORG_EXPR} AND c.deleted_at IS NULL
      AND lower(c.name) LIKE prefix
    LIMIT max_rows)
  UNION
  (SELECT c.id FROM companies c
    WHERE pattern IS NOT NULL AND c.organization_id = {ORG_EXPR} AND c.deleted_at IS NULL
      AND c.name ILIKE pattern
    LIMIT max_rows)
$$
"""
DEALS_FN = f"""
CREATE OR REPLACE FUNCTION palette_deals(prefix text, pattern text, max_rows integer)
RETURNS SETOF uuid
LANGUAGE sql STABLE SECURITY DEFINER ROWS 20
SET search_path = public, pg_temp
SET plan_cache_mode = force_custom_plan
AS $$
  (SELECT o.id FROM opportunities o
    WHERE o.organization_id = {ORG_EXPR} AND o.deleted_at IS NULL
      AND lower(o.name) LIKE prefix
    LIMIT max_rows)
  UNION
  (SELECT o.id FROM opportunities o
    WHERE pattern IS NOT NULL AND o.organization_id = {ORG_EXPR} AND o.deleted_at IS NULL
      AND o.name ILIKE pattern
    LIMIT max_rows)
  UNION
  (SELECT o.id FROM opportunities o
     JOIN leads l ON l.id = o.lead_id
    WHERE o.organization_id = {ORG_EXPR} AND o.deleted_at IS NULL
      AND l.company_id IN (SELECT palette_companies(prefix, pattern, max_rows))
    LIMIT max_rows)
$$
"""
FUNCTIONS = ["palette_companies(text, text, integer)", "palette_deals(text, text, integer)"]
INBOX_FN = "lead_search_companies(text, text, integer)"


def upgrade() -> None:
    op.add_column(
        "interactions", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("interactions", sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_opportunities_lead", "opportunities", ["lead_id"], unique=False)
    for table in ("companies", "opportunities"):
        op.create_index(
            f"ix_{table}_org_name_prefix",
            table,
            ["organization_id", sa.literal_column("lower(name) text_pattern_ops")],
            unique=False,
        )
    op.execute(PALETTE_FN)
    op.execute(DEALS_FN)
    for fn in FUNCTIONS:
        op.execute(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
        op.execute(f"GRANT EXECUTE ON FUNCTION {fn} TO {APP_ROLE}")
    op.execute(f"ALTER FUNCTION {INBOX_FN} SET plan_cache_mode = force_custom_plan")


def downgrade() -> None:
    op.execute(f"ALTER FUNCTION {INBOX_FN} RESET plan_cache_mode")
    for fn in reversed(FUNCTIONS):
        op.execute(f"DROP FUNCTION IF EXISTS {fn}")
    op.execute("DROP FUNCTION IF EXISTS global_search_deals(text, integer)")  # early draft
    for index in ("ix_companies_org_name_prefix", "ix_opportunities_org_name_prefix",
                  "ix_opportunities_lead"):  # fmt: skip
        op.execute(f"DROP INDEX IF EXISTS {index}")
    op.execute("ALTER TABLE interactions DROP COLUMN IF EXISTS edited_at")
    op.execute("ALTER TABLE interactions DROP COLUMN IF EXISTS deleted_at")
