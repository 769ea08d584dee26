"""/login: email + password sign-in."""

from __future__ import annotations

import reflex as rx

from ..components.login import login_card
from ..state.auth import AuthState
from .registry import page


@page(route="/login", title="Sign in · SmartWeb", on_load=AuthState.open_sign_in)
def login() -> rx.Component:
    return login_card()
