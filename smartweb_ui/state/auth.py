"""Who is signed in. The token lives in the browser; identity and permissions stay server-side."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

import reflex as rx

from ..db import system_session, tenant_session
from ..services.access import auth
from ..services.core.errors import DomainError
from ..services.core.security import Actor

TOKEN_KEY = "smartweb_session"


class AuthState(rx.State):
    """Shared by every page: resolves the browser's session token on each protected load."""

    token: str = rx.LocalStorage("", name=TOKEN_KEY, sync=True)
    checked: bool = False
    user_name: str = ""
    user_email: str = ""
    user_initials: str = ""
    user_role: str = ""
    org_name: str = ""
    currency: str = "USD"
    # Display only (to hide what the user cannot do); services re-check every permission.
    permissions: list[str] = []

    @rx.var
    def is_authenticated(self) -> bool:
        return self.checked and self.user_name != ""

    def _resolve(self) -> Actor | None:
        """The actor for the current token, checked against the sessions table every time."""
        if not self.token:
            return None
        with system_session() as session:
            return auth.resume(session, self.token)

    def _forget(self) -> None:
        self.token = ""
        self.checked = False
        self.user_name = self.user_email = self.user_initials = ""
        self.user_role = self.org_name = ""
        self.permissions = []

    def _login_redirect(self) -> rx.event.EventSpec:
        url = self.router.url
        target = url.path + (f"?{url.query}" if url.query else "")
        suffix = f"?next={quote(target, safe='')}" if target not in ("", "/", "/login") else ""
        return rx.redirect(f"/login{suffix}", replace=True)

    @rx.event
    def check_session(self):  # type: ignore[no-untyped-def]
        """on_load of every protected page: confirm the session or send the visitor to /login."""
        found = None
        if self.token:
            with system_session() as session:
                found = auth.resume_with_profile(session, self.token)
        if found is None:
            self._forget()
            return self._login_redirect()
        actor, profile = found
        self._apply_profile(actor, profile)
        return None

    def _apply_profile(self, actor: Actor, profile: dict[str, str]) -> None:
        self.user_name = profile["name"]
        self.user_email = profile["email"]
        self.user_initials = profile["initials"]
        self.user_role = profile["role"]
        self.org_name = profile["org_name"]
        self.currency = profile["currency"]
        self.permissions = sorted(actor.permissions) if not actor.is_super_admin else ["*"]
        self.checked = True

    @rx.event
    def sign_out(self):  # type: ignore[no-untyped-def]
        if self.token:
            with system_session() as session:
                auth.sign_out(session, self.token)
        self._forget()
        return rx.redirect("/login", replace=True)


async def current_actor(state: rx.State) -> Actor | None:
    """The server-side actor for the client behind ``state`` (None when signed out)."""
    auth_state = state if isinstance(state, AuthState) else await state.get_state(AuthState)
    return auth_state._resolve()


def safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in (no open redirects)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


async def call_service(
    state: rx.State, fn: Callable[..., Any], *args: Any, **kwargs: Any
) -> tuple[bool, Any]:
    """Run ``fn(session, actor, *args)`` as the signed-in actor, in one tenant transaction.

    Returns ``(True, result)``, or ``(False, event)`` where the event is the redirect to /login
    or the error toast the handler should return.
    """
    actor = await current_actor(state)
    if actor is None:
        return False, rx.redirect("/login")
    try:
        with tenant_session(actor) as session:
            return True, fn(session, actor, *args, **kwargs)
    except DomainError as exc:
        return False, rx.toast.error(exc.message)
