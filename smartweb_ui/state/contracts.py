"""/contracts: the list (status filter, text search, paging) and /contracts/[id]: one contract
with its payment schedule, the client's signature and the internal countersignature."""

from __future__ import annotations

from typing import Annotated

import reflex as rx
from pydantic import BeforeValidator

from ..services import proposals
from ..services.core.errors import NotFound
from ..services.core.inputs import Choices, Index, Search
from ..services.proposals import ContractDetail, ContractRow
from ..services.proposals.contracts import STATUS_LABELS
from . import door
from .door import Events
from .navigation import replace_url

STATUS_OPTIONS = [("", "Any status"), *((s.value, label) for s, label in STATUS_LABELS.items())]
StatusChoice = Annotated[str, BeforeValidator(Choices([v for v, _ in STATUS_OPTIONS]))]
NO_CONTRACT = ContractDetail("", "", "", "", "", "", "", "", "", "", "", "")


class ContractListState(rx.State):
    loading: bool = True
    rows: list[ContractRow] = []
    total_rows: int = 0
    page: int = 1
    pages: int = 1
    status: str = ""
    search: str = ""

    async def _reload(self) -> Events:
        found = await door.run(self, proposals.list_contracts, self.status, self.search, self.page)
        self.rows, self.total_rows = found.rows, found.total
        self.page, self.pages, self.loading = found.page, found.pages, False
        query = {k: v for k, v in {"status": self.status, "q": self.search}.items() if v}
        if self.page > 1:
            query["page"] = str(self.page)
        return replace_url("/contracts", query)

    @door.event(loads_page=True)
    async def load(self) -> Events:
        params = self.router.url.query_parameters
        status = str(params.get("status", ""))
        self.status = status if status in dict(STATUS_OPTIONS) else ""
        self.search = str(params.get("q", ""))[:100]
        page = str(params.get("page", "1"))
        self.page = int(page) if page.isdigit() and len(page) < 7 else 1
        self.loading = True
        return await self._reload()

    @door.event
    async def set_status(self, status: StatusChoice) -> Events:
        self.status, self.page = status, 1
        return await self._reload()

    @door.event
    async def set_search(self, query: Search) -> Events:
        self.search, self.page = query.strip(), 1
        return await self._reload()

    @door.event
    async def go_to_page(self, page: Index) -> Events:
        self.page = max(1, page)
        return await self._reload()


class ContractDetailState(rx.State):
    loading: bool = True
    missing: bool = False
    c: ContractDetail = NO_CONTRACT
    _id: str = ""

    def _id_from_url(self) -> str:
        path = str(self.router.url.path or "").rstrip("/")
        return path.rsplit("/", 1)[-1] if path.startswith("/contracts/") else ""

    def _not_found(self, exc: Exception) -> Events:
        self.loading = False
        if isinstance(exc, NotFound):
            self.missing, self.c = True, NO_CONTRACT
        return None

    @door.event(loads_page=True, on_refused="_not_found")
    async def load(self) -> Events:
        self.loading, self.missing = True, False
        self._id = self._id_from_url()
        self.c = await door.run(self, proposals.contract_detail, self._id)
        self.loading = False
        return None

    @door.event
    async def sign(self) -> Events:
        self.c = await door.run(self, proposals.sign_internally, self._id)
        return rx.toast.success(f"Contract {self.c.number} is signed and active.")
