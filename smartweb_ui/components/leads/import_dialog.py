"""The CSV import dialog: upload, map columns (with a preview), choose the mode, progress, result."""

from __future__ import annotations

import reflex as rx

from ...state.lead_import import LeadImportState as I
from ...state.leads import LeadInboxState

UPLOAD_ID = "lead_import_upload"


def _issues(title: str, items: rx.Var, color: str, test_id: str) -> rx.Component:
    return rx.cond(
        items.length() > 0,
        rx.vstack(
            rx.text(
                title, " (", items.length(), ")", weight="bold", size="2", color=rx.color(color, 11)
            ),
            rx.scroll_area(
                rx.table.root(
                    rx.table.header(
                        rx.table.row(
                            rx.table.column_header_cell("Row"),
                            rx.table.column_header_cell("Company"),
                            rx.table.column_header_cell("Reason"),
                        )
                    ),
                    rx.table.body(
                        rx.foreach(
                            items,
                            lambda i: rx.table.row(
                                rx.table.cell(i["row"]),
                                rx.table.cell(i["name"]),
                                rx.table.cell(
                                    i["reason"],
                                    rx.cond(
                                        i["lead_id"] != "",
                                        rx.link(
                                            " Open the existing lead",
                                            href="/leads/" + i["lead_id"],
                                            is_external=True,
                                        ),
                                    ),
                                ),
                                data_import_row=i["row"],
                            ),
                        )
                    ),
                    size="1",
                    width="100%",
                ),
                max_height="220px",
            ),
            width="100%",
            data_testid=test_id,
        ),
    )


def _upload_step() -> rx.Component:
    return rx.vstack(
        rx.upload(
            rx.vstack(
                rx.icon("file-up", size=28, color=rx.color("gray", 9)),
                rx.text("Drop a CSV here or click to choose", size="2"),
                rx.foreach(rx.selected_files(UPLOAD_ID), lambda f: rx.badge(f)),
                align="center",
            ),
            id=UPLOAD_ID,
            accept={"text/csv": [".csv"], "text/plain": [".txt"]},
            max_files=1,
            border=f"1px dashed {rx.color('gray', 7)}",
            padding="24px",
            border_radius="8px",
            width="100%",
        ),
        rx.button(
            "Read file",
            on_click=I.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
            id="import-read",
        ),
        width="100%",
    )


def _map_step() -> rx.Component:
    return rx.vstack(
        rx.text(I.file_name, ": ", I.total, " rows. Map the columns:", size="2"),
        rx.grid(
            rx.foreach(
                I.field_rows,
                lambda f: rx.hstack(
                    rx.text(f["label"], size="1", width="140px"),
                    rx.select(
                        I.header_choices,
                        value=f["header"],
                        on_change=lambda v: I.set_mapping(f["key"], v),
                        size="1",
                    ),
                    align="center",
                ),
            ),
            columns="2",
            spacing="2",
            width="100%",
        ),
        rx.text("Preview (first rows)", size="1", weight="bold"),
        rx.scroll_area(
            rx.table.root(
                rx.table.header(
                    rx.table.row(rx.foreach(I.headers, lambda h: rx.table.column_header_cell(h)))
                ),
                rx.table.body(
                    rx.foreach(
                        I.preview, lambda r: rx.table.row(rx.foreach(r, lambda c: rx.table.cell(c)))
                    )
                ),
                size="1",
            ),
            max_height="160px",
            type="auto",
        ),
        rx.radio_group.root(
            rx.vstack(
                rx.radio_group.item("Skip bad rows (import the good ones)", value="skip"),
                rx.radio_group.item(
                    "All or nothing (one bad row: nothing is imported)", value="all"
                ),
            ),
            value=I.mode,
            on_change=I.set_mode,
        ),
        rx.text(
            "Duplicates (same phone, e-mail or website as an existing company) are never imported.",
            size="1",
            color=rx.color("gray", 10),
        ),
        rx.button("Import", on_click=I.start, id="import-start"),
        width="100%",
        spacing="3",
    )


def _progress_step() -> rx.Component:
    return rx.vstack(
        rx.text("Importing… ", I.done, " / ", I.total, size="2"),
        rx.progress(value=I.percent, max=100, width="100%"),
        width="100%",
    )


def _done_step() -> rx.Component:
    return rx.vstack(
        rx.cond(
            I.aborted,
            rx.callout(
                "Nothing was imported: some rows were rejected (all-or-nothing mode).",
                icon="triangle-alert",
                color_scheme="red",
            ),
            rx.callout(rx.text(I.created, " lead(s) created."), icon="check", color_scheme="green"),
        ),
        rx.hstack(
            rx.badge("Created ", I.created, color_scheme="green"),
            rx.badge("Duplicates ", I.duplicates.length(), color_scheme="amber"),
            rx.badge("Rejected ", I.rejected.length(), color_scheme="red"),
        ),
        _issues("Rejected", I.rejected, "red", "import-rejected"),
        _issues("Duplicates", I.duplicates, "amber", "import-duplicates"),
        rx.hstack(
            rx.button(
                rx.icon("download", size=14),
                "Download report",
                variant="soft",
                on_click=I.download_report,
            ),
            rx.button("Close", on_click=[I.set_open(False), LeadInboxState.load]),
        ),
        width="100%",
        spacing="3",
    )


def _failed_step() -> rx.Component:
    return rx.vstack(
        rx.callout(
            rx.text("The import failed and nothing was imported. ", I.failure),
            icon="circle-x",
            color_scheme="red",
            role="alert",
        ),
        rx.hstack(
            rx.button("Try another file", variant="soft", on_click=I.set_open(True)),
            rx.button("Close", on_click=I.set_open(False)),
        ),
        width="100%",
        spacing="3",
        data_testid="import-failed",
    )


def import_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(rx.icon("upload", size=16), "Import CSV", variant="soft", id="open-import")
        ),
        rx.dialog.content(
            rx.dialog.title("Import companies and leads"),
            rx.match(
                I.step,
                ("map", _map_step()),
                ("running", _progress_step()),
                ("done", _done_step()),
                ("failed", _failed_step()),
                _upload_step(),
            ),
            max_width="760px",
        ),
        open=I.open,
        on_open_change=I.set_open,
    )
