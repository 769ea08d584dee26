"""The app's pages, added to the app exactly once (``add_pages``, called where the app is made).

Pages declare themselves with ``@page(...)`` — the same arguments as ``rx.page``. Reflex
re-applies every ``@rx.page`` at each compile of the app, and ``reflex run --env prod``
compiles it twice in one process line (the build in the server process, then the backend in
each worker forked from it), so each decorated page was added twice and the start-up log
said "Page … is being redefined" eight times. Listed here and added once when the app is
created, a page is registered once whatever compiles it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

PAGES: list[tuple[Callable[[], rx.Component], dict[str, Any]]] = []


def page(**options: Any) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """``@page(route=..., title=..., on_load=...)``: this function renders that route."""

    def register(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        PAGES.append((render, options))
        return render

    return register


def add_pages(app: rx.App) -> None:
    """Add every declared page to ``app`` (once: the app module runs once per process)."""
    for render, options in PAGES:
        app.add_page(render, **options)
