"""``POST /api/webhooks/calls/{provider}``: call events from a voice-AI provider.

Checked in this order, each failure a JSON error with nothing stored: a known provider (404),
a body of at most 1 MB (413), the organization's signature over timestamp + body within five
minutes (401), JSON (400), the event schema (422). Then the event is applied in one tenant
transaction of that organization (``services.campaigns.apply_event``); a replayed event id
answers 200 ``duplicate`` and changes nothing.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from uuid import UUID

from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..db import system_session, tenant_session
from ..models.base import utcnow
from ..services import campaigns
from ..services.core.errors import Conflict, DomainError, NotFound

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024
NO_STORE = {"Cache-Control": "no-store"}


def _error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status, headers=NO_STORE)


async def _body(request: Request) -> bytes | None:
    """The body, or None once it passes MAX_BODY (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _secrets(organization_id: UUID) -> campaigns.Secrets | None:
    with system_session() as s:
        return campaigns.secrets_of(s, organization_id)


class _Tenant:
    def __init__(self, organization_id: UUID) -> None:
        self.organization_id = organization_id
        self.user_id = campaigns.NO_USER


def _apply(organization_id: UUID, provider: str, event: campaigns.CallEvent) -> Any:
    with tenant_session(_Tenant(organization_id)) as s:
        return campaigns.apply_event(s, organization_id, provider, event)


async def call_events(request: Request) -> JSONResponse:
    provider = request.path_params["provider"]
    if provider not in campaigns.PROVIDERS:
        return _error(404, "Unknown provider.")
    body = await _body(request)
    if body is None:
        return _error(413, "The body is larger than 1 MB.")
    try:
        org_id = UUID(request.headers.get(campaigns.ORG_HEADER, ""))
    except ValueError:
        return _error(401, "Missing or invalid signature.")
    keys = await run_in_threadpool(_secrets, org_id)
    timestamp = request.headers.get(campaigns.TIMESTAMP_HEADER, "")
    sent = request.headers.get(campaigns.SIGNATURE_HEADER, "")
    if keys is None or not campaigns.verify(keys, timestamp, sent, body, utcnow()):
        return _error(401, "Missing or invalid signature.")
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _error(400, "The body is not JSON.")
    try:
        event = campaigns.parse_event(provider, raw)
    except ValidationError as exc:
        details = [
            {"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()[:20]
        ]
        return _error(422, "The event does not match the schema.", details=details)
    try:
        result = await run_in_threadpool(_apply, org_id, provider, event)
    except NotFound as exc:
        return _error(404, exc.message)
    except Conflict as exc:
        return _error(409, exc.message)
    except DomainError as exc:
        return _error(422, exc.message)
    return JSONResponse(
        {"status": result.status, "call_id": result.call_id}, status_code=200, headers=NO_STORE
    )


def routes() -> list[Route]:
    return [Route("/api/webhooks/calls/{provider}", call_events, methods=["POST"])]
