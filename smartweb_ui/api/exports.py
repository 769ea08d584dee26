"""Streaming CSV downloads: ``GET /api/exports/leads.csv?ticket=...``.

The websocket cannot carry a 200k-row file, so the inbox's Export button gets a 60-second
signed ticket (``services.export_tickets``) and sends the browser here. The route trusts the
ticket only for "who asked, for what, until when": it re-loads the user and their permissions,
then streams the rows from a server-side cursor in a worker thread (Starlette runs a sync
iterator in its threadpool), so neither memory nor the event loop is held by the export.
"""

from __future__ import annotations

from collections.abc import Iterator

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from ..db import system_session, tenant_session
from ..models.base import utcnow
from ..services.core import audit
from ..services.core.errors import DomainError
from ..services.core.security import Actor
from ..services.leads import LEADS_CSV, LEADS_CSV_PATH, Ticket, export_lines, redeem

CHUNK_ROWS = 1000  # rows per chunk sent (and fetched from the cursor) at a time
PLAIN_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _check(raw_ticket: str) -> tuple[Ticket, Actor]:
    """Use the ticket up, re-load its user as they are now, and record the export."""
    with system_session() as s:
        ticket, actor = redeem(s, raw_ticket, LEADS_CSV, "leads.import")
    with tenant_session(actor) as s:
        audit.record(
            s,
            actor,
            "lead.export",
            "lead",
            None,
            after={"filters": ticket.filters, "sort": ticket.sort},
        )
    return ticket, actor


def _csv_chunks(ticket: Ticket, actor: Actor) -> Iterator[bytes]:
    """The CSV in chunks, read inside one RLS-bound transaction (closed with the iterator)."""
    with tenant_session(actor) as s:
        for text in export_lines(s, actor, ticket.filters, ticket.sort, chunk_rows=CHUNK_ROWS):
            if text:
                yield text.encode("utf-8")


def _primed(chunks: Iterator[bytes]) -> tuple[bytes, Iterator[bytes]]:
    """The first chunk (header and first rows) and the rest: a failure to start the query
    becomes an error response instead of a truncated download."""
    first = next(chunks, b"")

    def body() -> Iterator[bytes]:
        yield first
        yield from chunks

    return first, body()


async def leads_csv(request: Request) -> Response:
    """Every lead the ticket's filters match in its user's scope, as ``text/csv``. GET only: a
    HEAD (which Starlette also routes here) must not use the ticket up or run the export."""
    if request.method != "GET":
        return PlainTextResponse(
            "Use GET.", status_code=405, headers={**PLAIN_HEADERS, "Allow": "GET"}
        )
    try:
        ticket, actor = await run_in_threadpool(_check, request.query_params.get("ticket", ""))
        _, body = await run_in_threadpool(_primed, _csv_chunks(ticket, actor))
    except DomainError as exc:  # TicketRefused, or Forbidden/Invalid from the export itself
        return PlainTextResponse(exc.message, status_code=403, headers=PLAIN_HEADERS)
    filename = f"leads-{utcnow():%Y-%m-%d}.csv"
    headers = {
        **PLAIN_HEADERS,
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Referrer-Policy": "no-referrer",
    }
    return StreamingResponse(body, media_type="text/csv; charset=utf-8", headers=headers)


def routes() -> list[Route]:
    return [Route(LEADS_CSV_PATH, leads_csv, methods=["GET"])]
