"""What to attack, read from the app itself: every public event handler of every state.

Nothing here is a list to keep up to date. A state class defined in ``smartweb_ui.state.*`` is
found by walking Reflex's state tree; every handler it registers is attacked — the app's own
(``@door.event``) and the framework handler Reflex gives every state (``setvar``), because a
browser can call both. Only names starting with ``_`` (not events) and the framework states
(``reflex.*``: hydration, navigation) are left out. The door's spec of a handler gives its
parameters and their declared input types; the page it runs on comes from the ``@rx.page``
registrations (the page whose ``on_load`` loads that state or a state of the same module).

``HINTS`` (optional) only adds to the default: the route of a state no page loads.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import reflex as rx
from reflex_base.registry import RegistrationContext

import smartweb_ui.smartweb_ui  # noqa: F401  (registers every page and state)
from smartweb_ui.state.door import HandlerSpec, spec_of

APP_PACKAGE = "smartweb_ui.state."
UPLOAD = "upload"  # the annotation of a file parameter (what the websocket can't carry)
# The route of a state that no page loads itself (it lives in a dialog of that page).
HINTS: dict[str, str] = {"LeadImportState": "/leads"}


@dataclass(frozen=True)
class Handler:
    """One event a browser can send: ``<state full name>.<handler name>``."""

    state: str  # the class name, e.g. "PipelineState"
    state_full_name: str
    name: str
    route: str  # the page it runs on ("/leads/[lead_id]" keeps its placeholder)
    spec: HandlerSpec | None  # None: not a door handler
    params: Mapping[str, Any] = field(default_factory=dict)  # name -> declared annotation
    required: frozenset[str] = frozenset()

    @property
    def event_name(self) -> str:
        return f"{self.state_full_name}.{self.name}"

    @property
    def key(self) -> str:
        return f"{self.state}.{self.name}"

    @property
    def is_setvar(self) -> bool:
        """Reflex's own ``setvar(var_name, value)``, attacked with what it takes."""
        return self.name == "setvar"

    @property
    def public(self) -> bool:
        return self.spec is not None and self.spec.public

    @property
    def background(self) -> bool:
        return self.spec is not None and self.spec.background

    @property
    def uploads(self) -> frozenset[str]:
        return self.spec.uploads if self.spec is not None else frozenset()


def app_states() -> list[type[rx.State]]:
    """Every state class defined in the app's state modules."""
    found: list[type[rx.State]] = []
    pending = list(rx.State.get_substates())
    while pending:
        cls = pending.pop()
        pending.extend(cls.get_substates())
        if cls.__module__.startswith(APP_PACKAGE):
            found.append(cls)
    return sorted(found, key=lambda c: c.get_full_name())


def _routes() -> dict[str, str]:
    """State full name -> the route whose on_load loads it (first one found)."""
    out: dict[str, str] = {}
    for _render, kwargs in RegistrationContext.ensure_context().decorated_pages:
        route = kwargs.get("route", "/")
        on_load = kwargs.get("on_load") or []
        for event in on_load if isinstance(on_load, (list, tuple)) else [on_load]:
            name = getattr(event, "state_full_name", "")
            if name and not name.endswith("auth_state"):
                out.setdefault(name, route)
    return out


def _route_of(cls: type[rx.State], routes: Mapping[str, str]) -> str:
    if cls.__name__ in HINTS:
        return HINTS[cls.__name__]
    if cls.get_full_name() in routes:
        return routes[cls.get_full_name()]
    by_module = {
        name.rsplit(".", 1)[-1].split("____")[0]: route for name, route in routes.items()
    }  # "smartweb_ui___state___pipeline" -> "/pipeline"
    module = cls.get_full_name().rsplit(".", 1)[-1].split("____")[0]
    return by_module.get(module, "/")


def _params(
    name: str, spec: HandlerSpec | None, handler: Any
) -> tuple[dict[str, Any], frozenset[str]]:
    if spec is None or name == "setvar":  # what Reflex's setvar(var_name, value) takes
        return {"var_name": str, "value": Any}, frozenset({"var_name", "value"})
    import typing

    fn = getattr(handler, "fn", handler)
    target = inspect.unwrap(fn)
    hints = typing.get_type_hints(target, include_extras=True)
    params = {
        name: UPLOAD if name in spec.uploads else hints[name]
        for name in list(inspect.signature(target).parameters)[1:]
        if name in hints
    }
    return params, spec.required


@functools.cache
def handlers() -> tuple[Handler, ...]:
    """Every attackable event of the app, in a stable order."""
    routes = _routes()
    out: list[Handler] = []
    for cls in app_states():
        route = _route_of(cls, routes)
        for name, handler in sorted(cls.event_handlers.items()):
            if name.startswith("_"):
                continue
            spec = spec_of(handler)
            params, required = _params(name, spec, handler)
            out.append(
                Handler(
                    state=cls.__name__,
                    state_full_name=cls.get_full_name(),
                    name=name,
                    route=route,
                    spec=spec,
                    params=params,
                    required=required,
                )
            )
    return tuple(out)


def state_vars(state_full_name: str) -> list[str]:
    """The browser-visible vars of a state (what ``setvar`` is aimed at)."""
    for cls in app_states():
        if cls.get_full_name() == state_full_name:
            return sorted(n for n in cls.base_vars if not n.startswith("_"))
    return []


def framework_event(suffix: str) -> str:
    """The full name of one of Reflex's own events (hydration, navigation)."""
    root = rx.State.get_full_name()
    return f"{root}.{suffix}"


ROOT = rx.State.get_full_name()
AUTH_STATE = next(c for c in app_states() if c.__name__ == "AuthState").get_full_name()
FIELD = "_rx_state_"
TOKEN_VAR = f"{AUTH_STATE}.token{FIELD}"
PROBE_EVENT = f"{ROOT}.reflex___state____on_load_internal_state.set_is_hydrated"
UPDATE_VARS = f"{ROOT}.reflex___state____update_vars_internal_state.update_vars_internal"
ON_LOAD = f"{ROOT}.reflex___state____on_load_internal_state.on_load_internal"
HYDRATE = f"{ROOT}.hydrate_and_load"
