"""The proposal builder: the whole proposal as the page shows it, and every edit of a draft.

Each edit re-prices the proposal with the one pricing function (``pricing.price``) in the same
transaction and stores the line totals and the proposal's totals, so what the page shows, the
PDF prints and the list sums are the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlmodel import Session, col, select

from ...models import Company, Contact, Lead, Opportunity, Product, Proposal, ProposalLineItem
from ...models.base import utcnow
from ..core import audit
from ..core.errors import Forbidden, Invalid, NotFound, as_uuid
from ..core.formatting import format_date, format_money
from ..core.org import org_context
from ..core.results import Option
from ..core.security import Actor
from ..core.text import clean_text
from . import pricing
from .catalog import BILLING_UNITS, load_product
from .contacts import load_contact
from .proposals import STATUS_LABELS, can_edit_proposal, is_locked, load_for_edit, load_proposal

SECTIONS: dict[str, str] = {
    "executive_summary": "Executive summary",
    "scope_of_work": "Scope of work",
    "terms_and_conditions": "Terms",
}
MAX_LINES = 200
MAX_CUSTOM_SECTIONS = 20
MAX_SECTION_CHARS = 20_000
PRICE_OVERRIDE = "proposals.approve"  # who may change a product's unit price on a line


@dataclass(frozen=True)
class SectionView:
    key: str  # a SECTIONS key, or "custom-<n>"
    title: str
    body: str
    custom: bool


@dataclass(frozen=True)
class LineView:
    id: str
    product_id: str
    sku: str
    description: str
    unit_label: str
    quantity: str
    unit_price: str
    discount: str
    tax_rate: str
    net: str  # display
    archived: bool  # its product has been archived since


@dataclass(frozen=True)
class TotalsView:
    subtotal: str
    discount: str
    tax: str
    total: str
    subtotal_value: str  # plain decimals (tests and the PDF compare these)
    discount_value: str
    tax_value: str
    total_value: str


@dataclass(frozen=True)
class ProposalView:
    id: str
    number: str
    version: int
    title: str
    status: str
    status_label: str
    locked: bool
    can_edit: bool
    can_override_price: bool
    deal_id: str
    deal_name: str
    company: str
    contact_id: str
    valid_until: str  # ISO, for the date input
    valid_until_display: str
    discount_type: str
    discount_input: str
    totals: TotalsView
    sections: list[SectionView] = field(default_factory=list)
    lines: list[LineView] = field(default_factory=list)
    contacts: list[Option] = field(default_factory=list)
    products: list[Option] = field(default_factory=list)


def _plain(value: Decimal) -> str:
    return f"{value:f}"


def _lines(session: Session, proposal: Proposal) -> list[ProposalLineItem]:
    return list(
        session.exec(
            select(ProposalLineItem)
            .where(
                ProposalLineItem.organization_id == proposal.organization_id,
                ProposalLineItem.proposal_id == proposal.id,
            )
            .order_by(col(ProposalLineItem.position), col(ProposalLineItem.id))
        ).all()
    )


def totals_of(lines: list[ProposalLineItem], proposal: Proposal) -> pricing.Totals:
    value = (
        proposal.discount_percentage
        if proposal.discount_type == "percent"
        else proposal.discount_amount
    )
    return pricing.price(
        [
            pricing.PriceLine(li.quantity, li.unit_price, li.discount_percentage, li.tax_rate)
            for li in lines
        ],
        proposal.discount_type,
        value,
    )


def reprice(session: Session, proposal: Proposal, requested_amount: Decimal | None = None) -> None:
    """Recompute and store every line total and the proposal's totals."""
    lines = _lines(session, proposal)
    if requested_amount is not None:
        proposal.discount_amount = requested_amount
    totals = totals_of(lines, proposal)
    for li, amounts in zip(lines, totals.lines, strict=True):
        if li.line_total != amounts.net:
            li.line_total = amounts.net
            session.add(li)
    proposal.subtotal = totals.subtotal
    proposal.discount_amount = totals.discount
    proposal.tax_amount = totals.tax
    proposal.total_amount = totals.total
    proposal.tax_rate = max((li.tax_rate for li in lines), default=Decimal(0))
    proposal.updated_at = utcnow()
    session.add(proposal)
    session.flush()


# ------------------------------------------------------------------ the view
def _sections(proposal: Proposal) -> list[SectionView]:
    out = [
        SectionView(key, title, getattr(proposal, key) or "", False)
        for key, title in SECTIONS.items()
    ]
    for n, item in enumerate(proposal.custom_sections or []):
        if isinstance(item, dict):
            out.append(
                SectionView(
                    f"custom-{n}", str(item.get("title", "")), str(item.get("body", "")), True
                )
            )
    return out


def proposal_view(session: Session, actor: Actor, proposal_id: str | UUID) -> ProposalView:
    """Everything the builder shows, display-ready."""
    proposal = load_proposal(session, actor, proposal_id)
    org = org_context(session, actor)
    deal = session.get(Opportunity, proposal.opportunity_id)
    assert deal is not None
    company_id = None
    if deal.lead_id:
        company_id = session.exec(select(Lead.company_id).where(Lead.id == deal.lead_id)).first()
    company = session.get(Company, company_id) if company_id else None
    contacts = []
    if company_id is not None:
        contacts = [
            Option(str(c.id), f"{c.full_name} · {c.role}" if c.role else c.full_name)
            for c in session.exec(
                select(Contact)
                .where(
                    Contact.organization_id == actor.organization_id,
                    Contact.company_id == company_id,
                    col(Contact.deleted_at).is_(None),
                )
                .order_by(col(Contact.is_primary).desc(), col(Contact.full_name))
            ).all()
        ]
    lines = _lines(session, proposal)
    product_ids = {li.product_id for li in lines if li.product_id}
    by_id = (
        {
            p.id: p
            for p in session.exec(select(Product).where(col(Product.id).in_(product_ids))).all()
        }
        if product_ids
        else {}
    )
    totals = totals_of(lines, proposal)
    cur = org.currency
    locked = is_locked(proposal)
    editable = can_edit_proposal(actor, proposal, deal.owner_id)
    products: list[Option] = []
    if editable and not locked:
        products = [
            Option(str(p.id), f"{p.name} ({p.sku})")
            for p in session.exec(
                select(Product)
                .where(
                    Product.organization_id == actor.organization_id,
                    col(Product.is_active).is_(True),
                    col(Product.deleted_at).is_(None),
                )
                .order_by(col(Product.name))
            ).all()
        ]
    line_views = []
    for li, amounts in zip(lines, totals.lines, strict=True):
        product = by_id.get(li.product_id) if li.product_id else None
        line_views.append(
            LineView(
                id=str(li.id),
                product_id=str(li.product_id or ""),
                sku=product.sku if product else "",
                description=li.description,
                unit_label=BILLING_UNITS.get(product.unit, "") if product else "",
                quantity=f"{li.quantity.normalize():f}",
                unit_price=_plain(li.unit_price),
                discount=f"{li.discount_percentage.normalize():f}",
                tax_rate=f"{li.tax_rate.normalize():f}",
                net=format_money(amounts.net, cur, cents=True),
                archived=product is not None
                and (not product.is_active or bool(product.deleted_at)),
            )
        )
    discount_input = (
        f"{proposal.discount_percentage.normalize():f}"
        if proposal.discount_type == "percent"
        else _plain(proposal.discount_amount)
    )
    return ProposalView(
        id=str(proposal.id),
        number=proposal.proposal_number,
        version=proposal.version,
        title=proposal.title,
        status=proposal.status.value,
        status_label=STATUS_LABELS[proposal.status.value],
        locked=locked,
        can_edit=editable and not locked,
        can_override_price=editable and actor.can(PRICE_OVERRIDE),
        deal_id=str(deal.id),
        deal_name=deal.name,
        company=company.name if company else "",
        contact_id=str(proposal.contact_id or ""),
        valid_until=proposal.valid_until.isoformat() if proposal.valid_until else "",
        valid_until_display=format_date(proposal.valid_until),
        discount_type=proposal.discount_type,
        discount_input=discount_input,
        totals=TotalsView(
            subtotal=format_money(totals.subtotal, cur, cents=True),
            discount=format_money(totals.discount, cur, cents=True),
            tax=format_money(totals.tax, cur, cents=True),
            total=format_money(totals.total, cur, cents=True),
            subtotal_value=_plain(totals.subtotal),
            discount_value=_plain(totals.discount),
            tax_value=_plain(totals.tax),
            total_value=_plain(totals.total),
        ),
        sections=_sections(proposal),
        lines=line_views,
        contacts=contacts,
        products=products,
    )


# ------------------------------------------------------------------ edits
def _company_of_deal(session: Session, proposal: Proposal) -> UUID | None:
    deal = session.get(Opportunity, proposal.opportunity_id)
    if deal is None or deal.lead_id is None:
        return None
    return session.exec(select(Lead.company_id).where(Lead.id == deal.lead_id)).first()


def update_header(
    session: Session,
    actor: Actor,
    proposal_id: str | UUID,
    title: str,
    contact_id: str | UUID | None,
    valid_until: date | None,
) -> None:
    """Title, client contact (one of the deal's company's) and validity date."""
    proposal = load_for_edit(session, actor, proposal_id)
    title = clean_text(title, "Title", max_length=200, required=True)
    contact = None
    if contact_id not in (None, ""):
        company_id = _company_of_deal(session, proposal)
        if company_id is None:
            raise NotFound("Contact not found.")
        contact = load_contact(session, actor, contact_id, company_id=company_id)  # type: ignore[arg-type]
    if valid_until is not None and valid_until < org_context(session, actor).today():
        raise Invalid("Valid until must be today or later.")
    fields = ["title", "contact_id", "valid_until"]
    before = audit.snapshot(proposal, fields)
    proposal.title = title
    proposal.contact_id = contact.id if contact else None
    proposal.valid_until = valid_until
    proposal.updated_at = utcnow()
    session.add(proposal)
    after = audit.snapshot(proposal, fields)
    if before != after:
        audit.record(
            session, actor, "proposal.update", "proposal", proposal.id, before=before, after=after
        )


def _section_key(proposal: Proposal, key: str) -> tuple[str, int | None]:
    if key in SECTIONS:
        return key, None
    if key.startswith("custom-") and key[7:].isdigit():
        n = int(key[7:])
        if n < len(proposal.custom_sections or []):
            return key, n
    raise NotFound("Section not found.")


def set_section(
    session: Session,
    actor: Actor,
    proposal_id: str | UUID,
    key: str,
    body: str,
    title: str | None = None,
) -> None:
    """The markdown body (and, for a custom section, its title) of one section."""
    proposal = load_for_edit(session, actor, proposal_id)
    key, n = _section_key(proposal, key)
    body = clean_text(body, "Section", max_length=MAX_SECTION_CHARS, multiline=True)
    if n is None:
        before = {key: getattr(proposal, key)}
        setattr(proposal, key, body or None)
        after = {key: body or None}
    else:
        sections = [dict(s) for s in proposal.custom_sections]
        before = {key: sections[n]}
        sections[n]["body"] = body
        if title is not None:
            sections[n]["title"] = clean_text(title, "Section title", max_length=200, required=True)
        proposal.custom_sections = sections
        after = {key: sections[n]}
    proposal.updated_at = utcnow()
    session.add(proposal)
    if before != after:
        audit.record(
            session, actor, "proposal.section", "proposal", proposal.id, before=before, after=after
        )


def add_section(session: Session, actor: Actor, proposal_id: str | UUID, title: str) -> str:
    """A custom section at the end; returns its key."""
    proposal = load_for_edit(session, actor, proposal_id)
    title = clean_text(title, "Section title", max_length=200, required=True)
    sections = [dict(s) for s in proposal.custom_sections or []]
    if len(sections) >= MAX_CUSTOM_SECTIONS:
        raise Invalid(f"A proposal has at most {MAX_CUSTOM_SECTIONS} custom sections.")
    sections.append({"title": title, "body": ""})
    proposal.custom_sections = sections
    session.add(proposal)
    audit.record(
        session, actor, "proposal.section_add", "proposal", proposal.id, after={"title": title}
    )
    return f"custom-{len(sections) - 1}"


def remove_section(session: Session, actor: Actor, proposal_id: str | UUID, key: str) -> None:
    proposal = load_for_edit(session, actor, proposal_id)
    key, n = _section_key(proposal, key)
    if n is None:
        raise Invalid("The standard sections stay; clear their text instead.")
    sections = [dict(s) for s in proposal.custom_sections]
    removed = sections.pop(n)
    proposal.custom_sections = sections
    session.add(proposal)
    audit.record(session, actor, "proposal.section_remove", "proposal", proposal.id, before=removed)


def _load_line(session: Session, proposal: Proposal, line_id: str | UUID) -> ProposalLineItem:
    line = session.exec(
        select(ProposalLineItem).where(
            ProposalLineItem.id == as_uuid(line_id, "Line"),
            ProposalLineItem.organization_id == proposal.organization_id,
            ProposalLineItem.proposal_id == proposal.id,
        )
    ).first()
    if line is None:
        raise NotFound("Line not found.")
    return line


def add_line(
    session: Session,
    actor: Actor,
    proposal_id: str | UUID,
    product_id: str | UUID,
    quantity: Decimal = Decimal(1),
) -> str:
    """A line for an active product, its price and tax rate prefilled; returns the line id."""
    proposal = load_for_edit(session, actor, proposal_id)
    product = load_product(session, actor, product_id)
    if not product.is_active:
        raise Invalid(f"{product.name} is archived and can't be added to a proposal.")
    lines = _lines(session, proposal)
    if len(lines) >= MAX_LINES:
        raise Invalid(f"A proposal has at most {MAX_LINES} lines.")
    line = ProposalLineItem(
        organization_id=actor.organization_id,
        proposal_id=proposal.id,
        product_id=product.id,
        position=(max((li.position for li in lines), default=-1) + 1),
        description=product.name,
        quantity=quantity,
        unit_price=product.unit_price,
        tax_rate=product.tax_rate,
    )
    session.add(line)
    session.flush()
    reprice(session, proposal)
    audit.record(
        session,
        actor,
        "proposal.line_add",
        "proposal",
        proposal.id,
        after={"line": line.id, "product": product.sku, "unit_price": line.unit_price},
    )
    return str(line.id)


def update_line(
    session: Session,
    actor: Actor,
    proposal_id: str | UUID,
    line_id: str | UUID,
    quantity: Decimal,
    discount_percent: Decimal,
    unit_price: Decimal | None = None,
    description: str | None = None,
) -> None:
    """Quantity, line discount and (with permission) the unit price of one line."""
    proposal = load_for_edit(session, actor, proposal_id)
    line = _load_line(session, proposal, line_id)
    fields = ["quantity", "discount_percentage", "unit_price", "description"]
    before = audit.snapshot(line, fields)
    if unit_price is not None and unit_price != line.unit_price:
        if not actor.can(PRICE_OVERRIDE):
            raise Forbidden("Only a manager can change a product's price on a proposal.")
        line.unit_price = unit_price
    line.quantity = quantity.quantize(Decimal("0.01"))
    line.discount_percentage = discount_percent.quantize(Decimal("0.01"))
    if description is not None:
        line.description = clean_text(description, "Description", max_length=500, required=True)
    pricing.price(
        [pricing.PriceLine(line.quantity, line.unit_price, line.discount_percentage, line.tax_rate)]
    )
    line.updated_at = utcnow()
    session.add(line)
    session.flush()
    reprice(session, proposal)
    after = audit.snapshot(line, fields)
    if before != after:
        audit.record(
            session,
            actor,
            "proposal.line_update",
            "proposal",
            proposal.id,
            before={"line": line.id, **before},
            after={"line": line.id, **after},
        )


def remove_line(
    session: Session, actor: Actor, proposal_id: str | UUID, line_id: str | UUID
) -> None:
    proposal = load_for_edit(session, actor, proposal_id)
    line = _load_line(session, proposal, line_id)
    gone = {"line": line.id, "description": line.description, "quantity": line.quantity}
    session.delete(line)
    session.flush()
    for n, li in enumerate(_lines(session, proposal)):
        if li.position != n:
            li.position = n
            session.add(li)
    reprice(session, proposal)
    audit.record(session, actor, "proposal.line_remove", "proposal", proposal.id, before=gone)


def move_line(
    session: Session, actor: Actor, proposal_id: str | UUID, line_id: str | UUID, position: int
) -> None:
    """Put a line at ``position`` (0-based; past the end means last)."""
    proposal = load_for_edit(session, actor, proposal_id)
    line = _load_line(session, proposal, line_id)
    lines = [li for li in _lines(session, proposal) if li.id != line.id]
    old = line.position
    lines.insert(max(0, min(position, len(lines))), line)
    for n, li in enumerate(lines):
        if li.position != n:
            li.position = n
            session.add(li)
    session.flush()
    if old != line.position:
        audit.record(
            session,
            actor,
            "proposal.line_move",
            "proposal",
            proposal.id,
            before={"line": line.id, "position": old},
            after={"line": line.id, "position": line.position},
        )


def set_discount(
    session: Session, actor: Actor, proposal_id: str | UUID, kind: str, value: Decimal
) -> None:
    """The proposal-level discount: a percent of the subtotal or a fixed amount."""
    proposal = load_for_edit(session, actor, proposal_id)
    if kind not in pricing.DISCOUNT_TYPES:
        raise Invalid("The discount is a percent or an amount.")
    if kind == "percent" and not (Decimal(0) <= value <= Decimal(100)):
        raise Invalid("A discount is between 0 and 100 %.")
    fields = ["discount_type", "discount_percentage", "discount_amount"]
    before = audit.snapshot(proposal, fields)
    proposal.discount_type = kind
    if kind == "percent":
        proposal.discount_percentage = value.quantize(Decimal("0.01"))
        reprice(session, proposal)
    else:
        proposal.discount_percentage = Decimal(0)
        reprice(session, proposal, requested_amount=value)
    after = audit.snapshot(proposal, fields)
    if before != after:
        audit.record(
            session, actor, "proposal.discount", "proposal", proposal.id, before=before, after=after
        )
