"""/products — the product catalog proposals are built from."""

from __future__ import annotations

import reflex as rx

from ..components.proposals.catalog import products_content
from ..components.shell import app_shell, require_permission
from ..state.products import ProductsState
from .registry import page


@page(
    route="/products",
    title="Products · SmartWeb",
    on_load=[ProductsState.load],
)
def products_page() -> rx.Component:
    return app_shell(
        require_permission("proposals.write", products_content(), "the product catalog"),
        active="products",
    )
