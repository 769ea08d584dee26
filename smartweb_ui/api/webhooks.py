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

from ..db import tenant_session
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


class _Tenant:
    def __init__(self, organization_id: UUID) -> None:
        self.organization_id = organization_id
        self.user_id = campaigns.NO_USER


def _handle(
    org_id: UUID, provider: str, timestamp: str, sent: str, body: bytes
) -> tuple[int, dict[str, Any]]:
    """Verify, parse and apply in ONE tenant transaction of the claimed organization (its
    secret is readable there and nowhere else); nothing is written before the signature holds,
    and a refusal raises so the transaction rolls back."""
    try:
        with tenant_session(_Tenant(org_id)) as s:
            keys = campaigns.secrets_of(s, org_id)
            if keys is None or not campaigns.verify(keys, timestamp, sent, body, utcnow()):
                raise _Refusal(401, {"error": "Missing or invalid signature."})
            try:
                raw = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                raise _Refusal(400, {"error": "The body is not JSON."}) from None
            try:
                event = campaigns.parse_event(provider, raw)
            except ValidationError as exc:
                details = [
                    {"field": ".".join(map(str, e["loc"])), "message": e["msg"]}
                    for e in exc.errors()[:20]
                ]
                raise _Refusal(
                    422, {"error": "The event does not match the schema.", "details": details}
                ) from None
            result = campaigns.apply_event(s, org_id, provider, event)
    except _Refusal as refusal:
        return refusal.status, refusal.body
    except NotFound as exc:
        return 404, {"error": exc.message}
    except Conflict as exc:
        return 409, {"error": exc.message}
    except DomainError as exc:
        return 422, {"error": exc.message}
    return 200, {"status": result.status, "call_id": result.call_id}


class _Refusal(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(status)
        self.status, self.body = status, body


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
    timestamp = request.headers.get(campaigns.TIMESTAMP_HEADER, "")
    sent = request.headers.get(campaigns.SIGNATURE_HEADER, "")
    if not timestamp or not sent:
        return _error(401, "Missing or invalid signature.")
    status, answer = await run_in_threadpool(_handle, org_id, provider, timestamp, sent, body)
    return JSONResponse(answer, status_code=status, headers=NO_STORE)


def routes() -> list[Route]:
    return [Route("/api/webhooks/calls/{provider}", call_events, methods=["POST"])]
