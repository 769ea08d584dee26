"""/products: the catalog table, search, archived toggle and the product dialog."""

from __future__ import annotations

import reflex as rx

from ...state.products import BILLING_UNIT_OPTIONS
from ...state.products import ProductsState as S
from .. import list_page as lp
from ..shell import page_header


def _field(label: str, control: rx.Component) -> rx.Component:
    return rx.vstack(rx.text(label, size="2", weight="medium"), control, spacing="1", width="100%")


def _dialog() -> rx.Component:
    e = S.editing
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(e.id != "", "Edit product", "New product")),
            rx.form(
                rx.vstack(
                    rx.hstack(
                        _field("SKU", rx.input(name="sku", default_value=e.sku, required=True)),
                        _field("Name", rx.input(name="name", default_value=e.name, required=True)),
                        width="100%",
                    ),
                    rx.hstack(
                        _field(
                            "Unit price",
                            rx.input(
                                name="unit_price",
                                default_value=e.unit_price,
                                inputmode="decimal",
                                required=True,
                            ),
                        ),
                        _field(
                            "Billing unit",
                            rx.select.root(
                                rx.select.trigger(width="100%"),
                                rx.select.content(
                                    *[rx.select.item(t, value=k) for k, t in BILLING_UNIT_OPTIONS]
                                ),
                                name="unit",
                                default_value=e.unit,
                            ),
                        ),
                        _field(
                            "Tax rate %",
                            rx.input(
                                name="tax_rate", default_value=e.tax_rate, inputmode="decimal"
                            ),
                        ),
                        width="100%",
                    ),
                    _field(
                        "Description",
                        rx.text_area(name="description", default_value=e.description, rows="3"),
                    ),
                    rx.cond(S.error != "", rx.callout(S.error, color_scheme="red", size="1")),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button("Cancel", variant="soft", color_scheme="gray", type="button")
                        ),
                        rx.button("Save product", type="submit", id="submit-product"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=S.save,
                key=e.id,
            ),
            max_width="560px",
        ),
        open=S.dialog_open,
        on_open_change=S.set_dialog,
    )


def _actions(p: rx.Var) -> rx.Component:
    return rx.cond(
        S.can_edit,
        rx.hstack(
            rx.button("Edit", size="1", variant="soft", on_click=S.open_edit(p["id"])),
            rx.cond(
                p["is_active"].to(bool),
                rx.button(
                    "Archive",
                    size="1",
                    variant="ghost",
                    color_scheme="gray",
                    on_click=S.set_active(p["id"], False),
                ),
                rx.button(
                    "Restore", size="1", variant="ghost", on_click=S.set_active(p["id"], True)
                ),
            ),
            spacing="2",
        ),
    )


COLUMNS = [
    lp.Column("SKU", lambda p: rx.code(p["sku"], variant="ghost"), nowrap=True),
    lp.Column(
        "Product",
        lambda p: rx.vstack(
            rx.text(p["name"], weight="medium"),
            rx.text(p["description"], size="1", color=rx.color("gray", 10)),
            spacing="0",
        ),
        title=True,
    ),
    lp.Column("Billing", lambda p: p["unit_label"]),
    lp.Column("Unit price", lambda p: p["price_display"], right=True, nowrap=True),
    lp.Column("Tax", lambda p: rx.text(p["tax_rate"], " %"), right=True, nowrap=True),
    lp.Column(
        "Status",
        lambda p: rx.cond(
            p["is_active"].to(bool),
            rx.badge("Active", color_scheme="green", variant="soft"),
            rx.badge("Archived", color_scheme="gray", variant="soft"),
        ),
    ),
    lp.Column("", _actions),
]


def products_content() -> rx.Component:
    return rx.vstack(
        page_header(
            "Products",
            "What proposals are built from. Archived products stay on old proposals.",
            rx.cond(
                S.can_edit,
                rx.button(rx.icon("plus", size=16), "New product", on_click=S.open_new),
            ),
        ),
        rx.hstack(
            rx.input(
                placeholder="Search name or SKU…",
                default_value=S.search,
                on_change=S.set_search.debounce(300),
                width=["100%", "320px"],
            ),
            rx.checkbox("Show archived", checked=S.show_archived, on_change=S.set_show_archived),
            align="center",
            wrap="wrap",
            spacing="4",
            width="100%",
        ),
        lp.list_body(
            S.loading,
            S.rows,
            lp.data_list(S.rows, COLUMNS, key="product", dim=lambda p: ~p["is_active"].to(bool)),
            ("No products match.", "package"),
        ),
        _dialog(),
        width="100%",
        spacing="4",
    )
