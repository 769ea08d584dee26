"""Send the browser to a file served by a backend route (``/api/...``)."""

from __future__ import annotations

import json

import reflex as rx
from reflex.config import get_config

# Reflex's own rule (utils/state.js getBackendURL): a backend configured on one of these hosts
# is reached on the host the page was loaded from.
SAME_DOMAIN_HOSTNAMES = ["localhost", "0.0.0.0", "::", "0:0:0:0:0:0:0:0"]


def backend_download(path: str) -> rx.event.EventSpec:
    """Navigate to ``path`` on the backend; a response sent as an attachment downloads and
    the page stays. With ``reflex run --env prod`` (one port) that is the page's own origin;
    in dev (frontend :3000, backend :8000) it is the backend's."""
    base = json.dumps(get_config().api_url)
    return rx.call_script(
        f"(() => {{ const u = new URL({json.dumps(path)}, {base}); "
        f"if ({json.dumps(SAME_DOMAIN_HOSTNAMES)}.includes(u.hostname)) {{ "
        "u.hostname = window.location.hostname; "
        "if (window.location.protocol === 'https:') { u.protocol = 'https:'; u.port = ''; } } "
        "window.location.assign(u.toString()); })()"
    )
