"""Campaign test data: a campaign with its targets, the organization's webhook secret, events."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import smartweb_ui.models as m
from smartweb_ui.db import system_session
from smartweb_ui.services import campaigns


def make_campaign(org_id: UUID, name: str = "Winter tune-up", **fields: Any) -> UUID:
    with system_session() as s:
        row = m.AICallCampaign(organization_id=org_id, name=name, **fields)
        s.add(row)
        s.flush()
        return row.id


def secret_of(org_id: UUID) -> str:
    with system_session() as s:
        return campaigns.ensure_secret(s, org_id)


def event(
    campaign_id: UUID, lead_id: UUID, type_: str, *, call_id: str = "call-1",
    event_id: str | None = None, at: datetime | None = None, **fields: Any,
) -> dict[str, Any]:  # fmt: skip
    return {
        "event_id": event_id or f"ev-{uuid4().hex[:12]}",
        "call_id": call_id,
        "type": type_,
        "occurred_at": (at or datetime.now(UTC)).isoformat(),
        "call": {"campaign_id": str(campaign_id), "lead_id": str(lead_id)},
        **fields,
    }


def signed(
    org_id: UUID, secret: str, payload: Any, *, at: float | None = None
) -> tuple[bytes, dict[str, str]]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return body, campaigns.signed_headers(org_id, secret, body, time.time() if at is None else at)


def count(model: Any, org_id: UUID) -> int:
    import sqlalchemy as sa

    with system_session() as s:
        return int(
            s.execute(
                sa.select(sa.func.count()).select_from(model).where(model.organization_id == org_id)
            ).scalar_one()
        )
