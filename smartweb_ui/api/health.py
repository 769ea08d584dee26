"""Plain HTTP routes mounted beside Reflex's backend: health, and the streaming exports."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from ..db import check_connection
from . import exports


async def health(_request: Request) -> JSONResponse:
    try:
        await run_in_threadpool(check_connection)
    except Exception:  # noqa: BLE001 - reported, never raised to the client
        return JSONResponse({"status": "error", "database": False}, status_code=503)
    return JSONResponse({"status": "ok", "database": True})


def routes() -> list[Route]:
    return [Route("/api/health", health), *exports.routes()]


api = Starlette(routes=routes())
