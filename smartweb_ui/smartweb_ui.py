"""The Reflex app: pages come from ``smartweb_ui.pages``; plain HTTP routes from ``api``."""

import os

import reflex as rx
from reflex.utils.prerequisites import get_states_dir

from . import pages
from .api.health import api
from .components.toasts import toaster
from .config import settings
from .services.core.queue import lifespan_worker
from .serving import nudge_lock_waiters, release_cancelled_state_locks, settle_garbage_collector
from .state import door
from .state.live import start_feed


def _private_files() -> None:
    """What the server writes is its user's only: Reflex keeps each tab's state in files under
    the states folder (one worker), so that folder and every file created from here on are
    private (0700 / 0600)."""
    os.umask(0o077)
    states = get_states_dir().absolute()
    states.mkdir(parents=True, exist_ok=True)
    states.chmod(0o700)


_private_files()
release_cancelled_state_locks()  # several workers: see serving.py
door.seal_framework_setters()  # no state takes Reflex's setvar(var, value) from a browser
door.mark_unsent_storage()  # a lost state's page load re-opens the page (see door.py)
_ = settings.secret_key  # refuse to start without a usable secret (see config.py)

app = rx.App(
    api_transformer=api,
    toaster=toaster(),
)
pages.add_pages(app)
app.register_lifespan_task(start_feed)
app.register_lifespan_task(lifespan_worker)
app.register_lifespan_task(nudge_lock_waiters, app=app)
app.register_lifespan_task(settle_garbage_collector)
