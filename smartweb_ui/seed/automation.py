"""AI call campaigns, follow-up tasks and the audit trail."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from . import data as d
from .context import OrgContext
from .generator import Deal, Weighted, allocate, q

TASK_BUCKETS = [("overdue", 19), ("today", 11), ("future", 25), ("done", 40), ("cancelled", 5)]


class AutomationMixin(OrgContext):
    """Campaign calls (logged as ``ai_call`` interactions), tasks and audit events."""

    def _campaigns(self) -> None:
        rng, now = self.rng, self.now
        outcome_pick = Weighted(rng, d.AI_OUTCOMES)
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
            used: dict[int, set[int]] = defaultdict(set)  # one call per lead and attempt
            for k, st in enumerate(
                allocate(rng, spec["calls"] * self.spec["scale"], spec["statuses"])
            ):
                i = targets[k % len(targets)]
                retry = k // len(targets)
                attempt = retry + 1 if retry else rng.choice([1, 1, 1, 1, 2, 3])
                while attempt in used[i]:
                    attempt += 1
                used[i].add(attempt)
                call = self.add(
                    "ai_calls",
                    id=self.g.uid(),
                    campaign_id=cid,
                    lead_id=self.lead_ids[i],
                    status=st,
                    attempt=attempt,
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
        self, call: dict[str, Any], i: int, t: datetime, pick: Weighted, spec: dict[str, Any]
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

    def _tasks(self) -> None:
        """Open (overdue / due today / upcoming), done and cancelled follow-ups."""
        rng, now, g = self.rng, self.now, self.g
        open_leads: dict[UUID, list[int]] = defaultdict(list)
        for i, lead in enumerate(self.leads):
            if lead["assigned_to"] and lead["status"] in ("new", "contacted", "qualified"):
                open_leads[lead["assigned_to"]].append(i)
        open_deals: dict[UUID, list[Deal]] = defaultdict(list)
        for dl in self.deals:
            if dl.kind == "open":
                open_deals[dl.owner].append(dl)
        assignee = Weighted(rng, [*((r, 1.0) for r in self.reps), (self.manager, 0.35)])
        bucket_of = Weighted(rng, TASK_BUCKETS)
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
