"""Plain HTTP routes mounted beside Reflex's backend: health, and the streaming exports.

``GET /api/health`` says whether this worker can serve: the database (a round trip, and the
schema at the migration head), Redis when the app shares state through it, the live change
feed (this worker's LISTEN) and the job queue (workers alive, or no due job waiting long). 200 with ``"status": "ok"`` when all of them are fine, else 503
with ``"status": "degraded"`` and what is wrong — for a load balancer or a monitor; it shows
no data and needs no sign-in.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..config import settings
from ..db import check_connection, schema_revision
from ..services.core import changes, queue
from ..services.core.unit_of_work import in_system
from . import exports, public_proposals, webhooks

CHECK_TIMEOUT_S = 3.0


def _database() -> dict[str, Any]:
    start = time.perf_counter()
    check_connection()
    current, head = schema_revision()
    return {
        "ok": current == head,
        "ms": round((time.perf_counter() - start) * 1000, 1),
        "schema": current,
        **({} if current == head else {"error": f"schema at {current}, code expects {head}"}),
    }


async def _redis() -> dict[str, Any]:
    if not settings.redis_url:
        return {"ok": True, "used": False}
    import redis.asyncio as aioredis

    client = aioredis.Redis.from_url(settings.redis_url, socket_connect_timeout=CHECK_TIMEOUT_S)
    try:
        start = time.perf_counter()
        await client.ping()
        return {"ok": True, "used": True, "ms": round((time.perf_counter() - start) * 1000, 1)}
    finally:
        await client.aclose()


def _feed() -> dict[str, Any]:
    return changes.feed_status()


def _jobs() -> dict[str, Any]:
    return in_system(queue.status)


async def _check(name: str, check: Any) -> tuple[str, dict[str, Any]]:
    try:
        return name, await asyncio.wait_for(check, CHECK_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - reported, never raised to the client
        return name, {"ok": False, "error": type(exc).__name__}


async def health(_request: Request) -> JSONResponse:
    async def feed() -> dict[str, Any]:
        return _feed()

    checks = dict(
        await asyncio.gather(
            _check("database", run_in_threadpool(_database)),
            _check("redis", _redis()),
            _check("live_feed", feed()),
            _check("job_queue", run_in_threadpool(_jobs)),
        )
    )
    ok = all(c["ok"] for c in checks.values())
    return JSONResponse(
        {"status": "ok" if ok else "degraded", **checks}, status_code=200 if ok else 503
    )


def routes() -> list[Route]:
    return [
        Route("/api/health", health),
        *exports.routes(),
        *public_proposals.routes(),
        *webhooks.routes(),
    ]


api = Starlette(routes=routes())
