"""Where the dialer's calls go: a provider places a call and later reports it through the
webhook. The built-in provider is the simulator (``simulator.py``), which posts realistic,
signed event sequences to this app's own webhook over HTTP."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True)
class Dial:
    """One call the dialer asks a provider to place."""

    organization_id: UUID
    campaign_id: UUID
    lead_id: UUID
    call_id: UUID
    provider_call_id: str
    attempt: int
    phone: str
    script: str


class Provider(Protocol):
    name: str

    def place_call(self, dial: Dial) -> None:
        """Start the call (asynchronously: its events arrive through the webhook)."""


_registry: dict[str, Callable[[], Provider]] = {}


def register(name: str, factory: Callable[[], Provider]) -> None:
    _registry[name] = factory


def provider_for(name: str) -> Provider:
    """The provider registered as ``name`` (the package registers the simulator on import)."""
    return _registry[name]()
