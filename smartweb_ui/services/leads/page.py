"""The inbox page in one read: a page of rows, and (when asked) the count, the views, the people."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from ..core.results import Option
from ..core.security import Actor
from .actions import user_choices
from .counts import count_matching, exact
from .filters import LeadFilter
from .inbox import LeadRow, list_leads
from .views import ViewItem, list_views


@dataclass(frozen=True)
class InboxPage:
    rows: list[LeadRow]
    next_cursor: str | None
    total: int | None  # None: not counted this time
    count_is_estimate: bool  # the total is the planner's estimate (above counts.EXACT_UP_TO)
    total_label: str  # "1,234" / "about 12,300" ("" when not counted)
    views: list[ViewItem] | None
    people: list[Option] | None


def inbox_page(
    session: Session,
    actor: Actor,
    flt: LeadFilter,
    sort: str,
    cursor: str = "",
    *,
    count: bool = True,
    views: bool = False,
    people: bool = False,
) -> InboxPage:
    page = list_leads(session, actor, flt, sort=sort, after=cursor or None)
    total = count_matching(session, actor, flt, hint=page.hint) if count else None
    if total is not None and total.is_estimate and not cursor and page.next_cursor is None:
        total = exact(len(page.rows))  # the whole view is on this first page: no guess
    return InboxPage(
        rows=page.rows,
        next_cursor=page.next_cursor,
        total=total.n if total else None,
        count_is_estimate=total.is_estimate if total else False,
        total_label=total.label if total else "",
        views=list_views(session, actor) if views else None,
        people=user_choices(session, actor) if people and actor.can("leads.assign") else None,
    )
