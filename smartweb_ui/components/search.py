"""The command palette: the shell's search box and the Ctrl/Cmd-K dialog (hits and quick actions,
arrow keys to move, Enter to open, Esc to close)."""

from __future__ import annotations

import reflex as rx

from ..state.search import SearchState as Q

KIND_ICONS = {
    "lead": "building-2",
    "contact": "contact",
    "deal": "handshake",
    "proposal": "file-text",
    "campaign": "bot",
    "action": "zap",
}

# Ctrl-K / Cmd-K anywhere opens the palette (installed once per tab).
HOTKEY_JS = r"""
(function () {
  if (window.__swPalette) return;
  window.__swPalette = true;
  document.addEventListener('keydown', function (e) {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 'k' || e.key === 'K')) {
      var open = document.getElementById('open-search');
      if (open) { e.preventDefault(); open.click(); }
    }
  });
})();
"""


def install_hotkey() -> rx.event.EventSpec:
    return rx.call_script(HOTKEY_JS)


def search_box() -> rx.Component:
    """Looks like a search field; opens the palette."""
    return rx.button(
        rx.icon("search", size=14),
        rx.text("Search…", size="2", flex="1", text_align="left"),
        rx.code("Ctrl K", size="1", variant="soft", display=["none", "inline"]),
        id="open-search",
        variant="outline",
        color_scheme="gray",
        on_click=Q.set_open(True),
        width="100%",
        justify="start",
        aria_label="Search (Ctrl K)",
    )


def _item(item: rx.Var, index: rx.Var) -> rx.Component:
    active = Q.active == index
    return rx.hstack(
        rx.center(
            rx.match(
                item["kind"],
                *[(k, rx.icon(v, size=14)) for k, v in KIND_ICONS.items()],
                rx.icon("circle", size=14),
            ),
            width="28px",
            height="28px",
            border_radius="6px",
            background=rx.color("accent", 3),
            flex_shrink="0",
        ),
        rx.vstack(
            rx.text(item["title"], size="2", weight="medium", truncate=True, max_width="100%"),
            rx.text(
                item["subtitle"], size="1", color=rx.color("gray", 10), truncate=True,
                max_width="100%",
            ),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        on_click=Q.choose(index, item["href"]),
        background=rx.cond(active, rx.color("accent", 4), "transparent"),
        _hover={"background": rx.color("gray", 4)},
        padding="6px 8px",
        border_radius="6px",
        cursor="pointer",
        width="100%",
        align="center",
        data_palette_kind=item["kind"],
        data_palette_active=rx.cond(active, "true", "false"),
    )  # fmt: skip


def palette() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Search", class_name="sr-only", display="none"),
            rx.input(
                rx.input.slot(rx.icon("search", size=16)),
                placeholder="Leads, companies, contacts, deals, proposals, campaigns — or an action",
                on_change=Q.set_query,
                on_key_down=Q.key,
                auto_focus=True,
                size="3",
                width="100%",
                id="palette-input",
            ),
            rx.vstack(
                rx.foreach(Q.items, _item),
                rx.cond(
                    (Q.items.length() == 0) & (Q.query != ""),
                    rx.text("Nothing found.", size="2", color=rx.color("gray", 10), padding="8px"),
                ),
                spacing="1",
                width="100%",
                max_height="60vh",
                overflow_y="auto",
                padding_top="8px",
                data_testid="palette-results",
            ),
            rx.text(
                "↑ ↓ to move · Enter to open · Esc to close",
                size="1",
                color=rx.color("gray", 9),
                padding_top="6px",
            ),
            max_width="600px",
            width="calc(100vw - 24px)",
            padding="12px",
        ),
        open=Q.open,
        on_open_change=Q.set_open,
    )
