"""The Reflex app: pages come from ``smartweb_ui.pages``; plain HTTP routes from ``api``."""

import reflex as rx

from . import pages  # noqa: F401  (registers every @rx.page)
from .api.health import api

app = rx.App(
    api_transformer=api,
    toaster=rx.toast.provider(position="top-right", close_button=True, rich_colors=True),
)
