"""Filters of the lead inbox: the validated ``LeadFilter`` and its SQL predicates."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, ClassVar, Self
from uuid import UUID
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import col

from ...models import BusinessType, Company, Lead, LeadSource, LeadStatus, LeadTag, Task, TaskStatus
from ...models.base import utcnow
from ..core.errors import Invalid
from ..core.query import QueryFilters
from ..core.scope import lead_scope
from ..core.security import Actor
from ..core.text import clean_text
from ..core.validate import clean_us_state
from .common import OPEN_STATUSES
from .search import search_clause

STATUS_VALUES = [s.value for s in LeadStatus]
SOURCE_VALUES = [s.value for s in LeadSource]
BUSINESS_TYPES = [b.value for b in BusinessType]
OPEN = "open"  # pseudo status of the inbox: new, contacted or qualified
OPEN_VALUES = sorted(s.value for s in OPEN_STATUSES)


@dataclass(frozen=True)
class LeadFilter(QueryFilters):
    """What the list shows; every field is optional. Built from browser input via ``parse``.

    In links (``/leads?...``) it travels as ``q``, ``status`` (``open`` = new, contacted or
    qualified), ``source``, ``assigned``, ``tag``, ``type``, ``city``, ``state``, ``score_min``,
    ``score_max``, ``overdue`` and ``follow_up``.
    """

    QUERY_KEYS: ClassVar[dict[str, str]] = {
        "search": "q",
        "assignee": "assigned",
        "business_type": "type",
        "follow_up_due": "follow_up",
    }

    search: str = ""
    status: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    assignee: str = ""  # "" any, "me", "unassigned", or a user id
    tag: str = ""
    score_min: int | None = None
    score_max: int | None = None
    business_type: list[str] = field(default_factory=list)
    city: str = ""
    state: str = ""
    overdue: bool = False
    follow_up_due: bool = False

    @classmethod
    def decode(cls, name: str, raw: str) -> Any:
        if name == "status" and raw.lower() == OPEN:
            return list(OPEN_VALUES)
        return super().decode(name, raw)

    def encode(self, name: str, value: Any) -> str:
        if name == "status" and value == OPEN_VALUES:
            return OPEN
        return super().encode(name, value)

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> Self:
        """Validate untrusted input (unknown values are rejected with a human message)."""
        raw = dict(raw or {})

        def many(key: str, allowed: list[str]) -> list[str]:
            value = raw.get(key) or []
            items = [value] if isinstance(value, str) else list(value)
            items = [str(v).strip().lower() for v in items if str(v).strip()]
            bad = [v for v in items if v not in allowed]
            if bad:
                raise Invalid(f"Unknown {key.replace('_', ' ')}: {', '.join(bad)}.")
            return sorted(set(items))

        def score(key: str) -> int | None:
            value = raw.get(key)
            if value in (None, ""):
                return None
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise Invalid("The score range takes whole numbers from 0 to 100.") from None
            if not 0 <= number <= 100:
                raise Invalid("The score range takes whole numbers from 0 to 100.")
            return number

        assignee = str(raw.get("assignee") or "").strip()
        if assignee not in ("", "me", "unassigned"):
            try:
                assignee = str(UUID(assignee))
            except ValueError:
                raise Invalid("Unknown assignee.") from None
        return cls(
            search=clean_text(raw.get("search"), "Search", max_length=100),
            status=many("status", STATUS_VALUES),
            source=many("source", SOURCE_VALUES),
            assignee=assignee,
            tag=clean_text(raw.get("tag"), "The tag", max_length=40).lower(),
            score_min=score("score_min"),
            score_max=score("score_max"),
            business_type=many("business_type", BUSINESS_TYPES),
            city=clean_text(raw.get("city"), "The city", max_length=80),
            state=clean_us_state(raw.get("state")),
            overdue=_flag(raw.get("overdue"), "overdue"),
            follow_up_due=_flag(raw.get("follow_up_due"), "follow-up"),
        )


def _flag(value: Any, what: str) -> bool:
    """A yes/no filter: a real boolean (a link's "1" is decoded before it gets here)."""
    if value in (None, "", False):
        return False
    if value is True:
        return True
    raise Invalid(f"The {what} filter is on or off.")


def city_variants(city: str) -> list[str]:
    city = city.strip()
    return sorted({city, city.lower(), city.upper(), city.title(), city.capitalize()})


def end_of_today(tz: ZoneInfo) -> datetime:
    today = utcnow().astimezone(tz).date()
    return datetime.combine(today + timedelta(days=1), time(0), tz)


def where_clauses(
    actor: Actor, flt: LeadFilter, tz: ZoneInfo, *, search_limit: int | None = None
) -> list[sa.ColumnElement[bool]]:
    """Tenant + scope + filter predicates over ``leads`` joined to ``companies``."""
    where: list[sa.ColumnElement[bool]] = [
        col(Lead.organization_id) == actor.organization_id,
        col(Lead.deleted_at).is_(None),
        lead_scope(actor),
    ]
    if flt.status:
        where.append(col(Lead.status).in_(flt.status))
    if flt.source:
        where.append(col(Lead.source).in_(flt.source))
    if flt.assignee == "me":
        where.append(col(Lead.assigned_to) == actor.user_id)
    elif flt.assignee == "unassigned":
        where.append(col(Lead.assigned_to).is_(None))
    elif flt.assignee:
        where.append(col(Lead.assigned_to) == UUID(flt.assignee))
    if flt.tag:
        where.append(
            sa.exists().where(
                col(LeadTag.lead_id) == Lead.id,
                col(LeadTag.organization_id) == actor.organization_id,
                col(LeadTag.tag) == flt.tag,
            )
        )
    if flt.score_min is not None:
        where.append(col(Lead.lead_score) >= flt.score_min)
    if flt.score_max is not None:
        where.append(col(Lead.lead_score) <= flt.score_max)
    if flt.business_type:
        where.append(col(Company.business_type).in_(flt.business_type))
    if flt.state:
        where.append(col(Company.state) == flt.state)
    if flt.city:
        # Plain equality on spelling variants: under RLS only leakproof operators (not lower()
        # or ILIKE) may use an index, and ix_companies_org_city_state serves this one.
        where.append(col(Company.city).in_(city_variants(flt.city)))
    if flt.overdue:
        where += [
            col(Lead.first_contact_at).is_(None),
            col(Lead.sla_due_at) < utcnow(),
            col(Lead.status).in_([s.value for s in OPEN_STATUSES]),
        ]
    if flt.follow_up_due:
        where.append(
            sa.exists().where(
                col(Task.lead_id) == Lead.id,
                col(Task.organization_id) == actor.organization_id,
                col(Task.status) == TaskStatus.OPEN,
                col(Task.deleted_at).is_(None),
                col(Task.due_at) < end_of_today(tz),
            )
        )
    found = search_clause(flt.search, col(Lead.company_id), search_limit)
    if found is not None:
        where.append(found)
    return where
