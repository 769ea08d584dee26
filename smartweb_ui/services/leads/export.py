"""CSV export of the current filtered view: every matching row (streamed), not just the page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from sqlmodel import Session

from ..core.formatting import format_datetime
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
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    result = session.execute(stmt.execution_options(yield_per=chunk_rows))
    for n, r in enumerate(result, start=1):
        writer.writerow(
            [
                r.id, r.name, r.business_type.value, r.phone or "", r.email or "", r.website or "",
                r.city or "", r.state or "", r.zip_code or "", r.status.value, r.source.value,
                r.lead_score, r.assignee_name or "", format_datetime(r.created_at, tz, with_year=True),
                format_datetime(r.last_contact_at, tz, with_year=True), format_datetime(r.sla_due_at, tz, with_year=True),
                r.contact_attempts, ";".join(r.tags or []),
            ]
        )  # fmt: skip
        if n % chunk_rows == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def export_csv(
    session: Session, actor: Actor, filters: LeadFilter | dict[str, Any] | None, sort: str = "score"
) -> str:
    return "".join(export_lines(session, actor, filters, sort))
