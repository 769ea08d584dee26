"""The lead area's global-search sources: leads (by company name, e-mail or website) and
contacts (a company's phone or e-mail), both within the actor's row scope."""

from __future__ import annotations

import re
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col

from ...models import Company, Lead
from ..core.labels import label
from ..core.scope import lead_scope
from ..core.search import Hit, Source, rank_of, register_source
from ..core.security import Actor
from ..core.text import escape_like
from .search import matching_companies

CANDIDATES = 200  # matching companies looked at before row scope and ranking


def _candidates(term: str, *, digits: str | None = None, names: bool = True) -> list[sa.Select]:
    """Company-id look-ups: name prefix first (so "Han" finds "Hancock …" among thousands of
    "… Handyman"), then anywhere; trigram-indexed under RLS (see ``leads/search.py``)."""
    like = escape_like(term)
    out = []
    if names:
        out.append(matching_companies(f"{like}%", None, CANDIDATES))
        out.append(matching_companies(f"%{like}%", None, CANDIDATES))
    if digits:
        out.append(matching_companies(None, f"%{digits}%", CANDIDATES))
    return out


def _rows(session: Session, actor: Actor, lookups: list[sa.Select]) -> list[sa.Row]:
    ids: list[UUID] = []
    for lookup in lookups:
        ids += [i for i in session.execute(lookup).scalars() if i not in ids]
        if len(ids) >= CANDIDATES:
            break
    if not ids:
        return []
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
            col(Company.id).in_(ids[:CANDIDATES]),
            lead_scope(actor),
        )
    )
    return list(session.execute(stmt).all())


def _place(row: sa.Row) -> str:
    return ", ".join(p for p in (row.city, row.state) if p)


def find_leads(session: Session, actor: Actor, term: str, limit: int) -> list[Hit]:
    rows = _rows(session, actor, _candidates(term))
    rows.sort(key=lambda r: (rank_of(term, r.name), r.name.lower()))
    return [
        Hit(
            kind="lead",
            id=str(r.id),
            title=r.name,
            subtitle=" · ".join(
                p for p in ("Lead", label(r.status), label(r.business_type), _place(r)) if p
            ),
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
    lookups = _candidates(term, digits=digits if by_phone else None, names=by_mail)
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
