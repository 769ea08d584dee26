"""CSV export of the current filtered view: every matching row (streamed), not just the page."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from ..core.csv_out import csv_chunks
from ..core.org import org_context
from ..core.security import Actor, require
from .inbox import LeadFilter, list_query

COLUMNS = [
    "lead_id", "company", "business_type", "phone", "email", "website", "city", "state", "zip",
    "status", "source", "score", "assigned_to", "created", "last_contact", "sla_due",
    "contact_attempts", "tags",
]  # fmt: skip


CHUNK_ROWS = 2000


def export_lines(
    session: Session,
    actor: Actor,
    filters: LeadFilter | dict[str, Any] | None,
    sort: str = "score",
    *,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[str]:
    """CSV text in chunks of ``chunk_rows`` rows (header first) for every lead the filters
    match in the actor's scope, read through a server-side cursor (memory stays flat)."""
    require(actor, "leads.import")
    chunk_rows = max(1, int(chunk_rows))
    flt = filters if isinstance(filters, LeadFilter) else LeadFilter.parse(filters)
    tz = org_context(session, actor).tz
    stmt = list_query(actor, flt, sort, tz)
    result = session.execute(stmt.execution_options(yield_per=chunk_rows))
    rows = (
        [
            r.id, r.name, r.business_type, r.phone, r.email, r.website, r.city, r.state,
            r.zip_code, r.status, r.source, r.lead_score, r.assignee_name,
            _local(r.created_at, tz), _local(r.last_contact_at, tz), _local(r.sla_due_at, tz),
            r.contact_attempts, ";".join(r.tags or []),
        ]
        for r in result
    )  # fmt: skip
    yield from csv_chunks(COLUMNS, rows, chunk_rows=chunk_rows)


def _local(moment: datetime | None, tz: ZoneInfo) -> datetime | None:
    """A timestamp on the organization's clock (written ISO 8601, with its UTC offset)."""
    return moment.astimezone(tz) if moment is not None else None


def export_csv(
    session: Session, actor: Actor, filters: LeadFilter | dict[str, Any] | None, sort: str = "score"
) -> str:
    return "".join(export_lines(session, actor, filters, sort))
