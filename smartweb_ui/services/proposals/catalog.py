"""The product catalog: read by whoever builds proposals, edited by managers and admins.

Archiving (``is_active`` off) keeps a product on the proposals that already carry it; only
active products can be added to a proposal.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Session, col, select

from ...models import Product
from ...models.base import utcnow
from ..core import audit
from ..core.errors import Conflict, Forbidden, Invalid, NotFound, as_uuid
from ..core.formatting import format_money
from ..core.org import org_context
from ..core.security import Actor, require
from ..core.text import clean_text, contains_pattern

BILLING_UNITS: dict[str, str] = {
    "one_off": "One-off",
    "monthly": "Monthly",
    "yearly": "Yearly",
    "hourly": "Hourly",
}
FIELDS = ["sku", "name", "description", "unit", "unit_price", "tax_rate", "is_active"]
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class ProductRow:
    id: str
    sku: str
    name: str
    description: str
    unit: str
    unit_label: str
    unit_price: str  # plain decimal, for the edit form
    price_display: str
    tax_rate: str
    is_active: bool


@dataclass(frozen=True)
class Catalog:
    rows: list[ProductRow]
    can_edit: bool


@dataclass(frozen=True)
class ProductInput:
    sku: str
    name: str
    unit_price: Decimal
    unit: str = "one_off"
    tax_rate: Decimal = Decimal(0)
    description: str = ""
    is_active: bool = True


def can_edit_catalog(actor: Actor) -> bool:
    return actor.can("pipeline.manage") or actor.can("admin.settings")


def _require_editor(actor: Actor) -> None:
    require(actor, "proposals.write")
    if not can_edit_catalog(actor):
        raise Forbidden("Only managers and admins edit the catalog.")


def product_row(p: Product, currency: str) -> ProductRow:
    return ProductRow(
        id=str(p.id),
        sku=p.sku,
        name=p.name,
        description=p.description,
        unit=p.unit,
        unit_label=BILLING_UNITS.get(p.unit, p.unit),
        unit_price=f"{p.unit_price:f}",
        price_display=format_money(p.unit_price, currency, cents=True),
        tax_rate=f"{p.tax_rate.normalize():f}",
        is_active=p.is_active,
    )


def catalog(
    session: Session, actor: Actor, *, search: str = "", include_archived: bool = True
) -> Catalog:
    """The organization's products by name (search over name and SKU)."""
    require(actor, "proposals.write")
    currency = org_context(session, actor).currency
    stmt = select(Product).where(
        Product.organization_id == actor.organization_id, col(Product.deleted_at).is_(None)
    )
    if not include_archived:
        stmt = stmt.where(col(Product.is_active).is_(True))
    if search.strip():
        pattern = contains_pattern(search)
        stmt = stmt.where(sa.or_(col(Product.name).ilike(pattern), col(Product.sku).ilike(pattern)))
    rows = session.exec(stmt.order_by(col(Product.name), col(Product.id)).limit(500)).all()
    return Catalog([product_row(p, currency) for p in rows], can_edit_catalog(actor))


def load_product(session: Session, actor: Actor, product_id: str | UUID) -> Product:
    product = session.exec(
        select(Product).where(
            Product.id == as_uuid(product_id, "Product"),
            Product.organization_id == actor.organization_id,
            col(Product.deleted_at).is_(None),
        )
    ).first()
    if product is None:
        raise NotFound("Product not found.")
    return product


def _clean(data: ProductInput) -> dict[str, object]:
    sku = clean_text(data.sku, "SKU", max_length=40, required=True).upper()
    name = clean_text(data.name, "Name", max_length=200, required=True)
    if data.unit not in BILLING_UNITS:
        raise Invalid("Pick a billing unit.")
    if not (Decimal(0) <= data.tax_rate <= HUNDRED):
        raise Invalid("The tax rate is between 0 and 100 %.")
    return {
        "sku": sku,
        "name": name,
        "description": clean_text(data.description, "Description", max_length=2000, multiline=True),
        "unit": data.unit,
        "unit_price": data.unit_price,
        "tax_rate": data.tax_rate.quantize(Decimal("0.01")),
        "is_active": bool(data.is_active),
        "is_recurring": data.unit != "one_off",
    }


def _sku_taken(session: Session, actor: Actor, sku: str, except_id: UUID | None) -> bool:
    stmt = select(Product.id).where(
        Product.organization_id == actor.organization_id, Product.sku == sku
    )
    if except_id is not None:
        stmt = stmt.where(Product.id != except_id)
    return session.exec(stmt).first() is not None


def save_product(
    session: Session, actor: Actor, product_id: str | UUID | None, data: ProductInput
) -> ProductRow:
    """Add (``product_id`` None) or edit a product."""
    _require_editor(actor)
    values = _clean(data)
    currency = org_context(session, actor).currency
    existing = None if product_id is None else load_product(session, actor, product_id)
    if _sku_taken(session, actor, str(values["sku"]), existing.id if existing else None):
        raise Conflict(f"Another product already has SKU {values['sku']}.")
    if existing is None:
        product = Product(organization_id=actor.organization_id, **values)  # type: ignore[arg-type]
        session.add(product)
        session.flush()
        audit.record(session, actor, "product.create", "product", product.id, after=values)
        return product_row(product, currency)
    before = audit.snapshot(existing, FIELDS)
    for key, value in values.items():
        setattr(existing, key, value)
    existing.updated_at = utcnow()
    session.add(existing)
    session.flush()
    audit.record(
        session, actor, "product.update", "product", existing.id, before=before, after=values
    )
    return product_row(existing, currency)


def set_product_active(
    session: Session, actor: Actor, product_id: str | UUID, active: bool
) -> ProductRow:
    """Archive (``active`` False) or restore a product."""
    _require_editor(actor)
    product = load_product(session, actor, product_id)
    if product.is_active != active:
        product.is_active = active
        product.updated_at = utcnow()
        session.add(product)
        audit.record(
            session,
            actor,
            "product.restore" if active else "product.archive",
            "product",
            product.id,
            before={"is_active": not active},
            after={"is_active": active},
        )
    return product_row(product, org_context(session, actor).currency)
