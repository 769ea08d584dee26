"""Deterministic demo data: two organizations with a year of sales activity.

``seed_demo()`` fills an EMPTY database through the owner connection (RLS bypassed): "Demo Trades
Co" (5 users, 2 pipelines, 300 x scale companies/leads, 150 x scale deals, proposals, contracts,
AI call campaigns, tasks...) and a small "Rival Roofing" so tenant isolation is visible. Rows are
built as plain dicts (ids made in Python) and loaded with COPY, so large scales stay fast.
Every date is relative to an anchor: today 00:00 UTC.
"""

from __future__ import annotations

import copy
import json
import random
import re
import time
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from functools import cache
from itertools import accumulate
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from faker import Faker
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Session, SQLModel, select

from .. import models
from ..db import system_session
from . import demo_data as d
from .accounts import create_organization, create_user, hash_password
from .errors import Conflict
from .lead_scoring import DEFAULT_SCORING, Activity, factors_of, score
from .sla import first_contact_due

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
LEAD_MIX = {"new": 30, "contacted": 32, "qualified": 14, "unqualified": 12, "lost": 12}
SOURCE_MIX = {"scrape": 30, "import": 12, "referral": 10, "website": 14, "cold_call": 12, "ai_campaign": 8, "event": 6, "manual": 8}  # fmt: skip
LEAD_AGE = {"new": (1, 10), "contacted": (3, 300), "qualified": (10, 330), "unqualified": (15, 360), "lost": (20, 360)}  # fmt: skip
TOUCHES = {"contacted": (3, 7), "qualified": (4, 9), "unqualified": (1, 4), "lost": (3, 6)}
WINDOW = {"contacted": (0.3, 1.0), "qualified": (0.5, 1.0), "unqualified": (0.05, 0.4), "lost": (0.2, 0.8)}  # fmt: skip
LEAD_KINDS = [("call", 45), ("email", 30), ("meeting", 6), ("note", 12), ("sms", 7)]
DEAL_KINDS = [("call", 35), ("email", 35), ("meeting", 18), ("note", 12)]
CALL_SECONDS = {"connected": (120, 1200), "voicemail": (25, 60), "no_answer": (0, 0), "callback_requested": (30, 120), "wrong_person": (20, 90)}  # fmt: skip
TASK_BUCKETS = [("overdue", 19), ("today", 11), ("future", 25), ("done", 40), ("cancelled", 5)]
CALL_TIMES = ["Early morning (before 8am)", "Mornings", "Lunch (12–1pm)", "Afternoons", "After 5pm"]
OUTBOUND = {"call", "email", "sms", "ai_call"}


def q(value: Decimal) -> Decimal:
    """Round money to cents, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


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
    gen = _Generator(seed, anchor)
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
        "domain": "demo.smartweb.test",
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
        "domain": "rival.smartweb.test",
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


@cache
def _template(table: str) -> dict[str, Any]:
    """Column -> default for one table, from the SQLModel fields (required ones -> None)."""
    model = next(m for m in vars(models).values() if getattr(m, "__tablename__", None) == table)
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        value = None if info.is_required() else info.get_default(call_default_factory=True)
        if isinstance(value, (datetime, UUID)):  # clock / id factories: always given explicitly
            value = None
        out[name] = value.value if isinstance(value, Enum) else value
    return out


def _allocate(rng: random.Random, total: int, weights: dict[str, int]) -> list[str]:
    """Exactly ``total`` labels in proportion to ``weights`` (each at least once), shuffled."""
    keys = list(weights)
    raw = {k: total * weights[k] / sum(weights.values()) for k in keys}
    counts = {k: int(raw[k]) for k in keys}
    for k in sorted(keys, key=lambda k: counts[k] - raw[k])[: total - sum(counts.values())]:
        counts[k] += 1
    for k in keys:
        if counts[k] == 0 and total >= len(keys):
            counts[max(keys, key=counts.__getitem__)] -= 1
            counts[k] = 1
    out = [k for k in keys for _ in range(counts[k])]
    rng.shuffle(out)
    return out


class _Weighted:
    """A fast weighted picker over fixed (item, weight) pairs."""

    def __init__(self, rng: random.Random, pairs: list[tuple[Any, float]]) -> None:
        self.rng = rng
        self.items = [k for k, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))

    def __call__(self) -> Any:
        return self.items[bisect_right(self.cum, self.rng.random() * self.cum[-1])]


class _Generator:
    """Random sources, name pools and the rows waiting to be loaded (table name -> dicts)."""

    def __init__(self, seed: int, anchor: datetime) -> None:
        self.rng = random.Random(seed)
        self.ids = random.Random(seed + 1)
        self.now = anchor
        fake = Faker("en_US")
        fake.seed_instance(seed)
        self.first_names = [fake.first_name() for _ in range(300)]
        self.last_names = [fake.last_name() for _ in range(500)]
        words = [*d.STREET_WORDS, *self.last_names[:60]]
        self.streets = [
            f"{self.rng.choice(words)} {self.rng.choice(d.STREET_TYPES)}" for _ in range(400)
        ]
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def uid(self) -> UUID:
        return UUID(int=self.ids.getrandbits(128), version=4)

    def day_time(self, days_ago: int) -> datetime:
        """A business-hours moment (08:30-18:00 US Central) ``days_ago`` days before the anchor."""
        return self.now - timedelta(days=days_ago, seconds=-self.rng.randint(48600, 82800))

    def load(self, session: Session) -> None:
        """COPY every collected row, parents before children."""
        cursor = session.connection().connection.driver_connection.cursor()
        for table in SQLModel.metadata.sorted_tables:
            rows = self.rows.pop(table.name, None)
            if not rows:
                continue
            cols = list(rows[0])
            jsonb = [isinstance(table.c[c].type, JSONB) for c in cols]
            names = ", ".join(f'"{c}"' for c in cols)
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    values = row.values()
                    copy.write_row(
                        [json.dumps(v) if j else v for v, j in zip(values, jsonb, strict=True)]
                    )


@dataclass
class _Deal:
    id: UUID
    pipe: dict[str, Any]
    path: list[dict[str, Any]]  # stages visited, in order
    times: list[datetime]  # when each stage was entered (ascending)
    owner: UUID
    value: Decimal
    lead: int = -1
    name: str = ""
    closed_reason: str | None = None
    competitor: str | None = None
    expected: date | None = None
    team: list[UUID] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.path[-1]["kind"]


class _OrgSeed:
    """Builds one organization's rows into the generator."""

    def __init__(self, gen: _Generator, session: Session, spec: dict[str, Any], pw: str) -> None:
        self.g, self.rng, self.s, self.spec, self.pw = gen, gen.rng, session, spec, pw
        self.now = gen.now
        self.logins: list[tuple[str, str]] = []
        self.companies: list[dict[str, Any]] = []
        self.meta: list[dict[str, Any]] = []  # per company: contact, city, trade... for texts
        self.leads: list[dict[str, Any]] = []
        self.deals: list[_Deal] = []
        self.touch: dict[int, list[Any]] = {}  # lead index -> [first, last, attempts]
        self.events: dict[int, list[tuple[datetime, str | None, str]]] = defaultdict(list)

    def add(self, table: str, **values: Any) -> dict[str, Any]:
        """Queue a row: the table's defaults overridden by ``values`` (organization set)."""
        template = _template(table)
        row = {**template, "organization_id": self.org_id, **values}
        if len(row) != len(template):
            raise KeyError(f"unknown column for {table}: {set(row) - set(template)}")
        self.g.rows[table].append(row)
        return row

    def run(self) -> None:
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

    # ------------------------------------------------------------------ org, users, pipelines
    def _org_and_users(self) -> None:
        spec, now, domain = self.spec, self.now, self.spec["domain"]
        address = {"street": "400 Commerce St", "city": "Dallas", "state": "TX", "zip": "75202"}
        org = create_organization(
            self.s,
            spec["name"],
            slug=spec["slug"],
            timezone=spec["timezone"],
            currency="USD",
            settings=spec["settings"],
            billing_email=f"billing@{domain}",
            billing_address=address,
            created_at=now - timedelta(days=420),
        )
        self.org_id = org.id
        self.users: dict[str, UUID] = {}
        self.names: dict[UUID, str] = {}
        roles: dict[str, str] = {}
        for n, (key, first, last, role, title) in enumerate(spec["users"]):
            email = f"{key}@{domain}"
            user = create_user(
                self.s,
                org,
                email=email,
                password="",
                password_hash=self.pw,
                first_name=first,
                last_name=last,
                roles=[role],
                job_title=title,
                department="Operations" if role == "Admin" else "Sales",
                phone=f"(214) 555-01{n:02d}",
                created_at=now - timedelta(days=410 - n),
                email_verified=now - timedelta(days=410 - n),
                last_login_at=now - timedelta(hours=6 + 7 * n),
            )
            self.users[key], self.names[user.id], roles[key] = user.id, user.full_name, role
            self.logins.append((email, role))
        self.reps = [self.users[k] for k, r in roles.items() if r == "Sales Rep"]
        self.manager = next(self.users[k] for k, r in roles.items() if r == "Sales Manager")
        self.admin = self.users.get("admin", self.manager)
        share = spec["manager_share"]
        owners = [*((r, (1 - share) / len(self.reps)) for r in self.reps), (self.manager, share)]
        self.pick_owner = _Weighted(self.rng, owners)

    def _pipelines(self) -> None:
        self.pipes: list[dict[str, Any]] = []
        created = self.now - timedelta(days=400)
        stamps = {"created_at": created, "updated_at": created}
        for pos, spec in enumerate(self.spec["pipelines"]):
            pid = self.g.uid()
            self.add(
                "pipelines",
                id=pid,
                name=spec["name"],
                description=spec["description"],
                is_default=pos == 0,
                position=pos,
                **stamps,
            )
            stages = []
            for i, (name, prob, rot, wip, color, kind) in enumerate(spec["stages"]):
                sid = self.g.uid()
                stages.append(
                    {
                        "id": sid,
                        "name": name,
                        "probability": Decimal(prob),
                        "rotting_days": rot,
                        "kind": kind,
                    }
                )
                self.add(
                    "pipeline_stages",
                    id=sid,
                    pipeline_id=pid,
                    name=name,
                    position=i,
                    probability=Decimal(prob),
                    is_won=kind == "won",
                    is_lost=kind == "lost",
                    rotting_days=rot,
                    wip_limit=wip,
                    color=color,
                    **stamps,
                )
            self.pipes.append(
                {
                    "id": pid,
                    "index": pos,
                    "spec": spec,
                    "open": [s for s in stages if s["kind"] == "open"],
                    "by_name": {s["name"]: s for s in stages},
                }
            )

    # ------------------------------------------------------------------ companies
    def _companies(self) -> None:
        rng, g, spec = self.rng, self.g, self.spec
        metros = [m for m in d.METROS if spec["metros"] is None or m[0] in spec["metros"]]
        pick_metro = _Weighted(rng, [(m, m[7]) for m in metros])
        pick_trade = _Weighted(rng, list(spec["trades"].items()))
        phones: set[str] = set()
        emails: set[str] = set()
        domains: set[str] = set()
        alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        for i in range(spec["companies"]):
            btype = pick_trade()
            city, state, tz, areas, lat, lon, zip3, _ = pick_metro()
            first, last = rng.choice(g.first_names), rng.choice(g.last_names)
            word, r = rng.choice(d.TRADE_WORDS[btype]), rng.random()
            if r < 0.45:
                core = f"{last} {word}"
            elif r < 0.75:
                core = f"{rng.choice(d.NAME_ADJECTIVES)} {word}"
            elif r < 0.88:
                core = f"{city} {word}"
            else:
                core = f"{first}'s {word}"
            suffix = rng.choice(d.NAME_SUFFIXES)
            base = re.sub(r"[^a-z0-9]", "", core.lower().replace("&", "and"))[:28]
            tld = rng.choice(d.TLDS)
            domain = base + tld
            while domain in domains:
                domain = f"{base}{rng.randint(2, 99)}{tld}"
            site = rng.random() < 0.8
            if site:
                domains.add(domain)
            email = None
            if rng.random() > 0.04:
                if site and rng.random() < 0.85:
                    local = rng.choice(["info", "office", "service", "contact", first.lower()])
                    email = f"{local}@{domain}"
                else:
                    email = f"{base[:18]}{rng.randint(1, 99)}@{rng.choice(d.FREE_MAIL)}"
                while email in emails:
                    email = f"{base[:18]}{rng.randint(100, 9999)}@{rng.choice(d.FREE_MAIL)}"
                emails.add(email)
            area = rng.choice(areas)
            phone = f"({area}) 555-{rng.randint(100, 9999):04d}"
            while phone in phones:
                phone = f"({area}) {rng.randint(201, 998)}-{rng.randint(0, 9999):04d}"
            phones.add(phone)
            staff = min(400, max(1, int(rng.lognormvariate(2.0, 0.9))))
            rating = None
            if rng.random() > 0.08:
                rating = Decimal(f"{min(5.0, max(2.5, rng.gauss(4.3, 0.5))):.1f}")
            licensed = rng.random() < 0.75
            row = self.add(
                "companies",
                id=g.uid(),
                name=core + suffix,
                dba_name=core if suffix.strip() and rng.random() < 0.1 else None,
                business_type=btype,
                phone=phone,
                email=email,
                website=f"https://www.{domain}" if site else None,
                website_domain=domain if site else None,
                street_address=f"{rng.randint(100, 9899)} {rng.choice(g.streets)}",
                city=city,
                state=state,
                zip_code=f"{zip3}{rng.randint(1, 99):02d}",
                latitude=Decimal(f"{lat + rng.uniform(-0.18, 0.18):.6f}"),
                longitude=Decimal(f"{lon + rng.uniform(-0.18, 0.18):.6f}"),
                years_in_business=int(rng.triangular(1, 45, 8)),
                employee_count=staff,
                annual_revenue=Decimal(staff * rng.randint(90, 180) * 1000)
                if rng.random() > 0.1
                else None,
                google_rating=rating,
                facebook_url=f"https://www.facebook.com/{base}" if rng.random() < 0.55 else None,
                linkedin_url=f"https://www.linkedin.com/company/{base}"
                if rng.random() < 0.2
                else None,
                instagram_url=f"https://www.instagram.com/{base}" if rng.random() < 0.3 else None,
            )
            if licensed:
                row["license_number"] = f"{d.LICENSE_CODES[btype]}-{rng.randint(100000, 999999)}"
                row["license_state"] = state
                row["license_expiry"] = self.now.date() + timedelta(days=rng.randint(-200, 900))
            if rating is not None:
                row["google_business_id"] = f"ChIJ{''.join(rng.choices(alnum, k=12))}{i:06d}"
                row["google_reviews_count"] = min(2500, int(rng.lognormvariate(3.5, 1.1)))
            self.companies.append(row)
            self.meta.append(
                {
                    "contact": first,
                    "contact_full": f"{first} {last}",
                    "company": core + suffix,
                    "trade": d.TRADE_NOUN[btype],
                    "city": city,
                    "tz": tz,
                    "btype": btype,
                    "role": rng.choice(d.CONTACT_ROLES),
                    "crews": rng.randint(2, 12),
                    "reviews": row["google_reviews_count"] or 0,
                    "rating": rating or "n/a",
                    "season": rng.choice(d.SEASONS),
                    "competitor": rng.choice(d.COMPETITORS),
                    "email": email,
                }
            )

    # ------------------------------------------------------------------ deals (timelines only)
    def _deals(self) -> None:
        rng, today = self.rng, self.now.date()
        for pipe in self.pipes:
            lo, hi = pipe["spec"]["value_range"]
            for stage_name, n in pipe["spec"]["deals"].items():
                stage = pipe["by_name"][stage_name]
                for _ in range(n * self.spec["scale"]):
                    path = self._path(pipe, stage)
                    value = Decimal(int(lo * (hi / lo) ** rng.random() / 50) * 50)
                    dl = _Deal(
                        self.g.uid(), pipe, path, self._times(path), self.pick_owner(), value
                    )
                    end = dl.times[-1].date()
                    if dl.kind == "lost":
                        dl.closed_reason = rng.choice(self.spec["settings"]["lost_reasons"])
                        if dl.closed_reason == "Went with competitor":
                            dl.competitor = rng.choice(d.COMPETITORS)
                    if dl.kind != "open":
                        dl.expected = end + timedelta(days=rng.randint(-10, 12))
                    elif rng.random() < 0.15:  # overdue: expected close already passed
                        dl.expected = today - timedelta(days=rng.randint(1, 25))
                    else:
                        dl.expected = max(
                            end + timedelta(days=rng.randint(10, 75)),
                            today + timedelta(days=rng.randint(1, 20)),
                        )
                    if dl.value > 40000 and dl.owner != self.manager and rng.random() < 0.5:
                        dl.team = [self.manager]
                    self.deals.append(dl)

    def _path(self, pipe: dict[str, Any], stage: dict[str, Any]) -> list[dict[str, Any]]:
        """The stages a deal went through to reach ``stage`` (sometimes skipping the second)."""
        opens, rng = pipe["open"], self.rng
        if stage["kind"] == "open":
            path = opens[: opens.index(stage) + 1]
        elif stage["kind"] == "won":
            path = [*opens[: len(opens) - (0 if rng.random() < 0.85 else 1)], stage]
        else:
            path = [*opens[: rng.randint(1, len(opens))], stage]
        if len(path) >= 3 and path[1] is not stage and rng.random() < 0.2:
            path = [path[0], *path[2:]]
        return path

    def _times(self, path: list[dict[str, Any]]) -> list[datetime]:
        """Stage entry times, ascending, worked out backwards from the last move in whole days.

        An open deal sits in its stage for less than the stage's rotting days, or (22%) is stuck
        well past them; a closed deal closed 1-330 days ago. Nothing is older than 360 days.
        """
        rng, last = self.rng, path[-1]
        if last["kind"] == "open":
            rot = last["rotting_days"] or 10
            stuck = rng.random() < 0.22
            end = rng.randint(rot + 2, rot + 40) if stuck else rng.randint(1, max(1, rot - 1))
        else:
            end = 1 + int(329 * rng.random() ** 1.2)
        gaps = [rng.randint(1, 14) for _ in path[1:]]
        while sum(gaps) > 360 - end:
            gaps[gaps.index(max(gaps))] -= 1
        days = [end]
        for gap in reversed(gaps):
            days.append(days[-1] + gap)
        return [self.g.day_time(x) for x in reversed(days)]

    # ------------------------------------------------------------------ leads + interactions
    def _link_deals_to_leads(self) -> dict[int, list[_Deal]]:
        """Each first-pipeline deal gets its own lead; later pipelines reuse won customers."""
        rng = self.rng
        order = list(range(len(self.companies)))
        rng.shuffle(order)
        self.free_leads = order
        first = [dl for dl in self.deals if dl.pipe["index"] == 0]
        for dl in first:
            dl.lead = order.pop()
        won = sorted((dl for dl in first if dl.kind == "won"), key=lambda x: x.times[-1])
        closes = [dl.times[-1] for dl in won]
        by_lead: dict[int, list[_Deal]] = defaultdict(list)
        for dl in self.deals:
            if dl.pipe["index"]:
                i = bisect_left(closes, dl.times[0] - timedelta(days=7))
                if i:
                    base = won[rng.randrange(i)]
                    dl.lead, dl.owner = base.lead, base.owner
                else:
                    dl.lead = order.pop()
            by_lead[dl.lead].append(dl)
        for dl in self.deals:
            package = rng.choice(dl.pipe["spec"]["packages"])
            dl.name = f"{self.meta[dl.lead]['company']} – {package}"
        return by_lead

    def _leads(self) -> None:
        rng, now, g, settings = self.rng, self.now, self.g, self.spec["settings"]
        by_lead = self._link_deals_to_leads()
        n = len(self.companies)
        status = dict.fromkeys(by_lead, "converted")
        status.update(
            zip(self.free_leads, _allocate(rng, len(self.free_leads), LEAD_MIX), strict=True)
        )
        sources = _allocate(rng, n, SOURCE_MIX)
        self.lead_ids = [g.uid() for _ in range(n)]
        self.lead_kinds = _Weighted(rng, LEAD_KINDS)
        self.deal_kinds = _Weighted(rng, DEAL_KINDS)
        self.call_outcome = _Weighted(rng, d.CALL_OUTCOMES)
        for i in range(n):
            st, source = status[i], sources[i]
            deals = sorted(by_lead.get(i, []), key=lambda x: x.times[0])
            company = self.companies[i]
            if deals:
                created = g.day_time((now - deals[0].times[0]).days + rng.randint(2, 40))
                owner = deals[0].owner
            else:
                created = g.day_time(rng.randint(*LEAD_AGE[st]))
                owner = None if st == "new" and rng.random() < 0.45 else self.pick_owner()
            company["created_at"] = created - timedelta(hours=rng.randint(0, 72))
            company["updated_at"] = created
            if source == "scrape":
                company["last_scraped_at"] = company["created_at"]
                if company["google_business_id"]:
                    company["external_id"] = f"gmaps:{company['google_business_id']}"
            elif source == "import":
                company["external_id"] = f"import-{i:06d}"
            lead = {
                **_template("leads"),
                "id": self.lead_ids[i],
                "organization_id": self.org_id,
                "company_id": company["id"],
                "status": st,
                "source": source,
                "source_details": self._source_details(source, self.meta[i], created),
                "assigned_to": owner,
                "assigned_at": created + timedelta(minutes=rng.randint(5, 240)) if owner else None,
                "lost_reason": rng.choice(self.spec["settings"]["lost_reasons"])
                if st == "lost"
                else None,
                "preferred_contact_method": rng.choice(["phone", "phone", "email", "sms"]),
                "best_call_time": rng.choice(CALL_TIMES),
                "timezone": self.meta[i]["tz"],
                "sla_due_at": first_contact_due(created, settings, self.spec["timezone"]),
                "created_at": created,
                "updated_at": created,
            }
            self.leads.append(lead)
            if st == "new":
                continue
            first = created + timedelta(minutes=rng.randint(20, 1800))
            first = min(first, now - timedelta(hours=2))
            user = owner or self.pick_owner()
            if deals:
                first = min(first, deals[0].times[0] - timedelta(hours=1))
                self._spread(i, first, deals[0].times[0], rng.randint(2, 4), None, user)
                for dl in deals:
                    end = dl.times[-1] if dl.kind != "open" else now - timedelta(minutes=30)
                    weeks = (end - dl.times[0]).days // 7  # about one touch a week, 2 to 7
                    count = min(rng.randint(4, 7), max(2, weeks + rng.randint(0, 1)))
                    self._spread(i, dl.times[0], end, count, dl.id, dl.owner)
                lead["converted_at"] = deals[0].times[0]
                lead["qualified_at"] = max(
                    first, deals[0].times[0] - timedelta(hours=rng.randint(1, 48))
                )
                lead["qualified_by"] = "manual"
                continue
            lo, hi = WINDOW[st]
            end = first + (now - timedelta(hours=1) - first) * rng.uniform(lo, hi)
            self._spread(i, first, end, rng.randint(*TOUCHES[st]), None, user)
            if st == "qualified":
                lead["qualified_at"] = first + (end - first) * rng.uniform(0.4, 1.0)
                lead["qualified_by"] = rng.choice(["manual", "manual", "lead_score", "ai_call"])

    def _source_details(self, source: str, meta: dict[str, Any], at: datetime) -> dict[str, Any]:
        rng, g = self.rng, self.g
        if source == "scrape":
            query = f"{meta['trade']} contractors near {meta['city']}"
            return {"provider": "google_maps", "query": query, "scraped_at": at.isoformat()}
        if source == "import":
            return {"file": rng.choice(d.IMPORT_FILES), "row": rng.randint(2, 4000)}
        if source == "referral":
            name = f"{rng.choice(g.first_names)} {rng.choice(g.last_names)}"
            return {"referred_by": name, "relationship": rng.choice(["customer", "partner"])}
        if source == "website":
            utm = rng.choice(["google", "facebook", "bing", "direct"])
            return {"form": "free-audit", "utm_source": utm, "landing_page": "/free-audit"}
        if source == "cold_call":
            return {"list": f"{meta['city']} {meta['trade']} cold list"}
        if source == "ai_campaign":
            return {"campaign": rng.choice(d.CAMPAIGNS)["name"]}
        if source == "event":
            return {"event": rng.choice([f"{meta['city']} Home Show", "Contractor Expo"])}
        return {"entered_by": "rep"}

    def _spread(
        self, i: int, start: datetime, end: datetime, n: int, opp: UUID | None, user: UUID
    ) -> None:
        """``n`` interactions of lead ``i`` from ``start`` (a first call for a new lead) to ``end``."""
        rng = self.rng
        span = max(0.0, (end - start).total_seconds())
        times = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(n))
        times[0] = start
        pick = self.deal_kinds if opp else self.lead_kinds
        for k, t in enumerate(times):
            day = t.replace(hour=0, minute=0, second=0, microsecond=0)
            snapped = day + timedelta(seconds=rng.randint(48600, 82800))  # business hours
            if k and start < snapped < end:
                t = snapped
            self._interaction(i, t, "call" if opp is None and k == 0 else pick(), user, opp)

    def _interaction(
        self, i: int, t: datetime, kind: str, user: UUID | None, opp: UUID | None, **extra: Any
    ) -> dict[str, Any]:
        """Queue one interaction and keep the lead's first/last contact and attempt count."""
        rng, meta = self.rng, self.meta[i]
        rep = self.names.get(user, "the SmartWeb team")  # type: ignore[arg-type]
        fmt = {**meta, "rep": rep, "day": rng.choice(["Tuesday", "Wednesday", "Thursday"])}
        row: dict[str, Any] = {
            "type": kind,
            "initiated_by": user,
            "created_at": t,
            "completed_at": t,
        }
        row["participated_users"] = [user] if user else []
        if kind == "call":
            outcome = "connected" if opp else self.call_outcome()
            inbound = outcome == "connected" and rng.random() < 0.15
            way = "inbound" if inbound else "outbound"
            row |= {
                "direction": way,
                "subject": f"{way.title()} call – {outcome.replace('_', ' ')}",
                "content": rng.choice(d.CALL_NOTES[outcome]).format(**fmt),
                "call_duration": rng.randint(*CALL_SECONDS[outcome]),
                "call_outcome": outcome,
            }
            if outcome == "connected":
                row["call_sentiment"] = rng.choice(["positive", "positive", "neutral", "negative"])
        elif kind == "email":
            inbound = rng.random() < 0.2
            opened = inbound or rng.random() < 0.55
            row |= {
                "direction": "inbound" if inbound else "outbound",
                "subject": rng.choice(d.EMAIL_SUBJECTS).format(**fmt),
                "content": d.EMAIL_BODY.format(**fmt),
                "email_thread_id": f"thread-{self.lead_ids[i].hex[:12]}",
                "email_opened": opened,
                "email_clicked": opened and rng.random() < 0.35,
            }
        elif kind == "meeting":
            place = rng.choice(d.MEETING_LOCATIONS)
            people = [
                {"name": meta["contact_full"], "email": meta["email"], "role": meta["role"]},
                {"name": rep, "role": "SmartWeb"},
            ]
            row |= {
                "subject": rng.choice(d.MEETING_SUBJECTS).format(**fmt),
                "content": d.MEETING_NOTE.format(**fmt),
                "meeting_date": t,
                "scheduled_for": t,
                "meeting_duration": rng.choice([30, 45, 60, 90]),
                "meeting_location": self.companies[i]["street_address"]
                if place == "On site"
                else place,
                "meeting_attendees": people,
            }
        elif kind == "note":
            row["content"] = rng.choice(d.NOTES).format(**fmt)
        elif kind == "sms":
            row |= {"direction": "outbound", "content": rng.choice(d.SMS_TEXTS).format(**fmt)}
        row |= extra
        iid = self.g.uid()
        if kind == "email":
            row["email_message_id"] = f"<{iid.hex}@mail.smartweb.test>"
        if row.get("call_sentiment") and kind == "call" and rng.random() < 0.3:
            row["call_recording_url"] = f"https://recordings.smartweb.test/{iid}.mp3"
        out = self.add(
            "interactions",
            id=iid,
            lead_id=self.lead_ids[i],
            opportunity_id=opp,
            updated_at=t,
            **row,
        )
        self.events[i].append((t, out["direction"], kind))
        acc = self.touch.setdefault(i, [t, t, 0])
        acc[0], acc[1] = min(acc[0], t), max(acc[1], t)
        if kind in OUTBOUND and out["direction"] == "outbound":
            acc[2] += 1
        return out

    # ------------------------------------------------------------------ AI call campaigns
    def _campaigns(self) -> None:
        rng, now = self.rng, self.now
        outcome_pick = _Weighted(rng, d.AI_OUTCOMES)
        for spec in d.CAMPAIGNS:
            cid = self.g.uid()
            start = self.g.day_time(spec["start_days_ago"])
            end = start + timedelta(days=spec["length_days"])
            statuses = ["contacted", "qualified", "unqualified", "lost"]
            self.add(
                "ai_call_campaigns",
                id=cid,
                name=spec["name"],
                description=spec["description"],
                status=spec["status"],
                goal=spec["goal"],
                script=d.AI_SCRIPT.format(offer=spec["offer"]),
                target_filter={
                    "business_type": [spec["trade"]],
                    "status": statuses,
                    "min_score": 20,
                },
                schedule={"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"},
                timezone=self.spec["timezone"],
                calls_per_hour=40,
                starts_at=start,
                ends_at=end,
                created_by=self.manager,
                created_at=start - timedelta(days=3),
                updated_at=min(end, now),
            )
            eligible = [
                i
                for i, lead in enumerate(self.leads)
                if lead["status"] in statuses and lead["created_at"] < start - timedelta(days=1)
            ]
            match = [i for i in eligible if self.meta[i]["btype"] == spec["trade"]]
            other = [i for i in eligible if self.meta[i]["btype"] != spec["trade"]]
            rng.shuffle(match)
            rng.shuffle(other)
            targets = match + other
            span = min(spec["length_days"], spec["start_days_ago"])
            for k, st in enumerate(
                _allocate(rng, spec["calls"] * self.spec["scale"], spec["statuses"])
            ):
                i = targets[k % len(targets)]
                retry = k // len(targets)
                call = self.add(
                    "ai_calls",
                    id=self.g.uid(),
                    campaign_id=cid,
                    lead_id=self.lead_ids[i],
                    status=st,
                    attempt=retry + 1 if retry else rng.choice([1, 1, 1, 1, 2, 3]),
                    phone_number=self.companies[i]["phone"],
                )
                if st == "queued":
                    call["created_at"] = now - timedelta(hours=rng.randint(1, 30))
                elif st in ("dialing", "in_progress"):
                    call["started_at"] = now - timedelta(minutes=rng.randint(1, 4))
                    call["created_at"] = call["started_at"] - timedelta(hours=2)
                else:
                    t = self.g.day_time(spec["start_days_ago"] - rng.randint(0, span - 1))
                    self._call_result(call, i, min(t, now - timedelta(hours=1)), outcome_pick, spec)
                call["updated_at"] = call["ended_at"] or call["started_at"] or call["created_at"]

    def _call_result(
        self, call: dict[str, Any], i: int, t: datetime, pick: _Weighted, spec: dict[str, Any]
    ) -> None:
        """Fill a finished AI call; a completed one also logs an ``ai_call`` interaction."""
        rng, st, meta = self.rng, call["status"], self.meta[i]
        call["created_at"] = t - timedelta(minutes=rng.randint(5, 600))
        call["started_at"] = call["ended_at"] = t
        if st == "failed":
            call["error"] = rng.choice(d.AI_ERRORS)
            return
        if st in ("no_answer", "voicemail"):
            secs = rng.randint(15, 35) if st == "no_answer" else rng.randint(25, 55)
            summary = (
                "Left a voicemail with a callback number." if st == "voicemail" else "No answer."
            )
            call |= {"outcome": st, "duration_seconds": secs, "summary": summary}
        else:
            outcome = pick()
            short = outcome in ("wrong_number", "do_not_call")
            secs = rng.randint(35, 90) if short else rng.randint(90, 420)
            sentiment, lo, hi = d.AI_SENTIMENT[outcome]
            score = Decimal(f"{rng.uniform(lo, hi):.3f}")
            opening = d.AI_OPENING[:1] if outcome == "wrong_number" else d.AI_OPENING
            transcript = "\n".join(x.format(**meta) for x in [*opening, *d.AI_ENDINGS[outcome]])
            summary = d.AI_SUMMARIES[outcome].format(**meta)
            call |= {
                "outcome": outcome,
                "duration_seconds": secs,
                "transcript": transcript,
                "summary": summary,
                "sentiment": sentiment,
                "sentiment_score": score,
                "recording_url": f"https://recordings.smartweb.test/ai/{call['id']}.mp3",
            }
            interaction = self._interaction(
                i,
                t,
                "ai_call",
                None,
                None,
                direction="outbound",
                subject=f"AI call – {spec['name']}",
                content=summary,
                summary=summary,
                call_duration=secs,
                call_outcome=outcome,
                call_transcript=transcript,
                call_sentiment=sentiment,
                call_recording_url=call["recording_url"],
                ai_score=q((score + 1) * 50),
                ai_insights={
                    "outcome": outcome,
                    "sentiment_score": float(score),
                    "next_step": d.AI_NEXT_STEP.get(outcome),
                },
                completed_at=t + timedelta(seconds=secs),
            )
            call["interaction_id"] = interaction["id"]
        call["ended_at"] = t + timedelta(seconds=call["duration_seconds"])
        call["cost"] = (Decimal(call["duration_seconds"]) * Decimal("0.0015")).quantize(
            Decimal("0.0001")
        )

    # ------------------------------------------------------------------ catalog, proposals, contracts
    def _catalog(self) -> None:
        stamps = {"created_at": self.now - timedelta(days=400)}
        stamps["updated_at"] = stamps["created_at"]
        self.products: list[dict[str, Any]] = []
        for sku, name, category, unit, price, cost, tax, recurring in d.PRODUCTS:
            self.products.append(
                self.add(
                    "products",
                    id=self.g.uid(),
                    sku=sku,
                    name=name,
                    description=f"{name} for trade businesses.",
                    category=category,
                    unit=unit,
                    unit_price=Decimal(price),
                    cost=Decimal(cost),
                    tax_rate=Decimal(tax),
                    is_recurring=recurring,
                    **stamps,
                )
            )
        self.core_products = [p for p in self.products if p["sku"] in d.CORE_SKUS]

    def _proposals(self) -> None:
        """Proposals for deals at/after the proposal stage (drafts just before it); numbering."""
        rng = self.rng
        self.proposal_sets: list[list[dict[str, Any]]] = []
        self.contract_rows: list[dict[str, Any]] = []
        self.term: dict[UUID, int] = {}  # proposal id -> months of recurring service (0: project)
        for dl in self.deals:
            names = [s["name"] for s in dl.path]
            pstage = dl.pipe["spec"]["proposal_stage"]
            share = 1.0 if dl.pipe["index"] == 0 else 0.4
            at = [s["name"] for s in dl.pipe["open"]].index(pstage)
            here = dl.pipe["open"].index(dl.path[-1]) if dl.kind == "open" else -1
            if dl.kind == "open" and here >= at:
                chance = 0.85 * share
            elif dl.kind != "open" and pstage in names:
                chance = (0.6 if dl.kind == "won" else 0.3) * share
            elif here == at - 1:
                chance, pstage = 0.25 * share, None
            else:
                continue
            if rng.random() < chance:
                self._proposal_set(dl, pstage)
        self.proposal_sets.sort(key=lambda versions: versions[0]["created_at"])
        self.contract_rows.sort(key=lambda row: row["created_at"])
        seq: dict[tuple[str, int], int] = defaultdict(int)
        for versions in self.proposal_sets:
            number = _number(seq, "P", versions[0]["created_at"])
            for version in versions:
                version["proposal_number"] = number
                self.g.rows["proposals"].append(version)
        for row in self.contract_rows:
            row["contract_number"] = _number(seq, "C", row["created_at"])
            self.g.rows["contracts"].append(row)

    def _lines(self) -> list[tuple[dict[str, Any], Decimal, Decimal]]:
        """(product, quantity, line discount %) worth at least $3,500 before discounts."""
        rng = self.rng
        lines: list[tuple[dict[str, Any], Decimal, Decimal]] = []
        seen: set[str] = set()
        for p in [rng.choice(self.core_products), *rng.sample(self.products, rng.randint(0, 3))]:
            if p["sku"] in seen:
                continue
            seen.add(p["sku"])
            qty = Decimal(rng.choice([6, 6, 12]) if p["is_recurring"] else 1)
            lines.append((p, qty, Decimal(rng.choice([0, 0, 0, 5, 10, 15]))))
        while sum(p["unit_price"] * qty for p, qty, _ in lines) < 3500:
            p = rng.choice([c for c in self.core_products if c["sku"] not in seen])
            seen.add(p["sku"])
            lines.append((p, Decimal(12 if p["is_recurring"] else 1), Decimal(0)))
        return lines

    def _proposal(
        self,
        dl: _Deal,
        lines: list[tuple[dict[str, Any], Decimal, Decimal]],
        version: int,
        dp: Decimal,
        created: datetime,
    ) -> dict[str, Any]:
        """One proposal version with its line items; totals follow the documented formula."""
        pid, subtotal, tax = self.g.uid(), Decimal(0), Decimal(0)
        for pos, (p, qty, disc) in enumerate(lines):
            total = q(qty * p["unit_price"] * (HUNDRED - disc) / HUNDRED)
            subtotal += total
            tax += q(total * (HUNDRED - dp) / HUNDRED * p["tax_rate"] / HUNDRED)
            self.add(
                "proposal_line_items",
                id=self.g.uid(),
                proposal_id=pid,
                product_id=p["id"],
                position=pos,
                description=p["name"],
                quantity=qty,
                unit_price=p["unit_price"],
                discount_percentage=disc,
                tax_rate=p["tax_rate"],
                line_total=total,
                created_at=created,
                updated_at=created,
            )
        self.term[pid] = max((int(qty) for p, qty, _ in lines if p["is_recurring"]), default=0)
        discount = q(subtotal * dp / HUNDRED)
        meta = self.meta[dl.lead]
        row = {**_template("proposals"), "organization_id": self.org_id}
        row |= {
            "id": pid,
            "opportunity_id": dl.id,
            "version": version,
            "title": f"{meta['company']} – {dl.name.split(' – ')[-1]}",
            "valid_until": (created + timedelta(days=30)).date(),
            "executive_summary": d.PROPOSAL_SUMMARY.format(**meta),
            "scope_of_work": "\n".join(f"- {p['name']} × {qty.normalize()}" for p, qty, _ in lines),
            "terms_and_conditions": d.PROPOSAL_TERMS,
            "custom_sections": d.PROPOSAL_SECTIONS,
            "subtotal": subtotal,
            "discount_amount": discount,
            "discount_percentage": dp,
            "tax_rate": max(p["tax_rate"] for p, _, _ in lines),
            "tax_amount": tax,
            "total_amount": subtotal - discount + tax,
            "sent_to_email": meta["email"],
            "created_by": dl.owner,
            "created_at": created,
            "updated_at": created,
        }
        return row

    def _proposal_set(self, dl: _Deal, pstage: str | None) -> None:
        """A deal's proposal versions (v1 rejected + v2 after a negotiation, sometimes)."""
        rng, limit = self.rng, self.now - timedelta(minutes=30)
        lines, dp = self._lines(), Decimal(rng.choice([0, 0, 0, 5, 10]))
        if pstage is None:  # a draft for a deal about to reach the proposal stage
            created = min(dl.times[-1] + timedelta(hours=rng.randint(2, 72)), limit)
            self.proposal_sets.append([self._proposal(dl, lines, 1, dp, created)])
            dl.value = self.proposal_sets[-1][0]["total_amount"]
            return
        idx = [s["name"] for s in dl.path].index(pstage)
        closed = dl.times[-1] if dl.kind != "open" else None
        bound = (closed or limit) - timedelta(hours=2)
        sent = min(dl.times[idx] + timedelta(hours=rng.randint(1, 6)), bound)
        v1 = self._proposal(dl, lines, 1, dp, sent - timedelta(hours=rng.randint(1, 10)))
        v1 |= {"sent_at": sent, "status": "sent", "valid_until": (sent + timedelta(days=30)).date()}
        versions = [v1]
        if idx + 1 < len(dl.path) and dl.path[idx + 1]["kind"] == "open" and rng.random() < 0.4:
            rejected = dl.times[idx + 1] + timedelta(hours=rng.randint(1, 8))
            sent2 = rejected + timedelta(hours=rng.randint(4, 40))
            if sent2 < bound:
                v1 |= {
                    "status": "rejected",
                    "rejected_at": rejected,
                    "viewed_at": sent + (rejected - sent) / 3,
                    "view_count": rng.randint(1, 4),
                    "rejection_reason": "Asked for a lower monthly price",
                    "updated_at": rejected,
                }
                v2 = self._proposal(
                    dl, lines, 2, min(dp + 5, Decimal(15)), sent2 - timedelta(hours=1)
                )
                v2 |= {
                    "sent_at": sent2,
                    "status": "sent",
                    "valid_until": (sent2 + timedelta(days=30)).date(),
                }
                versions.append(v2)
        last = versions[-1]
        viewed = last["sent_at"] + timedelta(hours=rng.uniform(1, 30))
        if closed is not None:
            final = closed - timedelta(hours=rng.randint(0, 20))
            if final <= last["sent_at"]:
                final = last["sent_at"] + (closed - last["sent_at"]) / 2
            last |= {
                "viewed_at": min(viewed, final),
                "view_count": rng.randint(1, 6),
                "updated_at": final,
            }
            if dl.kind == "won":
                last |= {"status": "accepted", "accepted_at": final}
            else:
                last |= {
                    "status": "rejected",
                    "rejected_at": final,
                    "rejection_reason": dl.closed_reason,
                }
        elif viewed < limit and rng.random() < 0.6:
            last |= {
                "status": "viewed",
                "viewed_at": viewed,
                "view_count": rng.randint(1, 5),
                "updated_at": viewed,
            }
        if last["status"] in ("sent", "viewed") and last["valid_until"] < self.now.date():
            last["status"] = "expired"
        self.proposal_sets.append(versions)
        dl.value = last["total_amount"]
        if last["status"] == "accepted":
            self._contract(dl, last)

    def _contract(self, dl: _Deal, proposal: dict[str, Any]) -> None:
        rng, meta, total = self.rng, self.meta[dl.lead], proposal["total_amount"]
        months = self.term[proposal["id"]]
        recurring = months > 0
        start = dl.times[-1].date() + timedelta(days=rng.randint(1, 10))
        end = start + timedelta(days=round(30.44 * months) if recurring else 90)
        signed = proposal["accepted_at"] + timedelta(minutes=rng.randint(10, 300))
        if recurring:
            schedule = [
                {
                    "label": "Monthly retainer",
                    "frequency": "monthly",
                    "installments": months,
                    "amount": str(q(total / months)),
                    "starts": start.isoformat(),
                }
            ]
        else:
            half = q(total / 2)
            schedule = [
                {"label": "Deposit (50%)", "due": start.isoformat(), "amount": str(half)},
                {"label": "On completion", "due": end.isoformat(), "amount": str(total - half)},
            ]
        row = {**_template("contracts"), "organization_id": self.org_id}
        row |= {
            "id": self.g.uid(),
            "proposal_id": proposal["id"],
            "opportunity_id": dl.id,
            "title": f"Service agreement – {meta['company']}",
            "type": "retainer" if recurring else "project",
            "status": "completed" if end < self.now.date() else "active",
            "start_date": start,
            "end_date": end,
            "auto_renew": recurring,
            "renewal_terms": d.RENEWAL_TERMS if recurring else None,
            "total_value": total,
            "payment_terms": "Net 30",
            "payment_schedule": schedule,
            "client_signed_at": signed,
            "client_signed_by": meta["contact_full"],
            "client_signature_ip": f"198.51.100.{rng.randint(1, 254)}",
            "internal_signed_at": signed + timedelta(hours=rng.randint(1, 20)),
            "internal_signed_by": self.manager,
            "docusign_envelope_id": self.g.uid().hex,
            "created_by": dl.owner,
            "created_at": proposal["accepted_at"],
            "updated_at": signed,
        }
        self.contract_rows.append(row)

    # ------------------------------------------------------------------ deals and leads to rows
    def _finish_deals(self) -> None:
        """Opportunity rows (kanban positions per stage) and their stage history."""
        rng = self.rng
        by_stage: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
        for dl in self.deals:
            stage, closed = dl.path[-1], dl.kind != "open"
            row = self.add(
                "opportunities",
                id=dl.id,
                lead_id=self.lead_ids[dl.lead],
                pipeline_id=dl.pipe["id"],
                current_stage_id=stage["id"],
                name=dl.name,
                value=dl.value,
                probability=stage["probability"],
                weighted_value=q(dl.value * stage["probability"] / HUNDRED),
                expected_close_date=dl.expected,
                actual_close_date=dl.times[-1].date() if closed else None,
                owner_id=dl.owner,
                team_members=dl.team,
                status=dl.kind,
                stage_entered_at=dl.times[-1],
                closed_reason=dl.closed_reason,
                competitor_won=dl.competitor,
                created_by=dl.owner,
                created_at=dl.times[0],
                updated_at=dl.times[-1],
            )
            by_stage[stage["id"]].append(row)
            for k, (st, t) in enumerate(zip(dl.path, dl.times, strict=True)):
                mover = dl.owner if k == 0 or rng.random() < 0.9 else self.manager
                self.add(
                    "opportunity_stage_history",
                    id=self.g.uid(),
                    opportunity_id=dl.id,
                    from_stage_id=dl.path[k - 1]["id"] if k else None,
                    to_stage_id=st["id"],
                    moved_by=mover,
                    moved_at=t,
                    seconds_in_from_stage=int((t - dl.times[k - 1]).total_seconds()) if k else None,
                    value_at_move=dl.value,
                )
        for rows in by_stage.values():
            rows.sort(key=lambda r: (r["stage_entered_at"], r["id"]))
            for pos, row in enumerate(rows):
                row["position"] = pos

    def _finish_leads(self) -> None:
        """Contact fields from the interactions, the score from ``lead_scoring``; queue them."""
        first_value: dict[int, Decimal] = {}
        for dl in sorted(self.deals, key=lambda x: x.times[0]):
            first_value.setdefault(dl.lead, dl.value)
        config, today = self.spec["settings"]["scoring"], self.now.date()
        for i, lead in enumerate(self.leads):
            if i in self.touch:
                first, last, attempts = self.touch[i]
                lead["first_contact_at"], lead["last_contact_at"] = first, last
                lead["contact_attempts"] = attempts
                lead["updated_at"] = max(last, lead["created_at"])
            lead["conversion_value"] = first_value.get(i)
            factors = factors_of(
                SimpleNamespace(**self.companies[i]),  # type: ignore[arg-type]
                SimpleNamespace(**lead),  # type: ignore[arg-type]
                _activity(self.events.get(i, [])),
                today,
            )
            lead["lead_score"], lead["score_breakdown"] = score(factors, config)
            self.g.rows["leads"].append(lead)

    # ------------------------------------------------------------------ tasks, tags, enrichment, audit
    def _tasks(self) -> None:
        """Open (overdue / due today / upcoming), done and cancelled follow-ups."""
        rng, now, g = self.rng, self.now, self.g
        open_leads: dict[UUID, list[int]] = defaultdict(list)
        for i, lead in enumerate(self.leads):
            if lead["assigned_to"] and lead["status"] in ("new", "contacted", "qualified"):
                open_leads[lead["assigned_to"]].append(i)
        open_deals: dict[UUID, list[_Deal]] = defaultdict(list)
        for dl in self.deals:
            if dl.kind == "open":
                open_deals[dl.owner].append(dl)
        assignee = _Weighted(rng, [*((r, 1.0) for r in self.reps), (self.manager, 0.35)])
        bucket_of = _Weighted(rng, TASK_BUCKETS)
        forced = []  # the demo rep always has overdue, today and upcoming work
        if self.spec["catalog"]:
            forced = [
                (self.users["rep"], b) for b in ["overdue"] * 3 + ["today"] * 2 + ["future"] * 3
            ]
        for k in range(self.spec["tasks"]):
            user, bucket = forced[k] if k < len(forced) else (assignee(), bucket_of())
            dl = None
            if open_deals[user] and (rng.random() < 0.5 or not open_leads[user]):
                dl = rng.choice(open_deals[user])
                i = dl.lead
            elif open_leads[user]:
                i = rng.choice(open_leads[user])
            else:
                i = rng.randrange(len(self.leads))
            if bucket == "overdue":
                due = g.day_time(rng.randint(1, 10))
            elif bucket == "today":
                due = now + timedelta(seconds=rng.randint(50400, 79200))  # 9:00-17:00 Central
            elif bucket == "future":
                due = g.day_time(-rng.randint(1, 14))
            else:
                due = g.day_time(rng.randint(1, 300))
            before = min(due, now)
            created = before - timedelta(days=rng.randint(1, 7), hours=rng.randint(0, 8))
            earliest = (dl.times[0] if dl else self.leads[i]["created_at"]) + timedelta(minutes=10)
            created = min(max(created, earliest), before - timedelta(minutes=30))
            completed = None
            if bucket == "done":
                completed = min(
                    due + timedelta(hours=rng.randint(-30, 6)), now - timedelta(minutes=5)
                )
                completed = max(completed, created + timedelta(minutes=15))
            titles = d.TASK_TITLES_DEAL if dl else d.TASK_TITLES_LEAD
            self.add(
                "tasks",
                id=g.uid(),
                title=rng.choice(titles).format(**self.meta[i]),
                description=rng.choice(d.TASK_NOTES).format(**self.meta[i]),
                due_at=due,
                priority=rng.choice(["low", "normal", "normal", "normal", "high", "urgent"]),
                status={"done": "done", "cancelled": "cancelled"}.get(bucket, "open"),
                assigned_to=user,
                created_by=rng.choice([user, user, self.manager]),
                lead_id=self.lead_ids[i],
                opportunity_id=dl.id if dl else None,
                completed_at=completed,
                completed_by=user if completed else None,
                created_at=created,
                updated_at=completed or created,
            )

    def _tags_and_enrichment(self) -> None:
        rng, g = self.rng, self.g
        for i, lead in enumerate(self.leads):
            tags = rng.sample(d.LEAD_TAGS, rng.choice([0, 0, 1, 1, 1, 2, 2, 3]))
            if lead["source"] == "referral" and "referral" not in tags:
                tags.append("referral")
            for tag in tags:
                self.add(
                    "lead_tags",
                    id=g.uid(),
                    lead_id=lead["id"],
                    tag=tag,
                    created_by=lead["assigned_to"],
                    created_at=lead["created_at"],
                )
            if rng.random() < 0.08:
                company, meta = self.companies[i], self.meta[i]
                at = min(lead["created_at"] + timedelta(hours=rng.randint(1, 48)), self.now)
                data = {
                    "employees_range": _range(company["employee_count"]),
                    "founded": self.now.year - (company["years_in_business"] or 1),
                    "technologies": rng.sample(d.TECHNOLOGIES, 3),
                    "owner_name": meta["contact_full"],
                    "categories": [meta["trade"]],
                }
                self.add(
                    "lead_enrichment",
                    id=g.uid(),
                    lead_id=lead["id"],
                    provider=rng.choice(d.ENRICHMENT_PROVIDERS),
                    data=data,
                    confidence=Decimal(rng.randint(60, 98)),
                    enriched_at=at,
                    created_at=at,
                )

    def _audit(self) -> None:
        """A short trail: set-up events by the admin, then the latest deal moves."""
        base = self.now - timedelta(days=400)
        events: list[tuple[UUID | None, str, str, UUID, dict[str, Any], datetime]] = [
            (
                None,
                "organization.create",
                "organization",
                self.org_id,
                {"name": self.spec["name"]},
                base,
            )
        ]
        for (email, role), uid in zip(self.logins, self.users.values(), strict=True):
            events.append(
                (self.admin, "user.create", "user", uid, {"email": email, "role": role}, base)
            )
        for p in self.pipes:
            events.append(
                (
                    self.admin,
                    "pipeline.create",
                    "pipeline",
                    p["id"],
                    {"name": p["spec"]["name"]},
                    base,
                )
            )
        recent = sorted((dl for dl in self.deals if len(dl.path) > 1), key=lambda x: x.times[-1])
        for dl in recent[-8:]:
            change = {"stage": dl.path[-1]["name"]}
            events.append(
                (dl.owner, "opportunity.move", "opportunity", dl.id, change, dl.times[-1])
            )
        for k, (actor, action, entity, eid, after, at) in enumerate(events):
            self.add(
                "audit_logs",
                id=self.g.uid(),
                actor_id=actor,
                action=action,
                entity_type=entity,
                entity_id=eid,
                changes={"before": {}, "after": after},
                ip_address="203.0.113.10",
                user_agent="smartweb-demo-seed",
                created_at=at + timedelta(minutes=k) if at == base else at,
            )


def _number(seq: dict[tuple[str, int], int], prefix: str, at: datetime) -> str:
    """The next document number of the year, e.g. ``P-2026-0001``."""
    seq[prefix, at.year] += 1
    return f"{prefix}-{at.year}-{seq[prefix, at.year]:04d}"


def _range(n: int | None) -> str:
    for hi, label in ((4, "1-4"), (9, "5-9"), (49, "10-49"), (199, "50-199")):
        if (n or 0) <= hi:
            return label
    return "200+"


def _activity(events: list[tuple[datetime, str | None, str]]) -> Activity:
    """``lead_scoring.activity_of`` over queued rows: fastest reply to an outbound touch, meetings."""
    best: float | None = None
    last_out: datetime | None = None
    meetings = inbound = 0
    for at, direction, kind in sorted(events, key=lambda e: e[0]):
        meetings += kind == "meeting"
        if direction == "outbound":
            last_out = at
        elif direction == "inbound":
            inbound += 1
            if last_out is not None:
                minutes = (at - last_out).total_seconds() / 60
                best = minutes if best is None else min(best, minutes)
    return Activity(reply_minutes=best, meetings=meetings, inbound=inbound)
