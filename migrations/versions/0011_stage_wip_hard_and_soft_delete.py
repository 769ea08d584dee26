"""pipeline stages: a hard WIP limit flag, soft delete (a deleted stage keeps its history)

Revision ID: 0011
Revises: 0004
Create Date: 2026-12-02 04:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "pipeline_stages",
        sa.Column("wip_hard", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column(
        "pipeline_stages", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("pipeline_stages", "deleted_at")
    op.drop_column("pipeline_stages", "wip_hard")
