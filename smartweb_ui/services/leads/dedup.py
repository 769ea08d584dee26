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
from ..core.text import clean_text, escape_like
from ..core.validate import (
    clean_email_address,
    clean_us_state,
    clean_zip,
    format_phone,
    phone_digits,
)
from .common import lead_settings
from .scoring import Activity, rescore, scoring_config
from .search import matching_companies
from .sla import first_contact_due

DOMAIN_RE = re.compile(r"^([a-z0-9-]+\.)+[a-z]{2,}$")


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


def duplicate_matches(session: Session, actor: Actor, draft: dict[str, Any]) -> list[Match]:
    """The companies sharing a half-typed company's phone, e-mail or website (New lead checks
    while the user types; a value too short to mean anything matches nothing)."""
    phone = draft.get("phone") or None
    email = (draft.get("email") or "").strip() or None
    if phone and len(phone_digits(phone)) < 7:
        phone = None
    if email and "@" not in email:
        email = None
    return find_duplicates(
        session, actor, phone=phone, email=email, website=draft.get("website") or None
    )


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
    name = clean_text(company.get("name"), "The company name", max_length=200, required=True)
    try:
        kind = BusinessType(str(company.get("business_type") or "other"))
        src = LeadSource(source)
    except ValueError:
        raise Invalid("Unknown business type or source.") from None
    phone = format_phone(clean_text(company.get("phone"), "The phone", max_length=40))
    email = clean_email_address(company.get("email"), required=False) or None
    website = clean_text(company.get("website"), "The website", max_length=500) or None
    city = clean_text(company.get("city"), "The city", max_length=100) or None
    state = clean_us_state(company.get("state")) or None
    zip_code = clean_zip(company.get("zip_code")) or None
    street = clean_text(company.get("street_address"), "The street", max_length=300) or None
    matches = find_duplicates(session, actor, phone=phone, email=email, website=website)
    hard = [m for m in matches if {"phone", "e-mail"} & set(m.matched_on)]
    if hard or (matches and not allow_duplicate):
        raise DuplicateFound(hard or matches)
    org = org_context(session, actor)
    settings = lead_settings(org)
    now = utcnow()
    row = Company(
        organization_id=actor.organization_id,
        name=name,
        business_type=kind,
        phone=phone,
        email=email,
        website=website,
        website_domain=website_domain(website),
        city=city,
        state=state,
        zip_code=zip_code,
        street_address=street,
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
