"""Proposal delivery: public links (hashed tokens), discount approval requests, the e-mail outbox."""

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from .base import (
    PERCENT,
    count,
    created_at,
    fk,
    money,
    opt_fk,
    opt_ts,
    org_fk,
    pk,
    table_name,
    updated_at,
)


class ProposalLink(SQLModel, table=True):
    """A client's link to one sent proposal: only the token's keyed hash is stored."""

    __tablename__ = table_name("proposal_links")
    __table_args__ = (Index("ux_proposal_links_token_hash", "token_hash", unique=True),)

    id: UUID = pk()
    organization_id: UUID = org_fk()
    proposal_id: UUID = fk("proposals.id", ondelete="CASCADE")
    token_hash: str
    created_by: UUID | None = opt_fk("users.id")
    created_at: datetime = created_at()
    revoked_at: datetime | None = opt_ts()
    revoked_by: UUID | None = opt_fk("users.id")
    last_opened_at: datetime | None = opt_ts()


class ApprovalRequest(SQLModel, table=True):
    """A request to approve a proposal's discount above the organization's threshold."""

    __tablename__ = table_name("proposal_approval_requests")
    __table_args__ = (
        Index(
            "ix_approval_requests_pending",
            "organization_id",
            "created_at",
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    proposal_id: UUID = fk("proposals.id", ondelete="CASCADE")
    status: str = Field(default="pending", sa_column_kwargs={"server_default": "pending"})
    discount_percent: Decimal = Field(default=Decimal("0"), sa_type=PERCENT)
    total_amount: Decimal = money()
    comment: str = Field(default="", sa_column_kwargs={"server_default": ""})
    requested_by: UUID | None = opt_fk("users.id")
    decided_by: UUID | None = opt_fk("users.id")
    decided_at: datetime | None = opt_ts()
    decision_comment: str = Field(default="", sa_column_kwargs={"server_default": ""})
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()


class OutboxEmail(SQLModel, table=True):
    """An e-mail the organization sends (a proposal to its client), delivered by a job."""

    __tablename__ = table_name("email_outbox")
    __table_args__ = (
        Index("ix_email_outbox_org_status", "organization_id", "status", "created_at"),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    proposal_id: UUID | None = opt_fk("proposals.id")
    to_email: str
    subject: str
    body: str
    status: str = Field(default="pending", sa_column_kwargs={"server_default": "pending"})
    attempts: int = count(0)
    last_error: str | None = None
    sent_at: datetime | None = opt_ts()
    created_by: UUID | None = opt_fk("users.id")
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()
