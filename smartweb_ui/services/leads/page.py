"""The inbox page in one read: a page of rows, and (when asked) the count, the views, the people."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from ..core.results import Option
from ..core.security import Actor
from .actions import user_choices
from .filters import LeadFilter
from .inbox import LeadRow, count_leads, list_leads
from .views import ViewItem, list_views


@dataclass(frozen=True)
class InboxPage:
    rows: list[LeadRow]
    next_cursor: str | None
    total: int | None  # None: not counted this time
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
    return InboxPage(
        rows=page.rows,
        next_cursor=page.next_cursor,
        total=count_leads(session, actor, flt) if count else None,
        views=list_views(session, actor) if views else None,
        people=user_choices(session, actor) if people and actor.can("leads.assign") else None,
    )
