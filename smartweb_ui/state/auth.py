"""Who is signed in. The token lives in the browser; identity and permissions stay server-side.

The browser's localStorage holds the session token and sends it when a page loads (Reflex
client storage). The state keeps only the token's keyed hash, the *session reference*: the
token itself is blanked whenever the state is written to disk or Redis (``__getstate__``), so a
state file holds nothing that signs anyone in anywhere else.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

import reflex as rx
from pydantic import BeforeValidator

from ..services import access
from ..services.access import Profile
from ..services.core.errors import AuthError
from ..services.core.inputs import Form, Password, TextRule
from ..services.core.security import Actor
from . import door
from .door import Events
from .navigation import safe_next

TOKEN_KEY = "smartweb_session"


class SignInForm(Form):
    email: Annotated[str, BeforeValidator(TextRule(254))] = ""
    password: Password = ""


@door.identity_state
class AuthState(rx.State):
    """Shared by every page: resolves the browser's session on each protected load."""

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
    login_error: str = ""  # the sign-in form's answer, shown under it
    signing_in: bool = False
    _session_ref: str = ""  # hash of the token: what identifies the session at rest
    _owner: str = ""  # the user whose data the page states of this tab hold
    # A page load ran in this state (False: a fresh state, e.g. after the store was lost).
    _page_loaded: bool = False
    # The server is running this tab's page load without the browser's storage (door.py).
    _storage_unsent: bool = False

    @rx.var
    def is_authenticated(self) -> bool:
        return self.checked and self.user_name != ""

    def __getstate__(self) -> dict[str, Any]:
        """What is persisted: everything but the raw token — whose reference is kept, so a
        token the browser sent (a hydration: a new tab, a reconnect after the store lost its
        states) still resolves in the next event, loaded from the store without it."""
        fields = dict(super().__getstate__())
        if fields.get("token"):
            fields["_session_ref"] = access.hash_token(fields["token"])
        fields["token"] = ""
        return fields

    def _reference(self) -> str:
        """The session reference of this tab ('' when signed out)."""
        if self.token:
            ref = access.hash_token(self.token)
            if ref != self._session_ref:
                self._session_ref = ref
        return self._session_ref

    def _forget(self) -> None:
        self.token = ""
        self._session_ref = ""
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
    async def sign_out(self) -> Events:
        if ref := self._reference():
            await door.run_system(access.sign_out, ref)
        self._forget()
        await door.forget_user(self)
        return rx.redirect("/login", replace=True)

    # ------------------------------------------------------------------ the sign-in page
    def _next_page(self) -> rx.event.EventSpec:
        return rx.redirect(safe_next(self.router.url.query_parameters.get("next")), replace=True)

    @door.event(public=True)
    async def open_sign_in(self) -> Events:
        """on_load of /login: already signed in? Go straight on."""
        self.login_error, self.signing_in = "", False
        self._page_loaded = True
        ref = self._reference()
        if ref and await door.run_system(access.resume_ref, ref) is not None:
            return self._next_page()
        return None

    @door.event(public=True)
    async def sign_in(self, form: SignInForm) -> AsyncIterator[Events]:
        if not form.email or not form.password:
            self.login_error = "Enter your email and password."
            return
        self.signing_in, self.login_error = True, ""
        yield
        try:
            signed = await door.run_system(
                access.sign_in,
                form.email,
                form.password,
                ip=self.router.session.client_ip,
                user_agent=self.router.headers.user_agent,
            )
        except AuthError as exc:  # the form's own answer (not a failure of the app)
            self.login_error = exc.message
            return
        finally:
            self.signing_in = False
        # The browser keeps the token; the next page's load loads the profile (door.page_load).
        self.token = signed.token
        self._session_ref = access.hash_token(signed.token)
        yield self._next_page()
