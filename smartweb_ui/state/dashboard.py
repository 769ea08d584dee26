"""The executive dashboard: filters, KPI tiles, seven Plotly charts, click-through, CSV export.

The full ``DashboardData`` and the click keys of every chart stay in backend vars; the browser
gets display strings and small figures, and a click sends only (curve, point) indices.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import plotly.graph_objects as go
import reflex as rx

from ..components import charts
from ..db import tenant_session
from ..services.analytics import dashboard as an
from ..services.analytics.export import chart_csv
from ..services.analytics.types import DashboardData, DealList, Kpis, change_pct
from ..services.core.errors import DomainError, Forbidden
from ..services.core.formatting import format_date, format_money
from .auth import current_actor

ALL = "all"
CHART_NAMES = ("monthly", "forecast", "funnel", "reasons", "reps", "sources", "campaigns")


def _blank() -> go.Figure:
    return go.Figure(layout={"template": None})


def _uuid_or_none(raw: str) -> UUID | None:
    try:
        return UUID(raw) if raw and raw != ALL else None
    except ValueError:
        return None


def _date_or_none(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _signed(value: Decimal | None, suffix: str) -> str:
    if value is None:
        return ""
    return f"{'+' if value > 0 else ''}{value}{suffix}"


def _tone(delta: Decimal | None, *, lower_is_better: bool = False) -> str:
    if delta is None or delta == 0:
        return "gray"
    return "green" if (delta > 0) != lower_is_better else "red"


def _diff(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a - b


def _tile(key: str, label: str, value: str, sub: str, hint: str, *, icon: str,
          delta: str = "", tone: str = "gray", drill: str = "") -> dict[str, str]:  # fmt: skip
    return {"key": key, "label": label, "value": value, "sub": sub, "hint": hint, "icon": icon,
            "delta": delta, "tone": tone, "drill": drill}  # fmt: skip


def kpi_tiles(k: Kpis, currency: str, prev_label: str) -> list[dict[str, str]]:
    money = lambda v: format_money(v, currency) if v is not None else "–"  # noqa: E731
    pct = lambda v: f"{v}%" if v is not None else "–"  # noqa: E731
    size_change = (
        change_pct(k.avg_deal_size, k.prev_avg_deal_size)
        if k.avg_deal_size is not None and k.prev_avg_deal_size
        else None
    )
    cycle_delta = _diff(k.avg_cycle_days, k.prev_avg_cycle_days)
    return [
        _tile("won", "Won revenue", money(k.won_revenue),
              f"{k.won_deals} deals · {money(k.prev_won_revenue)} in {prev_label}",
              "Value of deals won in the period, against the same span of the previous period.",
              icon="trophy", delta=_signed(k.won_change_pct, "%"),
              tone=_tone(k.won_change_pct), drill="won"),
        _tile("open", "Open pipeline", money(k.open_pipeline), f"{k.open_deals} open deals",
              "Value of every open deal today (not archived).", icon="layers", drill="open"),
        _tile("weighted", "Weighted forecast", money(k.weighted_forecast),
              "open value × stage probability",
              "Sum of each open deal's value times its win probability.", icon="target",
              drill="open"),
        _tile("win_rate", "Win rate", pct(k.win_rate), f"{k.won_deals} won · {k.lost_deals} lost",
              "Won ÷ (won + lost) among deals closed in the period.", icon="percent",
              delta=_signed(_diff(k.win_rate, k.prev_win_rate), " pts"),
              tone=_tone(_diff(k.win_rate, k.prev_win_rate)), drill="lost"),
        _tile("deal_size", "Avg. deal size", money(k.avg_deal_size),
              f"{money(k.prev_avg_deal_size)} in {prev_label}",
              "Won revenue ÷ deals won in the period.", icon="scale",
              delta=_signed(size_change, "%"), tone=_tone(size_change), drill="won"),
        _tile("cycle", "Sales cycle",
              f"{k.avg_cycle_days} days" if k.avg_cycle_days is not None else "–",
              "created → won, deals won in the period",
              "Days from a deal's creation to its win, averaged over deals won in the period.",
              icon="timer", delta=_signed(cycle_delta, " days"),
              tone=_tone(cycle_delta, lower_is_better=True)),
        _tile("proposals", "Proposals accepted", pct(k.acceptance_rate),
              f"{k.proposals_accepted} of {k.proposals_sent} sent in the period",
              "Share of proposals sent in the period that were accepted.", icon="file-check",
              delta=_signed(_diff(k.acceptance_rate, k.prev_acceptance_rate), " pts"),
              tone=_tone(_diff(k.acceptance_rate, k.prev_acceptance_rate))),
    ]  # fmt: skip


def deal_rows(deals: DealList, currency: str) -> list[dict[str, str]]:
    return [
        {
            "id": r.id,
            "name": r.name,
            "company": r.company,
            "owner": r.owner,
            "stage": r.stage,
            "status": r.status,
            "value": format_money(r.value, currency),
            "date": format_date(r.closed_on) if r.closed_on else format_date(r.expected_close),
            "href": "/pipeline?" + urlencode({"deal": r.id}),
        }
        for r in deals.rows
    ]


class DashboardState(rx.State):
    """Filters and display data of /dashboard (one per browser tab)."""

    loading: bool = True
    allowed: bool = True
    period: str = "quarter"
    custom_start: str = ""
    custom_end: str = ""
    pipeline: str = ALL
    member: str = ALL
    pipelines: list[dict[str, str]] = []
    members: list[dict[str, str]] = []
    sees_everyone: bool = True
    period_label: str = ""
    compare_label: str = ""
    funnel_label: str = ""
    timezone: str = ""
    tiles: list[dict[str, str]] = []
    empty: dict[str, bool] = {}
    fig_monthly: go.Figure = _blank()
    fig_forecast: go.Figure = _blank()
    fig_funnel: go.Figure = _blank()
    fig_reasons: go.Figure = _blank()
    fig_reps: go.Figure = _blank()
    fig_sources: go.Figure = _blank()
    fig_campaigns: go.Figure = _blank()
    drill_open: bool = False
    drill_loading: bool = False
    drill_title: str = ""
    drill_summary: str = ""
    drill_rows: list[dict[str, str]] = []
    drill_link: str = ""
    drill_link_label: str = ""
    _data: DashboardData | None = None
    _keys: dict[str, list[list[str]]] = {}

    # ------------------------------------------------------------ helpers
    def _filters(self) -> an.DashboardFilters:
        return an.DashboardFilters(
            period=self.period if self.period in an.PRESETS else "quarter",
            start=_date_or_none(self.custom_start),
            end=_date_or_none(self.custom_end),
            pipeline_id=_uuid_or_none(self.pipeline),
            owner_id=_uuid_or_none(self.member),
        )

    def _query(self) -> str:
        params = {"period": self.period}
        if self.period == "custom":
            params.update(start=self.custom_start, end=self.custom_end)
        if self.pipeline != ALL:
            params["pipeline"] = self.pipeline
        if self.member != ALL:
            params["owner"] = self.member
        return urlencode(params)

    def _show(self, data: DashboardData) -> None:
        self._data = data
        cur = data.currency
        p = data.period
        self.period_label = p.label
        self.compare_label = p.prev_label
        self.timezone = data.timezone
        self.funnel_label = data.funnel.pipeline_name
        self.tiles = kpi_tiles(data.kpis, cur, p.prev_label)
        built = {
            "monthly": charts.monthly_figure(data.monthly, cur),
            "forecast": charts.forecast_figure(data.forecast, cur),
            "funnel": charts.funnel_figure(data.funnel),
            "reasons": charts.reasons_figure(data.reasons, cur),
            "reps": charts.reps_figure(data.reps, cur),
            "sources": charts.sources_figure(data.sources, cur),
            "campaigns": charts.campaigns_figure(data.campaigns, cur),
        }
        self._keys = {name: keys for name, (_, keys) in built.items()}
        for name, (fig, _) in built.items():
            setattr(self, f"fig_{name}", fig)
        self.empty = {
            "monthly": not any(m.deals or m.prev_year_deals for m in data.monthly),
            "forecast": not data.forecast.cells,
            "funnel": data.funnel.cohort == 0,
            "reasons": not data.reasons,
            "reps": not data.reps,
            "sources": not data.sources,
            "campaigns": not data.campaigns,
        }

    def _refuse(self) -> None:
        self.allowed = False
        self._data, self._keys, self.tiles = None, {}, []
        for name in CHART_NAMES:
            setattr(self, f"fig_{name}", _blank())

    async def _refresh(self, *, options: bool = False, fallback: bool = False):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            yield rx.redirect("/login")
            return
        self.loading = True
        yield
        try:
            with tenant_session(actor) as s:
                if options:
                    opts = an.filter_options(s, actor)
                    self.pipelines = [{"id": i, "name": n} for i, n in opts.pipelines]
                    self.members = [{"id": i, "name": n} for i, n in opts.members]
                    self.sees_everyone = opts.sees_everyone
                data = an.dashboard(s, actor, self._filters())
        except Forbidden:
            self._refuse()
            self.loading = False
            return
        except DomainError as exc:
            if fallback:  # a stale or hand-edited link: show the default view instead
                self.period, self.pipeline, self.member = "quarter", ALL, ALL
                async for update in self._refresh(options=options):
                    yield update
            else:
                self.loading = False
            yield rx.toast.error(exc.message)
            return
        self.allowed = True
        self._show(data)
        self.loading = False
        yield rx.call_script(f"window.history.replaceState(null, '', '/dashboard?{self._query()}')")

    # ------------------------------------------------------------ events
    @rx.event
    async def load(self):  # type: ignore[no-untyped-def]
        """on_load: filters from the URL (shareable links), then options and data."""
        q = self.router.url.query_parameters
        self.period = q.get("period") if q.get("period") in an.PRESETS else "quarter"
        self.custom_start = q.get("start", "") if _date_or_none(q.get("start", "")) else ""
        self.custom_end = q.get("end", "") if _date_or_none(q.get("end", "")) else ""
        self.pipeline = str(_uuid_or_none(q.get("pipeline", "")) or ALL)
        self.member = str(_uuid_or_none(q.get("owner", "")) or ALL)
        self.drill_open = False
        if self.period == "custom" and not (self.custom_start and self.custom_end):
            self.period = "quarter"
        async for update in self._refresh(options=True, fallback=True):
            yield update

    @rx.event
    async def set_period(self, value: str | list[str]):  # type: ignore[no-untyped-def]
        value = value[0] if isinstance(value, list) and value else value
        if not isinstance(value, str) or value not in an.PRESETS:
            return
        self.period = value
        if value == "custom":
            if not self.custom_start and self._data is not None:
                self.custom_start = self._data.period.start.isoformat()
                self.custom_end = min(self._data.period.end, self._data.period.today).isoformat()
            return
        async for update in self._refresh():
            yield update

    @rx.event
    def set_custom_start(self, value: str) -> None:
        self.custom_start = value if _date_or_none(value) else ""

    @rx.event
    def set_custom_end(self, value: str) -> None:
        self.custom_end = value if _date_or_none(value) else ""

    @rx.event
    async def apply_custom(self):  # type: ignore[no-untyped-def]
        async for update in self._refresh():
            yield update

    @rx.event
    async def set_pipeline(self, value: str):  # type: ignore[no-untyped-def]
        self.pipeline = str(_uuid_or_none(value) or ALL)
        async for update in self._refresh():
            yield update

    @rx.event
    async def set_member(self, value: str):  # type: ignore[no-untyped-def]
        self.member = str(_uuid_or_none(value) or ALL)
        async for update in self._refresh():
            yield update

    @rx.event
    async def chart_click(self, chart: str, points: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
        """A bar / funnel step was clicked: open the board or inbox, or the deals drawer."""
        if not points or chart not in self._keys:
            return
        try:
            curve, point = (
                int(points[0].get("curveNumber", -1)),
                int(points[0].get("pointNumber", -1)),
            )
            key = self._keys[chart][curve][point]
        except (TypeError, ValueError, IndexError):
            return
        if chart == "sources" and key.partition("|")[0] in ("leads", "converted"):
            kind, _, source = key.partition("|")
            async for update in self._inbox(source, converted=kind == "converted"):
                yield update
            return
        drill = {"monthly": "month", "reasons": "reason", "reps": "rep", "sources": "source",
                 "campaigns": "campaign"}.get(chart, chart)  # fmt: skip
        async for update in self._drill(drill, key, navigate=chart == "forecast"):
            yield update

    @rx.event
    async def tile_click(self, drill: str):  # type: ignore[no-untyped-def]
        if drill in ("won", "lost", "open"):
            async for update in self._drill("kpi", drill, navigate=drill == "open"):
                yield update

    async def _inbox(self, source: str, *, converted: bool):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            yield rx.redirect("/login")
            return
        try:
            with tenant_session(actor) as s:
                url = an.lead_inbox_url(s, actor, self._filters(), source, converted=converted)
        except DomainError as exc:
            yield rx.toast.error(exc.message)
            return
        yield rx.redirect(url)

    async def _drill(self, chart: str, key: str, *, navigate: bool):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            yield rx.redirect("/login")
            return
        self.drill_open, self.drill_loading, self.drill_rows = True, True, []
        self.drill_title, self.drill_summary, self.drill_link = "Loading…", "", ""
        yield
        try:
            with tenant_session(actor) as s:
                deals = an.deals_behind(s, actor, self._filters(), chart, key)
        except DomainError as exc:
            self.drill_open, self.drill_loading = False, False
            yield rx.toast.error(exc.message)
            return
        if navigate and deals.link_url:
            self.drill_open, self.drill_loading = False, False
            yield rx.redirect(deals.link_url)
            return
        cur = self._data.currency if self._data else "USD"
        shown = len(deals.rows)
        self.drill_title = deals.title
        self.drill_summary = f"{deals.total:,} deals · {format_money(deals.total_value, cur)}" + (
            f" · showing the {shown} largest" if deals.total > shown else ""
        )
        self.drill_rows = deal_rows(deals, cur)
        self.drill_link, self.drill_link_label = deals.link_url, deals.link_label
        self.drill_loading = False

    @rx.event
    def set_drill_open(self, value: bool) -> None:
        self.drill_open = bool(value)

    @rx.event
    async def download_csv(self, chart: str):  # type: ignore[no-untyped-def]
        """The chart's numbers as CSV (what is on screen; re-checks the viewer first)."""
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        if not actor.can("analytics.view"):
            self._refuse()
            return rx.toast.error("You do not have permission to do that.")
        if self._data is None:
            return rx.toast.error("Nothing to export yet.")
        try:
            filename, text = chart_csv(self._data, chart)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return rx.download(data=text, filename=filename)
