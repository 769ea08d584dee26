"""The /leads inbox: views with counts, filters, search, sort, keyset pages, bulk actions, export.

The filters are one ``LeadFilter`` in a backend var, read from and written to the URL; the bar
shows ``choices`` (the selects) and ``texts`` (what was typed, kept as typed so a pause after a
space does not eat it). Cursors stay on the server; the browser gets one page of rows.
"""

from __future__ import annotations

from typing import Annotated, Any

import reflex as rx
from annotated_types import MaxLen
from pydantic import BeforeValidator

from ..services import leads
from ..services.access.abilities import InboxAbilities, inbox_abilities
from ..services.core.errors import DomainError
from ..services.core.inputs import Choices, Flag, Form, Id, Key, Line, Name, ShortText, TextRule
from ..services.core.results import Option
from ..services.core.scope import may_show_lead_change
from ..services.leads import (
    BUSINESS_TYPES,
    MAX_BULK,
    NEEDS_REASON,
    OPEN,
    OPEN_VALUES,
    PAGE_SIZE,
    SORTS,
    SOURCE_VALUES,
    STATUS_VALUES,
    DuplicateFound,
    InboxLink,
    LeadFilter,
    LeadRow,
    ViewItem,
)
from . import door, live
from .door import Events
from .navigation import backend_download, replace_url

# What a change must touch for an open inbox to look again (the rows, the total, the counts).
# (not "opportunity": no row, count or view of the inbox shows a deal; a conversion is a lead change)
INBOX_KINDS = ("lead", "interaction", "task", "saved_view", "*")

# What the filter bar offers (components read these, never the services).
STATUS_OPTIONS = [OPEN, *STATUS_VALUES]
SOURCE_OPTIONS = SOURCE_VALUES
TYPE_OPTIONS = BUSINESS_TYPES
SORT_OPTIONS = list(SORTS.items())
BULK_STATUS_OPTIONS = [s for s in STATUS_VALUES if s != "converted"]  # converting needs a deal
CHOICE_FIELDS = ("status", "source", "assignee", "business_type")
TEXT_FIELDS = ("search", "tag", "city", "state", "score_min", "score_max")

FilterKey = Annotated[str, BeforeValidator(Choices((*CHOICE_FIELDS, *TEXT_FIELDS)))]
FilterValue = Annotated[str, BeforeValidator(TextRule(100, strip=False))]
SortKey = Annotated[str, BeforeValidator(Choices(SORTS))]
LeadIds = Annotated[list[Id], MaxLen(MAX_BULK)]
BulkStatus = Annotated[str, BeforeValidator(Choices(STATUS_VALUES))]


class NewLeadForm(Form):
    name: Name
    phone: ShortText = ""
    email: Annotated[str, BeforeValidator(TextRule(254))] = ""
    website: Line = ""
    city: ShortText = ""
    state: ShortText = ""
    business_type: Annotated[str, BeforeValidator(Choices(["", *BUSINESS_TYPES]))] = ""
    source: Annotated[str, BeforeValidator(Choices(SOURCE_VALUES))] = "manual"


def _as_input(name: str, value: Any) -> str:
    """A field of the filter as its select or text box shows it ("" = any)."""
    if name == "status" and value == OPEN_VALUES:
        return OPEN
    if isinstance(value, list):
        return value[0] if value else ""
    return "" if value is None else str(value)


def _from_input(name: str, value: str) -> Any:
    """A select or text box value as ``LeadFilter.parse`` takes it."""
    if name == "status" and value == OPEN:
        return list(OPEN_VALUES)
    if name in ("status", "source", "business_type"):
        return [value] if value else []
    return value


class LeadInboxState(rx.State):
    """One page of leads in the browser; cursors and the parsed filter stay on the server."""

    loading: bool = True
    rows: list[LeadRow] = []
    views: list[ViewItem] = []
    active_view: str = "all"
    total: int = 0
    total_is_estimate: bool = False  # above the exact-count threshold: the planner's estimate
    total_text: str = "0"  # "1,234" / "about 12,300"
    page_no: int = 1
    has_next: bool = False
    sort: str = "score"
    choices: dict[str, str] = {}
    texts: dict[str, str] = {}
    selected: list[str] = []
    people: list[Option] = []
    bulk_tag: str = ""
    bulk_status: str = ""
    bulk_reason: str = ""
    view_name: str = ""
    new_open: bool = False
    abilities: InboxAbilities = InboxAbilities()  # what this user may do here (server-side)
    dupes: list[dict[str, str]] = []
    dupes_soft: bool = False  # only the website matches: may create anyway
    _filter: LeadFilter = LeadFilter()
    _new_form: NewLeadForm | None = None
    _draft: dict[str, str] = {}  # the New lead dialog's phone / e-mail / website as typed
    _cursors: list[str] = []  # cursor that starts each page already visited (page 1: "")
    _live: int = 0

    # ------------------------------------------------------------ helpers
    def _use(self, flt: LeadFilter, sort: str) -> None:
        """Make ``flt`` the inbox's filter and show it in the bar."""
        self._filter, self.sort = flt, sort
        self.choices = {k: _as_input(k, getattr(flt, k)) for k in CHOICE_FIELDS}
        self.texts = {k: _as_input(k, getattr(flt, k)) for k in TEXT_FIELDS}

    def _set_total(self, page: Any) -> None:
        self.total, self.total_is_estimate = page.total, page.count_is_estimate
        self.total_text = page.total_label

    async def _fetch(self, *, reset: bool = True, counts: bool = False) -> Events:
        """Show the current page. A new view, search, filter or sort (``reset``) also clears the
        selection, so a bulk action never hits rows the user no longer sees; ``counts`` refreshes
        the total and the view counts (after a bulk action)."""
        if reset:
            self._cursors, self.page_no = [""], 1
            self.selected = []
        cursor = self._cursors[self.page_no - 1] if self._cursors else ""
        page = await door.run(
            self, leads.inbox_page, self._filter, self.sort, cursor, count=reset or counts,
            views=counts or not self.views, people=not self.people,
        )  # fmt: skip
        self.rows = page.rows
        if page.total is not None:
            self._set_total(page)
        if page.views is not None:
            self.views = page.views
        if page.people is not None:
            self.people = page.people
        self.has_next = page.next_cursor is not None
        if page.next_cursor:
            del self._cursors[self.page_no :]
            self._cursors.append(page.next_cursor)
        self.loading = False
        live.shows(self, self._live_view())
        return replace_url("/leads", leads.query_for(self._filter, self.sort, self.active_view))

    async def _open_link(self, link: InboxLink) -> None:
        """Filters from a ``/leads?...`` link: its view (if any), then its explicit filters."""
        filters: dict[str, Any] = {}
        sort, view = "score", "all"
        if link.view:
            try:
                filters, sort = await door.run(self, leads.view_definition, link.view)
                view = link.view
            except DomainError:
                pass  # an unknown or someone else's view: ignored like any bad value
        if link.filters:
            filters, view = {**filters, **link.filters}, ""
        self._use(LeadFilter.parse(filters), link.sort or sort)
        self.active_view = view

    # ------------------------------------------------------------ loading
    @door.event(loads_page=True)
    async def load(self) -> Events:
        """on_load: a link's query string (if any) sets the filters; else the last ones stay."""
        self.loading = True
        self.selected = []
        self.abilities = await door.run(self, inbox_abilities)
        link = leads.parse_query(self.router.url.query_parameters)
        if link.present:
            await self._open_link(link)
        elif not self.choices:  # first visit: the role's default view (a rep: own open leads)
            key = await door.run(self, leads.default_view)
            filters, sort = await door.run(self, leads.view_definition, key)
            self._use(LeadFilter.parse(filters), sort)
            self.active_view = key
        url = await self._fetch(counts=True)
        live.restart(self, view=self._live_view())
        if self.router.url.query_parameters.get("new") == "1" and self.abilities.can_create:
            self.new_open = True  # the palette's "New lead"
        return [url, LeadInboxState.watch]

    # ------------------------------------------------------------ live
    @door.event(background=True)
    async def watch(self) -> Events:
        """Keep the page, its total and the view counts current while colleagues (or imports,
        or the same user in another tab) change leads: the change feed, no polling."""
        await live.follow(
            self,
            live.Follow(
                wanted=self._live_wanted,
                view=self._live_view,
                fetch=self._live_fetch,
                apply=self._live_apply,
                settle=0.1,
                spacing=1.0,
            ),
        )

    @door.event(public=True)  # only ends a live task: harmless signed out too
    async def stop_watch(self) -> Events:
        """The inbox left the page: its live task ends."""
        live.restart(self)
        return None

    def _live_wanted(self, change: live.Change) -> bool:
        """A change this inbox may show: of the inbox's kinds, and — for someone who sees only
        their own and unassigned leads — of such a lead (or of leads the feed cannot name)."""
        if not change.touches(*INBOX_KINDS):
            return False
        if change.touches("*", "saved_view"):
            return True
        # The live task's actor, re-checked as access changes.
        return may_show_lead_change(door.actor_of(self), change)

    def _live_view(self) -> tuple[Any, ...]:
        cursor = self._cursors[self.page_no - 1] if len(self._cursors) >= self.page_no else ""
        return (self._filter, self.sort, self.page_no, cursor, self.active_view)

    async def _live_fetch(self, view: tuple[Any, ...], _changes: Any, _actor: Any) -> Any:
        flt, sort, _, cursor, _ = view
        try:
            return await door.run(self, leads.inbox_page, flt, sort, cursor, count=True, views=True)
        except DomainError:
            return None

    async def _live_apply(self, page: Any) -> None:
        """Only what changed is set (so only that reaches the browser)."""
        if page is None:
            return
        if page.rows != list(self.rows):
            self.rows = page.rows
            shown = {r.id for r in page.rows}
            if any(i not in shown for i in self.selected):
                self.selected = [i for i in self.selected if i in shown]
        if page.total is not None and page.total_label != self.total_text:
            self._set_total(page)
        if page.views is not None and page.views != list(self.views):
            self.views = page.views
        if (page.next_cursor is not None) != self.has_next:
            self.has_next = page.next_cursor is not None
        del self._cursors[self.page_no :]
        if page.next_cursor:
            self._cursors.append(page.next_cursor)

    @door.event
    async def open_view(self, key: Key) -> Events:
        filters, sort = await door.run(self, leads.view_definition, key)
        self._use(LeadFilter.parse(filters), sort)
        self.active_view, self.selected = key, []
        return await self._fetch()

    @door.event
    async def next_page(self) -> Events:
        if not self.has_next:
            return None
        self.page_no += 1
        return await self._fetch(reset=False)

    @door.event
    async def prev_page(self) -> Events:
        if self.page_no <= 1:
            return None
        self.page_no -= 1
        return await self._fetch(reset=False)

    # ------------------------------------------------------------ filters
    async def _set(self, key: str, value: str) -> Events:
        value = "" if value == "any" else value
        if key in TEXT_FIELDS:
            self.texts = {**self.texts, key: value}
        else:
            self.choices = {**self.choices, key: value}
        self._filter = self._filter.with_values(**{key: _from_input(key, value)})
        self.active_view = ""
        return await self._fetch()

    @door.event
    async def set_filter(self, key: FilterKey, value: FilterValue) -> Events:
        """One select or text box of the bar changed ("any" clears a select)."""
        return await self._set(key, value)

    @door.event
    async def set_search(self, value: FilterValue) -> Events:
        return await self._set("search", value)

    @door.event
    async def set_sort(self, value: SortKey) -> Events:
        self.sort = value
        return await self._fetch()

    @door.event
    async def clear_filters(self) -> Events:
        self._use(LeadFilter(), "score")
        self.active_view = "all"
        return await self._fetch()

    @door.event
    async def set_view_name(
        self, value: Annotated[str, BeforeValidator(TextRule(60, strip=False))]
    ) -> Events:
        self.view_name = value
        return None

    @door.event
    async def save_view(self) -> Events:
        key = await door.run(self, leads.save_view, self.view_name, self._filter, self.sort)
        self.active_view, self.view_name = key, ""
        await self._fetch(counts=True)
        return rx.toast.success("View saved.")

    @door.event
    async def delete_view(self, key: Id) -> Events:
        await door.run(self, leads.delete_view, key)
        self.active_view = "all"
        self._use(LeadFilter(), "score")
        url = await self._fetch(counts=True)
        return [rx.toast.success("View deleted."), url]

    # ------------------------------------------------------------ selection + bulk actions
    @door.event
    async def toggle_row(self, lead_id: Id) -> Events:
        value = str(lead_id)
        if value in self.selected:
            self.selected = [i for i in self.selected if i != value]
        elif any(r.id == value for r in self.rows):  # only rows this page shows
            self.selected = [*self.selected, value]
        return None

    @door.event
    async def toggle_page(self) -> Events:
        ids = [r.id for r in self.rows]
        self.selected = [] if all(i in self.selected for i in ids) else ids
        return None

    @door.event
    async def set_bulk_tag(
        self, value: Annotated[str, BeforeValidator(TextRule(40, strip=False))]
    ) -> Events:
        self.bulk_tag = value
        return None

    @door.event
    async def set_bulk_status(self, value: BulkStatus) -> Events:
        self.bulk_status = value
        return None

    @door.event
    async def set_bulk_reason(
        self, value: Annotated[str, BeforeValidator(TextRule(500, strip=False))]
    ) -> Events:
        self.bulk_reason = value
        return None

    async def _after_bulk(self, message: str) -> Events:
        self.selected, self.bulk_tag, self.bulk_reason = [], "", ""
        await self._fetch(reset=False, counts=True)
        return rx.toast.success(message)

    @door.event
    async def bulk_assign(
        self, user_id: Annotated[str, BeforeValidator(Choices(["nobody"]))] | Id
    ) -> Events:
        target = None if user_id == "nobody" else user_id
        n = await door.run(self, leads.assign_leads, list(self.selected), target)
        return await self._after_bulk(f"{n} lead(s) assigned.")

    @door.event
    async def bulk_round_robin(self) -> Events:
        out = await door.run(self, leads.assign_round_robin, list(self.selected))
        done = ", ".join(f"{k} {v}" for k, v in out["assigned"].items())
        return await self._after_bulk("Assigned: " + done)

    @door.event
    async def bulk_tag_apply(self) -> Events:
        n = await door.run(self, leads.tag_leads, list(self.selected), self.bulk_tag)
        return await self._after_bulk(f"Tagged {n} lead(s).")

    @door.event
    async def bulk_status_apply(self) -> Events:
        n = await door.run(
            self,
            leads.bulk_set_status,
            list(self.selected),
            self.bulk_status,
            self.bulk_reason,
        )
        return await self._after_bulk(f"{n} lead(s) moved to {self.bulk_status}.")

    # ------------------------------------------------------------ new lead (with dedup warning)
    @door.event
    async def set_new_open(self, value: Flag) -> Events:
        self.new_open, self.dupes, self.dupes_soft, self._draft = value, [], False, {}
        return None

    async def _create(self, form: NewLeadForm, allow: bool) -> Events:
        fields = form.model_dump(exclude={"source"})
        try:
            lead_id = await door.run(
                self, leads.create_lead, fields, source=form.source, allow_duplicate=allow
            )
        except DuplicateFound as dup:  # not a failure: the dialog lists the matches
            self._new_form = form
            self.dupes = [
                {"lead_id": m.lead_id, "name": m.company_name, "on": ", ".join(m.matched_on)}
                for m in dup.matches
            ]
            self.dupes_soft = all(m.matched_on == ["website"] for m in dup.matches)
            return rx.toast.warning(dup.message)
        self.new_open, self.dupes, self._new_form = False, [], None
        return [rx.toast.success("Lead created."), rx.redirect(f"/leads/{lead_id}")]

    @door.event
    async def check_duplicates(
        self,
        field: Annotated[str, BeforeValidator(Choices(("phone", "email", "website")))],
        value: Annotated[str, BeforeValidator(TextRule(500))],
    ) -> Events:
        """While the user types a phone, e-mail or website: the companies that already have it."""
        self._draft = {**self._draft, field: value}
        draft = dict(self._draft)
        matches = await door.run(self, leads.duplicate_matches, draft)
        self.dupes = [
            {"lead_id": m.lead_id, "name": m.company_name, "on": ", ".join(m.matched_on)}
            for m in matches
        ]
        self.dupes_soft = all(m.matched_on == ["website"] for m in matches)
        return None

    @door.event
    async def create_lead(self, form: NewLeadForm) -> Events:
        return await self._create(form, allow=False)

    @door.event
    async def create_anyway(self) -> Events:
        if not self.dupes_soft or self._new_form is None:
            return None
        return await self._create(self._new_form, allow=True)

    # ------------------------------------------------------------ export
    @door.event
    async def export(self) -> Events:
        """Every matching lead as CSV, streamed by /api/exports/leads.csv (a 60 s ticket)."""
        ticket = await door.run(self, leads.leads_csv_ticket, self._filter, self.sort)
        return [
            backend_download(leads.leads_csv_path(ticket)),
            rx.toast.info("Downloading the CSV…"),
        ]

    # ------------------------------------------------------------ display helpers
    @rx.var
    def all_selected(self) -> bool:
        return bool(self.rows) and all(r.id in self.selected for r in self.rows)

    @rx.var
    def range_label(self) -> str:
        start = (self.page_no - 1) * PAGE_SIZE + 1
        end = start + len(self.rows) - 1
        return f"{start:,}–{end:,} of {self.total_text}" if self.rows else "No leads"

    @rx.var
    def total_label(self) -> str:
        """The inbox header: "1,234 in this view" / "about 12,300 in this view"."""
        return f"{self.total_text} in this view"

    @rx.var
    def needs_reason(self) -> bool:
        return self.bulk_status in {s.value for s in NEEDS_REASON}
