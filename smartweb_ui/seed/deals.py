"""Deal timelines (stage paths and entry times) and, at the end, their opportunity rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from . import data as d
from .context import OrgContext
from .generator import HUNDRED, Deal, q


class DealsMixin(OrgContext):
    """Fills ``deals`` early (timelines only); ``_finish_deals`` queues opportunities + history."""

    def _deals(self) -> None:
        rng, today = self.rng, self.now.date()
        for pipe in self.pipes:
            lo, hi = pipe["spec"]["value_range"]
            for stage_name, n in pipe["spec"]["deals"].items():
                stage = pipe["by_name"][stage_name]
                for _ in range(n * self.spec["scale"]):
                    path = self._path(pipe, stage)
                    value = Decimal(int(lo * (hi / lo) ** rng.random() / 50) * 50)
                    dl = Deal(self.g.uid(), pipe, path, self._times(path), self.pick_owner(), value)
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
