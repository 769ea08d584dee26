"""Views of the lead inbox: the built-in ones and each user's saved views, with counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlmodel import Session, col, select

from ...models import SavedView
from ...models.base import utcnow
from ..core import audit, cache
from ..core.errors import Conflict, Invalid, NotFound, as_uuid
from ..core.scope import sees_every_lead
from ..core.security import Actor, require
from .counts import LeadCount, count_matching
from .filters import OPEN_VALUES, LeadFilter
from .inbox import SORTS

# key -> (name, filters, sort)
BUILTIN_VIEWS: dict[str, tuple[str, dict[str, Any], str]] = {
    "my_open": ("My open leads", {"assignee": "me", "status": OPEN_VALUES}, "score"),
    "my_new": ("My new leads", {"assignee": "me", "status": ["new"]}, "sla_due"),
    "unassigned": ("Unassigned", {"assignee": "unassigned", "status": OPEN_VALUES}, "created"),
    "hot": ("Hot: open leads, score 70+", {"score_min": 70, "status": OPEN_VALUES}, "score"),
    "overdue": ("Overdue first contact", {"overdue": True}, "sla_due"),
    "follow_ups": ("Follow-ups due today", {"follow_up_due": True, "status": OPEN_VALUES}, "score"),
    "all": ("All leads", {}, "score"),
}
MAX_VIEWS = 30
# What a view's count depends on (audit entity kinds of the change feed): a change of any of
# these in the organization drops the cached counts (``core.cache``).
COUNT_KINDS = ("lead", "task", "interaction", "company", "saved_view", "user", "role",
               "organization")  # fmt: skip


def default_view(session: Session, actor: Actor) -> str:
    """The view the inbox opens with: a rep's own open leads first; everyone else all leads."""
    require(actor, "leads.read")
    return "all" if actor.can("leads.read_all") else "my_open"


def view_definition(session: Session, actor: Actor, key: str) -> tuple[dict[str, Any], str]:
    """(filters, sort) of a built-in view key or one of the actor's saved view ids."""
    if key in BUILTIN_VIEWS:
        _, filters, sort = BUILTIN_VIEWS[key]
        return dict(filters), sort
    view = _own_view(session, actor, key)
    return dict(view.filters), view.sort


def _own_view(session: Session, actor: Actor, view_id: str | UUID) -> SavedView:
    view = session.get(SavedView, as_uuid(view_id, "View"))
    if (
        view is None
        or view.organization_id != actor.organization_id
        or view.user_id != actor.user_id
    ):
        raise NotFound("View not found.")
    return view


@dataclass(frozen=True)
class ViewItem:
    """A built-in or saved view of the inbox, with how many leads it holds for the actor."""

    key: str
    name: str
    builtin: bool
    sort: str
    count: int  # -1 when not counted
    count_label: str  # "1,234", "~12,300" (estimated) or "" (not counted)
    count_is_estimate: bool = False


def list_views(session: Session, actor: Actor, *, with_counts: bool = True) -> list[ViewItem]:
    """Built-in views then the actor's saved views."""
    require(actor, "leads.read")
    found: list[tuple[str, str, bool, str, dict[str, Any]]] = [
        (key, name, True, sort, filters) for key, (name, filters, sort) in BUILTIN_VIEWS.items()
    ]
    saved = session.exec(
        select(SavedView)
        .where(
            SavedView.organization_id == actor.organization_id, SavedView.user_id == actor.user_id
        )
        .order_by(col(SavedView.position), col(SavedView.name))
    ).all()
    found += [(str(v.id), v.name, False, v.sort, dict(v.filters)) for v in saved]
    counts = view_counts(session, actor, [(k, f) for k, _, _, _, f in found]) if with_counts else {}
    out = []
    for key, name, builtin, sort, _ in found:
        c = counts.get(key)
        if c is None:
            out.append(ViewItem(key, name, builtin, sort, -1, ""))
        else:
            label = c.label.replace("about ", "~")  # a narrow badge: "~12,300"
            out.append(ViewItem(key, name, builtin, sort, c.n, label, c.is_estimate))
    return out


def view_counts(
    session: Session, actor: Actor, views: list[tuple[str, dict[str, Any]]]
) -> dict[str, LeadCount]:
    """Each view's count for the actor, cached per (user, permissions, view definitions) until
    a lead-related change in the organization (or ``cache.DEFAULT_TTL``: "due today" and
    "overdue" move with the clock)."""
    parsed = [(key, LeadFilter.parse(filters)) for key, filters in views]
    cache_key = (
        "lead_view_counts",
        actor.user_id,
        actor.permissions,
        actor.is_super_admin,
        tuple((key, repr(flt)) for key, flt in parsed),
    )
    return cache.get_or_compute(
        actor.organization_id,
        cache_key,
        lambda: {key: count_matching(session, actor, flt) for key, flt in parsed},
        COUNT_KINDS,
        # A rep sees their own and unassigned leads only: colleagues' leads change no count.
        scope=None if sees_every_lead(actor) else actor.user_id,
    )


def save_view(
    session: Session, actor: Actor, name: str, filters: dict[str, Any] | LeadFilter, sort: str
) -> str:
    """Create or replace (by name) one of the actor's saved views; returns its id."""
    require(actor, "leads.read")
    name = (name or "").strip()
    if not name:
        raise Invalid("Give the view a name.")
    if len(name) > 60:
        raise Invalid("View names are 60 characters at most.")
    if sort not in SORTS:
        raise Invalid("Unknown sort.")
    flt = filters if isinstance(filters, LeadFilter) else LeadFilter.parse(filters)
    clean = flt.to_dict()
    view = session.exec(
        select(SavedView).where(
            SavedView.organization_id == actor.organization_id,
            SavedView.user_id == actor.user_id,
            SavedView.name == name,
        )
    ).first()
    if view is None:
        existing = session.exec(
            select(SavedView.id).where(
                SavedView.organization_id == actor.organization_id,
                SavedView.user_id == actor.user_id,
            )
        ).all()
        if len(existing) >= MAX_VIEWS:
            raise Conflict(f"You can keep {MAX_VIEWS} saved views; delete one first.")
        view = SavedView(
            organization_id=actor.organization_id,
            user_id=actor.user_id,
            name=name,
            filters=clean,
            sort=sort,
            position=len(existing),
        )
        session.add(view)
        session.flush()
        audit.record(
            session,
            actor,
            "saved_view.create",
            "saved_view",
            view.id,
            after={"name": name, "filters": clean, "sort": sort},
        )
    else:
        before = audit.snapshot(view, ["filters", "sort"])
        view.filters, view.sort, view.updated_at = clean, sort, utcnow()
        session.add(view)
        audit.record(
            session,
            actor,
            "saved_view.update",
            "saved_view",
            view.id,
            before=before,
            after={"filters": clean, "sort": sort},
        )
    session.flush()
    return str(view.id)


def delete_view(session: Session, actor: Actor, view_id: str | UUID) -> None:
    require(actor, "leads.read")
    view = _own_view(session, actor, view_id)
    audit.record(
        session, actor, "saved_view.delete", "saved_view", view.id, before={"name": view.name}
    )
    session.delete(view)
    session.flush()
