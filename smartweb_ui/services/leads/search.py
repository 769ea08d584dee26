"""Free-text search of the lead inbox over company name, e-mail, website and phone digits.

Row-level security stops PostgreSQL from using an index with a non-leakproof operator (ILIKE)
for the app role, so the trigram look-up runs in ``lead_search_companies`` (SECURITY DEFINER
function of migration 0002, limited to ``app.org_id``, the RLS key). A page is then built in one
of two ways:

1. a selective term (at most PROBE companies): list them, join them to the page query;
2. a common term: walk the leads in sort order (the sort index), testing each row's company as
   it comes (``text_match``) and stopping when the page is full, within WALK_BATCHES * BATCH
   rows; a term too rare for that (a middling term) joins the full list of matching companies.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

from ..core.text import contains_pattern

PROBE = 1000
BATCH = 1000
WALK_BATCHES = 3


def search_patterns(text: str) -> tuple[str | None, str | None]:
    """(ILIKE pattern for name / e-mail / website, LIKE pattern for the phone's digits)."""
    text = (text or "").strip()
    if not text:
        return None, None
    digits = re.sub(r"\D", "", text)
    phone = f"%{digits}%" if len(digits) >= 3 and not re.search(r"[A-Za-z]", text) else None
    return contains_pattern(text), phone


def matching_companies(
    pattern: str | None, digits: str | None, limit: int | None = None
) -> sa.Select:
    """``SELECT id`` of the organization's companies matching (at most ``limit``)."""
    return sa.select(sa.func.lead_search_companies(pattern, digits, limit).column_valued())


def search_clause(
    text: str, company_id: sa.SQLColumnExpression[UUID], limit: int | None = None
) -> sa.ColumnElement[bool] | None:
    """``company_id IN (matching companies)`` for the text; None when the text is empty."""
    pattern, digits = search_patterns(text)
    if pattern is None:
        return None
    return company_id.in_(matching_companies(pattern, digits, limit))


def text_match(text: str, company: Any) -> sa.ColumnElement[bool]:
    """The same test as ``lead_search_companies`` in SQL, on columns ``name``, ``email``,
    ``website`` and ``phone`` of ``company`` (a table's or a subquery's ``.c``), for filtering
    rows already found another way (no index: a filter on the walk)."""
    pattern, digits = search_patterns(text)
    if pattern is None:
        return sa.false()
    tests: list[sa.ColumnElement[bool]] = [
        company.name.ilike(pattern),
        company.email.ilike(pattern),
        company.website.ilike(pattern),
    ]
    if digits is not None:
        tests.append(sa.func.regexp_replace(company.phone, "[^0-9]", "", "g").like(digits))
    return sa.or_(*tests)


def probe(session: Session, text: str) -> list[UUID] | None:
    """The matching company ids when there are at most PROBE of them, else None (common term)."""
    pattern, digits = search_patterns(text)
    ids = list(session.execute(matching_companies(pattern, digits, PROBE + 1)).scalars())
    return ids if len(ids) <= PROBE else None
