"""/login: email + password sign-in."""

from __future__ import annotations

import reflex as rx

from ..components.login import login_card
from ..state.login import LoginState


@rx.page(route="/login", title="Sign in · SmartWeb", on_load=LoginState.open_page)
def login() -> rx.Component:
    return login_card()
