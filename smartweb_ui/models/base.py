"""Column helpers shared by every table module (UUID keys, UTC timestamps, money, JSONB)."""

from datetime import UTC, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal
from uuid import uuid4

from sqlalchemy import DateTime, Numeric, text
from sqlalchemy import Enum as SAEnum
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

TZ = DateTime(timezone=True)
MONEY = Numeric(14, 2)
PERCENT = Numeric(5, 2)

OnDelete = Literal["CASCADE", "SET NULL", "RESTRICT"]


def utcnow() -> datetime:
    """Timezone-aware now in UTC (the only clock the database sees)."""
    return datetime.now(UTC)


def pg_enum(enum_cls: type[Enum], name: str) -> SAEnum:
    """A native PostgreSQL enum storing the members' values."""
    return SAEnum(enum_cls, name=name, values_callable=lambda e: [m.value for m in e])


def table_name(name: str) -> Any:
    """A table's ``__tablename__`` (the string itself).

    SQLModel declares its default ``__tablename__`` as a ``declared_attr`` method, so type
    checkers reject a plain string assigned over it (fastapi/sqlmodel#98); typed ``Any`` like
    the column helpers below, the assignment checks.
    """
    return name


def pk() -> Any:
    return Field(default_factory=uuid4, primary_key=True)


def org_fk() -> Any:
    """The tenant key every tenant-owned table carries (RLS is keyed on it)."""
    return Field(foreign_key="organizations.id", ondelete="CASCADE", index=True)


def fk(target: str, *, ondelete: OnDelete | None = None, index: bool = True) -> Any:
    if ondelete is None:
        return Field(foreign_key=target, index=index)
    return Field(foreign_key=target, ondelete=ondelete, index=index)


def opt_fk(target: str, *, ondelete: OnDelete | None = "SET NULL", index: bool = True) -> Any:
    if ondelete is None:
        return Field(default=None, foreign_key=target, index=index)
    return Field(default=None, foreign_key=target, ondelete=ondelete, index=index)


def created_at() -> Any:
    return Field(
        default_factory=utcnow, sa_type=TZ, sa_column_kwargs={"server_default": text("now()")}
    )


def updated_at() -> Any:
    return Field(
        default_factory=utcnow,
        sa_type=TZ,
        sa_column_kwargs={"server_default": text("now()"), "onupdate": utcnow},
    )


def opt_ts() -> Any:
    return Field(default=None, sa_type=TZ)


def money(default: str = "0") -> Any:
    return Field(
        default=Decimal(default), sa_type=MONEY, sa_column_kwargs={"server_default": default}
    )


def opt_money() -> Any:
    return Field(default=None, sa_type=MONEY)


def jsonb_obj() -> Any:
    return Field(
        default_factory=dict,
        sa_type=JSONB,
        sa_column_kwargs={"server_default": text("'{}'::jsonb")},
    )


def jsonb_list() -> Any:
    return Field(
        default_factory=list,
        sa_type=JSONB,
        sa_column_kwargs={"server_default": text("'[]'::jsonb")},
    )


def flag(default: bool) -> Any:
    return Field(default=default, sa_column_kwargs={"server_default": text(str(default).lower())})


def count(default: int = 0) -> Any:
    return Field(default=default, sa_column_kwargs={"server_default": text(str(default))})
