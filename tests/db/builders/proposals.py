"""Proposal test data: a pipeline with deals (``pipeline.make_pipeline``), a small catalog and
contacts on the deals' companies."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session

from .pipeline import PipeData, make_pipeline

# sku, name, unit, price, tax, active
PRODUCTS = [
    ("SEO", "Local SEO", "monthly", "1200.00", "0", True),
    ("WEB", "Website build", "one_off", "6500.00", "0", True),
    ("SIGN", "Yard signs (100)", "one_off", "650.00", "8.25", True),
    ("OLD", "Phone book ad", "yearly", "300.00", "0", False),
]


@dataclass
class ProposalWorld:
    pipe: PipeData
    products: dict[str, UUID] = field(default_factory=dict)
    contacts: dict[str, UUID] = field(default_factory=dict)  # company key -> primary contact


def make_proposal_world(org) -> ProposalWorld:  # type: ignore[no-untyped-def]
    pipe = make_pipeline(org)
    world = ProposalWorld(pipe)
    with system_session() as s:
        for sku, name, unit, price, tax, active in PRODUCTS:
            p = m.Product(
                organization_id=org.id,
                sku=sku,
                name=name,
                unit=unit,
                unit_price=Decimal(price),
                tax_rate=Decimal(tax),
                is_active=active,
                is_recurring=unit != "one_off",
            )
            s.add(p)
            s.flush()
            world.products[sku] = p.id
        for key, company in pipe.companies.items():
            c = m.Contact(
                organization_id=org.id,
                company_id=company,
                full_name=f"Pat {key.title()}",
                role="Owner",
                email=f"pat@{key}.test",
                is_primary=True,
            )
            s.add(c)
            s.flush()
            world.contacts[key] = c.id
    return world


def count_rows(org_id: UUID, model: type) -> int:
    with system_session() as s:
        return s.execute(
            sa.select(sa.func.count()).select_from(model).where(model.organization_id == org_id)  # type: ignore[attr-defined]
        ).scalar_one()
