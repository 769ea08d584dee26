"""Product catalog, proposals with line items, contracts."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import CheckConstraint, Index, Numeric, UniqueConstraint, text
from sqlalchemy.dialects.postgresql import INET
from sqlmodel import Field, SQLModel

from .base import (
    MONEY,
    PERCENT,
    count,
    created_at,
    fk,
    flag,
    jsonb_list,
    money,
    opt_fk,
    opt_ts,
    org_fk,
    pg_enum,
    pk,
    table_name,
    updated_at,
)
from .enums import ContractStatus, ProposalStatus

# How a product is billed (``products.unit``): the catalog's "billing unit".
BILLING_UNITS = ("one_off", "monthly", "yearly", "hourly")
DISCOUNT_TYPES = ("percent", "amount")


class Product(SQLModel, table=True):
    __tablename__ = table_name("products")
    __table_args__ = (
        UniqueConstraint("organization_id", "sku"),
        CheckConstraint(
            "unit IN ('one_off', 'monthly', 'yearly', 'hourly')", name="ck_products_billing_unit"
        ),
        Index("ix_products_org_name", "organization_id", "name"),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    sku: str
    name: str
    description: str = ""
    category: str = ""
    unit: str = Field(default="one_off", sa_column_kwargs={"server_default": "one_off"})
    unit_price: Decimal = money()
    cost: Decimal | None = Field(default=None, sa_type=MONEY)
    tax_rate: Decimal = Field(default=Decimal("0"), sa_type=PERCENT)
    is_recurring: bool = flag(False)
    is_active: bool = flag(True)
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()
    deleted_at: datetime | None = opt_ts()


class Proposal(SQLModel, table=True):
    __tablename__ = table_name("proposals")
    __table_args__ = (
        UniqueConstraint("organization_id", "proposal_number", "version"),
        Index("ix_proposals_org_status", "organization_id", "status"),
        CheckConstraint(
            "discount_type IN ('percent', 'amount')", name="ck_proposals_discount_type"
        ),
        # The proposal list: the latest version of each number, newest first.
        Index(
            "ix_proposals_latest",
            "organization_id",
            text("created_at DESC"),
            "id",
            postgresql_where=text("is_latest AND deleted_at IS NULL"),
        ),
        # The dashboard's proposal tiles: proposals sent in a span, read index-only.
        Index(
            "ix_proposals_org_sent",
            "organization_id",
            "sent_at",
            postgresql_include=["status", "opportunity_id"],
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # Search of the latest proposals by title or number (proposal_search_ids, 0014).
        *[
            Index(
                f"ix_proposals_{name}_trgm",
                column,
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
                postgresql_where=text("is_latest AND deleted_at IS NULL"),
            )
            for name, column in (("title", "title"), ("number", "proposal_number"))
        ],
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    opportunity_id: UUID = fk("opportunities.id", ondelete="CASCADE")
    proposal_number: str
    version: int = count(1)
    is_latest: bool = flag(True)  # the newest version of its number (the one that can be sent)
    contact_id: UUID | None = opt_fk("contacts.id")  # the client contact it is addressed to
    title: str
    status: ProposalStatus = Field(
        default=ProposalStatus.DRAFT,
        sa_type=pg_enum(ProposalStatus, "proposal_status"),
        sa_column_kwargs={"server_default": ProposalStatus.DRAFT.value},
    )
    valid_until: date | None = None
    executive_summary: str | None = None
    scope_of_work: str | None = None
    terms_and_conditions: str | None = None
    custom_sections: list[Any] = jsonb_list()
    subtotal: Decimal = money()
    discount_amount: Decimal = money()
    # "percent": discount_percentage of the subtotal; "amount": a fixed discount_amount.
    discount_type: str = Field(default="percent", sa_column_kwargs={"server_default": "percent"})
    discount_percentage: Decimal = Field(default=Decimal("0"), sa_type=PERCENT)
    tax_rate: Decimal = Field(default=Decimal("0"), sa_type=PERCENT)
    tax_amount: Decimal = money()
    total_amount: Decimal = money()
    sent_at: datetime | None = opt_ts()
    sent_to_email: str | None = None
    viewed_at: datetime | None = opt_ts()
    view_count: int = count(0)
    accepted_at: datetime | None = opt_ts()
    rejected_at: datetime | None = opt_ts()
    rejection_reason: str | None = None
    pdf_url: str | None = None
    template_id: UUID | None = None
    created_by: UUID | None = opt_fk("users.id")
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()
    deleted_at: datetime | None = opt_ts()


class ProposalLineItem(SQLModel, table=True):
    __tablename__ = table_name("proposal_line_items")

    id: UUID = pk()
    organization_id: UUID = org_fk()
    proposal_id: UUID = fk("proposals.id", ondelete="CASCADE")
    product_id: UUID | None = opt_fk("products.id")
    position: int = count(0)
    description: str
    quantity: Decimal = Field(default=Decimal("1"), sa_type=Numeric(12, 2))
    unit_price: Decimal = money()
    discount_percentage: Decimal = Field(default=Decimal("0"), sa_type=PERCENT)
    tax_rate: Decimal = Field(default=Decimal("0"), sa_type=PERCENT)
    line_total: Decimal = money()
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()


class Contract(SQLModel, table=True):
    __tablename__ = table_name("contracts")
    __table_args__ = (
        UniqueConstraint("organization_id", "contract_number"),
        Index("ix_contracts_org_status", "organization_id", "status"),
        # One contract per accepted proposal (acceptance is idempotent).
        Index(
            "ux_contracts_proposal",
            "organization_id",
            "proposal_id",
            unique=True,
            postgresql_where=text("proposal_id IS NOT NULL"),
        ),
    )

    id: UUID = pk()
    organization_id: UUID = org_fk()
    proposal_id: UUID | None = opt_fk("proposals.id")
    opportunity_id: UUID = fk("opportunities.id", ondelete="CASCADE")
    contract_number: str
    title: str
    type: str = Field(default="service", sa_column_kwargs={"server_default": "service"})
    status: ContractStatus = Field(
        default=ContractStatus.DRAFT,
        sa_type=pg_enum(ContractStatus, "contract_status"),
        sa_column_kwargs={"server_default": ContractStatus.DRAFT.value},
    )
    start_date: date | None = None
    end_date: date | None = None
    auto_renew: bool = flag(False)
    renewal_terms: str | None = None
    total_value: Decimal = money()
    payment_terms: str | None = None
    payment_schedule: list[Any] = jsonb_list()
    client_signature_required: bool = flag(True)
    client_signed_at: datetime | None = opt_ts()
    client_signed_by: str | None = None
    client_signature_ip: str | None = Field(default=None, sa_type=INET)
    internal_signed_at: datetime | None = opt_ts()
    internal_signed_by: UUID | None = opt_fk("users.id")
    document_url: str | None = None
    docusign_envelope_id: str | None = None
    created_by: UUID | None = opt_fk("users.id")
    created_at: datetime = created_at()
    updated_at: datetime = updated_at()


class DocumentCounter(SQLModel, table=True):
    """The last number handed out per organization, kind (proposal, contract) and year.

    Numbers come from this row locked in the creating transaction, so they are gap-free and
    unique under concurrent creation (``services/proposals/numbering.py``).
    """

    __tablename__ = table_name("document_counters")

    organization_id: UUID = Field(
        foreign_key="organizations.id", ondelete="CASCADE", primary_key=True
    )
    kind: str = Field(primary_key=True)
    year: int = Field(primary_key=True)
    last_value: int = count(0)
    updated_at: datetime = updated_at()
