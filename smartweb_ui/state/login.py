"""The sign-in form."""

from __future__ import annotations

import reflex as rx

from ..db import DatabaseUnavailable, system_session
from ..services.access import auth
from ..services.core.errors import AuthError
from .auth import AuthState, safe_next


class LoginState(rx.State):
    error: str = ""
    submitting: bool = False

    @rx.event
    async def open_page(self):  # type: ignore[no-untyped-def]
        """Already signed in? Go straight on."""
        self.error = ""
        self.submitting = False
        auth_state = await self.get_state(AuthState)
        if auth_state._resolve() is not None:
            return rx.redirect(
                safe_next(self.router.url.query_parameters.get("next")), replace=True
            )
        return None

    @rx.event
    async def submit(self, form: dict[str, str]):  # type: ignore[no-untyped-def]
        email = str(form.get("email", "")).strip()
        password = str(form.get("password", ""))
        if not email or not password:
            self.error = "Enter your email and password."
            return
        self.submitting = True
        self.error = ""
        yield
        headers = self.router.headers
        try:
            with system_session() as session:
                signed = auth.sign_in(
                    session,
                    email,
                    password,
                    ip=self.router.session.client_ip,
                    user_agent=headers.user_agent,
                )
        except AuthError as exc:
            self.error = exc.message
            self.submitting = False
            return
        except DatabaseUnavailable:
            self.error = "SmartWeb cannot reach its database right now. Try again in a minute."
            self.submitting = False
            return
        auth_state = await self.get_state(AuthState)
        auth_state.token = signed.token
        auth_state._apply_profile(signed.actor, signed.profile)
        self.submitting = False
        yield rx.redirect(safe_next(self.router.url.query_parameters.get("next")), replace=True)
