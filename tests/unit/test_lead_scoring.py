"""Lead score: every fired rule is listed with its points; weights come from the settings."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from smartweb_ui.models import BusinessType, Company, Lead, LeadSource
from smartweb_ui.services.leads.scoring import (
    DEFAULT_SCORING,
    Activity,
    describe,
    factors_of,
    rule_fires,
    score,
    scoring_config,
)

TODAY = date(2026, 11, 26)


def _company(**kw: object) -> Company:
    base = {
        "name": "Acme Plumbing",
        "business_type": BusinessType.PLUMBING,
        "phone": "(512) 555-0100",
    }
    return Company(**{**base, **kw})  # type: ignore[arg-type]


def _score(company: Company, lead: Lead | None = None, activity: Activity | None = None, cfg=None):  # type: ignore[no-untyped-def]
    lead = lead or Lead(source=LeadSource.SCRAPE)
    return score(factors_of(company, lead, activity or Activity(), TODAY), cfg or DEFAULT_SCORING)


def test_breakdown_lists_each_factor_and_the_points_add_up() -> None:
    company = _company(google_rating=Decimal("4.7"), email="owner@gmail.com", website="acme.com")
    value, breakdown = _score(company, activity=Activity(reply_minutes=30))
    lines = [describe(b) for b in breakdown]
    assert "+15 Google rating ≥ 4.5" in lines
    assert "+20 Replied within 1 h" in lines
    assert "−10 Free-mail address" in lines
    assert value == sum(b["points"] for b in breakdown)


def test_score_is_clamped_to_0_100() -> None:
    rich = _company(
        google_rating=Decimal("4.9"), google_reviews_count=500, years_in_business=30,
        employee_count=50, annual_revenue=Decimal("5000000"), license_number="L-1",
    )  # fmt: skip
    high, _ = _score(rich, Lead(source=LeadSource.REFERRAL), Activity(reply_minutes=5, meetings=2))
    assert high == 100
    poor = _company(phone=None, email="x@yahoo.com")
    low, _ = _score(
        poor,
        Lead(source=LeadSource.SCRAPE, contact_attempts=9),
        cfg={"base": 0, "rules": DEFAULT_SCORING["rules"]},
    )
    assert low == 0


def test_rules_and_weights_come_from_the_organization_settings() -> None:
    cfg = scoring_config(
        {
            "scoring": {
                "rules": [
                    {
                        "key": "hvac",
                        "label": "HVAC shop",
                        "field": "company.business_type",
                        "op": "eq",
                        "value": "hvac",
                        "points": 42,
                    }
                ]
            }
        }
    )
    value, breakdown = _score(_company(business_type=BusinessType.HVAC), cfg=cfg)
    assert (value, [describe(b) for b in breakdown]) == (42, ["+42 HVAC shop"])
    assert scoring_config({}) is DEFAULT_SCORING


def test_expired_licence_does_not_count_and_slow_reply_does_not_either() -> None:
    company = _company(license_number="L-9", license_expiry=date(2020, 1, 1))
    _, breakdown = _score(company, activity=Activity(reply_minutes=61))
    keys = {b["key"] for b in breakdown}
    assert "licensed" not in keys and "fast_reply" not in keys


def test_rule_operators() -> None:
    assert rule_fires({"op": "gte", "value": 4.5}, Decimal("4.5"))
    assert not rule_fires({"op": "gte", "value": 4.5}, None)
    assert rule_fires({"op": "lt", "value": 3.5}, 3)
    assert rule_fires({"op": "between", "value": [4.0, 4.5]}, 4.2)
    assert not rule_fires({"op": "between", "value": [4.0, 4.5]}, 4.5)
    assert rule_fires({"op": "in", "value": ["a", "b"]}, "b")
    assert rule_fires({"op": "absent"}, "")
    assert rule_fires({"op": "present"}, "x")
    assert rule_fires({"op": "eq", "value": "referral"}, "referral")


def test_describe_reads_the_seed_breakdown_shape() -> None:
    assert (
        describe({"rule": "rating_high", "factor": "Google rating ≥ 4.5", "points": 15})
        == "+15 Google rating ≥ 4.5"
    )
