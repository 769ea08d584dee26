"""Proposal e-mail: SMTP delivery through the job queue against a local aiosmtpd server,
retries on failure, idempotent re-runs, the token blanked once delivered; the admin's outbox."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
from collections.abc import Iterator
from email import message_from_bytes
from typing import Any
from uuid import UUID

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

import smartweb_ui.models as m
from smartweb_ui.config import settings
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services.core import queue
from smartweb_ui.services.core.errors import Forbidden
from smartweb_ui.services.proposals import jobs, outbox, sending

from .builders.delivery import make_proposal
from .builders.orgs import OrgFixture
from .builders.pipeline import PipeData, make_pipeline

pytestmark = pytest.mark.db
CLIENT = "buyer@zen-roofing.test"


class Inbox:
    """An aiosmtpd handler that keeps what it receives (or refuses while ``refuse`` is set)."""

    def __init__(self) -> None:
        self.messages: list[Any] = []
        self.refuse = False

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse:
            return "451 Try again later"
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, str]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


@pytest.fixture
def pipe(org: OrgFixture) -> PipeData:
    return make_pipeline(org)


@pytest.fixture
def smtp_on(monkeypatch: pytest.MonkeyPatch, smtp: tuple[Inbox, str]) -> tuple[Inbox, str]:
    """The app configured with the local server (as SMARTWEB_SMTP_URL would)."""
    configured = dataclasses.replace(settings, smtp_url=smtp[1])
    for module in (sending, outbox):
        monkeypatch.setattr(module, "settings", configured)
    return smtp


def _send(org: OrgFixture, pipe: PipeData) -> sending.SentProposal:
    pid = make_proposal(org, pipe)
    with tenant_session(org.actors["rep"]) as s:
        return sending.send_proposal(s, org.actors["rep"], pid, CLIENT)


def _row(outbox_id: str) -> m.OutboxEmail:
    with system_session() as s:
        row = s.get(m.OutboxEmail, UUID(outbox_id))
        assert row is not None
        return row


def _jobs() -> list[dict]:
    with system_session() as s:
        rows = s.execute(sa.text("SELECT task_name, status, args FROM procrastinate_jobs"))
        return [dict(r._mapping) for r in rows]


def test_sending_queues_a_delivery_job_that_sends_over_smtp(
    org: OrgFixture, pipe: PipeData, smtp_on: tuple[Inbox, str]
) -> None:
    inbox, _ = smtp_on
    sent = _send(org, pipe)
    [job] = _jobs()
    assert job["task_name"] == jobs.DELIVER_EMAIL
    assert job["args"] == {"organization_id": str(org.id), "outbox_id": sent.outbox_id}
    queue.run_until_idle()
    [msg] = inbox.messages
    assert msg["To"] == CLIENT and "Proposal P-2026-0001" in msg["Subject"]
    assert sent.link_path in msg.get_payload(decode=True).decode()
    row = _row(sent.outbox_id)
    assert row.status == "sent" and row.sent_at and row.attempts == 1
    assert sent.link_path not in row.body  # the token lives only in the client's inbox


def test_without_smtp_nothing_is_queued_and_admins_see_the_outbox(
    org: OrgFixture, pipe: PipeData
) -> None:
    assert not settings.smtp_url
    sent = _send(org, pipe)
    assert _jobs() == []
    with tenant_session(org.actors["admin"]) as s:
        page = outbox.list_outbox(s, org.actors["admin"])
    assert page.waiting == 1 and not page.smtp_configured
    assert [r.to for r in page.rows] == [CLIENT] and page.rows[0].status_label == "Waiting"
    assert sent.link_path in page.rows[0].body  # the admin can still pass the link on
    with tenant_session(org.actors["rep"]) as s, pytest.raises(Forbidden):
        outbox.list_outbox(s, org.actors["rep"])


def test_a_refused_delivery_is_retried_then_given_up(
    org: OrgFixture, pipe: PipeData, smtp: tuple[Inbox, str]
) -> None:
    inbox, url = smtp
    sent = _send(org, pipe)
    oid = UUID(sent.outbox_id)
    inbox.refuse = True
    with pytest.raises(outbox.DeliveryFailed):
        asyncio.run(outbox.deliver(org.id, oid, smtp_url=url))
    row = _row(sent.outbox_id)
    assert row.status == "pending" and row.attempts == 1 and "451" in (row.last_error or "")
    inbox.refuse = False
    assert asyncio.run(outbox.deliver(org.id, oid, smtp_url=url)) == "sent"
    assert asyncio.run(outbox.deliver(org.id, oid, smtp_url=url)) == "skipped"  # idempotent
    assert len(inbox.messages) == 1 and _row(sent.outbox_id).attempts == 2


def test_delivery_gives_up_after_the_last_attempt(
    org: OrgFixture, pipe: PipeData, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = _send(org, pipe)
    dead = f"smtp://127.0.0.1:{_free_port()}"  # nobody listens there
    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 2)
    with pytest.raises(outbox.DeliveryFailed):
        asyncio.run(outbox.deliver(org.id, UUID(sent.outbox_id), smtp_url=dead))
    assert asyncio.run(outbox.deliver(org.id, UUID(sent.outbox_id), smtp_url=dead)) == "failed"
    row = _row(sent.outbox_id)
    assert row.status == "failed" and row.attempts == 2


def test_a_failing_job_is_retried_by_the_queue(
    org: OrgFixture, pipe: PipeData, smtp_on: tuple[Inbox, str]
) -> None:
    inbox, _ = smtp_on
    inbox.refuse = True
    sent = _send(org, pipe)
    queue.run_until_idle()
    [job] = _jobs()
    assert job["status"] == "todo"  # scheduled again (with a pause) after the refusal
    assert _row(sent.outbox_id).attempts == 1
    inbox.refuse = False
    with system_session() as s:  # the pause is over
        s.execute(sa.text("UPDATE procrastinate_jobs SET scheduled_at = now()"))
    queue.run_until_idle()
    assert len(inbox.messages) == 1 and _row(sent.outbox_id).status == "sent"


def test_the_expiry_sweep_runs_per_organization(
    org: OrgFixture, other_org: OrgFixture, pipe: PipeData
) -> None:
    sent = _send(org, pipe)
    with system_session() as s:
        s.execute(sa.text("UPDATE proposals SET valid_until = current_date - 5"))
        assert jobs.sweep(s) == 1
    queue.run_until_idle()
    with system_session() as s:
        status = s.execute(
            sa.text("SELECT status FROM proposals WHERE id = :p"), {"p": sent.proposal_id}
        ).scalar_one()
        assert jobs.sweep(s) == 0
    assert status == "expired"
