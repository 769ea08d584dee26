"""/campaigns/[id]: the live monitor — counters, rates, funnel and calls-per-hour charts, the
pipeline it fed, a paged and filtered calls table, one call's transcript, pause/resume/complete.

Live: the page follows the change feed (``live.follow``); every event the webhook applies marks
its campaign changed, and each open monitor of that campaign refreshes its numbers and the page
of calls it shows (one query set per burst, shared by every monitor of this worker).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any

import plotly.graph_objects as go
import reflex as rx
from pydantic import BeforeValidator

from ..services import campaigns as camp
from ..services.campaigns import (
    CALL_STATUS_LABELS,
    OUTCOME_LABELS,
    SENTIMENT_LABELS,
    CallDetail,
    CallRow,
    Counter,
    DrillItem,
    MonitorData,
)
from ..services.core.errors import Forbidden, NotFound
from ..services.core.inputs import Choices, Flag, Id, Index
from ..services.core.security import Actor
from . import door, live
from .charts import BLANK, GREEN, INDIGO, STAGE_COLORS, TEAL, _base, as_json, esc
from .door import Events

log = logging.getLogger(__name__)
OUTCOME_FILTERS = [("", "All calls"), *OUTCOME_LABELS.items(),
                   *[(k, v) for k, v in CALL_STATUS_LABELS.items() if k in ("queued", "dialing", "in_progress", "failed")]]  # fmt: skip
SENTIMENT_FILTERS = [("", "Any sentiment"), *SENTIMENT_LABELS.items()]
Outcome = Annotated[str, BeforeValidator(Choices([k for k, _ in OUTCOME_FILTERS]))]
Sentiment = Annotated[str, BeforeValidator(Choices([k for k, _ in SENTIMENT_FILTERS]))]
Action = Annotated[str, BeforeValidator(Choices(["start", "pause", "resume", "complete"]))]
DrillKind = Annotated[str, BeforeValidator(Choices(["qualified", "deals", "won"]))]
DRILL_TITLES = {"qualified": "Leads qualified", "deals": "Deals created", "won": "Deals won"}
BLANK_CALL = CallDetail("", "", "", "", "", "", "", "", "", [], "")


@dataclass(frozen=True)
class View:
    campaign_id: str
    outcome: str
    sentiment: str
    page: int


def funnel_figure(data: MonitorData) -> go.Figure:
    steps = data.funnel
    colors = [STAGE_COLORS[min(i + 2, 6)] for i in range(len(steps))]
    colors[-1] = GREEN
    fig = go.Figure(
        go.Funnel(
            y=[esc(s.label) for s in steps], x=[s.value for s in steps], textinfo="value+percent initial",
            insidetextfont={"color": "#ffffff"}, marker={"color": colors},
            connector={"fillcolor": "rgba(99,102,241,0.14)", "line": {"width": 0}},
            hovertemplate="<b>%{y}</b><br>%{x:,}<extra></extra>",
        )
    )  # fmt: skip
    return _base(fig, legend=False).update_layout(yaxis={"automargin": True})


def hours_figure(data: MonitorData) -> go.Figure:
    labels = [h.label for h in data.hours]
    fig = go.Figure(
        [
            go.Bar(x=labels, y=[h.calls for h in data.hours], name="Calls placed",
                   marker_color=INDIGO, hovertemplate="%{x}<br>%{y} calls<extra></extra>"),
            go.Bar(x=labels, y=[h.answered for h in data.hours], name="Answered by a person",
                   marker_color=TEAL, hovertemplate="%{x}<br>%{y} answered<extra></extra>"),
        ]
    )  # fmt: skip
    return _base(fig).update_layout(barmode="group", xaxis={"type": "category"})


def wants(change: live.Change, campaign_id: str) -> bool:
    """Does the change show on this campaign's monitor?"""
    if change.touches("*", "opportunity"):  # a reload, or the pipeline numbers
        return True
    ids = change.ids("campaign")
    return "campaign" in change.kinds and (ids is None or any(str(i) == campaign_id for i in ids))


class CampaignMonitorState(rx.State):
    loading: bool = True
    missing: bool = False
    allowed: bool = True
    campaign_id: str = ""
    name: str = ""
    goal: str = ""
    status: str = ""
    status_label: str = ""
    window: str = ""
    rules: str = ""
    timezone: str = ""
    counters: list[Counter] = []
    rates: list[Counter] = []
    pipeline: list[Counter] = []
    calls_total: int = 0
    fig_funnel: dict[str, Any] = BLANK
    fig_hours: dict[str, Any] = BLANK
    calls: list[CallRow] = []
    calls_count: int = 0
    page: int = 0
    pages: int = 1
    outcome: str = ""
    sentiment: str = ""
    call: CallDetail = BLANK_CALL
    call_open: bool = False
    drill_open: bool = False
    drill_title: str = ""
    drill_items: list[DrillItem] = []
    _data: MonitorData | None = None
    _live: int = 0

    def _id_from_url(self) -> str:
        path = str(self.router.url.path or "").rstrip("/")
        return path.rsplit("/", 1)[-1] if path.startswith("/campaigns/") else ""

    def _view(self) -> View:
        return View(self.campaign_id, self.outcome, self.sentiment, self.page)

    def _show(self, data: MonitorData) -> None:
        old, self._data = self._data, data
        for name in ("name", "goal", "status", "status_label", "window", "rules", "timezone",
                     "counters", "rates", "pipeline", "calls_total"):  # fmt: skip
            value = getattr(data, name)
            if getattr(self, name) != value:
                setattr(self, name, value)
        if old is None or old.funnel != data.funnel:
            self.fig_funnel = as_json(funnel_figure(data))
        if old is None or old.hours != data.hours:
            self.fig_hours = as_json(hours_figure(data))

    def _show_calls(self, page: camp.CallsPage) -> None:
        if page.rows != self.calls:
            self.calls = page.rows
        self.calls_count, self.page, self.pages = page.total, page.page, page.pages

    @staticmethod
    def _fetch(view: View) -> Any:
        def both(s: Any, a: Actor) -> tuple[MonitorData, camp.CallsPage]:
            return (
                camp.monitor(s, a, view.campaign_id),
                camp.calls_page(s, a, view.campaign_id, outcome=view.outcome,
                                sentiment=view.sentiment, page=view.page),
            )  # fmt: skip

        return both

    def _refused(self, exc: Exception) -> Events:
        self.loading = False
        if isinstance(exc, NotFound):
            self.missing, self._data = True, None
        if isinstance(exc, Forbidden):
            self.allowed = False
        return None

    @door.event(loads_page=True, on_refused="_refused")
    async def load(self) -> Events:
        self.loading, self.missing, self.call_open, self.drill_open = True, False, False, False
        self.campaign_id, self._data = self._id_from_url(), None
        self.outcome, self.sentiment, self.page = "", "", 0
        ((data, page),) = await door.transaction(self, self._fetch(self._view()))
        self._show(data)
        self._show_calls(page)
        self.loading, self.allowed = False, True
        live.restart(self)
        return CampaignMonitorState.watch

    @door.event(background=True)
    async def watch(self) -> Events:
        """Counters, charts and the calls table follow the calls as their events arrive."""
        async with self:
            cid = self.campaign_id
        await live.follow(
            self,
            live.Follow(
                wanted=lambda c: wants(c, cid),
                view=self._view,
                fetch=self._live_fetch,
                apply=self._live_apply,
                settle=0.15,
                spacing=0.8,
            ),
        )
        return None

    async def _live_fetch(self, view: View, changes: list[live.Change], actor: Actor) -> Any:
        key = ("campaign-monitor", actor.organization_id, actor.user_id, view,
               tuple(c.seq for c in changes))  # fmt: skip
        return (await live.shared.get(key, lambda: door.transaction(self, self._fetch(view))))[0]

    async def _live_apply(self, result: Any) -> None:
        if result is not None and not self.missing:
            data, page = result
            self._show(data)
            self._show_calls(page)

    @door.event(public=True)  # only ends a live task
    async def stop_watch(self) -> Events:
        live.restart(self)
        return None

    async def _reload_calls(self) -> None:
        page = await door.run(self, camp.calls_page, self.campaign_id, outcome=self.outcome,
                              sentiment=self.sentiment, page=self.page)  # fmt: skip
        self._show_calls(page)

    @door.event
    async def set_outcome(self, value: Outcome) -> Events:
        self.outcome, self.page = value, 0
        await self._reload_calls()
        return None

    @door.event
    async def set_sentiment(self, value: Sentiment) -> Events:
        self.sentiment, self.page = value, 0
        await self._reload_calls()
        return None

    @door.event
    async def go_page(self, page: Index) -> Events:
        self.page = page
        await self._reload_calls()
        return None

    @door.event
    async def open_call(self, call_id: Id) -> Events:
        self.call = await door.run(self, camp.call_detail, self.campaign_id, call_id)
        self.call_open = True
        return None

    @door.event
    async def set_call_open(self, value: Flag) -> Events:
        self.call_open = value
        return None

    @door.event
    async def act(self, action: Action) -> Events:
        change = await door.run(self, camp.change_status, self.campaign_id, action)
        ((data, page),) = await door.transaction(self, self._fetch(self._view()))
        self._show(data)
        self._show_calls(page)
        return rx.toast.success(change.message)

    @door.event
    async def drill(self, what: DrillKind) -> Events:
        self.drill_items = await door.run(self, camp.pipeline_drill, self.campaign_id, what)
        self.drill_title, self.drill_open = DRILL_TITLES[what], True
        return None

    @door.event
    async def set_drill_open(self, value: Flag) -> Events:
        self.drill_open = value
        return None
