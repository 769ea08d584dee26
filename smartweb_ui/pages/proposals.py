"""/proposals — the proposal list; /proposals/[proposal_id] — the builder."""

from __future__ import annotations

import reflex as rx

from ..components.proposals.builder import builder_content
from ..components.proposals.list_page import proposals_content
from ..components.shell import app_shell, require_permission
from ..state.proposal_builder import ProposalBuilderState
from ..state.proposal_delivery import ProposalDeliveryState
from ..state.proposals import ProposalListState
from .registry import page


@page(
    route="/proposals",
    title="Proposals · SmartWeb",
    on_load=[ProposalListState.load],
)
def proposals_page() -> rx.Component:
    return app_shell(
        require_permission("pipeline.read", proposals_content(), "proposals"), active="proposals"
    )


@page(
    route="/proposals/[proposal_id]",
    title="Proposal · SmartWeb",
    on_load=[ProposalBuilderState.load, ProposalDeliveryState.load],
)
def proposal_builder_page() -> rx.Component:
    return app_shell(
        require_permission("pipeline.read", builder_content(), "proposals"), active="proposals"
    )
