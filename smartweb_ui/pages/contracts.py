"""/contracts — the contract list; /contracts/[contract_id] — one contract."""

from __future__ import annotations

import reflex as rx

from ..components.contracts import contract_content, contracts_content
from ..components.shell import app_shell, require_permission
from ..state.contracts import ContractDetailState, ContractListState
from .registry import page


@page(
    route="/contracts",
    title="Contracts · SmartWeb",
    on_load=[ContractListState.load],
)
def contracts_page() -> rx.Component:
    return app_shell(
        require_permission("pipeline.read", contracts_content(), "contracts"), active="contracts"
    )


@page(
    route="/contracts/[contract_id]",
    title="Contract · SmartWeb",
    on_load=[ContractDetailState.load],
)
def contract_page() -> rx.Component:
    return app_shell(
        require_permission("pipeline.read", contract_content(), "contracts"), active="contracts"
    )
