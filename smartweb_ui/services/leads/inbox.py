"""The lead inbox list: filters, free-text search, sorts, keyset paging, counts.

Every query is built from :class:`LeadFilter` (parsed and validated, since it comes from the
browser), scoped to the actor (reps: own + unassigned; ``leads.read_all``: everything) and ordered
by ``(sort key, id)`` so the next page starts right after the last row (no OFFSET).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, cast
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from ...models import (
    Company,
    Lead,
    User,
)
from ...models.base import utcnow
from ..core.errors import Invalid
from ..core.formatting import format_datetime
from ..core.labels import label
from ..core.org import org_context
from ..core.security import Actor, require
from . import search as lead_search
from .common import OPEN_STATUSES
from .filters import (
    LeadFilter,
    where_clauses,
)

PAGE_SIZE = 50
_ASSIGNEE = aliased(User)
# The page's tags in the same query (one index look-up per row of the page).
_TAGS = (
    sa.select(
        sa.func.coalesce(
            sa.func.array_agg(sa.text("t.tag ORDER BY t.tag")), sa.text("'{}'::varchar[]")
        )
    )
    .select_from(sa.text("lead_tags t"))
    .where(sa.text("t.lead_id = leads.id"))
    .scalar_subquery()
    .label("tags")
)
SORTS: dict[str, str] = {
    "score": "Score",
    "created": "Newest",
    "last_contact": "Last contact",
    "sla_due": "SLA due",
}
_LAST_CONTACT = sa.func.coalesce(
    Lead.last_contact_at, sa.literal_column("'-infinity'::timestamptz")
)
_SLA_DUE = sa.func.coalesce(Lead.sla_due_at, sa.literal_column("'infinity'::timestamptz"))


def _sort(sort: str) -> tuple[sa.SQLColumnExpression[Any], bool]:
    """(sort key expression, descending)."""
    if sort == "created":
        return col(Lead.created_at), True
    if sort == "last_contact":
        return _LAST_CONTACT, True
    if sort == "sla_due":
        return _SLA_DUE, False
    return col(Lead.lead_score), True


def _order(sort: str) -> tuple[sa.ColumnElement[Any], sa.ColumnElement[Any]]:
    """The list's ORDER BY: the sort key (desc or asc), then the id."""
    key, desc = _sort(sort)
    return (key.desc() if desc else key.asc(), col(Lead.id).asc())


def _cursor_value(sort: str, row: Any) -> str:
    if sort == "score":
        return str(row.lead_score)
    value = getattr(
        row, {"created": "created_at", "last_contact": "last_contact_at"}.get(sort, "sla_due_at")
    )
    if value is None:
        return "-infinity" if sort == "last_contact" else "infinity"
    return value.isoformat()


def _after(sort: str, cursor: str) -> sa.ColumnElement[bool]:
    """Rows strictly after the cursor in ``(key, id)`` order (key desc/asc, id asc)."""
    try:
        raw_value, raw_id = cursor.rsplit("|", 1)
        last_id = UUID(raw_id)
        value: Any = int(raw_value) if sort == "score" else raw_value
        if sort != "score" and raw_value not in ("infinity", "-infinity"):
            datetime.fromisoformat(raw_value)
    except ValueError:
        raise Invalid("That page link is no longer valid.") from None
    key, desc = _sort(sort)
    bound = (
        sa.literal(value)
        if sort == "score"
        else sa.cast(sa.literal(value), sa.DateTime(timezone=True))
    )
    if desc:
        return sa.and_(key <= bound, sa.or_(key < bound, col(Lead.id) > last_id))
    return sa.and_(key >= bound, sa.or_(key > bound, col(Lead.id) > last_id))


def list_query(
    actor: Actor, flt: LeadFilter, sort: str, tz: ZoneInfo
) -> sa.Select[*tuple[Any, ...]]:
    """The ordered list statement (no limit): the page query and the CSV export share it."""
    if sort not in SORTS:
        raise Invalid("Unknown sort.")
    assignee = _ASSIGNEE
    return (
        sa.select(
            col(Lead.id),
            col(Lead.status),
            col(Lead.source),
            col(Lead.lead_score),
            col(Lead.assigned_to),
            col(Lead.created_at),
            col(Lead.last_contact_at),
            col(Lead.first_contact_at),
            col(Lead.sla_due_at),
            col(Lead.contact_attempts),
            col(Company.name),
            col(Company.business_type),
            col(Company.phone),
            col(Company.email),
            col(Company.website),
            col(Company.city),
            col(Company.state),
            col(Company.zip_code),
            col(Company.google_rating),
            col(assignee.full_name).label("assignee_name"),
            _TAGS,
        )
        .join(Company, col(Company.id) == Lead.company_id)
        .outerjoin(assignee, col(assignee.id) == Lead.assigned_to)
        .where(*where_clauses(actor, flt, tz))
        .order_by(*_order(sort))
    )


@dataclass(frozen=True)
class LeadRow:
    """One inbox row (display-ready)."""

    id: str
    company_name: str
    business_type: str
    phone: str
    email: str
    website: str
    location: str
    status: str
    source: str
    score: int
    assignee: str
    assignee_id: str
    created: str
    last_contact: str
    sla_due: str
    overdue: bool
    attempts: int
    tags: list[str]


@dataclass(frozen=True)
class SearchHint:
    """What a page's search learned about its term, so that its count need not search again:
    the matching companies when there are few (``companies``), else the share of the leads
    walked that matched (``share``, from a thousand rows or more)."""

    companies: list[UUID] | None = None
    share: float | None = None


@dataclass(frozen=True)
class LeadPage:
    rows: list[LeadRow]
    next_cursor: str | None
    sort: str
    hint: SearchHint | None = None  # for the count of the same filter (never sent to a page)


def _row(row: Any, tags: list[str], tz: Any, now: datetime) -> LeadRow:
    overdue = (
        row.first_contact_at is None
        and row.sla_due_at is not None
        and row.sla_due_at < now
        and row.status in OPEN_STATUSES
    )
    return LeadRow(
        id=str(row.id),
        company_name=row.name,
        business_type=label(row.business_type),
        phone=row.phone or "",
        email=row.email or "",
        website=row.website or "",
        location=", ".join(p for p in (row.city, row.state) if p),
        status=row.status.value,
        source=label(row.source),
        score=int(row.lead_score),
        assignee=row.assignee_name or "",
        assignee_id=str(row.assigned_to or ""),
        created=format_datetime(row.created_at, tz, with_year=False),
        last_contact=format_datetime(row.last_contact_at, tz, with_year=False),
        sla_due=(
            format_datetime(row.sla_due_at, tz, with_year=False)
            if row.first_contact_at is None
            else ""
        ),
        overdue=overdue,
        attempts=int(row.contact_attempts),
        tags=tags,
    )


def list_leads(
    session: Session,
    actor: Actor,
    filters: LeadFilter | dict[str, Any] | None = None,
    *,
    sort: str = "score",
    after: str | None = None,
    limit: int = PAGE_SIZE,
) -> LeadPage:
    """One page of the inbox in ``sort`` order, starting after the ``after`` cursor."""
    require(actor, "leads.read")
    flt = filters if isinstance(filters, LeadFilter) else LeadFilter.parse(filters)
    limit = max(1, min(int(limit), 200))
    tz = org_context(session, actor).tz
    hint: SearchHint | None = None
    if not flt.search:
        rows = _page(session, list_query(actor, flt, sort, tz), sort, after, limit)
    else:
        plain = replace(flt, search="")
        stmt = list_query(actor, plain, sort, tz)
        ids = lead_search.probe(session, flt.search)
        hint = SearchHint(companies=ids)
        rows: list[Any] = []
        complete = False
        if ids is None:  # a common term: walk the sort order
            rows, complete, share = _walk(session, stmt, sort, after, limit, flt.search)
            hint = SearchHint(share=share)
        if not complete:  # a selective or middling term: join its companies
            found = lead_search.search_clause(flt.search, col(Lead.company_id))
            if ids is not None:
                found = col(Lead.company_id) == sa.any_(sa.literal(ids, sa.ARRAY(sa.Uuid())))
            if found is None:  # a blank term: WHERE NULL (what ``where(None)`` renders), no rows
                # SQLAlchemy types null() as a None-valued expression, not a boolean one.
                found = cast(sa.ColumnElement[bool], sa.null())
            rows = _page(session, stmt.where(found), sort, after, limit)
    more = len(rows) > limit
    rows = rows[:limit]
    now = utcnow()
    next_cursor = f"{_cursor_value(sort, rows[-1])}|{rows[-1].id}" if more and rows else None
    return LeadPage(
        rows=[_row(r, list(r.tags or []), tz, now) for r in rows],
        next_cursor=next_cursor,
        sort=sort,
        hint=hint,
    )


COUNT_CAP = 10_000


def _page(
    session: Session, stmt: sa.Select[*tuple[Any, ...]], sort: str, after: str | None, limit: int
) -> list[Any]:
    if after:
        stmt = stmt.where(_after(sort, after))
    return list(session.execute(stmt.limit(limit + 1)).all())


def _walk(
    session: Session,
    full: sa.Select[*tuple[Any, ...]],
    sort: str,
    after: str | None,
    limit: int,
    text: str,
) -> tuple[list[Any], bool, float | None]:
    """Leads in sort order, kept when their company matches ``text``, within the first
    WALK_BATCHES * BATCH rows after the cursor (else incomplete: the caller joins the list of
    matching companies). One statement: the ordered walk stops as soon as the page is full (a
    common term: a few thousand index entries, their companies looked up as they come), the
    rows never leave the database. Returns (rows, complete, the hit rate over the rows
    walked)."""
    budget = lead_search.WALK_BATCHES * lead_search.BATCH
    key, desc = _sort(sort)
    walk = full.with_only_columns(
        col(Lead.id),
        key.label("key"),
        col(Company.name),
        col(Company.email),
        col(Company.website),
        col(Company.phone),
        sa.func.row_number().over(order_by=_order(sort)).label("seen"),
    )
    if after:
        walk = walk.where(_after(sort, after))
    walked = walk.limit(budget).subquery()
    hit = lead_search.text_match(text, walked.c)
    # The matching rows in walk order, and the walk's last row if the budget ran out first.
    # Ordered as the walk is (not by ``seen``, which the planner cannot know is in that order):
    # the scan then stops at the page's last row instead of reading the whole budget.
    found = session.execute(
        sa.select(walked.c.id, walked.c.seen, hit.label("hit"))
        .where(sa.or_(hit, walked.c.seen == budget))
        .order_by(walked.c.key.desc() if desc else walked.c.key.asc(), walked.c.id.asc())
        .limit(limit + 1)
    ).all()
    picked = [r.id for r in found if r.hit]
    if len(picked) > limit:  # the page is full: the rate over the rows it took to fill it
        seen = int(found[-1].seen)
    elif found and found[-1].seen == budget:  # the budget ran out before the page filled
        return [], False, len(picked) / budget
    else:  # the view ended within the budget: how many rows that was (fewer than the budget)
        seen = int(session.execute(sa.select(sa.func.count()).select_from(walked)).scalar_one())
    rate = len(picked) / seen if seen else None
    if not picked:
        return [], True, rate
    rows = session.execute(full.where(col(Lead.id).in_(picked))).all()
    return list(rows), True, rate


def count_leads(
    session: Session,
    actor: Actor,
    filters: LeadFilter | dict[str, Any] | None = None,
    *,
    cap: int | None = COUNT_CAP,
) -> int:
    """How many leads match (in the actor's scope); stops at ``cap + 1`` (shown as "10,000+")
    so a count over 200k rows stays cheap. ``cap=None`` counts everything."""
    require(actor, "leads.read")
    flt = filters if isinstance(filters, LeadFilter) else LeadFilter.parse(filters)
    tz = org_context(session, actor).tz
    inner = sa.select(sa.literal(1)).select_from(Lead)
    if _needs_company(flt):
        inner = inner.join(Company, col(Company.id) == Lead.company_id)
    limit = cap + 1 if cap is not None else None
    inner = inner.where(*where_clauses(actor, flt, tz, search_limit=limit))
    if cap is not None:
        inner = inner.limit(cap + 1)
    return int(
        session.execute(sa.select(sa.func.count()).select_from(inner.subquery())).scalar_one()
    )


def count_label(n: int, cap: int = COUNT_CAP) -> str:
    return f"{cap:,}+" if n > cap else f"{n:,}"


def _needs_company(flt: LeadFilter) -> bool:
    return bool(flt.business_type or flt.city or flt.state)
