"""/proposals/[id]: the builder — header, sections (markdown with a safe preview), line items,
discount, totals from the server, versions with a diff, PDF."""

from __future__ import annotations

import reflex as rx

from ...state.proposal_builder import ProposalBuilderState as B
from ..common import empty_state, skeleton_record
from ..list_page import SELECT_STYLE
from .delivery import delivery_card
from .list_page import status_badge

P = B.p


def _label(text: str) -> rx.Component:
    return rx.text(text, size="1", color=rx.color("gray", 10))


def _missing() -> rx.Component:
    return rx.center(
        rx.vstack(
            rx.icon("search-x", size=32, color=rx.color("gray", 9)),
            rx.heading("Proposal not found", size="5"),
            rx.text("It does not exist or is not yours to see.", color=rx.color("gray", 10)),
            rx.link("Back to proposals", href="/proposals"),
            align="center",
        ),
        padding="60px",
        width="100%",
    )


def _top() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.hstack(rx.icon("arrow-left", size=14), rx.text("Proposals", size="2")),
            href="/proposals",
        ),
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.heading(P.number, size="6", id="proposal-number"),
                    rx.badge("v", P.version, variant="outline"),
                    status_badge(P.status, P.status_label),
                    rx.cond(P.locked, rx.badge(rx.icon("lock", size=12), "Locked", color_scheme="gray")),
                    align="center",
                    wrap="wrap",
                ),
                rx.text(
                    rx.link(P.deal_name, href="/pipeline?deal=" + P.deal_id), " · ", P.company,
                    size="2", color=rx.color("gray", 10),
                ),
                spacing="1",
            ),
            rx.spacer(),
            rx.hstack(
                rx.button(rx.icon("file-down", size=16), "PDF", variant="soft",
                          on_click=B.download_pdf, id="download-pdf"),
                rx.cond(
                    P.locked & (P.status != "accepted") & (P.status != "draft"),
                    rx.button(rx.icon("copy-plus", size=16), "Revise", on_click=B.revise,
                              id="revise"),
                ),
                wrap="wrap",
            ),
            width="100%",
            wrap="wrap",
            gap="12px",
            align="end",
        ),
        width="100%",
        spacing="2",
    )  # fmt: skip


def _header_form() -> rx.Component:
    disabled = ~P.can_edit
    return rx.card(
        rx.form(
            rx.vstack(
                _label("Title"),
                rx.input(name="title", default_value=P.title, disabled=disabled, width="100%",
                         required=True),
                rx.flex(
                    rx.vstack(
                        _label("Client contact"),
                        rx.el.select(
                            rx.el.option("— none —", value=""),
                            rx.foreach(P.contacts, lambda c: rx.el.option(c["name"], value=c["id"])),
                            name="contact_id", default_value=P.contact_id, disabled=disabled,
                            style={**SELECT_STYLE, "width": "100%"},
                        ),
                        spacing="1", flex="1", min_width="200px",
                    ),
                    rx.vstack(
                        _label("Valid until"),
                        rx.input(name="valid_until", type="date", default_value=P.valid_until,
                                 disabled=disabled),
                        spacing="1",
                    ),
                    gap="12px", wrap="wrap", width="100%",
                ),
                rx.cond(P.can_edit, rx.button("Save details", type="submit", size="2")),
                spacing="2",
                width="100%",
            ),
            on_submit=B.save_header,
            key=P.id + "-" + B.rev.to(str),
        ),
        width="100%",
    )  # fmt: skip


def _section(s: rx.Var) -> rx.Component:
    previewing = B.previews.contains(s["key"])
    title = rx.cond(
        s["custom"].to(bool) & P.can_edit,
        rx.input(
            default_value=s["title"], on_blur=lambda v: B.rename_section(s["key"], v),
            size="2", weight="bold", flex="1",
        ),
        rx.text(s["title"], weight="bold", flex="1"),
    )  # fmt: skip
    return rx.card(
        rx.vstack(
            rx.hstack(
                title,
                rx.button(
                    rx.cond(previewing, "Edit", "Preview"), size="1", variant="ghost",
                    on_click=B.toggle_preview(s["key"]),
                ),
                rx.cond(
                    s["custom"].to(bool) & P.can_edit,
                    rx.icon_button(rx.icon("trash-2", size=14), size="1", variant="ghost",
                                   color_scheme="red", aria_label="Remove section",
                                   on_click=B.remove_section(s["key"])),
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                previewing | ~P.can_edit,
                rx.box(
                    rx.cond(
                        s["body"] != "",
                        rx.markdown(s["body"].to(str), use_raw=False),
                        rx.text("Nothing written yet.", size="2", color=rx.color("gray", 9)),
                    ),
                    width="100%",
                    class_name="proposal-markdown",
                ),
                rx.text_area(
                    default_value=s["body"], on_blur=lambda v: B.save_section(s["key"], v),
                    rows="5", width="100%", placeholder="Markdown: **bold**, - lists, # headings",
                    data_section=s["key"],
                ),
            ),
            width="100%",
            spacing="2",
        ),
        width="100%",
        key=s["key"] + "-" + B.rev.to(str),
    )  # fmt: skip


def _sections() -> rx.Component:
    return rx.vstack(
        rx.heading("Sections", size="4"),
        rx.foreach(P.sections, _section),
        rx.cond(
            P.can_edit,
            rx.form(
                rx.hstack(
                    rx.input(name="title", placeholder="New section title…", required=True,
                             flex="1"),
                    rx.button(rx.icon("plus", size=14), "Add section", type="submit",
                              variant="soft"),
                    width="100%",
                ),
                on_submit=B.add_section,
                reset_on_submit=True,
                width="100%",
            ),
        ),
        width="100%",
        spacing="3",
    )  # fmt: skip


def _num_input(
    line: rx.Var, field: str, value: rx.Var, enabled: rx.Var, label: str
) -> rx.Component:
    return rx.input(
        default_value=value.to(str), disabled=~enabled, inputmode="decimal",
        on_blur=lambda v: B.update_line(line["id"], field, v),
        width="88px", text_align="right", aria_label=label,
        data_field=field,
    )  # fmt: skip


def _line(line: rx.Var, index: rx.Var) -> rx.Component:
    last = index == P.lines.length() - 1
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(line["description"], weight="medium", size="2"),
                rx.hstack(
                    rx.text(line["sku"], " · ", line["unit_label"], size="1",
                            color=rx.color("gray", 10)),
                    rx.cond(line["archived"].to(bool),
                            rx.badge("archived", color_scheme="orange", size="1")),
                    spacing="2",
                ),
                spacing="0",
            ),
        ),
        rx.table.cell(_num_input(line, "quantity", line["quantity"], P.can_edit, "Quantity")),
        rx.table.cell(_num_input(line, "unit_price", line["unit_price"],
                                 P.can_edit & P.can_override_price, "Unit price")),
        rx.table.cell(_num_input(line, "discount", line["discount"], P.can_edit, "Line discount %")),
        rx.table.cell(line["tax_rate"], " %", text_align="right", white_space="nowrap"),
        rx.table.cell(line["net"], text_align="right", white_space="nowrap", data_net=line["id"]),
        rx.table.cell(
            rx.cond(
                P.can_edit,
                rx.hstack(
                    rx.icon_button(rx.icon("arrow-up", size=14), size="1", variant="ghost",
                                   disabled=index == 0, aria_label="Move up",
                                   on_click=B.move_line(line["id"], index - 1)),
                    rx.icon_button(rx.icon("arrow-down", size=14), size="1", variant="ghost",
                                   disabled=last, aria_label="Move down",
                                   on_click=B.move_line(line["id"], index + 1)),
                    rx.icon_button(rx.icon("x", size=14), size="1", variant="ghost",
                                   color_scheme="red", aria_label="Remove line",
                                   on_click=B.remove_line(line["id"])),
                    spacing="1",
                ),
            ),
        ),
        # re-mount (fresh input values) when the stored line changes or an edit was refused
        key=line["id"].to(str) + line["quantity"].to(str) + "|" + line["unit_price"].to(str)
        + "|" + line["discount"].to(str) + "-" + B.rev.to(str),
        data_line_id=line["id"],
    )  # fmt: skip


def _lines() -> rx.Component:
    heads = [("Item", "left"), ("Qty", "right"), ("Unit price", "right"), ("Disc. %", "right"),
             ("Tax", "right"), ("Amount", "right"), ("", "left")]  # fmt: skip
    table = rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(h, text_align=a) for h, a in heads])
            ),
            rx.table.body(rx.foreach(P.lines, _line)),
            variant="surface",
            width="100%",
            min_width="760px",
        ),
        overflow_x="auto",
        width="100%",
    )
    picker = rx.el.select(
        rx.el.option("Add a product…", value=""),
        rx.foreach(P.products, lambda o: rx.el.option(o["name"], value=o["id"])),
        value="",
        on_change=B.add_line,
        style={**SELECT_STYLE, "width": "100%", "max_width": "420px"},
        aria_label="Add a product",
        id="add-product",
    )
    return rx.vstack(
        rx.heading("Line items", size="4"),
        rx.cond(P.lines.length() > 0, table, empty_state("No lines yet.", "list")),
        rx.cond(P.can_edit, picker),
        width="100%",
        spacing="3",
    )


def _money_row(
    label: rx.Var | str, value: rx.Var, test_id: str, strong: bool = False
) -> rx.Component:
    return rx.hstack(
        rx.text(label, size="3" if strong else "2", weight="bold" if strong else "regular"),
        rx.spacer(),
        rx.text(value, size="4" if strong else "2", weight="bold" if strong else "medium",
                id=test_id),
        width="100%",
    )  # fmt: skip


def _totals() -> rx.Component:
    t = P.totals
    return rx.card(
        rx.vstack(
            rx.heading("Totals", size="4"),
            _money_row("Subtotal", t.subtotal, "total-subtotal"),
            _money_row("Discount", "−" + t.discount.to(str), "total-discount"),
            _money_row("Tax", t.tax, "total-tax"),
            rx.divider(),
            _money_row("Total", t.total, "total-total", strong=True),
            rx.divider(),
            _label("Proposal discount"),
            rx.hstack(
                rx.el.select(
                    rx.el.option("Percent", value="percent"),
                    rx.el.option("Amount", value="amount"),
                    value=P.discount_type, on_change=B.set_discount_kind,
                    disabled=~P.can_edit, style=SELECT_STYLE, aria_label="Discount type",
                ),
                rx.input(
                    default_value=P.discount_input, disabled=~P.can_edit, inputmode="decimal",
                    on_blur=lambda v: B.set_discount(P.discount_type, v),
                    text_align="right", width="120px", id="discount-value",
                    key=P.discount_type + P.discount_input + "-" + B.rev.to(str),
                ),
                rx.text(rx.cond(P.discount_type == "percent", "%", ""), size="2"),
                align="center",
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        data_testid="totals",
    )  # fmt: skip


def _versions() -> rx.Component:
    def version_select(value: rx.Var, handler: rx.EventHandler, label: str) -> rx.Component:
        return rx.el.select(
            rx.foreach(B.versions, lambda v: rx.el.option("v", v["version"], value=v["id"])),
            value=value, on_change=handler, style=SELECT_STYLE, aria_label=label,
        )  # fmt: skip

    return rx.card(
        rx.vstack(
            rx.heading("History", size="4"),
            rx.foreach(
                B.versions,
                lambda v: rx.hstack(
                    rx.link("v", v["version"], href="/proposals/" + v["id"].to(str),
                            weight=rx.cond(v["id"] == P.id, "bold", "regular")),
                    status_badge(v["status"], v["status_label"]),
                    rx.spacer(),
                    rx.text(v["total"], size="2"),
                    width="100%",
                    align="center",
                ),
            ),
            rx.cond(
                B.versions.length() > 1,
                rx.hstack(
                    version_select(B.diff_from, B.set_diff_from, "Compare from"),
                    rx.text("→", size="2"),
                    version_select(B.diff_to, B.set_diff_to, "Compare to"),
                    rx.button("Compare", size="1", variant="soft", on_click=B.compare,
                              id="compare-versions"),
                    align="center",
                    wrap="wrap",
                ),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
    )  # fmt: skip


def _diff_dialog() -> rx.Component:
    d = B.diff
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("v", d.from_version, " → v", d.to_version),
            rx.vstack(
                rx.text("Lines", weight="bold"),
                rx.cond(
                    d.lines.length() > 0,
                    rx.foreach(
                        d.lines,
                        lambda c: rx.hstack(
                            rx.badge(c["kind"], color_scheme=rx.match(
                                c["kind"], ("added", "green"), ("removed", "red"), "amber")),
                            rx.text(c["description"], size="2", weight="medium"),
                            rx.text(c["before"], size="1", color=rx.color("gray", 10),
                                    text_decoration="line-through"),
                            rx.text(c["after"], size="1"),
                            wrap="wrap", align="center", width="100%",
                        ),
                    ),
                    rx.text("No line changes.", size="2", color=rx.color("gray", 10)),
                ),
                rx.text("Sections", weight="bold"),
                rx.cond(
                    d.sections.length() > 0,
                    rx.foreach(
                        d.sections,
                        lambda s: rx.vstack(
                            rx.text(s["title"], size="2", weight="medium"),
                            rx.text(s["before"], size="1", color=rx.color("red", 11),
                                    white_space="pre-wrap"),
                            rx.text(s["after"], size="1", color=rx.color("green", 11),
                                    white_space="pre-wrap"),
                            spacing="1", width="100%",
                        ),
                    ),
                    rx.text("No section changes.", size="2", color=rx.color("gray", 10)),
                ),
                rx.text("Totals", weight="bold"),
                rx.foreach(
                    d.totals,
                    lambda t: rx.hstack(
                        rx.text(t["label"], size="2", width="90px"),
                        rx.text(t["before"], size="2", color=rx.color("gray", 10)),
                        rx.text("→", size="2"),
                        rx.text(t["after"], size="2",
                                weight=rx.cond(t["changed"].to(bool), "bold", "regular")),
                        align="center",
                    ),
                ),
                spacing="2",
                width="100%",
                data_testid="version-diff",
            ),
            rx.hstack(rx.dialog.close(rx.button("Close", variant="soft")), justify="end",
                      margin_top="12px"),
            max_width="640px",
        ),
        open=B.diff_open,
        on_open_change=B.set_diff_open,
    )  # fmt: skip


def _builder() -> rx.Component:
    return rx.vstack(
        _top(),
        rx.cond(
            P.locked,
            rx.callout(
                "This version is locked. Revise it to make a new version you can edit.",
                icon="lock", color_scheme="gray", size="1", width="100%",
            ),
        ),
        rx.grid(
            rx.vstack(_header_form(), _lines(), _sections(), width="100%", min_width="0",
                      spacing="5"),
            rx.vstack(_totals(), delivery_card(), _versions(), width="100%", spacing="4",
                      position=rx.breakpoints(initial="static", lg="sticky"), top="20px"),
            columns=rx.breakpoints(initial="1", lg="minmax(0, 2.2fr) minmax(280px, 1fr)"),
            spacing="5",
            width="100%",
            align_items="start",
        ),
        _diff_dialog(),
        width="100%",
        spacing="4",
    )  # fmt: skip


def builder_content() -> rx.Component:
    return rx.box(
        rx.cond(
            B.loading,
            skeleton_record(),
            rx.cond(B.missing, _missing(), _builder()),
        ),
        width="100%",
    )
