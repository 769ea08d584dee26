"""Small rules shared by the pipeline services: board filters, aging, weighting, ids, money."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlmodel import Session

from ...models import Organization
from ..core.errors import Invalid, NotFound, as_uuid  # noqa: F401  (as_uuid re-exported)
from ..core.security import Actor

DEFAULT_LOST_REASONS = ["Price", "Timing", "Chose a competitor", "No budget", "No response"]
MAX_VALUE = Decimal("999999999999.99")


# ------------------------------------------------------------------ filters
def _parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw.strip()) if raw and raw.strip() else None
    except ValueError:
        return None


def _parse_money(raw: str | None) -> Decimal | None:
    try:
        value = Decimal(raw.strip().replace(",", "")) if raw and raw.strip() else None
    except InvalidOperation:
        return None
    return value if value is not None and value.is_finite() else None


@dataclass(frozen=True)
class BoardFilters:
    """What the board is narrowed to; round-trips through the URL query string."""

    owner: str = "all"  # "all" | "me" | a user id
    q: str = ""
    close_from: date | None = None
    close_to: date | None = None
    value_min: Decimal | None = None
    value_max: Decimal | None = None

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> BoardFilters:
        """Lenient: a malformed value is ignored, never an error (URLs get hand-edited)."""
        owner = str(params.get("owner") or "all").strip()
        if owner not in ("all", "me"):
            try:
                owner = str(UUID(owner))
            except ValueError:
                owner = "all"
        return cls(
            owner=owner,
            q=str(params.get("q") or "").strip()[:100],
            close_from=_parse_date(params.get("close_from")),
            close_to=_parse_date(params.get("close_to")),
            value_min=_parse_money(params.get("value_min")),
            value_max=_parse_money(params.get("value_max")),
        )

    def to_params(self) -> dict[str, str]:
        """Only the non-default values, as strings for a query string."""
        out = {
            "owner": "" if self.owner == "all" else self.owner,
            "q": self.q,
            "close_from": self.close_from.isoformat() if self.close_from else "",
            "close_to": self.close_to.isoformat() if self.close_to else "",
            "value_min": f"{self.value_min:f}" if self.value_min is not None else "",
            "value_max": f"{self.value_max:f}" if self.value_max is not None else "",
        }
        return {k: v for k, v in out.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.to_params())


def filter_sql(actor: Actor, filters: BoardFilters) -> tuple[str, dict[str, Any], bool]:
    """SQL predicate (over ``o`` and, when searching, ``c``) + params + whether ``c`` is needed."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    if filters.owner == "me":
        parts.append("o.owner_id = :f_owner")
        params["f_owner"] = actor.user_id
    elif filters.owner != "all":
        parts.append("o.owner_id = :f_owner")
        params["f_owner"] = UUID(filters.owner)
    if filters.q:
        escaped = filters.q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        parts.append("(o.name ILIKE :f_q OR c.name ILIKE :f_q)")
        params["f_q"] = f"%{escaped}%"
    if filters.close_from:
        parts.append("o.expected_close_date >= :f_close_from")
        params["f_close_from"] = filters.close_from
    if filters.close_to:
        parts.append("o.expected_close_date <= :f_close_to")
        params["f_close_to"] = filters.close_to
    if filters.value_min is not None:
        parts.append("o.value >= :f_value_min")
        params["f_value_min"] = filters.value_min
    if filters.value_max is not None:
        parts.append("o.value <= :f_value_max")
        params["f_value_max"] = filters.value_max
    return (" AND ".join(parts) or "TRUE"), params, bool(filters.q)


# ------------------------------------------------------------------ helpers
def initials(name: str) -> str:
    parts = [p for p in name.split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def aging(days: int, rotting_days: int | None) -> str:
    """fresh < 50% of the rot threshold <= warm < 80% <= stale <= 100% < stuck."""
    if not rotting_days or rotting_days <= 0:
        return "fresh"
    ratio = Decimal(days) / Decimal(rotting_days)
    if days > rotting_days:
        return "stuck"
    if ratio >= Decimal("0.8"):
        return "stale"
    if ratio >= Decimal("0.5"):
        return "warm"
    return "fresh"


def weighted(value: Decimal, probability: Decimal) -> Decimal:
    return (Decimal(value) * Decimal(probability) / 100).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def can_move(actor: Actor, owner_id: UUID | None) -> bool:
    if actor.can("pipeline.manage"):
        return True
    return actor.can("pipeline.move") and owner_id == actor.user_id


def org_context(session: Session, actor: Actor) -> tuple[str, ZoneInfo, dict[str, Any]]:
    """(currency, timezone, settings) of the actor's organization."""
    org = session.get(Organization, actor.organization_id)
    if org is None or org.id != actor.organization_id:
        raise NotFound("Organization not found.")
    try:
        tz = ZoneInfo(org.timezone)
    except (KeyError, ValueError):
        tz = ZoneInfo("UTC")
    return org.currency, tz, dict(org.settings or {})


def lost_reasons(settings: dict[str, Any]) -> list[str]:
    raw = settings.get("lost_reasons")
    if isinstance(raw, list) and raw:
        return [str(r) for r in raw if str(r).strip()]
    return list(DEFAULT_LOST_REASONS)


def parse_money(raw: Any, what: str = "Value") -> Decimal:
    try:
        value = Decimal(str(raw).strip().replace(",", "").lstrip("$"))
    except (InvalidOperation, ValueError):
        raise Invalid(f"{what} must be an amount, like 12500 or 12500.50.") from None
    if not value.is_finite() or value < 0 or value > MAX_VALUE:
        raise Invalid(f"{what} must be between 0 and {MAX_VALUE:,}.")
    return value.quantize(Decimal("0.01"))
