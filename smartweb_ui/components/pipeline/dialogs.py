"""Dialogs of /pipeline: close as Won/Lost, New deal, Stage settings."""

from __future__ import annotations

import reflex as rx

from ...state.pipeline import PipelineState as P
from ...state.pipeline_deal import NewDealState as N
from ...state.pipeline_deal import StageSettingsState as S


def _label(text: str, *children: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(text, size="2", weight="medium"),
        *children,
        spacing="1",
        width="100%",
        style={"& .rt-TextFieldRoot": {"width": "100%"}},
    )


def _error(message: rx.Var) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout(
            message, icon="triangle-alert", color_scheme="red", size="1", width="100%", role="alert"
        ),
    )


def _buttons(submit: str | rx.Component) -> rx.Component:
    """Cancel closes the dialog (its on_open_change does the rest) + the submit button."""
    return rx.hstack(
        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
        rx.button(submit, type="submit"),
        justify="end",
        width="100%",
    )


def close_deal_dialog() -> rx.Component:
    """Dropping into Won asks for close date + final value; into Lost for a reason (required)."""
    won = rx.fragment(
        _label("Actual close date", rx.input(name="close_date", type="date", default_value=P.today, max=P.today, required=True)),
        _label("Final value", rx.input(name="final_value", default_value=P.closing_value, inputmode="decimal", required=True)),
    )  # fmt: skip
    lost = rx.fragment(
        _label(
            "Reason",
            rx.select(
                P.lost_reason_options,
                value=P.closing_reason,
                on_change=P.set_closing_reason,
                placeholder="Why was it lost?",
                width="100%",
                name="reason",
            ),
        ),
        _label(
            "Details (required for “Other”)",
            rx.input(name="reason_note", placeholder="What happened?"),
        ),
        _label("Competitor (optional)", rx.input(name="competitor", placeholder="Who won it?")),
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(P.closing == "won", "Close as won", "Close as lost")),
            rx.dialog.description(P.closing_deal, size="2", color=rx.color("gray", 11)),
            rx.form(
                rx.vstack(
                    rx.cond(P.closing == "won", won, lost),
                    _error(P.closing_error),
                    _buttons(rx.cond(P.closing == "won", "Mark as won", "Mark as lost")),
                    spacing="3",
                    margin_top="12px",
                ),
                on_submit=P.confirm_close,
            ),
            max_width="420px",
            data_testid="close-deal-dialog",
        ),
        open=P.closing != "",
        on_open_change=P.closing_dialog_changed,
    )


def new_deal_dialog() -> rx.Component:
    picked = rx.hstack(
        rx.icon("building-2", size=16),
        rx.text(N.company_name, weight="medium"),
        rx.button("Change", size="1", variant="ghost", type="button", on_click=N.change_company),
        align="center",
    )
    search = rx.vstack(
        rx.input(
            placeholder="Search companies…",
            value=N.query,
            on_change=N.search.debounce(250),
            width="100%",
            auto_focus=True,
        ),
        rx.foreach(
            N.results,
            lambda c: rx.box(
                rx.text(c["name"], weight="medium", size="2"),
                rx.text(c["place"], size="1", color=rx.color("gray", 10)),
                on_click=N.pick(c["id"]),
                role="button",
                tab_index=0,
                width="100%",
                padding="6px 8px",
                border_radius="6px",
                cursor="pointer",
                _hover={"background": rx.color("accent", 3)},
            ),
        ),
        width="100%",
        spacing="1",
    )
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("New deal"),
            rx.form(
                rx.vstack(
                    _label("Company", rx.cond(N.company_id != "", picked, search)),
                    _label(
                        "Deal name",
                        rx.input(name="name", required=True, placeholder="e.g. Website rebuild"),
                    ),
                    rx.hstack(
                        _label(
                            "Value",
                            rx.input(
                                name="value",
                                required=True,
                                inputmode="decimal",
                                placeholder="12500",
                            ),
                        ),
                        _label("Expected close", rx.input(name="expected_close", type="date")),
                        width="100%",
                    ),
                    rx.text(
                        "The deal starts at the top of the first stage.",
                        size="1",
                        color=rx.color("gray", 10),
                    ),
                    _error(N.error),
                    _buttons("Create deal"),
                    spacing="3",
                    margin_top="8px",
                ),
                on_submit=N.create,
                reset_on_submit=False,
            ),
            max_width="460px",
        ),
        open=N.is_open,
        on_open_change=N.set_open,
    )


def _inline_form(
    name: str, placeholder: str, button: str, on_submit: rx.EventHandler, default: rx.Var | str = ""
) -> rx.Component:
    """One text field and its button on a line (add a stage, name a pipeline)."""
    return rx.form(
        rx.hstack(
            rx.input(
                name="name", placeholder=placeholder, default_value=default, required=True,
                max_length=80, flex="1", min_width="0", aria_label=placeholder,
            ),
            rx.button(button, type="submit", variant="soft"),
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=name == "add",
        key=default if isinstance(default, rx.Var) else name,
        id=f"stage-form-{name}",
        width="100%",
    )  # fmt: skip


def _section(title: str) -> rx.Component:
    return rx.text(title, size="2", weight="bold", margin_top="8px")


def _delete_stage() -> rx.Component:
    """Delete the stage shown: its deals move to the stage chosen here first."""
    return rx.cond(
        S.kind == "open",
        rx.hstack(
            rx.text("Its deals move to", size="2", white_space="nowrap"),
            rx.select.root(
                rx.select.trigger(flex="1", min_width="0", aria_label="Move its deals to"),
                rx.select.content(
                    rx.foreach(S.move_targets, lambda s: rx.select.item(s["name"], value=s["id"]))
                ),
                value=S.move_to,
                on_change=S.set_move_to,
            ),
            rx.alert_dialog.root(
                rx.alert_dialog.trigger(
                    rx.button("Delete stage", color_scheme="red", variant="soft", type="button")
                ),
                rx.alert_dialog.content(
                    rx.alert_dialog.title("Delete this stage?"),
                    rx.alert_dialog.description(
                        "Its deals move to the stage you chose; their history keeps the move.",
                        size="2",
                    ),
                    rx.hstack(
                        rx.alert_dialog.cancel(
                            rx.button("Keep it", variant="soft", color_scheme="gray")
                        ),
                        rx.alert_dialog.action(
                            rx.button("Delete stage", color_scheme="red", on_click=S.delete_stage)
                        ),
                        justify="end",
                        margin_top="12px",
                    ),
                    max_width="420px",
                ),
            ),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        rx.text(
            "Won and Lost stages hold closed deals and stay.", size="1", color=rx.color("gray", 10)
        ),
    )


def stage_settings_dialog() -> rx.Component:
    stage = S.stage
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Pipeline and stages"),
            _section("Pipeline"),
            _inline_form("rename", "Pipeline name", "Rename", S.rename_pipeline, S.pipeline_name),
            _inline_form("new-pipeline", "New pipeline name", "Create pipeline", S.create_pipeline),
            _section("Add a stage"),
            _inline_form("add", "New stage name", "Add stage", S.add_stage),
            rx.text(
                "New stages go just before Won; set their order and probability below.",
                size="1",
                color=rx.color("gray", 10),
            ),
            _section("Edit a stage"),
            rx.select.root(
                rx.select.trigger(width="100%"),
                rx.select.content(
                    rx.foreach(S.stages, lambda s: rx.select.item(s["name"], value=s["id"]))
                ),
                value=stage["id"].to(str),
                on_change=S.pick,
            ),
            rx.form(
                rx.vstack(
                    _label(
                        "Name",
                        rx.input(name="name", default_value=stage["name"].to(str), required=True),
                    ),
                    rx.hstack(
                        _label(
                            "Order (1 = first)",
                            rx.input(
                                name="position",
                                type="number",
                                min=1,
                                default_value=(stage["position"].to(int) + 1).to(str),
                            ),
                        ),
                        _label(
                            "Win probability %",
                            rx.input(
                                name="probability",
                                type="number",
                                min=0,
                                max=100,
                                step="0.01",
                                default_value=stage["probability"].to(str),
                            ),
                        ),
                        width="100%",
                    ),
                    rx.hstack(
                        _label(
                            "Rotting after (days)",
                            rx.input(
                                name="rotting_days",
                                type="number",
                                min=1,
                                default_value=stage["rotting_days"].to(str),
                                placeholder="never",
                            ),
                        ),
                        _label(
                            "WIP limit",
                            rx.input(
                                name="wip_limit",
                                type="number",
                                min=1,
                                default_value=stage["wip_limit"].to(str),
                                placeholder="none",
                            ),
                        ),
                        width="100%",
                    ),
                    rx.checkbox(
                        "Hard WIP limit: only managers can drop deals over it",
                        checked=S.wip_hard,
                        on_change=S.set_wip_hard,
                        size="2",
                    ),
                    _label(
                        "Kind",
                        rx.radio_group(
                            ["open", "won", "lost"],
                            value=S.kind,
                            on_change=S.set_kind,
                            direction="row",
                        ),
                    ),
                    rx.text(
                        "Changing the probability re-weights this stage's open deals. Won stages count 100 %, lost 0 %.",
                        size="1",
                        color=rx.color("gray", 10),
                    ),
                    _error(S.error),
                    _buttons("Save stage"),
                    spacing="3",
                    margin_top="12px",
                ),
                on_submit=S.save,
                key=stage["id"].to(str),
            ),
            _section("Delete this stage"),
            _delete_stage(),
            max_width="520px",
        ),
        open=S.is_open,
        on_open_change=S.set_open,
    )
