"""Deterministic demo data: two organizations with a year of sales activity.

``seed_demo()`` fills an EMPTY database through the owner connection (RLS bypassed): "Demo Trades
Co" (5 users, 2 pipelines, 300 x scale companies/leads, 150 x scale deals, proposals, contracts,
AI call campaigns, tasks...) and a small "Rival Roofing" so tenant isolation is visible. Rows are
built as plain dicts (ids made in Python) and loaded with COPY, so large scales stay fast.
Every date is relative to an anchor: today 00:00 UTC.
"""

from __future__ import annotations

import copy
import time
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from .. import models
from ..db import system_session
from ..services.access.accounts import hash_password
from ..services.core.errors import Conflict
from ..services.leads.scoring import DEFAULT_SCORING
from . import data as d
from .automation import AutomationMixin
from .contacts import ContactsMixin
from .crm import CompaniesMixin
from .deals import DealsMixin
from .generator import Generator
from .leads import LeadsMixin
from .org_people import OrgPeopleMixin
from .proposals import ProposalsMixin


def is_database_empty(session: Session) -> bool:
    """True when no organization exists yet (the demo seed only fills an empty database)."""
    return session.exec(select(models.Organization.id).limit(1)).first() is None


def seed_demo(
    session: Session | None = None,
    *,
    scale: int = 1,
    password: str = d.DEMO_PASSWORD,
    seed: int = 42,
) -> dict[str, Any]:
    """Fill an empty database with the demo organizations; return counts and the demo logins.

    Runs in ``session`` when given (an owner ``system_session()``; the caller commits), else
    in its own ``system_session()``. The same ``seed`` on the same day gives the same data.
    """
    if scale < 1:
        raise ValueError("scale must be at least 1")
    if session is None:
        with system_session() as own:
            return seed_demo(own, scale=scale, password=password, seed=seed)
    started = time.perf_counter()
    if not is_database_empty(session):
        raise Conflict("The database already has organizations; the demo seed needs an empty one.")
    anchor = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    gen = Generator(seed, anchor)
    password_hash = hash_password(password)
    logins: list[tuple[str, str]] = []
    for spec in (_demo_spec(scale), _rival_spec()):
        org = _OrgSeed(gen, session, spec, password_hash)
        org.run()
        logins += org.logins
    gen.load(session)
    session.execute(sa.text("ANALYZE"))  # planner statistics for the freshly loaded tables
    counts = {
        t.name: session.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
        for t in SQLModel.metadata.sorted_tables
    }
    return {
        "scale": scale,
        "seed": seed,
        "anchor": anchor.isoformat(),
        "seconds": round(time.perf_counter() - started, 1),
        "organizations": ["Demo Trades Co", "Rival Roofing"],
        "logins": logins,
        "counts": counts,
    }


def org_settings(*, sla_hours: int, capacity: int, lost_reasons: list[str]) -> dict[str, Any]:
    """The ``organizations.settings`` JSON the lead, SLA, round-robin and pipeline code read."""
    return {
        "lost_reasons": list(lost_reasons),
        "sla_first_contact_hours": sla_hours,
        "business_hours": {day: ["08:00", "18:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
        "holidays": [],
        "rep_open_lead_capacity": capacity,
        "round_robin": {"eligible_roles": ["Sales Rep"], "respect_capacity": True},
        "scoring": copy.deepcopy(DEFAULT_SCORING),
    }


def _demo_spec(scale: int) -> dict[str, Any]:
    return {
        "name": "Demo Trades Co",
        "slug": "demo-trades",
        "domain": d.DEMO_DOMAIN,
        "timezone": "America/Chicago",
        "settings": org_settings(sla_hours=4, capacity=150, lost_reasons=d.LOST_REASONS),
        "users": d.DEMO_USERS + (d.DEMO_EXTRA_REPS if scale > 1 else []),
        "pipelines": d.PIPELINES_DEMO,
        "scale": scale,
        "companies": 300 * scale,
        "tasks": 100 * scale,
        "metros": None,
        "trades": d.TRADE_WEIGHTS,
        "catalog": True,
        "campaigns": True,
        "manager_share": 0.12,
    }


def _rival_spec() -> dict[str, Any]:
    reasons = ["Price too high", "Insurance denied claim", "Went with competitor", "Timing"]
    return {
        "name": "Rival Roofing",
        "slug": "rival-roofing",
        "domain": d.RIVAL_DOMAIN,
        "timezone": "America/Chicago",
        "settings": org_settings(sla_hours=2, capacity=80, lost_reasons=reasons),
        "users": d.RIVAL_USERS,
        "pipelines": d.PIPELINES_RIVAL,
        "scale": 1,
        "companies": 40,
        "tasks": 8,
        "metros": d.RIVAL_METROS,
        "trades": {"general_contractor": 4, "other": 3, "roofing": 2, "painting": 1},
        "catalog": False,
        "campaigns": False,
        "manager_share": 0.3,
    }


class _OrgSeed(
    OrgPeopleMixin,
    CompaniesMixin,
    DealsMixin,
    LeadsMixin,
    AutomationMixin,
    ProposalsMixin,
    ContactsMixin,
):
    """Builds one organization's rows into the generator, section by section (``demo/``)."""

    def run(self) -> None:
        """Every section, in the order their random draws were designed for."""
        self._org_and_users()
        self._pipelines()
        self._companies()
        self._deals()
        self._leads()
        if self.spec["campaigns"]:
            self._campaigns()
        if self.spec["catalog"]:
            self._catalog()
            self._proposals()
        self._finish_deals()
        self._finish_leads()
        self._tasks()
        self._tags_and_enrichment()
        self._audit()
        self._contacts()
