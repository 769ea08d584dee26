"""Contacts: the people at a company (name, role, phone, e-mail, one primary), the client side
of a proposal. Listed and edited with the lead (its company), shown on the deal drawer."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sqlmodel import Session, col, select

from ...models import Company, Contact, Lead
from ...models.base import utcnow
from ..core import audit
from ..core.errors import Invalid, NotFound, as_uuid
from ..core.scope import can_see_lead, load_deal, load_lead
from ..core.security import Actor, require
from ..core.text import clean_text

FIELDS = ["full_name", "role", "phone", "email", "is_primary"]


@dataclass(frozen=True)
class ContactRow:
    id: str
    name: str
    role: str
    phone: str
    email: str
    is_primary: bool


@dataclass(frozen=True)
class ContactInput:
    """A contact as typed (the state validates lengths; rules are checked here)."""

    full_name: str
    role: str = ""
    phone: str = ""
    email: str = ""
    is_primary: bool = False


def _row(c: Contact, *, details: bool = True) -> ContactRow:
    return ContactRow(
        id=str(c.id),
        name=c.full_name,
        role=c.role,
        phone=(c.phone or "") if details else "",
        email=(c.email or "") if details else "",
        is_primary=c.is_primary,
    )


def _company_contacts(session: Session, actor: Actor, company_id: UUID) -> list[Contact]:
    return list(
        session.exec(
            select(Contact)
            .where(
                Contact.organization_id == actor.organization_id,
                Contact.company_id == company_id,
                col(Contact.deleted_at).is_(None),
            )
            .order_by(col(Contact.is_primary).desc(), col(Contact.full_name), col(Contact.id))
        ).all()
    )


def lead_contacts(session: Session, actor: Actor, lead_id: str | UUID) -> list[ContactRow]:
    """The contacts of a lead's company (the lead page)."""
    lead = load_lead(session, actor, lead_id)
    return [_row(c) for c in _company_contacts(session, actor, lead.company_id)]


def deal_company_id(session: Session, actor: Actor, deal_id: str | UUID) -> UUID | None:
    deal = load_deal(session, actor, deal_id)
    if deal.lead_id is None:
        return None
    return session.exec(select(Lead.company_id).where(Lead.id == deal.lead_id)).first()


def deal_contacts(session: Session, actor: Actor, deal_id: str | UUID) -> list[ContactRow]:
    """The contacts of a deal's company; phone and e-mail only if its lead is the actor's to see."""
    deal = load_deal(session, actor, deal_id)
    lead = session.get(Lead, deal.lead_id) if deal.lead_id else None
    if lead is None or lead.organization_id != actor.organization_id:
        return []
    details = can_see_lead(actor, lead)
    return [_row(c, details=details) for c in _company_contacts(session, actor, lead.company_id)]


def load_contact(
    session: Session, actor: Actor, contact_id: str | UUID, *, company_id: UUID | None = None
) -> Contact:
    """A live contact of the actor's organization (of ``company_id`` when given), else NotFound."""
    contact = session.exec(
        select(Contact).where(
            Contact.id == as_uuid(contact_id, "Contact"),
            Contact.organization_id == actor.organization_id,
            col(Contact.deleted_at).is_(None),
        )
    ).first()
    if contact is None or (company_id is not None and contact.company_id != company_id):
        raise NotFound("Contact not found.")
    return contact


def _clean(data: ContactInput) -> dict[str, object]:
    name = clean_text(data.full_name, "Name", max_length=200)
    if not name:
        raise Invalid("Give the contact a name.")
    email = clean_text(data.email, "E-mail", max_length=254).lower()
    if email and ("@" not in email or " " in email or email.startswith("@")):
        raise Invalid("That e-mail address doesn't look right.")
    return {
        "full_name": name,
        "role": clean_text(data.role, "Role", max_length=100),
        "phone": clean_text(data.phone, "Phone", max_length=40) or None,
        "email": email or None,
        "is_primary": bool(data.is_primary),
    }


def _clear_primary(session: Session, actor: Actor, company_id: UUID, keep: UUID | None) -> None:
    others = session.exec(
        select(Contact)
        .where(
            Contact.organization_id == actor.organization_id,
            Contact.company_id == company_id,
            col(Contact.is_primary).is_(True),
            col(Contact.deleted_at).is_(None),
        )
        .with_for_update()
    ).all()
    for other in others:
        if other.id != keep:
            other.is_primary = False
            session.add(other)
    session.flush()


def _company_for_edit(session: Session, actor: Actor, lead_id: str | UUID) -> Company:
    require(actor, "leads.write")
    lead = load_lead(session, actor, lead_id, for_update=True)
    company = session.get(Company, lead.company_id)
    if company is None or company.organization_id != actor.organization_id:
        raise NotFound("Company not found.")
    return company


def save_contact(
    session: Session,
    actor: Actor,
    lead_id: str | UUID,
    contact_id: str | UUID | None,
    data: ContactInput,
) -> ContactRow:
    """Add (``contact_id`` None) or edit a contact of the lead's company; primary is exclusive."""
    company = _company_for_edit(session, actor, lead_id)
    values = _clean(data)
    if contact_id is None:
        contact = Contact(
            organization_id=actor.organization_id,
            company_id=company.id,
            created_by=actor.user_id,
            **values,  # type: ignore[arg-type]
        )
        if contact.is_primary:
            _clear_primary(session, actor, company.id, None)
        session.add(contact)
        session.flush()
        audit.record(session, actor, "contact.create", "contact", contact.id, after=values)
        return _row(contact)
    contact = load_contact(session, actor, contact_id, company_id=company.id)
    before = audit.snapshot(contact, FIELDS)
    if values["is_primary"] and not contact.is_primary:
        _clear_primary(session, actor, company.id, contact.id)
    for key, value in values.items():
        setattr(contact, key, value)
    contact.updated_at = utcnow()
    session.add(contact)
    session.flush()
    audit.record(
        session, actor, "contact.update", "contact", contact.id, before=before, after=values
    )
    return _row(contact)


def remove_contact(
    session: Session, actor: Actor, lead_id: str | UUID, contact_id: str | UUID
) -> None:
    """Soft-delete a contact (proposals addressed to it keep their history)."""
    company = _company_for_edit(session, actor, lead_id)
    contact = load_contact(session, actor, contact_id, company_id=company.id)
    contact.deleted_at = utcnow()
    contact.is_primary = False
    session.add(contact)
    audit.record(
        session,
        actor,
        "contact.delete",
        "contact",
        contact.id,
        before={"full_name": contact.full_name},
    )
