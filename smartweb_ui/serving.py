"""How the production server runs its backend workers (imported by ``rxconfig.py``).

``reflex run --env prod`` starts Granian with several workers when the state is shared through
Redis. Granian's default is to stop the whole server as soon as one worker dies (a crash, the
OOM killer): every user would lose the app for the sake of one process. ``respawn_failed_workers``
makes the servers this process creates start a dead worker again instead (Granian's own option,
which Reflex does not pass); the other workers keep serving meanwhile, and the dead worker's
browsers reconnect and hydrate again from the shared state.
"""

from __future__ import annotations

import functools
from typing import Any


def respawn_failed_workers() -> None:
    """Granian servers created from now on in this process restart a worker that died."""
    try:
        from granian.server import common
    except ImportError:  # Granian not installed: Reflex serves with uvicorn, one worker
        return
    init = common.AbstractServer.__init__
    if getattr(init, "smartweb_respawns", False):
        return

    @functools.wraps(init)
    def with_respawn(self: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("respawn_failed_workers", True)
        init(self, *args, **kwargs)

    with_respawn.smartweb_respawns = True  # type: ignore[attr-defined]
    common.AbstractServer.__init__ = with_respawn  # type: ignore[method-assign]
