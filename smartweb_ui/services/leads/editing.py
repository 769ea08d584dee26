"""Editing a lead's record: the company profile and the lead's contact preferences (validated,
audited, re-scored, duplicate-checked), and the timeline entries (edit or soft delete by their
author or a manager, audited)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID
from zoneinfo import available_timezones

from sqlmodel import Session, col, select

from ...models import BusinessType, Interaction, InteractionType, Lead, LeadSource
from ...models.base import utcnow
from ..access.abilities import ensure, may_change_entry
from ..core import audit
from ..core.dates import parse_date
from ..core.errors import Forbidden, Invalid, NotFound, as_uuid
from ..core.money import parse_money
from ..core.org import org_context
from ..core.scope import company_of, load_lead
from ..core.security import Actor
from ..core.text import clean_text
from ..core.validate import clean_email_address, clean_us_state, clean_zip, format_phone
from .common import lead_settings
from .dedup import DuplicateFound, find_duplicates, website_domain
from .scoring import rescore, scoring_config

CONTACT_METHODS = {"phone": "Phone", "email": "E-mail", "sms": "Text message"}
COMPANY_TEXT = {  # column -> (label, max length)
    "name": ("The company name", 200),
    "dba_name": ("The DBA name", 200),
    "street_address": ("The street", 300),
    "city": ("The city", 100),
    "country": ("The country", 2),
    "license_number": ("The licence number", 100),
    "license_state": ("The licence state", 2),
}
URLS = {
    "website": "The website",
    "facebook_url": "The Facebook link",
    "linkedin_url": "The LinkedIn link",
    "instagram_url": "The Instagram link",
}
WHOLE = {"years_in_business": ("Years in business", 300), "employee_count": ("Employees", 10**6)}
COMPANY_FIELDS = [
    "name", "dba_name", "business_type", "phone", "email", "website", "street_address", "city",
    "state", "zip_code", "country", "license_number", "license_state", "license_expiry",
    "years_in_business", "employee_count", "annual_revenue", "facebook_url", "linkedin_url",
    "instagram_url",
]  # fmt: skip
LEAD_FIELDS = ["source", "preferred_contact_method", "best_call_time", "timezone"]
EDIT_FIELDS = [*COMPANY_FIELDS, *LEAD_FIELDS]


def _url(value: Any, what: str) -> str | None:
    text = clean_text(value, what, max_length=500)
    if not text:
        return None
    host = text.split("://", 1)[-1].split("/", 1)[0]
    if " " in text or "." not in host:
        raise Invalid(f"{what} must be a web address, like example.com.")
    return text


def _whole(value: Any, what: str, maximum: int) -> int | None:
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        return None
    if not text.isdigit() or int(text) > maximum:
        raise Invalid(f"{what} must be a whole number between 0 and {maximum:,}.")
    return int(text)


def clean_profile(values: dict[str, Any]) -> dict[str, Any]:
    """The edit form's values as columns, every field validated (one sentence per refusal)."""
    unknown = set(values) - set(EDIT_FIELDS)
    if unknown:
        raise Invalid(f"Unknown field: {sorted(unknown)[0]}.")
    out: dict[str, Any] = {}
    for key, (what, limit) in COMPANY_TEXT.items():
        if key in values:
            out[key] = clean_text(values[key], what, max_length=limit) or None
    if "name" in values and not out.get("name"):
        raise Invalid("The company name is required.")
    for key in ("country", "license_state"):
        if out.get(key):
            out[key] = str(out[key]).upper()
            if not out[key].isalpha() or len(out[key]) != 2:
                raise Invalid(f"{COMPANY_TEXT[key][0]} is a two-letter code.")
    if "country" in out:
        out["country"] = out["country"] or "US"
    if "business_type" in values:
        try:
            out["business_type"] = BusinessType(str(values["business_type"] or "other"))
        except ValueError:
            raise Invalid("Choose a trade from the list.") from None
    if "phone" in values:
        out["phone"] = format_phone(clean_text(values["phone"], "The phone", max_length=40))
    if "email" in values:
        out["email"] = clean_email_address(values["email"], required=False) or None
    for key, what in URLS.items():
        if key in values:
            out[key] = _url(values[key], what)
    if "state" in values:
        out["state"] = clean_us_state(values["state"]) or None
    if "zip_code" in values:
        out["zip_code"] = clean_zip(values["zip_code"]) or None
    if "license_expiry" in values:
        out["license_expiry"] = parse_date(values["license_expiry"], "The licence expiry")
    for key, (what, maximum) in WHOLE.items():
        if key in values:
            out[key] = _whole(values[key], what, maximum)
    if "annual_revenue" in values:
        raw = values["annual_revenue"]
        blank = raw is None or str(raw).strip() == ""
        out["annual_revenue"] = None if blank else parse_money(raw, "The annual revenue")
    if "source" in values:
        try:
            out["source"] = LeadSource(str(values["source"]))
        except ValueError:
            raise Invalid("Choose a source from the list.") from None
    if "preferred_contact_method" in values:
        method = str(values["preferred_contact_method"] or "").strip()
        if method and method not in CONTACT_METHODS:
            raise Invalid("Choose how the company prefers to be contacted.")
        out["preferred_contact_method"] = method or None
    if "best_call_time" in values:
        what = "The best time to call"
        out["best_call_time"] = clean_text(values["best_call_time"], what, max_length=100) or None
    if "timezone" in values:
        zone = str(values["timezone"] or "").strip()
        if zone and zone not in available_timezones():
            raise Invalid("The timezone must be a zone like America/Chicago.")
        out["timezone"] = zone or None
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, (Decimal, date)):
        return str(value)
    return getattr(value, "value", value)


def update_lead_profile(
    session: Session,
    actor: Actor,
    lead_id: str | UUID,
    values: dict[str, Any],
    *,
    allow_duplicate: bool = False,
) -> list[str]:
    """Save the edit form; returns the fields that changed. A phone or e-mail another company
    has is refused (DuplicateFound); a shared website only with ``allow_duplicate``."""
    lead = load_lead(session, actor, lead_id, for_update=True)
    ensure(actor, "edit", lead)
    company = company_of(session, lead)
    clean = clean_profile(values)
    if "website" in clean:
        clean["website_domain"] = website_domain(clean["website"])
    contact_changed = any(
        k in clean and clean[k] != getattr(company, k) for k in ("phone", "email", "website")
    )
    if contact_changed:
        matches = find_duplicates(
            session,
            actor,
            phone=clean.get("phone", company.phone),
            email=clean.get("email", company.email),
            website=clean.get("website", company.website),
            exclude_company=company.id,
        )
        hard = [m for m in matches if {"phone", "e-mail"} & set(m.matched_on)]
        if hard or (matches and not allow_duplicate):
            raise DuplicateFound(hard or matches)
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for key, value in clean.items():
        target: Any = lead if key in LEAD_FIELDS else company
        if getattr(target, key) != value:
            before[key], after[key] = _plain(getattr(target, key)), _plain(value)
            setattr(target, key, value)
    if not after:
        return []
    now = utcnow()
    company.updated_at = lead.updated_at = now
    session.add(company)
    session.add(lead)
    session.flush()
    org = org_context(session, actor)
    rescore(
        session, lead, company, scoring_config(lead_settings(org)), now.astimezone(org.tz).date()
    )
    audit.record(
        session,
        actor,
        "lead.edit",
        "lead",
        lead.id,
        before=before,
        after={**after, "lead_score": lead.lead_score},
    )
    session.flush()
    return sorted(k for k in after if k != "website_domain")


@dataclass(frozen=True)
class ProfileForm:
    """The edit form's current values, as the inputs show them."""

    values: dict[str, str]


def profile_form(session: Session, actor: Actor, lead_id: str | UUID) -> ProfileForm:
    lead = load_lead(session, actor, lead_id)
    company = company_of(session, lead)
    values: dict[str, str] = {}
    for key in EDIT_FIELDS:
        value = getattr(lead if key in LEAD_FIELDS else company, key)
        values[key] = "" if value is None else str(_plain(value))
    return ProfileForm(values=values)


# ------------------------------------------------------------------ timeline entries
EDITABLE_KINDS = {InteractionType.CALL, InteractionType.EMAIL, InteractionType.MEETING,
                  InteractionType.NOTE}  # fmt: skip


def _load_entry(session: Session, actor: Actor, entry_id: str | UUID) -> tuple[Interaction, Lead]:
    entry = session.exec(
        select(Interaction)
        .where(
            Interaction.id == as_uuid(entry_id, "Entry"),
            Interaction.organization_id == actor.organization_id,
            col(Interaction.deleted_at).is_(None),
        )
        .with_for_update()
    ).first()
    if entry is None:
        raise NotFound("Timeline entry not found.")
    lead = load_lead(session, actor, entry.lead_id, for_update=True)  # out of scope: NotFound
    if entry.type not in EDITABLE_KINDS:
        raise Invalid("Only calls, e-mails, meetings and notes logged here can be changed.")
    if not may_change_entry(actor, lead, entry.initiated_by):
        raise Forbidden("Only its author or a manager can change this entry.")
    return entry, lead


def edit_entry(
    session: Session, actor: Actor, entry_id: str | UUID, *, subject: str, text: str
) -> str:
    """Change an entry's subject and text (its author or a manager); returns the lead id."""
    entry, lead = _load_entry(session, actor, entry_id)
    subject = clean_text(subject, "The subject", max_length=300)
    body = clean_text(text, "The text", max_length=20_000, multiline=True)
    if entry.type == InteractionType.NOTE and not body:
        raise Invalid("The note is required.")
    before = audit.snapshot(entry, ["subject", "content"])
    entry.subject = subject or entry.subject
    entry.content = body
    entry.edited_at = entry.updated_at = utcnow()
    session.add(entry)
    audit.record(
        session, actor, "interaction.edit", "interaction", entry.id,
        before=before, after={**audit.snapshot(entry, ["subject", "content"]), "lead_id": lead.id},
    )  # fmt: skip
    session.flush()
    return str(lead.id)


def delete_entry(session: Session, actor: Actor, entry_id: str | UUID) -> str:
    """Soft-delete an entry (its author or a manager): gone from the timeline and the score."""
    entry, lead = _load_entry(session, actor, entry_id)
    now = utcnow()
    entry.deleted_at = entry.updated_at = now
    session.add(entry)
    session.flush()
    org = org_context(session, actor)
    rescore(
        session,
        lead,
        company_of(session, lead),
        scoring_config(lead_settings(org)),
        now.astimezone(org.tz).date(),
    )
    audit.record(
        session, actor, "interaction.delete", "interaction", entry.id,
        before={"subject": entry.subject, "type": entry.type.value}, after={"lead_id": lead.id},
    )  # fmt: skip
    session.flush()
    return str(lead.id)
