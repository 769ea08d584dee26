"""Duplicate companies (same phone digits, e-mail or website domain in one organization) and
creating a company + lead with that check."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col

from ...models import BusinessType, Company, Lead, LeadSource
from ...models.base import utcnow
from ..core import audit
from ..core.errors import Conflict, Invalid
from ..core.org import org_context
from ..core.security import Actor, require
from ..core.text import escape_like
from .common import lead_settings
from .scoring import Activity, rescore, scoring_config
from .search import matching_companies
from .sla import first_contact_due

EMAIL_RE = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
DOMAIN_RE = re.compile(r"^([a-z0-9-]+\.)+[a-z]{2,}$")


def phone_digits(phone: str | None) -> str:
    """The 10 national digits of a US phone ('' if it is not one)."""
    digits = re.sub(r"\D", "", phone or "")
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return digits if len(digits) == 10 else ""


def format_phone(phone: str | None) -> str | None:
    """'(512) 555-0100' for a US number; None for empty input; Invalid otherwise."""
    if not (phone or "").strip():
        return None
    digits = phone_digits(phone)
    if not digits:
        raise Invalid(f"Phone “{phone}” is not a 10-digit US number.")
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


def clean_email(email: str | None) -> str | None:
    value = (email or "").strip().lower()
    if not value:
        return None
    if not EMAIL_RE.match(value) or len(value) > 254:
        raise Invalid(f"E-mail “{email}” is not a valid address.")
    return value


def website_domain(website: str | None) -> str | None:
    """'acme.com' from 'https://www.Acme.com/contact' (None when empty or not a domain)."""
    raw = (website or "").strip().lower()
    if not raw:
        return None
    host = urlsplit(raw if "://" in raw else f"http://{raw}").hostname or ""
    host = host.removeprefix("www.")
    return host if DOMAIN_RE.match(host) else None


@dataclass
class Match:
    lead_id: str
    company_id: str
    company_name: str
    matched_on: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return f"{self.company_name} (same {', '.join(self.matched_on)})"


def find_duplicates(
    session: Session,
    actor: Actor,
    *,
    phone: str | None = None,
    email: str | None = None,
    website: str | None = None,
    exclude_company: UUID | None = None,
) -> list[Match]:
    """Companies of the actor's organization sharing the phone digits, e-mail or domain."""
    require(actor, "leads.read")
    digits, mail, domain = (
        phone_digits(phone),
        (email or "").strip().lower(),
        website_domain(website),
    )
    tests = []
    if digits or mail:  # trigram-indexed look-up that works under RLS (see migration 0002)
        escaped = escape_like(mail) if mail else None
        found = matching_companies(escaped, f"%{digits}" if digits else None)
        tests.append(col(Company.id).in_(found))
    if domain:
        tests.append(col(Company.website_domain) == domain)
    if not tests:
        return []
    stmt = (
        sa.select(
            col(Company.id),
            col(Company.name),
            col(Company.phone),
            col(Company.email),
            col(Company.website_domain),
            col(Lead.id).label("lead_id"),
        )
        .join(Lead, col(Lead.company_id) == Company.id)
        .where(
            col(Company.organization_id) == actor.organization_id,
            col(Company.deleted_at).is_(None),
            sa.or_(*tests),
        )
        .limit(20)
    )
    if exclude_company is not None:
        stmt = stmt.where(col(Company.id) != exclude_company)
    out = []
    for row in session.execute(stmt).all():
        on = []
        if digits and phone_digits(row.phone) == digits:
            on.append("phone")
        if mail and (row.email or "").lower() == mail:
            on.append("e-mail")
        if domain and row.website_domain == domain:
            on.append("website")
        if on:
            out.append(Match(str(row.lead_id), str(row.id), row.name, on))
    return out


class DuplicateFound(Conflict):
    """The company looks like one the organization already has."""

    def __init__(self, matches: list[Match]) -> None:
        super().__init__("Possible duplicate: " + "; ".join(m.describe() for m in matches[:3]))
        self.matches = matches


def create_lead(
    session: Session,
    actor: Actor,
    company: dict[str, Any],
    *,
    source: str = "manual",
    allow_duplicate: bool = False,
) -> str:
    """A company and its lead (SLA deadline and score set). Raises DuplicateFound (listing the
    existing leads) unless ``allow_duplicate``; a same-phone / same-e-mail company is never
    created twice (unique per organization)."""
    require(actor, "leads.write")
    name = str(company.get("name") or "").strip()
    if not name:
        raise Invalid("The company needs a name.")
    try:
        kind = BusinessType(str(company.get("business_type") or "other"))
        src = LeadSource(source)
    except ValueError:
        raise Invalid("Unknown business type or source.") from None
    phone = format_phone(company.get("phone"))
    email = clean_email(company.get("email"))
    website = str(company.get("website") or "").strip() or None
    matches = find_duplicates(session, actor, phone=phone, email=email, website=website)
    hard = [m for m in matches if {"phone", "e-mail"} & set(m.matched_on)]
    if hard or (matches and not allow_duplicate):
        raise DuplicateFound(hard or matches)
    org = org_context(session, actor)
    settings = lead_settings(org)
    now = utcnow()
    row = Company(
        organization_id=actor.organization_id,
        name=name[:200],
        business_type=kind,
        phone=phone,
        email=email,
        website=website,
        website_domain=website_domain(website),
        city=(str(company.get("city") or "").strip() or None),
        state=(str(company.get("state") or "").strip().upper() or None),
        zip_code=(str(company.get("zip_code") or "").strip() or None),
        street_address=(str(company.get("street_address") or "").strip() or None),
    )
    session.add(row)
    session.flush()
    lead = Lead(
        organization_id=actor.organization_id,
        company_id=row.id,
        source=src,
        created_at=now,
        sla_due_at=first_contact_due(now, settings, org.tz),
        assigned_to=actor.user_id if not actor.can("leads.read_all") else None,
        assigned_at=now if not actor.can("leads.read_all") else None,
    )
    session.add(lead)
    session.flush()
    rescore(
        session,
        lead,
        row,
        scoring_config(settings),
        now.astimezone(org.tz).date(),
        activity=Activity(),
    )
    audit.record(
        session, actor, "lead.create", "lead", lead.id, after={"company": name, "source": src.value}
    )
    session.flush()
    return str(lead.id)
