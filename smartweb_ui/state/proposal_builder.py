"""/proposals/[id]: the builder. Every edit goes to the services and comes back as the whole
proposal re-priced by the one pricing function, so the totals on screen are the server's."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any

import reflex as rx
from pydantic import BeforeValidator

from ..services import proposals
from ..services.core.errors import NotFound
from ..services.core.inputs import (
    Choices,
    Flag,
    Form,
    Id,
    Index,
    Key,
    LongText,
    Money,
    Name,
    OptionalDay,
    OptionalId,
)
from ..services.core.security import Actor
from ..services.proposals import ProposalView, TotalsView, VersionDiff, VersionRow
from . import door
from .door import Events

LINE_FIELDS = ("quantity", "discount", "unit_price")
LineField = Annotated[str, BeforeValidator(Choices(LINE_FIELDS))]
DiscountKind = Annotated[str, BeforeValidator(Choices(["percent", "amount"]))]


class HeaderForm(Form):
    title: Name
    contact_id: OptionalId = None
    valid_until: OptionalDay = None


class SectionForm(Form):
    title: Name


NO_TOTALS = TotalsView("", "", "", "", "0", "0", "0", "0")
NO_PROPOSAL = ProposalView(
    id="", number="", version=0, title="", status="", status_label="", locked=True,
    can_edit=False, can_override_price=False, deal_id="", deal_name="", company="",
    contact_id="", valid_until="", valid_until_display="", discount_type="percent",
    discount_input="0", totals=NO_TOTALS,
)  # fmt: skip
NO_DIFF = VersionDiff(0, 0)


class ProposalBuilderState(rx.State):
    loading: bool = True
    missing: bool = False
    p: ProposalView = NO_PROPOSAL
    versions: list[VersionRow] = []
    previews: list[str] = []  # section keys shown as rendered markdown
    diff: VersionDiff = NO_DIFF
    diff_open: bool = False
    diff_from: str = ""
    diff_to: str = ""
    rev: int = 0  # bumped on a refused edit: the uncontrolled inputs re-mount with stored values
    _id: str = ""

    def _id_from_url(self) -> str:
        path = str(self.router.url.path or "").rstrip("/")
        return path.rsplit("/", 1)[-1] if path.startswith("/proposals/") else ""

    def _not_found(self, exc: Exception) -> Events:
        self.loading = False
        if isinstance(exc, NotFound):
            self.missing, self.p = True, NO_PROPOSAL
        return None

    def _views(self) -> list[Callable[[Any, Actor], Any]]:
        pid = self._id
        return [
            lambda s, a: proposals.proposal_view(s, a, pid),
            lambda s, a: proposals.history(s, a, pid),
        ]

    async def _act(self, step: Callable[[Any, Actor], Any], message: str = "") -> Events:
        """One change, then the proposal as it is now (one transaction)."""
        _, self.p, self.versions = await door.transaction(self, step, *self._views())
        return rx.toast.success(message) if message else None

    def _reload_on_refusal(self, exc: Exception) -> Events:
        """A refused edit: the inputs re-mount with the stored values."""
        self.rev += 1
        return None

    @door.event(loads_page=True, on_refused="_not_found")
    async def load(self) -> Events:
        self.loading, self.missing, self.previews, self.diff_open = True, False, [], False
        self._id = self._id_from_url()
        self.p, self.versions = await door.transaction(self, *self._views())
        self.loading = False
        older = [v.id for v in self.versions if v.id != self.p.id]
        self.diff_from, self.diff_to = (older[0] if older else ""), self.p.id
        return None

    # ---------------------------------------------------------------- header, sections
    @door.event
    async def save_header(self, form: HeaderForm) -> Events:
        pid = self._id
        return await self._act(
            lambda s, a: proposals.update_header(
                s, a, pid, form.title, form.contact_id, form.valid_until
            ),
            "Saved.",
        )

    @door.event
    async def save_section(self, key: Key, body: LongText) -> Events:
        pid = self._id
        current = next((x for x in self.p.sections if x.key == key), None)
        if current is not None and current.body == body:
            return None
        return await self._act(lambda s, a: proposals.set_section(s, a, pid, key, body))

    @door.event
    async def rename_section(self, key: Key, title: Name) -> Events:
        pid = self._id
        current = next((x for x in self.p.sections if x.key == key), None)
        if current is None or current.title == title:
            return None
        body = current.body
        return await self._act(lambda s, a: proposals.set_section(s, a, pid, key, body, title))

    @door.event
    async def add_section(self, form: SectionForm) -> Events:
        pid = self._id
        return await self._act(
            lambda s, a: proposals.add_section(s, a, pid, form.title), "Section added."
        )

    @door.event
    async def remove_section(self, key: Key) -> Events:
        pid = self._id
        return await self._act(lambda s, a: proposals.remove_section(s, a, pid, key))

    @door.event
    async def toggle_preview(self, key: Key) -> Events:
        self.previews = (
            [k for k in self.previews if k != key]
            if key in self.previews
            else [*self.previews, key]
        )
        return None

    # ---------------------------------------------------------------- lines
    @door.event
    async def add_line(self, product_id: Id) -> Events:
        pid = self._id
        return await self._act(lambda s, a: proposals.add_line(s, a, pid, product_id))

    @door.event(on_refused="_reload_on_refusal")
    async def update_line(self, line_id: Id, field: LineField, value: Money) -> Events:
        pid = self._id
        line = next((x for x in self.p.lines if x.id == str(line_id)), None)
        if line is None:  # not a line of this proposal: let the service say so
            qty, disc, price = Decimal(1), Decimal(0), None
        else:
            qty, disc, price = Decimal(line.quantity), Decimal(line.discount), None
        if field == "quantity":
            qty = value
        elif field == "discount":
            disc = value
        else:
            price = value
        return await self._act(
            lambda s, a: proposals.update_line(s, a, pid, line_id, qty, disc, price)
        )

    @door.event
    async def remove_line(self, line_id: Id) -> Events:
        pid = self._id
        return await self._act(lambda s, a: proposals.remove_line(s, a, pid, line_id))

    @door.event
    async def move_line(self, line_id: Id, position: Index) -> Events:
        pid = self._id
        return await self._act(lambda s, a: proposals.move_line(s, a, pid, line_id, position))

    @door.event(on_refused="_reload_on_refusal")
    async def set_discount(self, kind: DiscountKind, value: Money) -> Events:
        pid = self._id
        return await self._act(lambda s, a: proposals.set_discount(s, a, pid, kind, value))

    @door.event(on_refused="_reload_on_refusal")
    async def set_discount_kind(self, kind: DiscountKind) -> Events:
        pid = self._id
        return await self._act(lambda s, a: proposals.set_discount(s, a, pid, kind, Decimal(0)))

    # ---------------------------------------------------------------- versions, PDF
    @door.event
    async def revise(self) -> Events:
        new_id = await door.run(self, proposals.revise, self._id)
        return [rx.redirect(f"/proposals/{new_id}"), rx.toast.success("New version created.")]

    @door.event
    async def show_diff(self, from_id: Id, to_id: Id) -> Events:
        self.diff = await door.run(self, proposals.diff_versions, from_id, to_id)
        self.diff_from, self.diff_to, self.diff_open = str(from_id), str(to_id), True
        return None

    @door.event
    async def set_diff_from(self, version_id: Id) -> Events:
        self.diff_from = str(version_id)
        return None

    @door.event
    async def set_diff_to(self, version_id: Id) -> Events:
        self.diff_to = str(version_id)
        return None

    @door.event
    async def compare(self) -> Events:
        if not (self.diff_from and self.diff_to):
            return rx.toast.info("Pick two versions to compare.")
        self.diff = await door.run(self, proposals.diff_versions, self.diff_from, self.diff_to)
        self.diff_open = True
        return None

    @door.event
    async def set_diff_open(self, is_open: Flag) -> Events:
        self.diff_open = is_open
        return None

    @door.event
    async def download_pdf(self) -> Events:
        name, data = await door.run(self, proposals.proposal_pdf, self._id)
        return rx.download(data=data, filename=name, mime_type="application/pdf")
