"""Result shapes shared by several areas. Every service returns frozen dataclasses like these
(display-ready: money and dates already formatted), never ORM objects or loose dicts."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    """One entry of a picker: a person, a pipeline, a role."""

    id: str
    name: str
