"""The client's page ``/p/<token>`` over HTTP: read, accept, decline; 404 for wrong or revoked
links; expired says so; rate limits; nothing of the organization but its name and the proposal."""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.api import health, public_proposals
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services.proposals import public, sending
from tests.support.redis_server import running_redis

from .builders.delivery import make_proposal
from .builders.orgs import OrgFixture
from .builders.pipeline import PipeData, make_pipeline

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

pytestmark = pytest.mark.db


@pytest.fixture
def client(engine: sa.Engine) -> Iterator[TestClient]:
    for limiter in public_proposals.LIMITERS.values():
        limiter.reset()
    with TestClient(health.api) as c:
        yield c
    for limiter in public_proposals.LIMITERS.values():
        limiter.reset()


@pytest.fixture
def pipe(org: OrgFixture) -> PipeData:
    return make_pipeline(org)


@pytest.fixture
def link(org: OrgFixture, pipe: PipeData) -> str:
    pid = make_proposal(org, pipe)
    with tenant_session(org.actors["rep"]) as s:
        return sending.send_proposal(s, org.actors["rep"], pid, "buyer@zen.test").link_path


def _status(path: str) -> str:
    token = path.removeprefix(public.LINK_PREFIX)
    with system_session() as s:
        return s.execute(
            sa.text(
                "SELECT p.status FROM proposals p JOIN proposal_links l ON l.proposal_id = p.id "
                "WHERE l.token_hash = :h"
            ),
            {"h": public.hash_token(token)},
        ).scalar_one()


def test_the_client_reads_the_proposal_on_a_bare_page(client: TestClient, link: str) -> None:
    r = client.get(link)
    assert r.status_code == 200
    body = r.text
    assert "Growth package" in body and "Acme Plumbing" in body and "$2,646.00" in body
    assert "Website rebuild" in body and "Accept proposal" in body
    assert "<script" not in body and "buyer@zen.test" not in body  # no app, no e-mail shown
    assert "rep@" not in body and "Deal q1" not in body  # nothing else of the organization
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert _status(link) == "viewed"
    assert client.head(link).status_code == 200  # link checkers count no view


def test_accepting_over_http_records_the_name_and_address(client: TestClient, link: str) -> None:
    missing = client.post(f"{link}/accept", data={"full_name": "Dana Client"})
    assert missing.status_code == 409 and "Tick the box" in missing.text
    r = client.post(f"{link}/accept", data={"full_name": "Dana Client", "consent": "yes"})
    assert r.status_code == 200 and "Accepted by Dana Client" in r.text
    assert f"C-{date.today().year}-0001" in r.text and "Accept proposal" not in r.text
    assert _status(link) == "accepted"
    with system_session() as s:
        c = s.execute(sa.select(m.Contract)).scalar_one()
    assert c.client_signed_by == "Dana Client" and c.client_signed_at is not None
    again = client.post(f"{link}/accept", data={"full_name": "Dana Client", "consent": "yes"})
    assert again.status_code == 409 and "locked" in again.text


def test_declining_over_http(client: TestClient, link: str) -> None:
    r = client.post(f"{link}/reject", data={"reason": "Too expensive <b>really</b>"})
    assert r.status_code == 200 and "Declined on" in r.text
    assert "Too expensive &lt;b&gt;really&lt;/b&gt;" in r.text  # escaped, never markup
    assert _status(link) == "rejected"


def test_wrong_and_revoked_links_answer_404(client: TestClient, link: str, org: OrgFixture) -> None:
    for wrong in ("/p/nope", link[:-2] + "zz", "/p/" + "a" * 300):
        r = client.get(wrong)
        assert r.status_code == 404 and "isn't valid" in r.text
        assert client.post(f"{wrong}/accept", data={"full_name": "X Y", "consent": "yes"}
                           ).status_code == 404  # fmt: skip
    with system_session() as s:
        pid = s.execute(sa.text("SELECT id FROM proposals")).scalar_one()
    with tenant_session(org.actors["rep"]) as s:
        public.revoke_links(s, org.actors["rep"], pid)
    assert client.get(link).status_code == 404
    assert client.get(f"{link}/pdf").status_code == 404


def test_an_expired_link_says_so_and_refuses_acceptance(client: TestClient, link: str) -> None:
    with system_session() as s:
        s.execute(sa.text("UPDATE proposals SET valid_until = current_date - 3"))
    r = client.get(link)
    assert r.status_code == 200 and "expired" in r.text and "Accept proposal" not in r.text
    r = client.post(f"{link}/accept", data={"full_name": "Dana Client", "consent": "yes"})
    assert r.status_code == 409 and "expired" in r.text
    assert _status(link) == "expired"


def test_the_page_is_rate_limited_per_address(client: TestClient, link: str) -> None:
    limit, _ = public_proposals.LIMITS["read"]
    codes = [client.get(link).status_code for _ in range(limit + 3)]
    assert codes[:limit] == [200] * limit and codes[limit:] == [429] * 3
    assert client.get("/p/guessing").status_code == 429  # guessing tokens is limited too
    answer_limit, _ = public_proposals.LIMITS["answer"]
    answers = [
        client.post(f"{link}/reject", data={"reason": ""}).status_code
        for _ in range(answer_limit + 1)
    ]
    assert answers[-1] == 429


def test_the_rate_limiter_window_slides() -> None:
    now = [0.0]
    limiter = public_proposals.RateLimiter(2, 10.0, clock=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")
    now[0] = 10.5
    assert limiter.allow("a")


def test_the_shared_window_counts_the_hits_of_every_worker() -> None:
    with running_redis() as server:
        now = [1000.0]

        def worker() -> public_proposals.SharedRateLimiter:
            local = public_proposals.RateLimiter(3, 10.0, clock=lambda: now[0])
            return public_proposals.SharedRateLimiter(3, 10.0, server.url, local, lambda: now[0])

        async def hits() -> list[bool]:
            one, two = worker(), worker()  # two processes behind one address
            seen = [await w.allow("read|203.0.113.9") for w in (one, two, one, two)]
            seen.append(await two.allow("read|198.51.100.1"))  # another address
            now[0] += 10.5  # the window slid past the first hits
            seen.append(await one.allow("read|203.0.113.9"))
            server.stop()  # Redis gone: each worker's own window decides
            seen += [await one.allow("read|203.0.113.9") for _ in range(4)]
            return seen

        seen = asyncio.run(hits())
        assert seen[:6] == [True, True, True, False, True, True]
        assert seen[6:] == [True, True, True, False]


def test_an_oversized_answer_is_refused(client: TestClient, link: str) -> None:
    r = client.post(f"{link}/reject", data={"reason": "x" * 20_000})
    assert r.status_code == 413 and _status(link) == "sent"


def test_the_client_downloads_the_pdf(client: TestClient, link: str) -> None:
    import io

    from pypdf import PdfReader

    r = client.get(f"{link}/pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "attachment" in r.headers["content-disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
    assert "Growth package" in text and "P-2026-0001" in text
    assert _status(link) == "sent"  # a download is not a view
