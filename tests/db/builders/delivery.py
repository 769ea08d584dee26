"""Proposals ready to send, for the delivery tests (lifecycle, links, approvals, contracts)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import smartweb_ui.models as m
from smartweb_ui.db import system_session

from .orgs import OrgFixture
from .pipeline import PipeData, make_pipeline

# (description, quantity, unit price, line discount %): 2 × 1,000 + 1 × 500 at 10 % = 2,450
LINES = [("Website rebuild", "2", "1000.00", "0"), ("Local SEO setup", "1", "500.00", "10")]


def make_proposal(
    org: OrgFixture,
    pipe: PipeData,
    *,
    deal: str = "q1",
    number: str = "P-2026-0001",
    version: int = 1,
    discount_percent: str = "0",
    valid_until: date | None = None,
    status: m.ProposalStatus = m.ProposalStatus.DRAFT,
    is_latest: bool = True,
    lines: list[tuple[str, str, str, str]] | None = None,
) -> UUID:
    """A proposal on ``pipe.deals[deal]`` with priced lines, tax 8 % on the discounted subtotal."""
    lines = LINES if lines is None else lines
    owner = {"q1": org.users["rep"], "p1": org.users["rep2"]}.get(deal, org.users["rep"])
    with system_session() as s:
        subtotal = Decimal(0)
        items = []
        for pos, (desc, qty, price, disc) in enumerate(lines):
            total = (Decimal(qty) * Decimal(price) * (100 - Decimal(disc)) / 100).quantize(
                Decimal("0.01")
            )
            subtotal += total
            items.append((pos, desc, qty, price, disc, total))
        discount = (subtotal * Decimal(discount_percent) / 100).quantize(Decimal("0.01"))
        tax = ((subtotal - discount) * Decimal("0.08")).quantize(Decimal("0.01"))
        p = m.Proposal(
            organization_id=org.id,
            opportunity_id=pipe.deals[deal],
            proposal_number=number,
            version=version,
            is_latest=is_latest,
            title=f"Growth package {number} v{version}",
            status=status,
            valid_until=valid_until or date.today() + timedelta(days=30),
            executive_summary="We rebuild your site and get you found locally.",
            terms_and_conditions="Payment within 30 days of invoice.",
            subtotal=subtotal,
            discount_percentage=Decimal(discount_percent),
            discount_amount=discount,
            tax_rate=Decimal("8"),
            tax_amount=tax,
            total_amount=subtotal - discount + tax,
            created_by=owner,
        )
        s.add(p)
        s.flush()
        for pos, desc, qty, price, disc, total in items:
            s.add(
                m.ProposalLineItem(
                    organization_id=org.id,
                    proposal_id=p.id,
                    position=pos,
                    description=desc,
                    quantity=Decimal(qty),
                    unit_price=Decimal(price),
                    discount_percentage=Decimal(disc),
                    tax_rate=Decimal("8"),
                    line_total=total,
                )
            )
        return p.id


def world(org: OrgFixture) -> PipeData:
    return make_pipeline(org)
