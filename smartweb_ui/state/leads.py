"""The /leads inbox: views with counts, filters, search, sort, keyset pages, bulk actions, export."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import reflex as rx

from ..api.exports import leads_csv_path
from ..db import tenant_session
from ..services.core.errors import DomainError
from ..services.core.security import Actor
from ..services.leads import actions as lead_actions
from ..services.leads import links as lead_links
from ..services.leads import round_robin
from ..services.leads import views as lead_views
from ..services.leads.dedup import DuplicateFound, create_lead
from ..services.leads.export_tickets import leads_csv_ticket
from ..services.leads.inbox import COUNT_CAP, LeadFilter, count_leads, list_leads
from .auth import current_actor
from .downloads import backend_download

FILTER_KEYS = (
    "status",
    "source",
    "assignee",
    "business_type",
    "tag",
    "city",
    "state",
    "score_min",
    "score_max",
)


class LeadInboxState(rx.State):
    """One page of leads in the browser; cursors and the parsed filter stay on the server."""

    loading: bool = True
    rows: list[dict[str, Any]] = []
    views: list[dict[str, Any]] = []
    active_view: str = "all"
    total: int = 0
    page_no: int = 1
    has_next: bool = False
    sort: str = "score"
    search: str = ""
    status: str = ""
    source: str = ""
    assignee: str = ""
    business_type: str = ""
    tag: str = ""
    city: str = ""
    state_code: str = ""
    score_min: str = ""
    score_max: str = ""
    overdue: bool = False
    follow_up_due: bool = False
    selected: list[str] = []
    people: list[dict[str, str]] = []
    bulk_tag: str = ""
    bulk_status: str = ""
    bulk_reason: str = ""
    view_name: str = ""
    new_open: bool = False
    dupes: list[dict[str, str]] = []
    dupes_soft: bool = False  # only the website matches: may create anyway
    _new_form: dict[str, str] = {}
    _cursors: list[str] = []  # cursor that starts each page already visited (page 1: "")

    # ------------------------------------------------------------ helpers
    def _filters(self) -> dict[str, Any]:
        if self.status == lead_links.OPEN:
            status = list(lead_links.OPEN_VALUES)
        else:
            status = [self.status] if self.status else []
        return {
            "search": self.search,
            "status": status,
            "source": [self.source] if self.source else [],
            "assignee": self.assignee,
            "business_type": [self.business_type] if self.business_type else [],
            "tag": self.tag,
            "city": self.city,
            "state": self.state_code,
            "score_min": self.score_min,
            "score_max": self.score_max,
            "overdue": self.overdue,
            "follow_up_due": self.follow_up_due,
        }

    def _apply(self, filters: dict[str, Any], sort: str) -> None:
        flt = LeadFilter.parse(filters)
        self.search = flt.search
        if flt.status == lead_links.OPEN_VALUES:
            self.status = lead_links.OPEN  # the built-in views' "new, contacted or qualified"
        else:
            self.status = flt.status[0] if flt.status else ""
        self.source = flt.source[0] if flt.source else ""
        self.assignee = flt.assignee
        self.business_type = flt.business_type[0] if flt.business_type else ""
        self.tag, self.city, self.state_code = flt.tag, flt.city, flt.state
        self.score_min = "" if flt.score_min is None else str(flt.score_min)
        self.score_max = "" if flt.score_max is None else str(flt.score_max)
        self.overdue, self.follow_up_due, self.sort = flt.overdue, flt.follow_up_due, sort

    async def _fetch(self, *, reset: bool = True, counts: bool = False):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        if reset:
            self._cursors, self.page_no = [""], 1
        cursor = self._cursors[self.page_no - 1] if self._cursors else ""
        try:
            with tenant_session(actor) as s:
                page = list_leads(s, actor, self._filters(), sort=self.sort, after=cursor or None)
                if reset:
                    self.total = count_leads(s, actor, self._filters())
                if counts or not self.views:
                    self.views = [
                        {k: v for k, v in view.items() if k != "filters"}
                        for view in lead_views.list_views(s, actor)
                    ]
                if not self.people and actor.can("leads.assign"):
                    self.people = lead_actions.user_choices(s, actor)
        except DomainError as exc:
            self.loading = False
            return rx.toast.error(exc.message)
        self.rows = page.rows
        self.has_next = page.next_cursor is not None
        if page.next_cursor:
            del self._cursors[self.page_no :]
            self._cursors.append(page.next_cursor)
        self.loading = False
        return self._url_script()

    def _url_script(self) -> rx.event.EventSpec:
        """Put the current view into the address bar (shareable), without a navigation."""
        query = urlencode(lead_links.query_for(self._filters(), self.sort, self.active_view))
        url = json.dumps("/leads" + (f"?{query}" if query else ""))
        return rx.call_script(
            "if (window.location.pathname.replace(/\\/$/, '') === '/leads') "
            f"window.history.replaceState(window.history.state, '', {url})"
        )

    def _open_link(self, actor: Actor, link: lead_links.InboxLink) -> None:
        """Filters from a ``/leads?...`` link: its view (if any), then its explicit filters."""
        filters: dict[str, Any] = {}
        sort, view = "score", "all"
        if link.view:
            try:
                with tenant_session(actor) as s:
                    filters, sort = lead_views.view_definition(s, actor, link.view)
                view = link.view
            except DomainError:
                pass  # an unknown or someone else's view: ignored like any bad value
        if link.filters:
            filters, view = {**filters, **link.filters}, ""
        self._apply(filters, link.sort or sort)
        self.active_view = view

    # ------------------------------------------------------------ loading
    @rx.event
    async def load(self):  # type: ignore[no-untyped-def]
        """on_load: a link's query string (if any) sets the filters; else the last ones stay."""
        actor = await current_actor(self)
        if actor is None:
            return None  # check_session sends the visitor to /login?next=<this link>
        self.loading = True
        self.selected = []
        link = lead_links.parse_query(self.router.url.query_parameters)
        if link.present:
            self._open_link(actor, link)
        return await self._fetch(counts=True)

    @rx.event
    async def open_view(self, key: str):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        try:
            with tenant_session(actor) as s:
                filters, sort = lead_views.view_definition(s, actor, key)
            self._apply(filters, sort)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.active_view, self.selected = key, []
        return await self._fetch()

    @rx.event
    async def next_page(self):  # type: ignore[no-untyped-def]
        if not self.has_next:
            return None
        self.page_no += 1
        return await self._fetch(reset=False)

    @rx.event
    async def prev_page(self):  # type: ignore[no-untyped-def]
        if self.page_no <= 1:
            return None
        self.page_no -= 1
        return await self._fetch(reset=False)

    # ------------------------------------------------------------ filters (explicit setters)
    @rx.event
    async def set_search(self, value: str):  # type: ignore[no-untyped-def]
        self.search, self.active_view = str(value)[:100], ""
        return await self._fetch()

    @rx.event
    async def set_filter(self, key: str, value: str):  # type: ignore[no-untyped-def]
        if key not in FILTER_KEYS:
            return None
        value = "" if value in ("any", None) else str(value)[:80]
        setattr(self, "state_code" if key == "state" else key, value)
        self.active_view = ""
        return await self._fetch()

    @rx.event
    async def set_sort(self, value: str):  # type: ignore[no-untyped-def]
        self.sort = value if value in ("score", "created", "last_contact", "sla_due") else "score"
        return await self._fetch()

    @rx.event
    async def clear_filters(self):  # type: ignore[no-untyped-def]
        self._apply({}, "score")
        self.active_view = "all"
        return await self._fetch()

    @rx.event
    def set_view_name(self, value: str) -> None:
        self.view_name = str(value)[:60]

    @rx.event
    async def save_view(self):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        try:
            with tenant_session(actor) as s:
                key = lead_views.save_view(s, actor, self.view_name, self._filters(), self.sort)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.active_view, self.view_name = key, ""
        await self._fetch(counts=True)
        return rx.toast.success("View saved.")

    @rx.event
    async def delete_view(self, key: str):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        try:
            with tenant_session(actor) as s:
                lead_views.delete_view(s, actor, key)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.active_view = "all"
        self._apply({}, "score")
        url = await self._fetch(counts=True)
        return [rx.toast.success("View deleted."), url]

    # ------------------------------------------------------------ selection + bulk actions
    @rx.event
    def toggle_row(self, lead_id: str) -> None:
        if lead_id in self.selected:
            self.selected = [i for i in self.selected if i != lead_id]
        else:
            self.selected = [*self.selected, lead_id]

    @rx.event
    def toggle_page(self) -> None:
        ids = [r["id"] for r in self.rows]
        self.selected = [] if all(i in self.selected for i in ids) else ids

    @rx.event
    def set_bulk_tag(self, value: str) -> None:
        self.bulk_tag = str(value)[:40]

    @rx.event
    def set_bulk_status(self, value: str) -> None:
        self.bulk_status = str(value)

    @rx.event
    def set_bulk_reason(self, value: str) -> None:
        self.bulk_reason = str(value)[:500]

    async def _bulk(self, action: str, arg: str = ""):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        ids = list(self.selected)
        try:
            with tenant_session(actor) as s:
                if action == "assign":
                    n = lead_actions.assign_leads(s, actor, ids, arg or None)
                    message = f"{n} lead(s) assigned."
                elif action == "round_robin":
                    out = round_robin.assign_round_robin(s, actor, ids)
                    message = "Assigned: " + ", ".join(
                        f"{k} {v}" for k, v in out["assigned"].items()
                    )
                elif action == "tag":
                    n = lead_actions.tag_leads(s, actor, ids, self.bulk_tag)
                    message = f"Tagged {n} lead(s)."
                else:
                    n = lead_actions.bulk_set_status(
                        s, actor, ids, self.bulk_status, self.bulk_reason
                    )
                    message = f"{n} lead(s) moved to {self.bulk_status}."
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.selected, self.bulk_tag, self.bulk_reason = [], "", ""
        await self._fetch(reset=False, counts=True)
        return rx.toast.success(message)

    @rx.event
    async def bulk_assign(self, user_id: str):  # type: ignore[no-untyped-def]
        return await self._bulk("assign", "" if user_id == "nobody" else user_id)

    @rx.event
    async def bulk_round_robin(self):  # type: ignore[no-untyped-def]
        return await self._bulk("round_robin")

    @rx.event
    async def bulk_tag_apply(self):  # type: ignore[no-untyped-def]
        return await self._bulk("tag")

    @rx.event
    async def bulk_status_apply(self):  # type: ignore[no-untyped-def]
        return await self._bulk("status")

    # ------------------------------------------------------------ new lead (with dedup warning)
    @rx.event
    def set_new_open(self, value: bool) -> None:
        self.new_open, self.dupes, self.dupes_soft = bool(value), [], False

    async def _create(self, form: dict[str, Any], allow: bool):  # type: ignore[no-untyped-def]
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        fields = {
            k: str(form.get(k, ""))[:300]
            for k in ("name", "phone", "email", "website", "city", "state", "business_type")
        }
        source = str(form.get("source") or "manual")
        try:
            with tenant_session(actor) as s:
                lead_id = create_lead(s, actor, fields, source=source, allow_duplicate=allow)
        except DuplicateFound as dup:
            self._new_form = {**fields, "source": source}
            self.dupes = [
                {"lead_id": m.lead_id, "name": m.company_name, "on": ", ".join(m.matched_on)}
                for m in dup.matches
            ]
            self.dupes_soft = all(m.matched_on == ["website"] for m in dup.matches)
            return rx.toast.warning(dup.message)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        self.new_open, self.dupes = False, []
        return [rx.toast.success("Lead created."), rx.redirect(f"/leads/{lead_id}")]

    @rx.event
    async def create_lead(self, form: dict[str, Any]):  # type: ignore[no-untyped-def]
        return await self._create(form, allow=False)

    @rx.event
    async def create_anyway(self):  # type: ignore[no-untyped-def]
        if not self.dupes_soft or not self._new_form:
            return None
        return await self._create(self._new_form, allow=True)

    # ------------------------------------------------------------ export
    @rx.event
    async def export(self):  # type: ignore[no-untyped-def]
        """Every matching lead as CSV, streamed by /api/exports/leads.csv (a 60 s ticket)."""
        actor = await current_actor(self)
        if actor is None:
            return rx.redirect("/login")
        try:
            ticket = leads_csv_ticket(actor, self._filters(), self.sort)
        except DomainError as exc:
            return rx.toast.error(exc.message)
        return [backend_download(leads_csv_path(ticket)), rx.toast.info("Downloading the CSV…")]

    # ------------------------------------------------------------ display helpers
    @rx.var
    def all_selected(self) -> bool:
        return bool(self.rows) and all(r["id"] in self.selected for r in self.rows)

    @rx.var
    def range_label(self) -> str:
        start = (self.page_no - 1) * 50 + 1
        end = start + len(self.rows) - 1
        total = f"{COUNT_CAP:,}+" if self.total > COUNT_CAP else f"{self.total:,}"
        return f"{start:,}–{end:,} of {total}" if self.rows else "No leads"

    @rx.var
    def total_label(self) -> str:
        return f"{COUNT_CAP:,}+" if self.total > COUNT_CAP else f"{self.total:,}"
