"""Who is signed in. The token lives in the browser; identity and permissions stay server-side."""

from __future__ import annotations

import reflex as rx

from ..services import access
from ..services.access import Profile
from ..services.core.security import Actor
from . import door
from .door import Events

TOKEN_KEY = "smartweb_session"


@door.identity_state
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

    def _forget(self) -> None:
        self.token = ""
        self.checked = False
        self.user_name = self.user_email = self.user_initials = ""
        self.user_role = self.org_name = ""
        self.permissions = []

    def _apply_profile(self, actor: Actor, profile: Profile) -> None:
        self.user_name = profile.name
        self.user_email = profile.email
        self.user_initials = profile.initials
        self.user_role = profile.role
        self.org_name = profile.org_name
        self.currency = profile.currency
        self.permissions = sorted(actor.permissions) if not actor.is_super_admin else ["*"]
        self.checked = True

    @door.event(public=True)
    async def check_session(self) -> Events:
        """on_load of every protected page: confirm the session or send the visitor to /login."""
        found = (
            await door.run_system(access.resume_with_profile, self.token) if self.token else None
        )
        if found is None:
            self._forget()
            return door.login_redirect(self)
        self._apply_profile(*found)
        return None

    @door.event(public=True)
    async def sign_out(self) -> Events:
        if self.token:
            await door.run_system(access.sign_out, self.token)
        self._forget()
        return rx.redirect("/login", replace=True)
