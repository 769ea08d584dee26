"""Leads, their interactions (calls, emails, meetings...) and their final scores."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any, cast
from uuid import UUID

from ..models import Company, Lead
from ..services.leads.scoring import Activity, factors_of, score
from ..services.leads.sla import first_contact_due
from . import data as d
from .context import OrgContext
from .generator import Deal, Weighted, allocate, row_template

LEAD_MIX = {"new": 30, "contacted": 32, "qualified": 14, "unqualified": 12, "lost": 12}
SOURCE_MIX = {"scrape": 30, "import": 12, "referral": 10, "website": 14, "cold_call": 12, "ai_campaign": 8, "event": 6, "manual": 8}  # fmt: skip
LEAD_AGE = {"new": (1, 10), "contacted": (3, 300), "qualified": (10, 330), "unqualified": (15, 360), "lost": (20, 360)}  # fmt: skip
TOUCHES = {"contacted": (3, 7), "qualified": (4, 9), "unqualified": (1, 4), "lost": (3, 6)}
WINDOW = {"contacted": (0.3, 1.0), "qualified": (0.5, 1.0), "unqualified": (0.05, 0.4), "lost": (0.2, 0.8)}  # fmt: skip
LEAD_KINDS = [("call", 45), ("email", 30), ("meeting", 6), ("note", 12), ("sms", 7)]
DEAL_KINDS = [("call", 35), ("email", 35), ("meeting", 18), ("note", 12)]
CALL_SECONDS = {"connected": (120, 1200), "voicemail": (25, 60), "no_answer": (0, 0), "callback_requested": (30, 120), "wrong_person": (20, 90)}  # fmt: skip
CALL_TIMES = ["Early morning (before 8am)", "Mornings", "Lunch (12–1pm)", "Afternoons", "After 5pm"]
OUTBOUND = {"call", "email", "sms", "ai_call"}


class LeadsMixin(OrgContext):
    """Links deals to leads, builds the lead rows and their interactions, then scores them."""

    def _link_deals_to_leads(self) -> dict[int, list[Deal]]:
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
        by_lead: dict[int, list[Deal]] = defaultdict(list)
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
            zip(self.free_leads, allocate(rng, len(self.free_leads), LEAD_MIX), strict=True)
        )
        sources = allocate(rng, n, SOURCE_MIX)
        self.lead_ids = [g.uid() for _ in range(n)]
        self.lead_kinds = Weighted(rng, LEAD_KINDS)
        self.deal_kinds = Weighted(rng, DEAL_KINDS)
        self.call_outcome = Weighted(rng, d.CALL_OUTCOMES)
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
                **row_template("leads"),
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
        rep = self.names.get(user, "the SmartWeb team")
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
            # The queued rows stand in for the models: factors_of only reads their attributes.
            factors = factors_of(
                cast(Company, SimpleNamespace(**self.companies[i])),
                cast(Lead, SimpleNamespace(**lead)),
                _activity(self.events.get(i, [])),
                today,
            )
            lead["lead_score"], lead["score_breakdown"] = score(factors, config)
            self.g.rows["leads"].append(lead)


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
