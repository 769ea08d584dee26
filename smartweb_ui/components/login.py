"""The sign-in card."""

from __future__ import annotations

import reflex as rx

from ..state.auth import AuthState


def _field(label: str, **props: object) -> rx.Component:
    return rx.vstack(
        rx.text(label, as_="label", html_for=props["id"], size="2", weight="medium"),
        rx.input(size="3", width="100%", required=True, **props),
        spacing="1",
        width="100%",
    )


def login_card() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.hstack(
                rx.center(
                    rx.icon("zap", size=22, color="white"),
                    width="40px",
                    height="40px",
                    border_radius="10px",
                    background=rx.color("accent", 9),
                ),
                rx.heading("SmartWeb", size="7"),
                align="center",
                spacing="3",
            ),
            rx.text("The sales CRM for trade businesses", color=rx.color("gray", 10)),
            rx.card(
                rx.form(
                    rx.vstack(
                        rx.heading("Sign in", size="5"),
                        rx.cond(
                            AuthState.login_error != "",
                            rx.callout(
                                AuthState.login_error,
                                icon="circle-alert",
                                color_scheme="red",
                                role="alert",
                                width="100%",
                                data_testid="login-error",
                            ),
                        ),
                        _field(
                            "Email",
                            id="email",
                            name="email",
                            type="email",
                            placeholder="you@company.com",
                            auto_complete="username",
                            auto_focus=True,
                        ),
                        _field(
                            "Password",
                            id="password",
                            name="password",
                            type="password",
                            placeholder="Your password",
                            auto_complete="current-password",
                        ),
                        rx.button(
                            "Sign in",
                            type="submit",
                            size="3",
                            width="100%",
                            loading=AuthState.signing_in,
                        ),
                        spacing="4",
                        width="100%",
                    ),
                    on_submit=AuthState.sign_in,
                    reset_on_submit=False,
                    width="100%",
                ),
                width="100%",
                size="4",
            ),
            rx.color_mode.button(size="1", variant="ghost", aria_label="Toggle dark mode"),
            align="center",
            spacing="4",
            width="100%",
            max_width="400px",
            padding="20px",
        ),
        min_height="100vh",
        background=rx.color("gray", 2),
    )
