"""The proposal as a PDF (fpdf2, with the bundled Liberation Sans so any Unicode text prints):
organization header, client and contact, number and version, sections, the line table,
totals, terms, validity, and an acceptance stamp once accepted."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlmodel import Session, col, select

from ...models import (
    Company,
    Contact,
    Contract,
    Lead,
    Opportunity,
    Organization,
    Proposal,
    ProposalLineItem,
    ProposalStatus,
)
from ..core.errors import NotFound, as_uuid
from ..core.formatting import format_date, format_datetime, format_money
from ..core.org import zone
from ..core.security import Actor
from .builder import SECTIONS
from .proposals import load_proposal

FONTS = Path(__file__).parent / "fonts"
FAMILY = "LiberationSans"
INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (37, 99, 235)
_MD_INLINE = re.compile(r"(\*\*|__|`)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def _plain(line: str) -> str:
    """A markdown line as plain text (links keep their words, emphasis marks go)."""
    return _MD_INLINE.sub("", _MD_LINK.sub(r"\1", line))


class _Doc(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 6, f"{self.footer_text}  ·  page {self.page_no()}/{{nb}}", align="C")


def _doc() -> _Doc:
    pdf = _Doc(format="A4")
    pdf.add_font(FAMILY, "", str(FONTS / "LiberationSans-Regular.ttf"))
    pdf.add_font(FAMILY, "B", str(FONTS / "LiberationSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_margins(18, 18, 18)
    pdf.alias_nb_pages()
    return pdf


def _text(pdf: FPDF, text: str, *, size: float = 10, bold: bool = False, color: Any = INK) -> None:
    pdf.set_font(FAMILY, "B" if bold else "", size)
    pdf.set_text_color(*color)
    pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _markdown(pdf: FPDF, body: str) -> None:
    for raw in body.splitlines():
        line = raw.rstrip()
        if not line.strip():
            pdf.ln(2)
            continue
        stripped = line.lstrip()
        if stripped.startswith("#"):
            _text(pdf, _plain(stripped.lstrip("#").strip()), size=11, bold=True)
        elif stripped[:2] in ("- ", "* ", "+ "):
            _text(pdf, "•  " + _plain(stripped[2:]))
        else:
            _text(pdf, _plain(stripped))


def _heading(pdf: FPDF, title: str) -> None:
    pdf.ln(4)
    _text(pdf, title, size=12, bold=True, color=ACCENT)
    pdf.ln(1)


def _load(session: Session, organization_id: UUID, proposal_id: UUID | str) -> Proposal:
    proposal = session.exec(
        select(Proposal).where(
            Proposal.id == as_uuid(proposal_id, "Proposal"),
            Proposal.organization_id == organization_id,
            col(Proposal.deleted_at).is_(None),
        )
    ).first()
    if proposal is None:
        raise NotFound("Proposal not found.")
    return proposal


def render_proposal(session: Session, organization_id: UUID, proposal_id: UUID | str) -> bytes:
    """The proposal's PDF. No permission check here: callers check (the builder through the
    actor's scope, the public page through its token); rows are read under ``organization_id``."""
    proposal = _load(session, organization_id, proposal_id)
    org = session.get(Organization, organization_id)
    if org is None:
        raise NotFound("Proposal not found.")
    deal = session.get(Opportunity, proposal.opportunity_id)
    lead = session.get(Lead, deal.lead_id) if deal and deal.lead_id else None
    company = session.get(Company, lead.company_id) if lead else None
    contact = session.get(Contact, proposal.contact_id) if proposal.contact_id else None
    lines = session.exec(
        select(ProposalLineItem)
        .where(
            ProposalLineItem.organization_id == organization_id,
            ProposalLineItem.proposal_id == proposal.id,
        )
        .order_by(col(ProposalLineItem.position), col(ProposalLineItem.id))
    ).all()
    cur = org.currency or "USD"

    def money(v: Decimal) -> str:
        return format_money(v, cur, cents=True)

    pdf = _doc()
    pdf.footer_text = f"{org.name} · {proposal.proposal_number} v{proposal.version}"
    pdf.set_title(f"{proposal.proposal_number} – {proposal.title}")
    pdf.set_author(org.name)
    pdf.add_page()
    # Header: organization left, number right.
    pdf.set_font(FAMILY, "B", 18)
    pdf.set_text_color(*INK)
    pdf.cell(110, 10, org.name)
    pdf.set_font(FAMILY, "B", 12)
    pdf.cell(0, 10, "PROPOSAL", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    address = org.billing_address or {}
    addr = ", ".join(str(address[k]) for k in ("street", "city", "state", "zip") if address.get(k))
    pdf.set_font(FAMILY, "", 9)
    pdf.set_text_color(*MUTED)
    pdf.cell(110, 5, addr or (org.billing_email or ""))
    pdf.cell(
        0,
        5,
        f"{proposal.proposal_number} · version {proposal.version}",
        align="R",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    created = format_datetime(proposal.created_at, zone(org.timezone))
    pdf.cell(110, 5, "")
    pdf.cell(0, 5, f"Issued {created}", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    _text(pdf, proposal.title, size=16, bold=True)
    pdf.ln(2)
    # Client and contact.
    _text(pdf, "Prepared for", size=9, color=MUTED)
    _text(pdf, company.name if company else "—", size=11, bold=True)
    if company is not None:
        place = ", ".join(x for x in (company.street_address, company.city, company.state) if x)
        if place:
            _text(pdf, place, size=9)
    if contact is not None:
        who = contact.full_name + (f", {contact.role}" if contact.role else "")
        reach = " · ".join(x for x in (contact.email, contact.phone) if x)
        _text(pdf, who + (f" · {reach}" if reach else ""), size=9)
    if proposal.valid_until:
        pdf.ln(1)
        _text(pdf, f"Valid until {format_date(proposal.valid_until)}", size=9, color=MUTED)
    # Sections (terms come after the totals).
    for key in ("executive_summary", "scope_of_work"):
        body = getattr(proposal, key) or ""
        if body.strip():
            _heading(pdf, SECTIONS[key])
            _markdown(pdf, body)
    for item in proposal.custom_sections or []:
        if isinstance(item, dict) and (item.get("title") or item.get("body")):
            _heading(pdf, str(item.get("title") or ""))
            _markdown(pdf, str(item.get("body") or ""))
    # Line items.
    _heading(pdf, "Pricing")
    widths = (78, 18, 28, 16, 34)
    pdf.set_font(FAMILY, "B", 9)
    pdf.set_fill_color(241, 243, 245)
    pdf.set_text_color(*INK)
    for w, title, align in zip(
        widths, ("Item", "Qty", "Unit price", "Disc.", "Amount"), "LRRRR", strict=True
    ):
        pdf.cell(w, 7, title, align=align, fill=True)
    pdf.ln(7)
    pdf.set_font(FAMILY, "", 9)
    for li in lines:
        disc = f"{li.discount_percentage.normalize():f} %" if li.discount_percentage else ""
        cells = (
            li.description[:60],
            f"{li.quantity.normalize():f}",
            money(li.unit_price),
            disc,
            money(li.line_total),
        )
        for w, text, align in zip(widths, cells, "LRRRR", strict=True):
            pdf.cell(w, 6, text, align=align, border="B")
        pdf.ln(6)
    pdf.ln(2)
    discount_label = "Discount"
    if proposal.discount_type == "percent" and proposal.discount_percentage:
        discount_label = f"Discount ({proposal.discount_percentage.normalize():f} %)"
    rows = [
        ("Subtotal", money(proposal.subtotal), False),
        (discount_label, "−" + money(proposal.discount_amount), False),
        ("Tax", money(proposal.tax_amount), False),
        ("Total", money(proposal.total_amount), True),
    ]
    for label, value, bold in rows:
        if label.startswith("Discount") and not proposal.discount_amount:
            continue
        pdf.set_font(FAMILY, "B" if bold else "", 11 if bold else 10)
        pdf.cell(sum(widths[:-1]), 7, label, align="R")
        pdf.cell(widths[-1], 7, value, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    terms = proposal.terms_and_conditions or ""
    if terms.strip():
        _heading(pdf, SECTIONS["terms_and_conditions"])
        _markdown(pdf, terms)
    if proposal.valid_until:
        pdf.ln(2)
        _text(
            pdf,
            f"This proposal is valid until {format_date(proposal.valid_until)}.",
            size=9,
            color=MUTED,
        )
    if proposal.status == ProposalStatus.ACCEPTED and proposal.accepted_at:
        signer = (
            getattr(proposal, "accepted_by_name", None)
            or session.exec(
                select(Contract.client_signed_by).where(
                    Contract.organization_id == organization_id, Contract.proposal_id == proposal.id
                )
            ).first()
        )
        _stamp(pdf, proposal, zone(org.timezone), signer)
    return bytes(pdf.output())


def _stamp(pdf: FPDF, proposal: Proposal, tz: Any, who: str | None) -> None:
    pdf.ln(6)
    lines = ["ACCEPTED", f"on {format_datetime(proposal.accepted_at, tz)}"]
    if who:
        lines.append(f"by {who}")
    pdf.set_draw_color(22, 163, 74)
    pdf.set_text_color(22, 163, 74)
    pdf.set_line_width(0.8)
    x, y = pdf.get_x(), pdf.get_y()
    pdf.rect(x, y, 70, 7 + 6 * len(lines))
    pdf.set_xy(x + 4, y + 3)
    for n, text in enumerate(lines):
        pdf.set_font(FAMILY, "B" if n == 0 else "", 14 if n == 0 else 9)
        pdf.cell(62, 7 if n == 0 else 5, text, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(*INK)


def proposal_pdf(session: Session, actor: Actor, proposal_id: str | UUID) -> tuple[str, bytes]:
    """The builder's "PDF": (file name, bytes) for a proposal in the actor's scope."""
    proposal = load_proposal(session, actor, proposal_id)
    data = render_proposal(session, actor.organization_id, proposal.id)
    return f"{proposal.proposal_number}-v{proposal.version}.pdf", data
