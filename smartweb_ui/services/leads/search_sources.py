"""The lead area's global-search sources: leads (by company name, e-mail or website) and
contacts (a company's phone or e-mail), both within the actor's row scope."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlmodel import Session, col

from ...models import Company, Lead
from ..core.labels import label
from ..core.scope import lead_scope
from ..core.search import Hit, Source, rank_of, register_source, subtitle
from ..core.security import Actor
from ..core.text import escape_like
from .search import matching_companies

CANDIDATES = 60  # matching companies looked at before row scope and ranking


def palette_patterns(term: str) -> tuple[str, str | None]:
    """(lower-case prefix pattern, contains pattern or None under 3 characters) for the
    palette's look-up functions (migration 0010)."""
    like = escape_like(term.lower())
    return f"{like}%", (f"%{like}%" if len(term) >= 3 else None)


def _names(term: str) -> sa.Select:
    """Companies whose name starts with the term (btree), then contains it (trigram)."""
    prefix, pattern = palette_patterns(term)
    return sa.select(sa.func.palette_companies(prefix, pattern, CANDIDATES).column_valued())


def _contact_lookups(term: str, digits: str | None, mail: bool) -> list[sa.Select]:
    out = []
    if mail:
        out.append(matching_companies(f"%{escape_like(term)}%", None, CANDIDATES))
    if digits:
        out.append(matching_companies(None, f"%{digits}%", CANDIDATES))
    return out


def _rows(session: Session, actor: Actor, lookups: list[sa.Select]) -> list[sa.Row]:
    """The matching companies' leads in the actor's row scope: one statement."""
    if not lookups:
        return []
    ids = lookups[0] if len(lookups) == 1 else sa.union(*lookups)
    stmt = (
        sa.select(
            col(Lead.id),
            col(Lead.status),
            col(Company.name),
            col(Company.city),
            col(Company.state),
            col(Company.business_type),
            col(Company.phone),
            col(Company.email),
        )
        .join(Company, col(Company.id) == Lead.company_id)
        .where(
            col(Lead.organization_id) == actor.organization_id,
            col(Lead.deleted_at).is_(None),
            col(Lead.company_id).in_(ids),
            lead_scope(actor),
        )
    )
    return list(session.execute(stmt).all())


def _place(row: sa.Row) -> str:
    return ", ".join(p for p in (row.city, row.state) if p)


def find_leads(session: Session, actor: Actor, term: str, limit: int) -> list[Hit]:
    rows = _rows(session, actor, [_names(term)])
    rows.sort(key=lambda r: (rank_of(term, r.name), r.name.lower()))
    return [
        Hit(
            kind="lead",
            id=str(r.id),
            title=r.name,
            subtitle=subtitle("Lead", label(r.status), label(r.business_type), _place(r)),
            href=f"/leads/{r.id}",
        )
        for r in rows[:limit]
    ]


def find_contacts(session: Session, actor: Actor, term: str, limit: int) -> list[Hit]:
    """A phone number (3+ digits, no letters) or an e-mail address (with @ or a dot)."""
    digits = re.sub(r"\D", "", term)
    by_phone = len(digits) >= 3 and not re.search(r"[A-Za-z]", term)
    by_mail = "@" in term or ("." in term and " " not in term)
    if not (by_phone or by_mail):
        return []
    lookups = _contact_lookups(term, digits if by_phone else None, by_mail)
    out = []
    for r in _rows(session, actor, lookups):
        if by_phone and r.phone and digits in re.sub(r"\D", "", r.phone):
            out.append(
                Hit("contact", f"{r.id}:phone", r.phone, f"Phone · {r.name}", f"/leads/{r.id}")
            )
        elif by_mail and r.email and term.lower() in r.email.lower():
            out.append(
                Hit("contact", f"{r.id}:email", r.email, f"E-mail · {r.name}", f"/leads/{r.id}")
            )
    return out[:limit]


def register() -> None:
    register_source(Source("lead", "Leads", "leads.read", find_leads, weight=3))
    register_source(Source("contact", "Contacts", "leads.read", find_contacts, weight=1))
