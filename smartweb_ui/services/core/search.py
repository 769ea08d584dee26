"""Global search (the command palette): one ranked list from every registered source.

A source is a function ``(session, actor, term, limit) -> list[Hit]`` that applies the actor's
permissions and row scope itself; areas register theirs with ``register_source`` when their
package is imported (leads: leads and contacts; pipeline: deals; proposals and campaigns add
theirs the same way). ``search`` asks every source the actor may use and ranks the hits:
exact name, then name prefix, then a word of the name starting with the term, then anything
that contains it; ties by the source's own weight.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from .security import Actor

MIN_TERM = 2
MAX_TERM = 100
PER_SOURCE = 6
MAX_HITS = 20


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, its name, a line of context, and where it leads."""

    kind: str  # "lead", "contact", "deal", ... (the palette's icon and group)
    id: str
    title: str
    subtitle: str
    href: str
    rank: int = 0  # filled in by ``search``


SourceFn = Callable[[Session, Actor, str, int], list[Hit]]


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    permission: str
    find: SourceFn
    weight: int = 0  # breaks ties between kinds (higher first)


_SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> None:
    """Add (or replace) a source; the kind names it."""
    _SOURCES[source.kind] = source


def sources() -> list[Source]:
    return list(_SOURCES.values())


def subtitle(*parts: str | None) -> str:
    """A hit's line of context: its non-empty parts, "Deal · Proposal · $12,400 · Acme"."""
    return " · ".join(p for p in parts if p)


def clean_term(term: Any) -> str:
    """The typed text, spaces collapsed, at most MAX_TERM characters."""
    return re.sub(r"\s+", " ", str(term or "")).strip()[:MAX_TERM]


def rank_of(term: str, title: str) -> int:
    """0 = exact, 1 = prefix, 2 = a word starts with it, 3 = contains it, 4 = matched elsewhere."""
    t, name = term.lower(), title.lower()
    if name == t:
        return 0
    if name.startswith(t):
        return 1
    if re.search(r"(^|[\s\-–&/.,(])" + re.escape(t), name):
        return 2
    return 3 if t in name else 4


def search(session: Session, actor: Actor, term: str, *, limit: int = MAX_HITS) -> list[Hit]:
    """The ranked hits of every source the actor may use (empty for fewer than 2 characters)."""
    text = clean_term(term)
    if len(text) < MIN_TERM:
        return []
    found: list[tuple[int, int, int, Hit]] = []
    for n, source in enumerate(_SOURCES.values()):
        if not actor.can(source.permission):
            continue
        for hit in source.find(session, actor, text, PER_SOURCE):
            rank = rank_of(text, hit.title)
            found.append((rank, -source.weight, n, _with_rank(hit, rank)))
    found.sort(key=lambda item: (item[0], item[1], item[2], item[3].title.lower()))
    return [hit for *_, hit in found[:limit]]


def _with_rank(hit: Hit, rank: int) -> Hit:
    return Hit(hit.kind, hit.id, hit.title, hit.subtitle, hit.href, rank)
