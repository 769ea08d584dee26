"""How many leads a filter holds, cheaply: exact up to EXACT_UP_TO, estimated above.

Counting every match of a broad filter over 200k leads costs as much as the page itself (up to
80 ms), so a filter is estimated first: the planner's row estimate of it (``EXPLAIN``, not
executed: a millisecond or so), times, for a search term, the term's share of the companies in
a fixed 2 % page sample (a millisecond or two) or the share the page's own walk found. Above the
cap the estimate is shown rounded, "about 12,300"; below it the filter is counted exactly, the
pass stopping at ``EXACT_UP_TO + 1`` rows.
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
from .inbox import SearchHint

EXACT_UP_TO = 2000
# A search whose estimate is this many times the cap is shown as the estimate without an exact
# pass (a 2 % sample holds ~80 matches at 4,000: its error is well under a factor of two).
CLEARLY_ABOVE = 2


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
    """The leads of the filter; for the estimate without the search term (estimated apart)."""
    tz = org_context(session, actor).tz
    plain = replace(flt, search="") if for_estimate else flt
    stmt = sa.select(sa.literal(1)).select_from(Lead)
    if _needs_company(flt):
        stmt = stmt.join(Company, col(Company.id) == Lead.company_id)
    limit = None if for_estimate else EXACT_UP_TO + 1
    return stmt.where(*where_clauses(actor, plain, tz, search_limit=limit))


SAMPLE_PERCENT = 2
_TEXT_SHARE = f"""
SELECT count(*) AS seen,
       count(*) FILTER (WHERE name ILIKE :p OR email ILIKE :p OR website ILIKE :p
                        OR (CAST(:d AS text) IS NOT NULL
                            AND regexp_replace(phone, '[^0-9]', '', 'g') LIKE :d)) AS hits
FROM companies TABLESAMPLE SYSTEM ({SAMPLE_PERCENT}) REPEATABLE (7)
WHERE organization_id = :org AND deleted_at IS NULL
"""


def text_share(session: Session, actor: Actor, text: str) -> float | None:
    """The share of the organization's companies the search term matches, from a fixed 2 %
    page sample (the planner's guess for ``ILIKE '%term%'`` is far off); None: no sample."""
    pattern, digits = lead_search.search_patterns(text)
    if pattern is None:
        return None
    row = session.execute(
        sa.text(_TEXT_SHARE), {"p": pattern, "d": digits, "org": actor.organization_id}
    ).one()
    return row.hits / row.seen if row.seen and row.hits else None


def estimate_rows(session: Session, stmt: sa.Select) -> int:
    """The planner's row estimate of ``stmt`` (EXPLAIN only: nothing is read)."""
    dialect = session.get_bind().dialect
    sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    plan: Any = session.execute(sa.text("EXPLAIN (FORMAT JSON) " + sql)).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def count_matching(
    session: Session, actor: Actor, filters: LeadFilter | dict[str, Any] | None = None,
    *, hint: SearchHint | None = None,
) -> LeadCount:  # fmt: skip
    """The leads ``filters`` holds in the actor's scope: the estimate when it is above the cap,
    else exact up to EXACT_UP_TO; when the exact pass finds more than the estimate said (a rare
    text pattern, correlated columns), "2,000+". ``hint``: what the page of the same filter
    learned of its search term (its few companies, or its hit rate), so the term is not searched
    again."""
    require(actor, "leads.read")
    flt = filters if isinstance(filters, LeadFilter) else LeadFilter.parse(filters)
    if flt.search and hint is not None and hint.companies is not None:
        # At most PROBE companies, and a company has one lead: an exact count of few rows.
        few = _matching(session, actor, flt, for_estimate=True).where(
            col(Lead.company_id) == sa.any_(sa.literal(hint.companies, sa.ARRAY(sa.Uuid())))
        )
        return exact(
            int(
                session.execute(sa.select(sa.func.count()).select_from(few.subquery())).scalar_one()
            )
        )
    # Estimated first. A search's exact pass re-checks every match's company against the term,
    # so only a term clearly above the cap (its share is a sample) skips it. A plain filter's
    # exact pass, a LIMIT of 2,001 over a rare condition (a tag, a city, tasks due), walks most
    # of the leads to find them (35-95 ms at 200k), while the planner's estimate of such
    # columns is close (tag vip: 3,089 estimated, 3,089 there); a short first page corrects it
    # (``inbox_page``).
    rest = estimate_rows(session, _matching(session, actor, flt, for_estimate=True))
    if flt.search:
        share = (
            hint.share
            if hint is not None and hint.share is not None
            else text_share(session, actor, flt.search)
        )
        guess, cap = (round(rest * share) if share is not None else 0), CLEARLY_ABOVE * EXACT_UP_TO
    else:
        guess, cap = rest, EXACT_UP_TO
    if guess > cap:
        return LeadCount(guess, True, about(guess))
    capped = _matching(session, actor, flt, for_estimate=False).limit(EXACT_UP_TO + 1)
    n = int(session.execute(sa.select(sa.func.count()).select_from(capped.subquery())).scalar_one())
    if n <= EXACT_UP_TO:
        return exact(n)
    if guess <= n:  # the planner guessed below what the exact pass already saw: a lower bound
        return LeadCount(n, True, f"{EXACT_UP_TO:,}+")
    return LeadCount(guess, True, about(guess))
