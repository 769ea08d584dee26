"""Small rules shared by the pipeline services: board filters, aging, weighting, lost reasons."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Self
from uuid import UUID

from ..core.dates import parse_date
from ..core.errors import Invalid
from ..core.money import CENT, parse_money
from ..core.query import QueryFilters
from ..core.security import Actor
from ..core.text import contains_pattern

DEFAULT_LOST_REASONS = ["Price", "Timing", "Chose a competitor", "No budget", "No response"]


# ------------------------------------------------------------------ filters
@dataclass(frozen=True)
class BoardFilters(QueryFilters):
    """What the board is narrowed to; round-trips through the URL query string."""

    owner: str = "all"  # "all" | "me" | a user id
    q: str = ""
    close_from: date | None = None
    close_to: date | None = None
    value_min: Decimal | None = None
    value_max: Decimal | None = None

    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> Self:
        raw = dict(raw or {})
        owner = str(raw.get("owner") or "all").strip()
        if owner not in ("all", "me"):
            try:
                owner = str(UUID(owner))
            except ValueError:
                raise Invalid("Unknown owner.") from None
        q = str(raw.get("q") or "").strip()
        if len(q) > 100:
            raise Invalid("Search text is 100 characters at most.")

        def money(key: str, what: str) -> Decimal | None:
            value = raw.get(key)
            return None if value in (None, "") else parse_money(value, what)

        out = cls(
            owner=owner,
            q=q,
            close_from=parse_date(raw.get("close_from"), "The close-from date"),
            close_to=parse_date(raw.get("close_to"), "The close-to date"),
            value_min=money("value_min", "The minimum value"),
            value_max=money("value_max", "The maximum value"),
        )
        if out.close_from and out.close_to and out.close_from > out.close_to:
            raise Invalid("The close-from date is after the close-to date.")
        if (
            out.value_min is not None
            and out.value_max is not None
            and out.value_min > out.value_max
        ):
            raise Invalid("The minimum value is more than the maximum value.")
        return out

    @classmethod
    def from_query(cls, params: Mapping[str, Any]) -> tuple[Self, list[str]]:
        """As for every list page; an inverted range in a link is dropped and named too."""
        try:
            return super().from_query(params)
        except Invalid:
            ranges = ("close_from", "close_to", "value_min", "value_max")
            kept, ignored = super().from_query({k: v for k, v in params.items() if k not in ranges})
            return kept, [*ignored, *(k for k in ranges if params.get(k))]


def filter_sql(
    actor: Actor, filters: BoardFilters, *, deal: str = "o", company: str = "c"
) -> tuple[str, dict[str, Any], bool]:
    """SQL predicate (over the deal alias and, when searching, the company alias) + params +
    whether the company is needed. The aliases let one query hold the filter twice."""
    o, c = deal, company
    parts: list[str] = []
    params: dict[str, Any] = {}
    if filters.owner == "me":
        parts.append(f"{o}.owner_id = :f_owner")
        params["f_owner"] = actor.user_id
    elif filters.owner != "all":
        parts.append(f"{o}.owner_id = :f_owner")
        params["f_owner"] = UUID(filters.owner)
    if filters.q:
        parts.append(f"({o}.name ILIKE :f_q OR {c}.name ILIKE :f_q)")
        params["f_q"] = contains_pattern(filters.q)
    if filters.close_from:
        parts.append(f"{o}.expected_close_date >= :f_close_from")
        params["f_close_from"] = filters.close_from
    if filters.close_to:
        parts.append(f"{o}.expected_close_date <= :f_close_to")
        params["f_close_to"] = filters.close_to
    if filters.value_min is not None:
        parts.append(f"{o}.value >= :f_value_min")
        params["f_value_min"] = filters.value_min
    if filters.value_max is not None:
        parts.append(f"{o}.value <= :f_value_max")
        params["f_value_max"] = filters.value_max
    return (" AND ".join(parts) or "TRUE"), params, bool(filters.q)


# ------------------------------------------------------------------ helpers
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
    return (Decimal(value) * Decimal(probability) / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def lost_reasons(settings: dict[str, Any]) -> list[str]:
    raw = settings.get("lost_reasons")
    if isinstance(raw, list) and raw:
        return [str(r) for r in raw if str(r).strip()]
    return list(DEFAULT_LOST_REASONS)
