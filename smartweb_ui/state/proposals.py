"""/proposals: the list (latest version of each proposal), its filters in the URL, paging,
and "New proposal" (pick a deal; from the deal drawer it comes prefilled)."""

from __future__ import annotations

from typing import Annotated

import reflex as rx
from pydantic import BeforeValidator

from ..services import proposals
from ..services.core.errors import Invalid
from ..services.core.inputs import Choices, Flag, Id, Index, OptionalId, Search
from ..services.core.results import Option
from ..services.proposals import STATUS_LABELS, ProposalFilters, ProposalRow
from . import door
from .door import Events
from .navigation import replace_url

STATUS_OPTIONS = [("", "Any status"), *STATUS_LABELS.items()]
StatusChoice = Annotated[str, BeforeValidator(Choices(["", *STATUS_LABELS]))]


class ProposalListState(rx.State):
    loading: bool = True
    rows: list[ProposalRow] = []
    total_rows: int = 0
    page: int = 1
    pages: int = 1
    status: str = ""
    owner: str = ""
    search: str = ""
    owners: list[Option] = []
    # New proposal
    new_open: bool = False
    deal_query: str = ""
    deal_results: list[Option] = []
    _filters: ProposalFilters = ProposalFilters()

    async def _reload(self) -> Events:
        found = await door.run(self, proposals.list_proposals, self._filters)
        self.rows, self.total_rows = found.rows, found.total_rows
        self.page, self.pages, self.loading = found.page, found.pages, False
        f = self._filters
        self.status, self.owner, self.search = f.status, f.owner, f.search
        return replace_url("/proposals", f.to_query())

    async def _apply(self, **changes: object) -> Events:
        try:
            self._filters = self._filters.with_values(**changes)
        except Invalid:
            return rx.toast.error("That filter isn't valid.")
        return await self._reload()

    @door.event(loads_page=True)
    async def load(self) -> Events:
        self.loading, self.new_open = True, False
        self._filters, _ = ProposalFilters.from_query(self.router.url.query_parameters)
        self.owners = await door.run(self, proposals.proposal_owners)
        return await self._reload()

    @door.event
    async def set_status(self, status: StatusChoice) -> Events:
        return await self._apply(status=status, page=1)

    @door.event
    async def set_owner(self, owner: OptionalId) -> Events:
        return await self._apply(owner=str(owner or ""), page=1)

    @door.event
    async def set_search(self, query: Search) -> Events:
        return await self._apply(search=query.strip(), page=1)

    @door.event
    async def go_to_page(self, page: Index) -> Events:
        return await self._apply(page=max(1, page))

    @door.event
    async def clear_filters(self) -> Events:
        self._filters = ProposalFilters()
        return await self._reload()

    # ---------------------------------------------------------------- new proposal
    @door.event
    async def set_new_open(self, is_open: Flag) -> Events:
        self.new_open, self.deal_query = is_open, ""
        self.deal_results = await door.run(self, proposals.deal_options, "") if is_open else []
        return None

    @door.event
    async def search_deals(self, query: Search) -> Events:
        self.deal_query = query
        self.deal_results = await door.run(self, proposals.deal_options, query)
        return None

    @door.event
    async def create_for(self, deal_id: Id) -> Events:
        """A new draft for the deal, opened in the builder (the service checks the deal)."""
        new_id = await door.run(self, proposals.create_proposal, deal_id)
        self.new_open = False
        return [rx.redirect(f"/proposals/{new_id}"), rx.toast.success("Proposal created.")]
