"""Filters that live in a page's URL: one design for every list page (leads, pipeline, dashboard).

A page's filters are a frozen dataclass deriving from :class:`QueryFilters`. The class gives
``parse`` (strict: untrusted input by field name, ``Invalid`` with a human message) and this
module turns it into a URL query and back:

* ``to_query()`` — only the non-default values, as strings (lists comma-joined, flags ``1``);
* ``from_query(params)`` — the URL is untrusted too (links are shared and hand-edited), so each
  value is parsed on its own, a bad one is dropped and named in ``ignored``; it never raises.

The state keeps the dataclass in a backend var and writes ``to_query()`` into the address bar.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar, Self
from uuid import UUID

from .errors import Invalid

FLAG_TRUE = ("1", "true", "yes", "on")


@dataclasses.dataclass(frozen=True)
class QueryFilters:
    """Base of a page's filter dataclass (subclasses are ``@dataclass(frozen=True)`` too)."""

    # field name -> URL parameter, where they differ (``search`` is ``q`` in the inbox's links);
    # "" keeps a field out of the URL altogether
    QUERY_KEYS: ClassVar[dict[str, str]] = {}

    # ------------------------------------------------------------ to override
    @classmethod
    def parse(cls, raw: Mapping[str, Any] | None) -> Self:
        """Strict: build from untrusted values keyed by field name (Invalid when one is bad)."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(raw or {}) - names)
        if unknown:
            raise Invalid(f"Unknown filter: {', '.join(unknown)}.")
        return cls(**dict(raw or {}))

    @classmethod
    def decode(cls, name: str, raw: str) -> Any:
        """One URL value (a string) as the input ``parse`` takes for field ``name``."""
        default = _default(cls, name)
        if isinstance(default, bool):
            return raw.strip().lower() in FLAG_TRUE
        if isinstance(default, (list, tuple)):
            return [part.strip() for part in raw.split(",") if part.strip()]
        return raw

    def encode(self, name: str, value: Any) -> str:
        """One field's value as its URL string ("" leaves the parameter out)."""
        return _to_text(value)

    # ------------------------------------------------------------ the one helper
    @classmethod
    def query_keys(cls) -> dict[str, str]:
        """URL parameter -> field name, for every field that travels in the URL."""
        keys = {f.name: cls.QUERY_KEYS.get(f.name, f.name) for f in dataclasses.fields(cls)}
        return {key: name for name, key in keys.items() if key}

    @classmethod
    def from_query(cls, params: Mapping[str, Any]) -> tuple[Self, list[str]]:
        """The filters a URL asks for (valid values only) and the parameters that were dropped."""
        kept: dict[str, Any] = {}
        ignored: list[str] = []
        for key, name in cls.query_keys().items():
            raw = params.get(key)
            if raw is None:
                continue
            text = str(raw).strip()[:200]
            if not text:
                continue
            candidate = {name: cls.decode(name, text)}
            try:
                cls.parse(candidate)
            except (Invalid, TypeError, ValueError):
                ignored.append(key)
                continue
            kept.update(candidate)
        return cls.parse(kept), ignored

    def to_query(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value == _default(self.__class__, f.name):
                continue
            key = self.QUERY_KEYS.get(f.name, f.name)
            text = self.encode(f.name, value) if key else ""
            if text:
                out[key] = text
        return out

    def to_dict(self) -> dict[str, Any]:
        """The non-default fields as JSON-ready values (what a saved view stores)."""
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value != _default(self.__class__, f.name):
                out[f.name] = _jsonable(value)
        return out

    @property
    def active(self) -> bool:
        """Whether anything is filtered at all."""
        return bool(self.to_dict())

    def with_values(self, **changes: Any) -> Self:
        """A copy with ``changes`` applied, re-validated (Invalid when one is bad)."""
        return self.__class__.parse({**self.to_dict(), **changes})


def _default(cls: type, name: str) -> Any:
    for f in dataclasses.fields(cls):
        if f.name == name:
            if f.default is not dataclasses.MISSING:
                return f.default
            if f.default_factory is not dataclasses.MISSING:
                return f.default_factory()
    return None


def _to_text(value: Any) -> str:
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, (list, tuple)):
        return ",".join(_to_text(v) for v in value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (Enum, Decimal, date, UUID)):
        return _to_text(value)
    return value
