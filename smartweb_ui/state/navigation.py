"""Browser-side navigation the states ask for: the address bar, downloads, safe redirects."""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import urlsplit

import reflex as rx
from reflex.config import get_config

# Reflex's own rule (utils/state.js getBackendURL): a backend configured on one of these hosts
# is reached on the host the page was loaded from.
SAME_DOMAIN_HOSTNAMES = ["localhost", "0.0.0.0", "::", "0:0:0:0:0:0:0:0"]


def replace_url(
    path: str, query: Mapping[str, str], *, keep: tuple[str, ...] = ()
) -> rx.event.EventSpec:
    """Put a page's current view into the address bar (a shareable link), without navigating —
    and not once the browser has moved on to another page. Parameters named in ``keep`` stay
    as the address bar has them (another part of the page owns them, e.g. an open drawer)."""
    return rx.call_script(
        "(() => { const here = new URL(window.location.href); "
        f"if (here.pathname.replace(/\\/$/, '') !== {json.dumps(path)}) return; "
        f"const next = new URLSearchParams({json.dumps(dict(query))}); "
        f"for (const k of {json.dumps(list(keep))}) {{ const v = here.searchParams.get(k); "
        "if (v !== null) next.set(k, v); } "
        "const qs = next.toString(); "
        f"window.history.replaceState(window.history.state, '', {json.dumps(path)} + (qs ? '?' + qs : '')); }})()"
    )


def set_url_param(path: str, name: str, value: str) -> rx.event.EventSpec:
    """Set (or, with "", remove) one parameter of the address bar on ``path``, keeping the rest."""
    return rx.call_script(
        "(() => { const here = new URL(window.location.href); "
        f"if (here.pathname.replace(/\\/$/, '') !== {json.dumps(path)}) return; "
        f"const v = {json.dumps(value)}; "
        f"if (v) here.searchParams.set({json.dumps(name)}, v); "
        f"else here.searchParams.delete({json.dumps(name)}); "
        "window.history.replaceState(window.history.state, '', here.pathname + here.search); })()"
    )


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirects)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


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
