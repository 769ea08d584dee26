"""The command palette (Ctrl/Cmd-K, or the search box of the shell): global search over every
registered source (leads, contacts, deals, proposals, campaigns) plus quick actions, driven by the keyboard."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from ..services import campaigns as _campaigns  # noqa: F401  (registers the campaign source)
from ..services import leads as _leads  # noqa: F401  (registers the lead and contact sources)
from ..services import pipeline as _pipeline  # noqa: F401  (registers the deal source)
from ..services import proposals as _proposals  # noqa: F401  (registers the proposal source)
from ..services.core import search as global_search
from ..services.core.inputs import Flag, Index, Line, Search
from . import door
from .auth import AuthState
from .door import Events


@dataclass(frozen=True)
class PaletteItem:
    """One line of the palette: a search hit or a quick action."""

    kind: str  # lead, contact, deal, ... or "action"
    title: str
    subtitle: str
    href: str


# (title, where it goes, the permission it needs ("" = everyone), words it answers to)
ACTIONS: list[tuple[str, str, str, str]] = [
    ("New lead", "/leads?new=1", "leads.write", "new lead create add company"),
    ("Go to leads", "/leads", "leads.read", "leads inbox"),
    ("Go to pipeline", "/pipeline", "pipeline.read", "pipeline board kanban deals"),
    ("Go to dashboard", "/dashboard", "analytics.view", "dashboard revenue charts"),
    ("Go to Today", "/", "", "today home agenda"),
]
# Every key pressed in the palette's box comes here (the browser does not filter them); only
# these four do something, any other is a letter being typed and is ignored, not refused.
NAV_KEYS = ("ArrowDown", "ArrowUp", "Enter", "Escape")


class SearchState(rx.State):
    open: bool = False
    query: str = ""
    items: list[PaletteItem] = []
    active: int = 0
    searching: bool = False

    async def _actions(self, term: str) -> list[PaletteItem]:
        auth = await self.get_state(AuthState)
        held = set(auth.permissions)
        words = term.lower().split()
        return [
            PaletteItem("action", title, "Quick action", href)
            for title, href, perm, keys in ACTIONS
            if (not perm or perm in held or "*" in held)
            and all(any(k.startswith(w) for k in keys.split()) for w in words)
        ]

    @door.event
    async def set_open(self, value: Flag) -> Events:
        self.open = value
        if value:
            self.query, self.active = "", 0
            self.items = await self._actions("")
        return None

    @door.event
    async def set_query(self, value: Search) -> Events:
        self.query, self.active = value, 0
        hits = await door.run(self, global_search.search, value)
        found = [PaletteItem(h.kind, h.title, h.subtitle, h.href) for h in hits]
        self.items = found + await self._actions(value)
        return None

    @door.event
    async def key(self, key: Line) -> Events:
        if key not in NAV_KEYS:
            return None
        if key == "Escape":
            self.open = False
        elif key == "ArrowDown" and self.items:
            self.active = (self.active + 1) % len(self.items)
        elif key == "ArrowUp" and self.items:
            self.active = (self.active - 1) % len(self.items)
        elif key == "Enter" and self.items:
            self.open = False
            return rx.redirect(self.items[min(self.active, len(self.items) - 1)].href)
        return None

    @door.event
    async def choose(self, index: Index, href: Line) -> Events:
        """A click on a line: by its position, checked against the address the browser showed
        (the list may have changed under the pointer); only addresses of the server's own list
        are ever opened."""
        items = self.items
        if index < len(items) and items[index].href == href:
            target = items[index].href
        else:
            target = next((i.href for i in items if i.href == href), "")
        if not target:
            return None
        self.open = False
        return rx.redirect(target)
