"""Webhook signatures: HMAC-SHA256 over ``<timestamp>.<body>`` with the organization's secret.

Headers a provider sends: ``X-SmartWeb-Organization`` (the organization id),
``X-SmartWeb-Timestamp`` (Unix seconds) and ``X-SmartWeb-Signature`` (``v1=<hex digest>``).
A timestamp more than TOLERANCE away from now is refused (a captured request cannot be
replayed later). After a rotation the previous secret stays valid for GRACE.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from sqlmodel import Session

from ...models import CallWebhookSecret
from ...models.base import utcnow
from ..core import audit
from ..core.security import Actor, require

ORG_HEADER = "x-smartweb-organization"
TIMESTAMP_HEADER = "x-smartweb-timestamp"
SIGNATURE_HEADER = "x-smartweb-signature"
TOLERANCE = timedelta(minutes=5)
GRACE = timedelta(hours=24)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``v1=`` signature of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def signed_headers(organization_id: UUID, secret: str, body: bytes, at: float) -> dict[str, str]:
    """What a sender puts on a request (the simulator, tests, a provider adapter)."""
    ts = str(int(at))
    return {
        "Content-Type": "application/json",
        "X-SmartWeb-Organization": str(organization_id),
        "X-SmartWeb-Timestamp": ts,
        "X-SmartWeb-Signature": signature(secret, ts, body),
    }


@dataclass(frozen=True)
class Secrets:
    current: str
    previous: str | None
    previous_valid_until: datetime | None

    def accepted(self, now: datetime) -> list[str]:
        valid = [self.current]
        if self.previous and self.previous_valid_until and now < self.previous_valid_until:
            valid.append(self.previous)
        return valid


def verify(keys: Secrets, timestamp: str, sent: str, body: bytes, now: datetime) -> bool:
    """Whether ``sent`` signs ``body`` at ``timestamp`` with an accepted secret, in tolerance."""
    try:
        at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now.timestamp() - at) > TOLERANCE.total_seconds():
        return False
    return any(hmac.compare_digest(signature(k, timestamp, body), sent) for k in keys.accepted(now))


def secrets_of(session: Session, organization_id: UUID) -> Secrets | None:
    """The organization's signing secrets (owner session: the caller is not signed in yet)."""
    row = session.get(CallWebhookSecret, organization_id)
    if row is None:
        return None
    return Secrets(row.current_secret, row.previous_secret, row.previous_valid_until)


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def ensure_secret(session: Session, organization_id: UUID) -> str:
    """The organization's current secret, created on first use."""
    row = session.get(CallWebhookSecret, organization_id)
    if row is None:
        row = CallWebhookSecret(organization_id=organization_id, current_secret=_new_secret())
        session.add(row)
        session.flush()
    return row.current_secret


def rotate_secret(session: Session, actor: Actor) -> str:
    """A new current secret; the old one stays accepted for GRACE. Returns the new one."""
    require(actor, "campaigns.manage")
    ensure_secret(session, actor.organization_id)
    row = session.get(CallWebhookSecret, actor.organization_id)
    assert row is not None
    now = utcnow()
    row.previous_secret, row.previous_valid_until = row.current_secret, now + GRACE
    row.current_secret, row.rotated_at = _new_secret(), now
    session.add(row)
    audit.record(
        session, actor, "campaign.webhook_secret_rotate", "organization", actor.organization_id,
        after={"previous_valid_until": row.previous_valid_until},
    )  # fmt: skip
    session.flush()
    return row.current_secret
