"""The page for an address SmartWeb does not have: says so, and offers a way back."""

from __future__ import annotations

import reflex as rx

from ..components.not_found import not_found_content
from .registry import page


@page(route="404", title="Page not found · SmartWeb")
def not_found() -> rx.Component:
    return not_found_content()
