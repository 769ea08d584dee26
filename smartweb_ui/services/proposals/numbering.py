"""Per-organization document numbers: ``P-2026-0001`` for proposals, ``C-2026-0001`` for contracts.

The counter row (organization, kind, year) is upserted and so locked until the calling
transaction ends: concurrent creations queue on it, a rolled-back creation gives its number
back, so numbers are gap-free and unique (never ``max() + 1``).
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session

Kind = Literal["proposal", "contract"]
PREFIX: dict[str, str] = {"proposal": "P", "contract": "C"}

_NEXT = sa.text(
    """
    INSERT INTO document_counters (organization_id, kind, year, last_value, updated_at)
    VALUES (:org, :kind, :year, 1, now())
    ON CONFLICT (organization_id, kind, year)
    DO UPDATE SET last_value = document_counters.last_value + 1, updated_at = now()
    RETURNING last_value
    """
)


def format_number(kind: Kind, year: int, value: int) -> str:
    return f"{PREFIX[kind]}-{year}-{value:04d}"


def next_number(session: Session, organization_id: UUID, kind: Kind, year: int) -> str:
    """The next number of ``kind`` for the organization and year, in the caller's transaction."""
    if kind not in PREFIX:
        raise ValueError(f"unknown document kind {kind!r}")
    value = session.execute(
        _NEXT, {"org": organization_id, "kind": kind, "year": int(year)}
    ).scalar_one()
    return format_number(kind, year, int(value))
