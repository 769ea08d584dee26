"""How many leads a filter holds, cheaply: exact up to EXACT_UP_TO, estimated above.

Counting every match of a broad filter over 200k leads costs as much as the page itself (up to
80 ms), so the exact count stops at ``EXACT_UP_TO + 1`` rows. Above that the number comes from
the planner's row estimate of the same filter (``EXPLAIN``, not executed: well under a
millisecond) and is shown rounded, "about 12,300". A search term is estimated from the
companies' text columns (the planner reads their statistics), the way the page query finds them.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from ...models import Company, Lead
from ..core.org import org_context
from ..core.security import Actor, require
from . import search as lead_search
from .filters import LeadFilter, where_clauses

EXACT_UP_TO = 2000


@dataclass(frozen=True)
class LeadCount:
    """A count for display: exact, or the planner's estimate (``is_estimate``) above the cap."""

    n: int
    is_estimate: bool
    label: str  # "1,234" / "about 12,300"


def about(n: int) -> str:
    """A rounded estimate for display: three significant figures ("about 12,300")."""
    if n < 1000:
        return f"about {n:,}"
    step = 10 ** (int(math.log10(n)) - 2)
    return f"about {round(n / step) * step:,}"


def exact(n: int) -> LeadCount:
    return LeadCount(n, False, f"{n:,}")


def _needs_company(flt: LeadFilter) -> bool:
    return bool(flt.business_type or flt.city or flt.state)


def _matching(session: Session, actor: Actor, flt: LeadFilter, *, for_estimate: bool) -> sa.Select:
    tz = org_context(session, actor).tz
    plain = replace(flt, search="") if for_estimate else flt
    stmt = sa.select(sa.literal(1)).select_from(Lead)
    if _needs_company(flt) or (for_estimate and flt.search):
        stmt = stmt.join(Company, col(Company.id) == Lead.company_id)
    limit = None if for_estimate else EXACT_UP_TO + 1
    stmt = stmt.where(*where_clauses(actor, plain, tz, search_limit=limit))
    if for_estimate and flt.search:
        stmt = stmt.where(lead_search.text_predicate(flt.search))
    return stmt


def estimate_rows(session: Session, stmt: sa.Select) -> int:
    """The planner's row estimate of ``stmt`` (EXPLAIN only: nothing is read)."""
    dialect = session.get_bind().dialect
    sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    plan: Any = session.execute(sa.text("EXPLAIN (FORMAT JSON) " + sql)).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def count_matching(
    session: Session, actor: Actor, filters: LeadFilter | dict[str, Any] | None = None
) -> LeadCount:
    """The leads ``filters`` holds in the actor's scope: exact up to EXACT_UP_TO, else an
    estimate (never shown below EXACT_UP_TO + 1, which the exact pass proved)."""
    require(actor, "leads.read")
    flt = filters if isinstance(filters, LeadFilter) else LeadFilter.parse(filters)
    capped = _matching(session, actor, flt, for_estimate=False).limit(EXACT_UP_TO + 1)
    n = int(session.execute(sa.select(sa.func.count()).select_from(capped.subquery())).scalar_one())
    if n <= EXACT_UP_TO:
        return exact(n)
    guess = max(estimate_rows(session, _matching(session, actor, flt, for_estimate=True)), n)
    return LeadCount(guess, True, about(guess))
