"""The one place toasts appear, for every page.

Bottom centre, above the page: the controls people reach for next — a drawer's close button,
"New deal", "Convert to deal", the filter bar — sit at the top and the right edges, so a toast
there would cover them. Toasts stack (newest in front, at most three visible; hovering fans
them out) and each keeps its own close button.
"""

from __future__ import annotations

import reflex as rx

TOAST_POSITION = "bottom-center"
VISIBLE_TOASTS = 3


def toaster() -> rx.Component:
    return rx.toast.provider(
        position=TOAST_POSITION,
        close_button=True,
        rich_colors=True,
        expand=False,
        visible_toasts=VISIBLE_TOASTS,
        offset="24px",
        gap=8,
    )
