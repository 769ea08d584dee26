"""Explainable lead score 0-100; rules and weights come from the organization's settings.

Settings key ``scoring`` (or ``lead_scoring``): ``{"base": 0, "min_score": 0, "max_score": 100,
"rules": [{"key", "label", "field", "op", "value", "points"}]}``. ``field`` is ``company.<column>``,
``lead.<column>`` or a derived one: ``company.free_mail``, ``company.licensed`` (licence on file and
not expired), ``activity.reply_minutes`` (fastest reply after an outbound touch),
``activity.meetings``, ``activity.inbound``, ``activity.unanswered_attempts``. ops: gte, gt, lte,
lt, eq, ne, in, not_in, between ([low, high)), present, absent, true, false. The score is ``base``
plus the points of every rule that fires, clamped; the breakdown lists each fired rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from ...models import Company, Interaction, InteractionType, Lead

FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "yahoo.com", "ymail.com", "hotmail.com", "outlook.com",
        "live.com", "msn.com", "aol.com", "icloud.com", "me.com", "mac.com", "proton.me",
        "protonmail.com", "gmx.com", "mail.com", "comcast.net", "att.net", "verizon.net",
        "sbcglobal.net", "yandex.com", "zoho.com",
    }
)  # fmt: skip

DEFAULT_SCORING: dict[str, Any] = {
    "base": 10,
    "min_score": 0,
    "max_score": 100,
    "rules": [
        {"key": "rating_high", "label": "Google rating ≥ 4.5", "field": "company.google_rating", "op": "gte", "value": 4.5, "points": 15},
        {"key": "reviews_50", "label": "50+ Google reviews", "field": "company.google_reviews_count", "op": "gte", "value": 50, "points": 10},
        {"key": "established", "label": "10+ years in business", "field": "company.years_in_business", "op": "gte", "value": 10, "points": 10},
        {"key": "employees_10", "label": "10+ employees", "field": "company.employee_count", "op": "gte", "value": 10, "points": 10},
        {"key": "revenue_1m", "label": "Revenue ≥ $1M", "field": "company.annual_revenue", "op": "gte", "value": 1000000, "points": 10},
        {"key": "licensed", "label": "Valid licence on file", "field": "company.licensed", "op": "true", "value": None, "points": 5},
        {"key": "fast_reply", "label": "Replied within 1 h", "field": "activity.reply_minutes", "op": "lte", "value": 60, "points": 20},
        {"key": "meeting", "label": "Meeting held or booked", "field": "activity.meetings", "op": "gte", "value": 1, "points": 10},
        {"key": "inbound", "label": "Referral or website request", "field": "lead.source", "op": "in", "value": ["referral", "website"], "points": 10},
        {"key": "free_mail", "label": "Free-mail address", "field": "company.free_mail", "op": "true", "value": None, "points": -10},
        {"key": "no_phone", "label": "No phone number", "field": "company.phone", "op": "absent", "value": None, "points": -10},
        {"key": "ghosting", "label": "5+ attempts without a reply", "field": "activity.unanswered_attempts", "op": "gte", "value": 5, "points": -10},
    ],
}  # fmt: skip


@dataclass(frozen=True)
class Activity:
    """What the interaction history contributes to the score."""

    reply_minutes: float | None = None
    meetings: int = 0
    inbound: int = 0


def email_domain(email: str | None) -> str:
    return (email or "").rsplit("@", 1)[-1].strip().lower() if email and "@" in email else ""


COMPANY_FIELDS = (
    "name", "business_type", "phone", "email", "website", "website_domain", "city", "state",
    "zip_code", "license_number", "license_state", "license_expiry", "years_in_business",
    "employee_count", "annual_revenue", "google_rating", "google_reviews_count", "facebook_url",
    "linkedin_url", "instagram_url",
)  # fmt: skip
LEAD_FIELDS = ("status", "source", "contact_attempts", "preferred_contact_method", "timezone")


def _plain(value: Any) -> Any:
    return getattr(value, "value", value)


def factors_of(company: Company, lead: Lead, activity: Activity, today: date) -> dict[str, Any]:
    """The value of every field a rule may test, keyed ``company.x`` / ``lead.x`` / ``activity.x``."""
    values: dict[str, Any] = {f"company.{f}": _plain(getattr(company, f)) for f in COMPANY_FIELDS}
    values.update({f"lead.{f}": _plain(getattr(lead, f)) for f in LEAD_FIELDS})
    attempts = lead.contact_attempts or 0
    values.update(
        {
            "company.free_mail": email_domain(company.email) in FREE_MAIL_DOMAINS,
            "company.licensed": bool(company.license_number)
            and (company.license_expiry is None or company.license_expiry >= today),
            "activity.reply_minutes": activity.reply_minutes,
            "activity.meetings": activity.meetings,
            "activity.inbound": activity.inbound,
            "activity.unanswered_attempts": attempts if activity.inbound == 0 else 0,
        }
    )
    return values


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return float(Decimal(str(value)))
    except (ArithmeticError, ValueError):
        return None


_COMPARE = {
    "gte": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
}


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value is not False


def rule_fires(rule: dict[str, Any], value: Any) -> bool:
    """Whether one rule holds for the field value (a missing value never passes a comparison)."""
    op, target = str(rule.get("op", "gte")), rule.get("value")
    if op in ("present", "true", "is_true"):
        return _present(value)
    if op in ("absent", "false", "is_false"):
        return not _present(value)
    if op in ("in", "not_in"):
        found = value is not None and str(value) in {str(t) for t in (target or [])}
        return found if op == "in" else (value is not None and not found)
    if op in ("eq", "ne", "==", "!="):
        if value is None:
            return False
        a, b = _num(value), _num(target)
        same = a == b if a is not None and b is not None else str(value) == str(target)
        return same if op in ("eq", "==") else not same
    number = _num(value)
    if number is None:
        return False
    if op == "between":
        low, high = (_num(t) for t in (target or (None, None)))
        return low is not None and high is not None and low <= number < high
    limit = _num(target)
    compare = _COMPARE.get(op)
    return limit is not None and compare is not None and compare(number, limit)


def score(
    factors: dict[str, Any], config: dict[str, Any] | None
) -> tuple[int, list[dict[str, Any]]]:
    """(score, breakdown) for the field values under the scoring config."""
    cfg = config or DEFAULT_SCORING
    base = int(cfg.get("base", 0) or 0)
    low, high = int(cfg.get("min_score", 0)), int(cfg.get("max_score", 100))
    breakdown: list[dict[str, Any]] = []
    if base:
        breakdown.append({"key": "base", "label": "Base score", "points": base})
    total = base
    for rule in cfg.get("rules", []):
        field = rule.get("field") or rule.get("factor")
        points = int(rule.get("points", 0) or 0)
        if not points or field not in factors:
            continue
        if rule_fires(rule, factors[field]):
            total += points
            breakdown.append(
                {
                    "key": rule.get("key") or field,
                    "label": rule.get("label") or field,
                    "points": points,
                }
            )
    return max(low, min(high, total)), breakdown


def describe(item: dict[str, Any]) -> str:
    """'+15 Google rating ≥ 4.5' / '−10 Free-mail address' (also reads the seed's
    ``{"rule", "factor", "points"}`` entries)."""
    points = int(item.get("points", 0) or 0)
    label = item.get("label") or item.get("factor") or item.get("rule") or ""
    return f"{'+' if points >= 0 else '−'}{abs(points)} {label}"


def activity_of(session: Session, lead: Lead) -> Activity:
    """Reply speed (minutes from an outbound touch to the next inbound one) and meetings."""
    rows = session.exec(
        select(Interaction.created_at, Interaction.direction, Interaction.type)
        .where(
            Interaction.lead_id == lead.id,
            Interaction.organization_id == lead.organization_id,
            col(Interaction.deleted_at).is_(None),
        )
        .order_by(col(Interaction.created_at))
        .limit(1000)
    ).all()
    best: float | None = None
    last_out: datetime | None = None
    meetings = inbound = 0
    for created, direction, kind in rows:
        if kind == InteractionType.MEETING:
            meetings += 1
        if direction == "outbound":
            last_out = created
        elif direction == "inbound":
            inbound += 1
            if last_out is not None:
                minutes = (created - last_out).total_seconds() / 60
                best = minutes if best is None else min(best, minutes)
    return Activity(reply_minutes=best, meetings=meetings, inbound=inbound)


def rescore(
    session: Session,
    lead: Lead,
    company: Company,
    config: dict[str, Any] | None,
    today: date,
    *,
    activity: Activity | None = None,
) -> bool:
    """Recompute and store the lead's score; True when it changed."""
    act = activity if activity is not None else activity_of(session, lead)
    value, breakdown = score(factors_of(company, lead, act, today), config)
    changed = value != lead.lead_score or breakdown != lead.score_breakdown
    if changed:
        lead.lead_score = value
        lead.score_breakdown = breakdown
        session.add(lead)
    return changed


def scoring_config(settings: dict[str, Any]) -> dict[str, Any]:
    """The organization's scoring rules (settings ``scoring`` or ``lead_scoring``), else defaults."""
    cfg = settings.get("scoring") or settings.get("lead_scoring")
    if not isinstance(cfg, dict) or not isinstance(cfg.get("rules"), list):
        return DEFAULT_SCORING
    return cfg
