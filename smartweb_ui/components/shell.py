"""The app shell: sidebar navigation, user card, colour-mode switch, responsive top bar."""

from __future__ import annotations

from dataclasses import dataclass

import reflex as rx

from ..state.auth import AuthState
from ..state.search import SearchState
from .common import can
from .search import install_hotkey, palette, search_box


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str
    route: str
    icon: str
    permission: str | None = None


# A page appears here only once it works.
NAV: list[NavItem] = [
    NavItem("today", "Today", "/", "sun"),
    NavItem("leads", "Leads", "/leads", "inbox", "leads.read"),
    NavItem("pipeline", "Pipeline", "/pipeline", "kanban", "pipeline.read"),
    NavItem("proposals", "Proposals", "/proposals", "file-text", "pipeline.read"),
    NavItem("contracts", "Contracts", "/contracts", "signature", "pipeline.read"),
    NavItem("products", "Products", "/products", "package", "proposals.write"),
    NavItem("campaigns", "Campaigns", "/campaigns", "phone-outgoing", "campaigns.view"),
    NavItem("dashboard", "Dashboard", "/dashboard", "chart-column", "analytics.view"),
    NavItem("admin", "Admin", "/admin", "shield", "admin.users"),
]


def _allowed(permission: str | None) -> rx.Var[bool]:
    return rx.Var.create(True) if permission is None else can(permission)


def _nav_link(item: NavItem, active: str) -> rx.Component:
    is_active = item.key == active
    link = rx.link(
        rx.hstack(
            rx.icon(item.icon, size=18),
            rx.text(item.label, size="3", weight="medium"),
            align="center",
            spacing="3",
            padding_x="12px",
            padding_y="8px",
            border_radius="8px",
            width="100%",
            background=rx.cond(is_active, rx.color("accent", 4), "transparent"),
            color=rx.cond(is_active, rx.color("accent", 11), rx.color("gray", 11)),
            _hover={"background": rx.color("gray", 4), "color": rx.color("gray", 12)},
        ),
        href=item.route,
        underline="none",
        width="100%",
        aria_current="page" if is_active else None,
    )
    return rx.cond(_allowed(item.permission), link, rx.fragment())


def _brand() -> rx.Component:
    return rx.hstack(
        rx.center(
            rx.icon("zap", size=18, color="white"),
            width="32px",
            height="32px",
            border_radius="8px",
            background=rx.color("accent", 9),
        ),
        rx.vstack(
            rx.text("SmartWeb", size="4", weight="bold", line_height="1"),
            rx.text(AuthState.org_name, size="1", color=rx.color("gray", 10), line_height="1.2"),
            spacing="1",
        ),
        align="center",
        spacing="3",
    )


def _user_card() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.avatar(fallback=AuthState.user_initials, size="3", radius="full"),
            rx.vstack(
                rx.text(AuthState.user_name, size="2", weight="bold", trim="both"),
                rx.text(AuthState.user_role, size="1", color=rx.color("gray", 10)),
                spacing="1",
                min_width="0",
            ),
            align="center",
            spacing="3",
            width="100%",
        ),
        rx.hstack(
            rx.color_mode.button(size="2", variant="soft", aria_label="Toggle dark mode"),
            rx.button(
                rx.icon("log-out", size=16),
                "Sign out",
                on_click=AuthState.sign_out,
                variant="soft",
                color_scheme="gray",
                size="2",
                flex="1",
            ),
            width="100%",
            spacing="2",
        ),
        spacing="3",
        width="100%",
        padding_top="12px",
        border_top=f"1px solid {rx.color('gray', 5)}",
    )


def _nav(active: str) -> rx.Component:
    return rx.vstack(*[_nav_link(item, active) for item in NAV], spacing="1", width="100%")


def sidebar(active: str) -> rx.Component:
    return rx.vstack(
        _brand(),
        rx.box(height="4px"),
        search_box(),
        _nav(active),
        rx.spacer(),
        _user_card(),
        width="240px",
        min_width="240px",
        height="100vh",
        position="sticky",
        top="0",
        padding="20px 14px",
        background=rx.color("gray", 2),
        border_right=f"1px solid {rx.color('gray', 5)}",
        display=["none", "none", "flex"],
    )


def mobile_bar(active: str) -> rx.Component:
    return rx.hstack(
        _brand(),
        rx.spacer(),
        rx.icon_button(
            rx.icon("search"),
            variant="soft",
            aria_label="Search",
            on_click=SearchState.set_open(True),
            id="open-search-mobile",
        ),
        rx.drawer.root(
            rx.drawer.trigger(
                rx.icon_button(rx.icon("menu"), variant="soft", aria_label="Open navigation")
            ),
            rx.drawer.overlay(),
            rx.drawer.portal(
                rx.drawer.content(
                    rx.vstack(_brand(), _nav(active), rx.spacer(), _user_card(), height="100%"),
                    padding="20px",
                    width="280px",
                    height="100%",
                    background=rx.color("gray", 2),
                )
            ),
            direction="left",
        ),
        width="100%",
        padding="12px 16px",
        border_bottom=f"1px solid {rx.color('gray', 5)}",
        background=rx.color("gray", 2),
        display=["flex", "flex", "none"],
        position="sticky",
        top="0",
        z_index="10",
    )


def loading_screen() -> rx.Component:
    return rx.center(
        rx.vstack(rx.spinner(size="3"), rx.text("Loading SmartWeb…", color=rx.color("gray", 10))),
        height="100vh",
        width="100%",
    )


def page_header(title: str, subtitle: rx.Var | str = "", *actions: rx.Component) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.heading(title, size="7", weight="bold"),
            rx.text(subtitle, color=rx.color("gray", 10), size="2"),
            spacing="1",
        ),
        rx.spacer(),
        *actions,
        width="100%",
        align="end",
        wrap="wrap",
        gap="12px",
        margin_bottom="20px",
    )


def app_shell(content: rx.Component, active: str) -> rx.Component:
    """A signed-in page: sidebar + content; a spinner until the session is confirmed."""
    return rx.cond(
        AuthState.is_authenticated,
        rx.flex(
            sidebar(active),
            rx.box(
                mobile_bar(active),
                rx.box(content, padding=["16px", "20px", "28px 32px"], width="100%"),
                flex="1",
                min_width="0",
            ),
            palette(),
            width="100%",
            min_height="100vh",
            background=rx.color("gray", 1),
            on_mount=install_hotkey(),
        ),
        loading_screen(),
    )


def forbidden_panel(what: str = "this page") -> rx.Component:
    """Shown instead of a page the user's role does not allow (no data is loaded for it)."""
    return rx.center(
        rx.card(
            rx.vstack(
                rx.icon("shield-alert", size=36, color=rx.color("red", 9)),
                rx.heading("You don't have access", size="5"),
                rx.text(
                    f"Your role does not include {what}. Ask an administrator if you need it.",
                    color=rx.color("gray", 11),
                    text_align="center",
                ),
                rx.link(rx.button("Back to Today", variant="soft"), href="/"),
                align="center",
                spacing="3",
                padding="12px",
            ),
            max_width="420px",
        ),
        padding_top="80px",
        width="100%",
        data_testid="forbidden",
    )


def require_permission(permission: str, content: rx.Component, what: str) -> rx.Component:
    return rx.cond(_allowed(permission), content, forbidden_panel(what))
