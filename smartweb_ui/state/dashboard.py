"""The executive dashboard: filters, KPI tiles, seven Plotly charts, click-through, CSV export.

The filters are a ``DashboardFilters`` in a backend var, read from and written to the URL; the
full ``DashboardData`` and the click keys of every chart stay in backend vars too. The browser
gets display strings and small figures, and a click sends only (curve, point) indices.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

import reflex as rx
from annotated_types import Interval, MaxLen
from pydantic import BaseModel, BeforeValidator, ConfigDict

from ..services import analytics as an
from ..services.analytics import PRESETS, DashboardData, DealList, Kpis, change_pct, chart_csv
from ..services.core.errors import Forbidden
from ..services.core.formatting import format_date, format_money
from ..services.core.inputs import Choices, Day, Flag, OptionalId
from ..services.core.results import Option
from . import charts, door, live
from .door import Events
from .navigation import replace_url

ALL = "all"
CHART_NAMES = ("monthly", "forecast", "funnel", "reasons", "reps", "sources", "campaigns")
PERIOD_OPTIONS: list[tuple[str, str]] = list(PRESETS.items())
Period = Annotated[str, BeforeValidator(Choices(PRESETS))]
Chart = Annotated[str, BeforeValidator(Choices(CHART_NAMES))]
Drill = Annotated[str, BeforeValidator(Choices(("won", "lost", "open", "proposals", "")))]
# The acceptance KPI opens the proposal list on the accepted ones.
ACCEPTED_PROPOSALS_URL = "/proposals?status=accepted"
# What a change must touch for an open dashboard to redraw, and how often at most it does.
DASHBOARD_KINDS = ("opportunity", "lead", "proposal", "ai_call", "campaign", "pipeline", "*")
OTHER_KINDS = tuple(k for k in DASHBOARD_KINDS if k != "opportunity")
LIVE_SPACING = 3.0


class ClickPoint(BaseModel):
    """What the door keeps of a Plotly click: the two indices (nothing the browser names)."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    curveNumber: Annotated[int, Interval(ge=0, le=100)]
    pointNumber: Annotated[int, Interval(ge=0, le=10_000)]


ClickPoints = Annotated[list[ClickPoint], MaxLen(20)]
AllOrId = Annotated[str, BeforeValidator(Choices([ALL]))] | OptionalId


@dataclass(frozen=True)
class KpiTile:
    key: str
    label: str
    value: str
    sub: str
    hint: str
    icon: str
    delta: str = ""
    tone: str = "gray"
    drill: str = ""


@dataclass(frozen=True)
class DrillRow:
    id: str
    name: str
    company: str
    owner: str
    stage: str
    status: str
    value: str
    date: str
    href: str


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


def kpi_tiles(k: Kpis, currency: str, prev_label: str) -> list[KpiTile]:
    def money(v: Decimal | None) -> str:
        return format_money(v, currency) if v is not None else "–"

    def pct(v: Decimal | None) -> str:
        return f"{v}%" if v is not None else "–"

    size_change = (
        change_pct(k.avg_deal_size, k.prev_avg_deal_size)
        if k.avg_deal_size is not None and k.prev_avg_deal_size
        else None
    )
    cycle_delta = _diff(k.avg_cycle_days, k.prev_avg_cycle_days)
    return [
        KpiTile("won", "Won revenue", money(k.won_revenue),
                f"{k.won_deals} deals · {money(k.prev_won_revenue)} in {prev_label}",
                "Value of deals won in the period, against the same span of the previous period.",
                icon="trophy", delta=_signed(k.won_change_pct, "%"),
                tone=_tone(k.won_change_pct), drill="won"),
        KpiTile("open", "Open pipeline", money(k.open_pipeline), f"{k.open_deals} open deals",
                "Value of every open deal today (not archived).", icon="layers", drill="open"),
        KpiTile("weighted", "Weighted forecast", money(k.weighted_forecast),
                "open value × stage probability",
                "Sum of each open deal's value times its win probability.", icon="target",
                drill="open"),
        KpiTile("win_rate", "Win rate", pct(k.win_rate), f"{k.won_deals} won · {k.lost_deals} lost",
                "Won ÷ (won + lost) among deals closed in the period.", icon="percent",
                delta=_signed(_diff(k.win_rate, k.prev_win_rate), " pts"),
                tone=_tone(_diff(k.win_rate, k.prev_win_rate)), drill="lost"),
        KpiTile("deal_size", "Avg. deal size", money(k.avg_deal_size),
                f"{money(k.prev_avg_deal_size)} in {prev_label}",
                "Won revenue ÷ deals won in the period.", icon="scale",
                delta=_signed(size_change, "%"), tone=_tone(size_change), drill="won"),
        KpiTile("cycle", "Sales cycle",
                f"{k.avg_cycle_days} days" if k.avg_cycle_days is not None else "–",
                "created → won, deals won in the period",
                "Days from a deal's creation to its win, averaged over deals won in the period.",
                icon="timer", delta=_signed(cycle_delta, " days"),
                tone=_tone(cycle_delta, lower_is_better=True)),
        KpiTile("proposals", "Proposals accepted", pct(k.acceptance_rate),
                f"{k.proposals_accepted} of {k.proposals_sent} sent in the period",
                "Share of proposals sent in the period that were accepted.", icon="file-check",
                delta=_signed(_diff(k.acceptance_rate, k.prev_acceptance_rate), " pts"),
                tone=_tone(_diff(k.acceptance_rate, k.prev_acceptance_rate)),
                drill="proposals"),
    ]  # fmt: skip


def deal_rows(deals: DealList, currency: str) -> list[DrillRow]:
    return [
        DrillRow(
            id=r.id,
            name=r.name,
            company=r.company,
            owner=r.owner,
            stage=r.stage,
            status=r.status,
            value=format_money(r.value, currency),
            date=format_date(r.closed_on) if r.closed_on else format_date(r.expected_close),
            href="/pipeline?" + urlencode({"deal": r.id}),
        )
        for r in deals.rows
    ]


class DashboardState(rx.State):
    """Filters and display data of /dashboard (one per browser tab)."""

    loading: bool = True
    allowed: bool = True
    custom_start: str = ""  # the custom range being typed, applied with "Apply"
    custom_end: str = ""
    pipelines: list[Option] = []
    members: list[Option] = []
    sees_everyone: bool = True
    period_label: str = ""
    compare_label: str = ""
    funnel_label: str = ""
    timezone: str = ""
    tiles: list[KpiTile] = []
    empty: dict[str, bool] = {}
    fig_monthly: dict[str, Any] = charts.BLANK
    fig_forecast: dict[str, Any] = charts.BLANK
    fig_funnel: dict[str, Any] = charts.BLANK
    fig_reasons: dict[str, Any] = charts.BLANK
    fig_reps: dict[str, Any] = charts.BLANK
    fig_sources: dict[str, Any] = charts.BLANK
    fig_campaigns: dict[str, Any] = charts.BLANK
    drill_open: bool = False
    drill_loading: bool = False
    drill_title: str = ""
    drill_summary: str = ""
    drill_rows: list[DrillRow] = []
    drill_link: str = ""
    drill_link_label: str = ""
    _filters: an.DashboardFilters = an.DashboardFilters()
    _data: DashboardData | None = None
    _keys: dict[str, list[list[str]]] = {}
    _live: int = 0

    # ------------------------------------------------------------ what the filter bar shows
    @rx.var
    def period(self) -> str:
        return self._filters.period

    @rx.var
    def pipeline(self) -> str:
        return str(self._filters.pipeline_id or ALL)

    @rx.var
    def member(self) -> str:
        return str(self._filters.owner_id or ALL)

    # ------------------------------------------------------------ helpers
    def _show(self, data: DashboardData) -> None:
        """Show ``data``; what equals what is on screen is left alone, so a live update sends
        only the tiles and figures that changed."""
        old, self._data = self._data, data
        cur = data.currency
        p = data.period
        same_frame = old is not None and (old.currency, old.period) == (cur, p)
        for name, value in (
            ("period_label", p.label),
            ("compare_label", p.prev_label),
            ("timezone", data.timezone),
            ("funnel_label", data.funnel.pipeline_name),
        ):
            if getattr(self, name) != value:
                setattr(self, name, value)
        if not (same_frame and old is not None and old.kpis == data.kpis):
            self.tiles = kpi_tiles(data.kpis, cur, p.prev_label)
        builders = {
            "monthly": lambda: charts.monthly_figure(data.monthly, cur),
            "forecast": lambda: charts.forecast_figure(data.forecast, cur),
            "funnel": lambda: charts.funnel_figure(data.funnel),
            "reasons": lambda: charts.reasons_figure(data.reasons, cur),
            "reps": lambda: charts.reps_figure(data.reps, cur),
            "sources": lambda: charts.sources_figure(data.sources, cur),
            "campaigns": lambda: charts.campaigns_figure(data.campaigns, cur),
        }
        keys = dict(self._keys)
        for name, build in builders.items():
            if same_frame and old is not None and getattr(old, name) == getattr(data, name):
                continue
            fig, keys[name] = build()
            setattr(self, f"fig_{name}", charts.as_json(fig))
        self._keys = keys
        empty = {
            "monthly": not any(m.deals or m.prev_year_deals for m in data.monthly),
            "forecast": not data.forecast.cells,
            "funnel": data.funnel.cohort == 0,
            "reasons": not data.reasons,
            "reps": not data.reps,
            "sources": not data.sources,
            "campaigns": not data.campaigns,
        }
        if empty != self.empty:
            self.empty = empty

    async def _dashboard(self, filters: an.DashboardFilters) -> DashboardData:
        """Every chart: the groups at once, each through the door on its own connection."""
        parts = await asyncio.gather(
            *(door.run(self, an.dashboard_part, filters, names) for names in an.CHART_GROUPS)
        )
        return an.assemble(list(parts))

    def _refuse(self) -> None:
        self.allowed = False
        self._data, self._keys, self.tiles = None, {}, []
        live.restart(self)
        for name in CHART_NAMES:
            setattr(self, f"fig_{name}", charts.BLANK)

    async def _refresh(self, *, options: bool = False) -> AsyncIterator[Events]:
        self.loading = True
        live.shows(self, self._filters)  # what the live task redraws from now on
        yield
        try:
            if options:
                opts = await door.run(self, an.filter_options)
                self.pipelines, self.members = opts.pipelines, opts.members
                self.sees_everyone = opts.sees_everyone
            data = await self._dashboard(self._filters)
        except Forbidden:
            self._refuse()
            self.loading = False
            return
        finally:
            self.loading = False
        self.allowed = True
        self._show(data)
        yield replace_url("/dashboard", self._filters.to_query())

    def _link_refused(self, _exc: Exception) -> Events:
        """A stale or hand-edited link (another pipeline, a colleague out of scope): the
        default view instead, with the door's message."""
        self._filters = an.DashboardFilters()
        return DashboardState.reload_default

    # ------------------------------------------------------------ events
    @door.event(loads_page=True, on_refused="_link_refused")
    async def load(self) -> AsyncIterator[Events]:
        """on_load: filters from the URL (shareable links), then options and data."""
        self._filters, _ = an.DashboardFilters.from_query(self.router.url.query_parameters)
        if self._filters.period == "custom" and not (self._filters.start and self._filters.end):
            self._filters = replace(self._filters, period="quarter")
        self.custom_start = self._filters.start.isoformat() if self._filters.start else ""
        self.custom_end = self._filters.end.isoformat() if self._filters.end else ""
        self.drill_open = False
        async for update in self._refresh(options=True):
            yield update
        if self.allowed:
            live.restart(self, view=self._filters)
            yield DashboardState.watch

    # ------------------------------------------------------------ live
    @door.event(background=True)
    async def watch(self) -> Events:
        """Redraw what changed as deals move, close and are created (anyone's, any worker): the
        change feed, no polling. A burst is taken as one, and while changes keep coming the
        charts redraw at most every few seconds (one query set per filter and burst, shared by
        every dashboard of this worker on the same filter)."""
        await live.follow(
            self,
            live.Follow(
                wanted=lambda c: c.touches(*DASHBOARD_KINDS),
                view=lambda: self._filters,
                fetch=self._live_fetch,
                apply=self._live_apply,
                settle=0.3,
                spacing=LIVE_SPACING,
            ),
        )
        return None

    @door.event(public=True)  # only ends a live task: harmless signed out too
    async def stop_watch(self) -> Events:
        live.restart(self)
        return None

    async def _live_fetch(
        self, filters: an.DashboardFilters, changes: list[live.Change], actor: Any
    ) -> DashboardData | Any | None:
        # One person's figures (a rep's own, or the person filter): other people's deal moves
        # change nothing here (``live.SKIP``: no query, no state lock).
        owner = filters.owner_id if an.sees_everyone(actor) else actor.user_id
        if owner is not None and not live.shows_owner(changes, owner, always=OTHER_KINDS):
            return live.SKIP
        key = (
            "dashboard",
            actor.organization_id,
            actor.user_id,
            filters,
            tuple(c.seq for c in changes),
        )
        return await live.shared.get(key, lambda: self._dashboard(filters))

    async def _live_apply(self, data: DashboardData | None) -> None:
        if data is not None and self.allowed:
            self._show(data)

    @door.event
    async def reload_default(self) -> AsyncIterator[Events]:
        async for update in self._refresh(options=True):
            yield update

    @door.event
    async def set_period(self, value: Period) -> AsyncIterator[Events]:
        if value == "custom":
            if not self.custom_start and self._data is not None:
                self.custom_start = self._data.period.start.isoformat()
                self.custom_end = min(self._data.period.end, self._data.period.today).isoformat()
            self._filters = replace(self._filters, period="custom")
            return
        self._filters = replace(self._filters, period=value, start=None, end=None)
        async for update in self._refresh():
            yield update

    @door.event
    async def set_custom_start(self, value: Day) -> Events:
        self.custom_start = value.isoformat()
        return None

    @door.event
    async def set_custom_end(self, value: Day) -> Events:
        self.custom_end = value.isoformat()
        return None

    @door.event
    async def apply_custom(self) -> AsyncIterator[Events]:
        self._filters = self._filters.with_values(
            period="custom", start=self.custom_start, end=self.custom_end
        )
        async for update in self._refresh():
            yield update

    @door.event
    async def set_pipeline(self, value: AllOrId) -> AsyncIterator[Events]:
        self._filters = replace(self._filters, pipeline_id=None if value == ALL else value)
        async for update in self._refresh():
            yield update

    @door.event
    async def set_member(self, value: AllOrId) -> AsyncIterator[Events]:
        self._filters = replace(self._filters, owner_id=None if value == ALL else value)
        async for update in self._refresh():
            yield update

    @door.event
    async def chart_click(self, chart: Chart, points: ClickPoints) -> AsyncIterator[Events]:
        """A bar / funnel step was clicked: open the board or inbox, or the deals drawer."""
        if not points or chart not in self._keys:
            return
        try:
            key = self._keys[chart][points[0].curveNumber][points[0].pointNumber]
        except IndexError:
            key = None
        if key is None:
            return
        if chart == "sources" and key.partition("|")[0] in ("leads", "converted"):
            kind, _, source = key.partition("|")
            url = await door.run(
                self, an.lead_inbox_url, self._filters, source, converted=kind == "converted"
            )
            yield rx.redirect(url)
            return
        drill = {"monthly": "month", "reasons": "reason", "reps": "rep", "sources": "source",
                 "campaigns": "campaign"}.get(chart, chart)  # fmt: skip
        async for update in self._drill(drill, key, navigate=chart == "forecast"):
            yield update

    @door.event
    async def tile_click(self, drill: Drill) -> AsyncIterator[Events]:
        if drill == "proposals":
            yield rx.redirect(ACCEPTED_PROPOSALS_URL)
        elif drill:
            async for update in self._drill("kpi", drill, navigate=drill == "open"):
                yield update

    async def _drill(self, chart: str, key: str, *, navigate: bool) -> AsyncIterator[Events]:
        self.drill_open, self.drill_loading, self.drill_rows = True, True, []
        self.drill_title, self.drill_summary, self.drill_link = "Loading…", "", ""
        yield
        try:
            deals = await door.run(self, an.deals_behind, self._filters, chart, key)
        except Exception:
            self.drill_open, self.drill_loading = False, False
            raise
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

    @door.event
    async def set_drill_open(self, value: Flag) -> Events:
        self.drill_open = value
        return None

    @door.event
    async def download_csv(self, chart: Chart) -> Events:
        """The chart's numbers as CSV (what is on screen; re-checks the viewer first)."""
        if not door.actor_of(self).can("analytics.view"):
            self._refuse()
            raise Forbidden("You do not have permission to do that.")
        if self._data is None:
            return rx.toast.error("Nothing to export yet.")
        filename, text = chart_csv(self._data, chart)
        return rx.download(data=text, filename=filename)
