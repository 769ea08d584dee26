"""CSV of each dashboard chart's data (the numbers behind the picture, not the picture)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..core.csv_out import csv_text
from ..core.errors import Invalid
from .types import DashboardData

CHARTS = ("kpis", "monthly", "forecast", "funnel", "reasons", "reps", "sources", "campaigns")


def _table(data: DashboardData, chart: str) -> tuple[list[str], Iterable[Iterable[Any]]]:
    if chart == "kpis":
        k = data.kpis
        rows = [(name, getattr(k, name)) for name in k.__dataclass_fields__]
        return ["metric", "value"], rows
    if chart == "monthly":
        head = ["month", "won_revenue", "won_deals", "prev_year_revenue", "prev_year_deals"]
        return head, (
            (f"{p.month:%Y-%m}", p.revenue, p.deals, p.prev_year_revenue, p.prev_year_deals)
            for p in data.monthly
        )
    if chart == "forecast":
        labels = dict(data.forecast.buckets)
        head = ["expected_close", "pipeline", "stage", "deals", "value", "weighted_value"]
        order = {key: i for i, (key, _) in enumerate(data.forecast.buckets)}
        cells = sorted(data.forecast.cells, key=lambda c: (order[c.bucket], c.stage_position))
        return head, (
            (labels[c.bucket], c.pipeline_name, c.stage_name, c.deals, c.value, c.weighted)
            for c in cells
        )
    if chart == "funnel":
        f = data.funnel
        head = [
            "pipeline",
            "stage",
            "deals_reached",
            "conversion_pct",
            "drop_off_pct",
            "of_first_pct",
        ]
        return head, (
            (f.pipeline_name, s.name, s.deals, s.conversion_pct, s.drop_off_pct, s.of_first_pct)
            for s in f.steps
        )
    if chart == "reasons":
        return ["outcome", "reason", "deals", "value"], (
            (r.status, r.label, r.deals, r.value) for r in data.reasons
        )
    if chart == "reps":
        head = ["rank", "team_member", "won_revenue", "won_deals", "lost_deals", "win_rate_pct"]
        return head, (
            (r.rank, r.name, r.won_revenue, r.won_deals, r.lost_deals, r.win_rate)
            for r in data.reps
        )
    if chart == "sources":
        head = ["source", "new_leads", "converted", "conversion_pct", "won_deals", "won_revenue"]
        return head, (
            (r.label, r.leads, r.converted, r.conversion_pct, r.won_deals, r.revenue)
            for r in data.sources
        )
    if chart == "campaigns":
        head = ["campaign", "leads_called", "leads_reached", "interested", "deals", "won_deals",
                "won_revenue"]  # fmt: skip
        return head, (
            (c.name, c.leads_called, c.leads_reached, c.interested, c.deals, c.won_deals, c.revenue)
            for c in data.campaigns
        )
    raise Invalid("Unknown chart.")


def chart_csv(data: DashboardData, chart: str) -> tuple[str, str]:
    """(file name, CSV text) of one chart, for the period the data was computed for."""
    head, rows = _table(data, chart)
    p = data.period
    return f"smartweb-{chart}-{p.start:%Y%m%d}-{p.end:%Y%m%d}.csv", csv_text(head, rows)
