"""/products: the product catalog (read by proposal writers, edited by managers and admins)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import reflex as rx
from pydantic import BeforeValidator

from ..services import proposals
from ..services.core.inputs import (
    Choices,
    Flag,
    Form,
    Id,
    LongText,
    Money,
    Name,
    Search,
    TextRule,
)
from ..services.proposals import BILLING_UNITS, ProductInput, ProductRow
from . import door
from .door import Events
from .edit_dialog import EditDialogState

BILLING_UNIT_OPTIONS = list(BILLING_UNITS.items())
Sku = Annotated[str, BeforeValidator(TextRule(40))]
Rate = Annotated[str, BeforeValidator(TextRule(10))]


class ProductForm(Form):
    sku: Sku
    name: Name
    unit_price: Money
    unit: Annotated[str, BeforeValidator(Choices(BILLING_UNITS))] = "one_off"
    tax_rate: Money = Decimal(0)
    description: LongText = ""


NO_PRODUCT = ProductRow(
    id="", sku="", name="", description="", unit="one_off", unit_label="", unit_price="",
    price_display="", tax_rate="0", is_active=True,
)  # fmt: skip


class ProductsState(EditDialogState, rx.State):
    loading: bool = True
    rows: list[ProductRow] = []
    can_edit: bool = False
    search: str = ""
    show_archived: bool = True
    editing: ProductRow = NO_PRODUCT

    def _blank(self) -> ProductRow:
        return NO_PRODUCT

    async def _reload(self) -> None:
        found = await door.run(
            self, proposals.catalog, search=self.search, include_archived=self.show_archived
        )
        self.rows, self.can_edit, self.loading = found.rows, found.can_edit, False

    @door.event(loads_page=True)
    async def load(self) -> Events:
        self.loading, self.dialog_open = True, False
        await self._reload()
        return None

    @door.event
    async def set_search(self, query: Search) -> Events:
        self.search = query
        await self._reload()
        return None

    @door.event
    async def set_show_archived(self, show: Flag) -> Events:
        self.show_archived = show
        await self._reload()
        return None

    @door.event(on_refused="_refused")
    async def save(self, form: ProductForm) -> Events:
        data = ProductInput(
            sku=form.sku,
            name=form.name,
            unit_price=form.unit_price,
            unit=form.unit,
            tax_rate=form.tax_rate,
            description=form.description,
            is_active=self.editing.is_active,
        )
        await door.run(self, proposals.save_product, self.editing.id or None, data)
        self.dialog_open = False
        await self._reload()
        return rx.toast.success("Product saved.")

    @door.event
    async def set_active(self, product_id: Id, active: Flag) -> Events:
        await door.run(self, proposals.set_product_active, product_id, active)
        await self._reload()
        return rx.toast.success("Product restored." if active else "Product archived.")
