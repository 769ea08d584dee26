"""The sign-in form."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import reflex as rx
from pydantic import BeforeValidator

from ..services import access
from ..services.core.errors import AuthError
from ..services.core.inputs import Form, Password, TextRule
from . import door
from .auth import AuthState
from .door import Events
from .navigation import safe_next


class SignInForm(Form):
    email: Annotated[str, BeforeValidator(TextRule(254))] = ""
    password: Password = ""


class LoginState(rx.State):
    error: str = ""
    submitting: bool = False

    @door.event(public=True)
    async def open_page(self) -> Events:
        """Already signed in? Go straight on."""
        self.error = ""
        self.submitting = False
        token = (await self.get_state(AuthState)).token
        if token and await door.run_system(access.resume, token) is not None:
            return rx.redirect(
                safe_next(self.router.url.query_parameters.get("next")), replace=True
            )
        return None

    @door.event(public=True)
    async def submit(self, form: SignInForm) -> AsyncIterator[Events]:
        if not form.email or not form.password:
            self.error = "Enter your email and password."
            return
        self.submitting = True
        self.error = ""
        yield
        try:
            signed = await door.run_system(
                access.sign_in,
                form.email,
                form.password,
                ip=self.router.session.client_ip,
                user_agent=self.router.headers.user_agent,
            )
        except AuthError as exc:  # the form's own answer, shown under it (not a failure)
            self.error = exc.message
            self.submitting = False
            return
        finally:
            self.submitting = False
        # The next page's on_load (AuthState.check_session) loads the profile for this token.
        (await self.get_state(AuthState)).token = signed.token
        yield rx.redirect(safe_next(self.router.url.query_parameters.get("next")), replace=True)
