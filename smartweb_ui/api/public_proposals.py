"""The client's proposal page: ``/p/<token>`` — no sign-in, no app shell.

Server-rendered HTML (no JavaScript, no third-party resource) so nothing but the proposal
reaches the client's browser: the page, ``/p/<token>/pdf``, and two form posts (accept,
reject). The token is the only credential; it is looked up by its keyed hash, an unknown or
revoked one answers the same 404 page. Every answer is ``no-store``, ``no-referrer`` (the
token is in the address), not indexable, and framed by nobody. Requests are rate-limited per
client address (``LIMITS``): in Redis when the app has one (every worker counts the same hits),
else per process.
"""

from __future__ import annotations

import html
import ipaddress
import logging
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ..config import settings
from ..db import system_session, tenant_session
from ..services.core.errors import DomainError
from ..services.proposals import public
from ..services.proposals.public import ClientTenant, PublicProposal, ResolvedLink

T = TypeVar("T")
log = logging.getLogger(__name__)
MAX_FORM_BYTES = 8 * 1024
# (requests, seconds) per client address: page views and PDFs, and answers (accept/reject).
LIMITS = {"read": (30, 60.0), "answer": (10, 60.0)}
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
}


class RateLimiter:
    """A sliding window of hits per key (thread-safe; memory bounded by the keys seen)."""

    def __init__(self, limit: int, window_s: float, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window_s, self.clock = limit, window_s, clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self.clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window_s:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 50_000:  # forget idle addresses
                for k in [k for k, v in self._hits.items() if not v][:10_000]:
                    self._hits.pop(k, None)
            return True

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


class SharedRateLimiter:
    """The same sliding window kept in Redis (a sorted set of hit times per key), so several
    workers behind one address count the same hits. If Redis does not answer, the process's
    own window decides (``fallback``) and one warning is logged per outage."""

    def __init__(
        self,
        limit: int,
        window_s: float,
        url: str,
        fallback: RateLimiter,
        clock: Callable[[], float] = time.time,
    ):
        self.limit, self.window_s, self.url, self.clock = limit, window_s, url, clock
        self.fallback = fallback
        self._clients: dict[int, Any] = {}  # one client per event loop (granian: one a worker)
        self._down = False

    def _client(self) -> Any:
        import asyncio

        import redis.asyncio as aioredis

        loop = id(asyncio.get_running_loop())
        if loop not in self._clients:
            self._clients[loop] = aioredis.Redis.from_url(
                self.url, socket_timeout=0.5, socket_connect_timeout=0.5
            )
        return self._clients[loop]

    async def allow(self, key: str) -> bool:
        from redis.exceptions import RedisError

        now, rkey = self.clock(), f"smartweb:rate:{key}"
        member = f"{now:.6f}:{secrets.token_hex(4)}"
        try:
            async with self._client().pipeline(transaction=True) as pipe:
                pipe.zremrangebyscore(rkey, 0, now - self.window_s)
                pipe.zadd(rkey, {member: now})
                pipe.zcard(rkey)
                pipe.expire(rkey, int(self.window_s) + 1)
                _, _, count, _ = await pipe.execute()
            if count > self.limit:  # a refused hit does not count (as in the local window)
                await self._client().zrem(rkey, member)
        except (RedisError, OSError) as exc:
            if not self._down:
                log.warning("rate limit: Redis unavailable (%s); per-process limits", exc)
            self._down = True
            return self.fallback.allow(key)
        self._down = False
        return bool(count <= self.limit)


LIMITERS = {kind: RateLimiter(*spec) for kind, spec in LIMITS.items()}
SHARED: dict[str, SharedRateLimiter] = {}


def _shared(kind: str) -> SharedRateLimiter | None:
    if not settings.redis_url:
        return None
    if kind not in SHARED:
        SHARED[kind] = SharedRateLimiter(*LIMITS[kind], settings.redis_url, LIMITERS[kind])
    return SHARED[kind]


def _ip(request: Request) -> str | None:
    """The client's address as the server saw it (a proxy's own headers are not trusted)."""
    host = request.client.host if request.client else ""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


# ------------------------------------------------------------------ database steps
def _resolve(token: str) -> ResolvedLink | None:
    with system_session() as s:
        return public.resolve(s, token)


def _as_client(link: ResolvedLink, fn: Callable[..., T], *args: Any) -> T:
    with tenant_session(ClientTenant(link.organization_id)) as s:
        return fn(s, link, *args)


def _rendered_pdf(session: Any, link: ResolvedLink) -> tuple[bytes, str] | None:
    return public.render_pdf(session, link)


# ------------------------------------------------------------------ HTML
STYLE = """
:root { color-scheme: light dark; --fg:#1c2024; --muted:#60646c; --line:#e0e1e6; --bg:#fff;
  --card:#f9f9fb; --accent:#3e63dd; --on-accent:#fff; --ok:#18794e; --bad:#ce2c31; }
@media (prefers-color-scheme: dark) { :root { --fg:#edeef0; --muted:#b0b4ba; --line:#2e3135;
  --bg:#111113; --card:#18191b; --accent:#8da4ef; --on-accent:#111113; --ok:#3dd68c;
  --bad:#ff9592; } }
* { box-sizing: border-box; }
body { margin:0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); }
main { max-width: 860px; margin: 0 auto; padding: 32px 20px 64px; }
header { border-bottom:1px solid var(--line); padding-bottom:16px; margin-bottom:24px; }
.meta { display:flex; align-items:center; gap:12px; flex-wrap:wrap; margin-top:12px; }
.meta .button { margin-top:0; padding:6px 14px; }
h1 { font-size: 1.6rem; margin: 4px 0; } h2 { font-size: 1.1rem; margin: 28px 0 8px; }
.muted { color: var(--muted); font-size: .9rem; }
.badge { display:inline-block; padding:2px 10px; border-radius:999px; border:1px solid var(--line);
  font-size:.85rem; }
.section { white-space: pre-wrap; }
table { width:100%; border-collapse: collapse; margin-top: 8px; }
th, td { text-align:left; padding:8px 6px; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:.8rem; text-transform:uppercase; letter-spacing:.04em; color:var(--muted); }
td.num, th.num { text-align:right; white-space:nowrap; }
.totals { margin-left:auto; max-width: 320px; margin-top: 12px; }
.totals div { display:flex; justify-content:space-between; padding:4px 0; }
.totals .grand { font-weight:700; font-size:1.15rem; border-top:1px solid var(--line); padding-top:8px; }
.card { background: var(--card); border:1px solid var(--line); border-radius:10px; padding:20px;
  margin-top:28px; }
.actions { display:grid; gap:20px; grid-template-columns: 1fr 1fr; }
@media (max-width: 640px) { .actions { grid-template-columns: 1fr; }
  th:nth-child(3), td:nth-child(3), th:nth-child(4), td:nth-child(4) { display:none; } }
label { display:block; font-size:.9rem; margin: 8px 0 4px; }
input[type=text], textarea { width:100%; padding:10px; border-radius:8px; border:1px solid var(--line);
  background: var(--bg); color: var(--fg); font: inherit; }
textarea { min-height: 90px; }
.check { display:flex; gap:8px; align-items:flex-start; margin-top:12px; font-size:.9rem; }
button, .button { display:inline-block; margin-top:14px; padding:10px 18px; border-radius:8px; border:0;
  font: inherit; font-weight:600; cursor:pointer; text-decoration:none; }
.primary { background: var(--accent); color: var(--on-accent); }
.card h2 { margin-top: 0; }
.secondary { background: transparent; color: var(--fg); border:1px solid var(--line); }
.notice { padding:14px 16px; border-radius:10px; border:1px solid var(--line); margin-top: 20px; }
.notice.ok { border-color: var(--ok); } .notice.bad { border-color: var(--bad); }
.error { color: var(--bad); margin-top: 10px; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _document(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        f"<title>{_e(title)}</title><style>{STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>"
    )


def _page(response: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(response, status_code=status, headers=HEADERS)


def not_found() -> HTMLResponse:
    return _page(
        _document(
            "Link not found",
            "<h1>This link isn't valid</h1><p class='muted'>The proposal link is wrong or no "
            "longer active. Ask the person who sent it for a new one.</p>",
        ),
        404,
    )


def too_many() -> HTMLResponse:
    resp = _page(
        _document(
            "Too many requests",
            "<h1>Too many requests</h1><p class='muted'>Wait a minute and try again.</p>",
        ),
        429,
    )
    resp.headers["Retry-After"] = "60"
    return resp


def _lines(p: PublicProposal) -> str:
    rows = "".join(
        f"<tr><td>{_e(li.description)}</td><td class='num'>{_e(li.quantity)}</td>"
        f"<td class='num'>{_e(li.unit_price)}</td><td class='num'>{_e(li.discount)}</td>"
        f"<td class='num'>{_e(li.total)}</td></tr>"
        for li in p.lines
    )
    discount = (
        f"<div><span>Discount</span><span>−{_e(p.discount)}</span></div>" if p.discount else ""
    )
    return (
        "<h2>Price</h2><table><thead><tr><th>Item</th><th class='num'>Qty</th>"
        "<th class='num'>Unit price</th><th class='num'>Discount</th><th class='num'>Amount</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>"
        f"<div class='totals'><div><span>Subtotal</span><span>{_e(p.subtotal)}</span></div>"
        f"{discount}<div><span>Tax</span><span>{_e(p.tax)}</span></div>"
        f"<div class='grand'><span>Total</span><span id='total'>{_e(p.total)}</span></div></div>"
    )


def _answer_forms(token: str, error: str) -> str:
    err = f"<p class='error' role='alert'>{_e(error)}</p>" if error else ""
    base = f"/p/{_e(token)}"
    return (
        f"<div class='card'>{err}<div class='actions'>"
        f"<form method='post' action='{base}/accept'><h2>Accept</h2>"
        "<label for='full_name'>Your full name</label>"
        "<input type='text' id='full_name' name='full_name' maxlength='200' required "
        "autocomplete='name'>"
        "<div class='check'><input type='checkbox' id='consent' name='consent' value='yes' "
        "required><label for='consent' style='margin:0'>I accept this proposal and its terms "
        "on behalf of my company.</label></div>"
        "<button class='primary' type='submit'>Accept proposal</button></form>"
        f"<form method='post' action='{base}/reject'><h2>Decline</h2>"
        "<label for='reason'>Tell us why</label>"
        "<textarea id='reason' name='reason' maxlength='1000' required></textarea>"
        "<button class='secondary' type='submit'>Decline proposal</button></form>"
        "</div></div>"
    )


def _status_notice(p: PublicProposal) -> str:
    if p.status == "accepted":
        extra = f" Contract {_e(p.contract_number)}." if p.contract_number else ""
        return (
            f"<div class='notice ok' role='status'>Accepted by {_e(p.accepted_by)} on "
            f"{_e(p.accepted_at)}.{extra} Thank you!</div>"
        )
    if p.status == "rejected":
        return (
            f"<div class='notice bad' role='status'>Declined on {_e(p.rejected_at)}: "
            f"{_e(p.rejection_reason)}</div>"
        )
    if p.expired:
        return (
            f"<div class='notice bad' role='status'>This proposal expired on "
            f"{_e(p.valid_until)} and can no longer be accepted. Ask {_e(p.organization)} "
            "for an updated one.</div>"
        )
    return ""


def _refusal(error: str) -> str:
    return f"<p class='error' role='alert'>{_e(error)}</p>" if error else ""


def render(p: PublicProposal, token: str, *, error: str = "", has_pdf: bool = True) -> str:
    sections = "".join(
        f"<h2>{_e(s.title)}</h2><div class='section'>{_e(s.body)}</div>" for s in p.sections
    )
    valid = f"Valid until {_e(p.valid_until)}" if p.valid_until else ""
    client = f"Prepared for {_e(p.client)}" if p.client else ""
    pdf = (
        f"<a class='button secondary' href='/p/{_e(token)}/pdf'>Download PDF</a>" if has_pdf else ""
    )
    body = (
        f"<header><div class='muted'>{_e(p.organization)}</div><h1>{_e(p.title)}</h1>"
        f"<div class='muted'>{_e(p.number)}{' · ' + client if client else ''}</div>"
        f"<div class='meta'><span class='badge' id='status'>{_e(p.status_label)}</span>"
        f"<span class='muted'>{valid}</span>{pdf}</div></header>"
        f"{_status_notice(p)}{sections}{_lines(p)}"
        f"{_answer_forms(token, error) if p.can_respond else _refusal(error)}"
    )
    return _document(f"{p.title} · {p.organization}", body)


# ------------------------------------------------------------------ routes
async def _limited(request: Request, kind: str) -> bool:
    key = f"{kind}|{_ip(request) or 'unknown'}"
    shared = _shared(kind)
    return not (await shared.allow(key) if shared else LIMITERS[kind].allow(key))


async def proposal_page(request: Request) -> Response:
    if await _limited(request, "read"):
        return too_many()
    token = request.path_params["token"]
    link = await run_in_threadpool(_resolve, token)
    if link is None:
        return not_found()
    if request.method == "HEAD":  # link checkers: no view counted
        return Response(status_code=200, headers=HEADERS)
    try:
        shown = await run_in_threadpool(_as_client, link, public.open_link)
    except DomainError:
        return not_found()
    return _page(render(shown, token, has_pdf=public.pdf_available()))


async def proposal_pdf(request: Request) -> Response:
    if await _limited(request, "read"):
        return too_many()
    link = await run_in_threadpool(_resolve, request.path_params["token"])
    if link is None:
        return not_found()
    try:
        found = await run_in_threadpool(_as_client, link, _rendered_pdf)
    except DomainError:
        return not_found()
    if found is None:
        return not_found()
    data, filename = found
    return Response(
        data,
        media_type="application/pdf",
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


async def _form(request: Request) -> dict[str, str] | None:
    size = request.headers.get("content-length")
    if size is None or not size.isdigit() or int(size) > MAX_FORM_BYTES:
        return None
    form = await request.form(max_files=0, max_fields=10)
    return {k: v for k, v in form.items() if isinstance(v, str)}


async def _answer(request: Request, act: str) -> Response:
    if await _limited(request, "answer"):
        return too_many()
    token = request.path_params["token"]
    link = await run_in_threadpool(_resolve, token)
    if link is None:
        return not_found()
    fields = await _form(request)
    if fields is None:
        return _page(_document("Too large", "<h1>That request is too large.</h1>"), 413)
    ip = _ip(request)
    try:
        if act == "accept":
            shown = await run_in_threadpool(
                _as_client,
                link,
                public.accept,
                fields.get("full_name", ""),
                fields.get("consent") == "yes",
                ip,
            )
        else:
            shown = await run_in_threadpool(
                _as_client, link, public.reject, fields.get("reason", ""), ip
            )
    except DomainError as exc:
        try:
            current = await run_in_threadpool(_as_client, link, public.current)
        except DomainError:
            return not_found()
        return _page(render(current, token, error=exc.message, has_pdf=public.pdf_available()), 409)
    return _page(render(shown, token, has_pdf=public.pdf_available()))


async def accept(request: Request) -> Response:
    return await _answer(request, "accept")


async def reject(request: Request) -> Response:
    return await _answer(request, "reject")


def routes() -> list[Route]:
    return [
        Route("/p/{token}", proposal_page, methods=["GET", "HEAD"]),
        Route("/p/{token}/pdf", proposal_pdf, methods=["GET"]),
        Route("/p/{token}/accept", accept, methods=["POST"]),
        Route("/p/{token}/reject", reject, methods=["POST"]),
    ]
