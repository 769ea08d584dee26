"""Reflex configuration for SmartWeb (values come from ``smartweb_ui/config.py``).

Notes for Reflex 0.10:
- Plugins are explicit. 0.10 enables ``SitemapPlugin`` by default (and warns when it is not
  listed); an internal CRM has no public pages to index, so it is disabled. Tailwind is not used.
- The Radix theme lives here (``RadixThemesPlugin(theme=...)``); ``rx.App(theme=...)`` is
  deprecated in 0.10.
- ``db_url`` is not set: the app owns its engine (``smartweb_ui.db``), Reflex's ``rx.Model``
  machinery is not used.
- ``REDIS_URL`` (when set) switches Reflex's state manager to Redis, which lets ``reflex run
  --env prod`` start several backend workers that share state; a worker that dies is started
  again (``smartweb_ui/serving.py``) instead of Granian stopping the whole server.
"""

from __future__ import annotations

import reflex as rx

from smartweb_ui.config import settings
from smartweb_ui.serving import respawn_failed_workers

respawn_failed_workers()

config = rx.Config(
    app_name="smartweb_ui",
    telemetry_enabled=False,
    show_built_with_reflex=False,
    plugins=[
        rx.plugins.RadixThemesPlugin(
            theme=rx.theme(accent_color="indigo", gray_color="slate", radius="medium"),
        ),
    ],
    disable_plugins=[rx.plugins.SitemapPlugin],
    **(
        {
            "redis_url": settings.redis_url,
            "redis_lock_expiration": settings.state_lock_ms,
            "redis_lock_warning_threshold": min(2_000, settings.state_lock_ms // 2),
        }
        if settings.redis_url
        else {}
    ),
)
