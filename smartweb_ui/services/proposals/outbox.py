"""The e-mail outbox: every sent proposal is a row here first (tenant table, RLS).

With ``SMARTWEB_SMTP_URL`` set, sending (``sending``) defers a delivery job (``jobs.deliver_email``) in the
same transaction; the job sends the message over SMTP (aiosmtplib) and marks the row sent, or
counts the failure and lets the queue retry, up to ``MAX_ATTEMPTS``. Without SMTP the rows wait
and admins see them on the admin page (Outbox), so nothing is silently lost. Once delivered,
the link's token is blanked out of the stored body: the token lives only in the client's inbox.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit
from uuid import UUID

from sqlalchemy import func
from sqlmodel import Session, col, select

from ...config import settings
from ...db import tenant_session
from ...models import OutboxEmail, Proposal
from ...models.base import utcnow
from ..core import audit
from ..core.formatting import format_date, format_datetime, format_money
from ..core.org import org_context
from ..core.security import Actor, require
from . import public

PENDING, SENT, FAILED = "pending", "sent", "failed"
STATUS_LABELS = {PENDING: "Waiting", SENT: "Sent", FAILED: "Failed"}
MAX_ATTEMPTS = 5
SMTP_TIMEOUT_S = 30.0
PAGE_SIZE = 25
_TOKEN_IN_BODY = re.compile(re.escape(public.LINK_PREFIX) + r"[A-Za-z0-9_-]{16,}")
T = TypeVar("T")


class DeliveryFailed(Exception):
    """The SMTP server refused or could not be reached; the job is retried."""


@dataclass(frozen=True)
class Mail:
    id: UUID
    organization_id: UUID
    to: str
    subject: str
    body: str


@dataclass(frozen=True)
class OutboxRow:
    id: str
    to: str
    subject: str
    status: str
    status_label: str
    attempts: int
    error: str
    created: str
    sent: str
    body: str


@dataclass(frozen=True)
class OutboxPage:
    rows: list[OutboxRow]
    waiting: int
    smtp_configured: bool


# ------------------------------------------------------------------ writing
def _body(org_name: str, proposal: Proposal, url: str, note: str, total: str) -> str:
    valid = (
        f"It is valid until {format_date(proposal.valid_until)}.\n" if proposal.valid_until else ""
    )
    intro = f"{note}\n\n" if note else ""
    return (
        f"Hello,\n\n{intro}{org_name} has sent you a proposal: {proposal.title} "
        f"({proposal.proposal_number}, version {proposal.version}), {total} in total.\n"
        f"{valid}\nRead it, download the PDF, and accept or decline it here:\n{url}\n\n"
        f"— {org_name}\n"
    )


def queue_proposal_email(
    session: Session, actor: Actor, proposal: Proposal, token: str, to_email: str, note: str = ""
) -> OutboxEmail:
    """The proposal's e-mail in the outbox (and its delivery job when SMTP is configured)."""
    org = org_context(session, actor)
    url = settings.public_url + public.link_path(token)
    total = format_money(proposal.total_amount, org.currency, cents=True)
    row = OutboxEmail(
        organization_id=actor.organization_id,
        proposal_id=proposal.id,
        to_email=to_email,
        subject=f"Proposal {proposal.proposal_number}: {proposal.title} — {org.name}",
        body=_body(org.name, proposal, url, note, total),
        created_by=actor.user_id,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "email.queue",
        "email",
        row.id,
        after={"to": to_email, "subject": row.subject, "proposal_id": proposal.id},
    )
    return row


# ------------------------------------------------------------------ delivering
def claim(session: Session, organization_id: UUID, outbox_id: UUID) -> Mail | None:
    """The row to deliver, or None when it is already sent or gone (idempotent jobs)."""
    row = session.exec(
        select(OutboxEmail).where(
            OutboxEmail.id == outbox_id, OutboxEmail.organization_id == organization_id
        )
    ).first()
    if row is None or row.status == SENT:
        return None
    return Mail(row.id, row.organization_id, row.to_email, row.subject, row.body)


def mark_sent(session: Session, organization_id: UUID, outbox_id: UUID) -> None:
    row = _locked(session, organization_id, outbox_id)
    if row is None or row.status == SENT:
        return
    row.status = SENT
    row.sent_at = utcnow()
    row.attempts += 1
    row.last_error = None
    row.body = _TOKEN_IN_BODY.sub(public.LINK_PREFIX + "…", row.body)
    row.updated_at = row.sent_at
    session.add(row)
    audit.record(
        session,
        None,
        "email.sent",
        "email",
        row.id,
        organization_id=organization_id,
        after={"status": SENT, "attempts": row.attempts},
    )


def mark_failed(session: Session, organization_id: UUID, outbox_id: UUID, error: str) -> bool:
    """Count a failed attempt; True when it was the last one (the row is then ``failed``)."""
    row = _locked(session, organization_id, outbox_id)
    if row is None or row.status == SENT:
        return True
    row.attempts += 1
    row.last_error = error[:500]
    final = row.attempts >= MAX_ATTEMPTS
    row.status = FAILED if final else PENDING
    row.updated_at = utcnow()
    session.add(row)
    audit.record(
        session,
        None,
        "email.failed" if final else "email.retry",
        "email",
        row.id,
        organization_id=organization_id,
        after={"status": row.status, "attempts": row.attempts, "error": row.last_error},
    )
    return final


def _locked(session: Session, organization_id: UUID, outbox_id: UUID) -> OutboxEmail | None:
    return session.exec(
        select(OutboxEmail)
        .where(OutboxEmail.id == outbox_id, OutboxEmail.organization_id == organization_id)
        .with_for_update()
    ).first()


@dataclass(frozen=True)
class SmtpTarget:
    host: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool


def smtp_target(url: str) -> SmtpTarget:
    """``smtp://user:pass@host:port`` (STARTTLS when offered) or ``smtps://`` (implicit TLS)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError("SMARTWEB_SMTP_URL must look like smtp://user:password@host:587")
    tls = parts.scheme == "smtps"
    return SmtpTarget(
        host=parts.hostname,
        port=parts.port or (465 if tls else 587),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        use_tls=tls,
    )


def message_of(mail: Mail, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Message-ID"] = make_msgid(idstring=str(mail.id))
    msg.set_content(mail.body)
    return msg


async def send_smtp(mail: Mail, smtp_url: str, sender: str) -> None:
    import aiosmtplib

    target = smtp_target(smtp_url)
    try:
        await aiosmtplib.send(
            message_of(mail, sender),
            hostname=target.host,
            port=target.port,
            username=target.username,
            password=target.password,
            use_tls=target.use_tls,
            timeout=SMTP_TIMEOUT_S,
        )
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc


def _in_org(organization_id: UUID, fn: Callable[..., T], *args: Any) -> T:
    with tenant_session(public.ClientTenant(organization_id)) as session:
        return fn(session, organization_id, *args)


async def deliver(
    organization_id: UUID,
    outbox_id: UUID,
    *,
    smtp_url: str | None = None,
    sender: str | None = None,
) -> str:
    """Deliver one outbox row: ``"sent"``, ``"skipped"`` (already sent / gone), ``"failed"``
    (the last attempt failed), or raise ``DeliveryFailed`` so the queue tries again."""
    url = smtp_url if smtp_url is not None else settings.smtp_url
    if not url:
        return "skipped"
    mail = await asyncio.to_thread(_in_org, organization_id, claim, outbox_id)
    if mail is None:
        return "skipped"
    try:
        await send_smtp(mail, url, sender or settings.mail_from)
    except DeliveryFailed as exc:
        final = await asyncio.to_thread(_in_org, organization_id, mark_failed, outbox_id, str(exc))
        if final:
            return "failed"
        raise
    await asyncio.to_thread(_in_org, organization_id, mark_sent, outbox_id)
    return "sent"


# ------------------------------------------------------------------ the admin's view
def list_outbox(session: Session, actor: Actor, limit: int = PAGE_SIZE) -> OutboxPage:
    """The newest e-mails of the organization with their delivery state (admins)."""
    require(actor, "admin.settings")
    org = org_context(session, actor)
    rows = session.exec(
        select(OutboxEmail)
        .where(OutboxEmail.organization_id == actor.organization_id)
        .order_by(col(OutboxEmail.created_at).desc())
        .limit(limit)
    ).all()
    waiting = session.exec(
        select(func.count()).where(
            OutboxEmail.organization_id == actor.organization_id,
            col(OutboxEmail.status).in_([PENDING, FAILED]),
        )
    ).one()
    return OutboxPage(
        rows=[
            OutboxRow(
                id=str(r.id),
                to=r.to_email,
                subject=r.subject,
                status=r.status,
                status_label=STATUS_LABELS.get(r.status, r.status),
                attempts=r.attempts,
                error=r.last_error or "",
                created=format_datetime(r.created_at, org.tz),
                sent=format_datetime(r.sent_at, org.tz),
                body=r.body,
            )
            for r in rows
        ],
        waiting=int(waiting),
        smtp_configured=bool(settings.smtp_url),
    )
