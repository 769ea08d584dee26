"""/ — "Today": my open tasks (overdue first), my leads to contact, my open deals."""

from __future__ import annotations

import reflex as rx

from ..components.shell import app_shell
from ..components.today import today_content
from ..state.today import TodayState
from .registry import page


@page(route="/", title="Today · SmartWeb", on_load=[TodayState.load])
def today() -> rx.Component:
    return app_shell(today_content(), active="today")
