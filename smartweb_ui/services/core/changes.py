"""Signals for the pages that watch data: a write marks what changed in the same transaction."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import text
from sqlmodel import Session


def touch_deal(session: Session, deal_id: UUID) -> None:
    """A change that shows on a deal's card (a task on it, say) without editing the deal row."""
    session.execute(
        text("UPDATE opportunities SET updated_at = clock_timestamp() WHERE id = :d"),
        {"d": deal_id},
    )
