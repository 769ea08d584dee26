"""Proposals: the product catalog, contacts, priced proposals with versions, their delivery and contracts.

Pricing is ``pricing.price`` (the one function); numbers are ``numbering.next_number``; the PDF
is ``pdf.render_proposal``. Delivery: ``sending.send_proposal`` (the lifecycle's table is
``lifecycle.TRANSITIONS``), discount ``approvals``, the client's link (``public``), the e-mail
``outbox``, ``contracts`` on acceptance, and the ``jobs`` that deliver and expire.
"""

from . import numbering, pricing, search_source
from .approvals import ApprovalState, PendingApproval, decide, pending_approvals, request_approval
from .builder import (
    SECTIONS,
    LineView,
    ProposalView,
    SectionView,
    TotalsView,
    add_line,
    add_section,
    move_line,
    proposal_view,
    remove_line,
    remove_section,
    reprice,
    set_discount,
    set_section,
    update_header,
    update_line,
)
from .catalog import (
    BILLING_UNITS,
    Catalog,
    ProductInput,
    ProductRow,
    can_edit_catalog,
    catalog,
    load_product,
    save_product,
    set_product_active,
)
from .contacts import (
    ContactInput,
    ContactRow,
    deal_contacts,
    lead_contacts,
    load_contact,
    remove_contact,
    save_contact,
)
from .contracts import (
    ContractDetail,
    ContractPage,
    ContractRow,
    contract_detail,
    contract_for_deal,
    list_contracts,
    sign_internally,
)
from .numbering import next_number
from .outbox import OutboxPage, OutboxRow, list_outbox
from .pdf import proposal_pdf, render_proposal
from .pricing import PriceLine, Totals, price
from .proposals import (
    STATUS_LABELS,
    ProposalFilters,
    ProposalPage,
    ProposalRow,
    create_proposal,
    deal_options,
    is_locked,
    list_proposals,
    load_for_edit,
    load_proposal,
    proposal_owners,
)
from .public import PublicProposal, preview, revoke_links
from .sending import DeliveryView, SentProposal, delivery_view, send_proposal
from .versions import VersionDiff, VersionRow, diff_versions, history, revise

__all__ = [
    "BILLING_UNITS",
    "SECTIONS",
    "STATUS_LABELS",
    "ApprovalState",
    "Catalog",
    "ContactInput",
    "ContactRow",
    "ContractDetail",
    "ContractPage",
    "ContractRow",
    "DeliveryView",
    "LineView",
    "OutboxPage",
    "OutboxRow",
    "PendingApproval",
    "PriceLine",
    "ProductInput",
    "ProductRow",
    "ProposalFilters",
    "ProposalPage",
    "ProposalRow",
    "ProposalView",
    "PublicProposal",
    "SectionView",
    "SentProposal",
    "Totals",
    "TotalsView",
    "VersionDiff",
    "VersionRow",
    "add_line",
    "add_section",
    "can_edit_catalog",
    "catalog",
    "contract_detail",
    "contract_for_deal",
    "create_proposal",
    "deal_contacts",
    "deal_options",
    "decide",
    "delivery_view",
    "diff_versions",
    "history",
    "is_locked",
    "lead_contacts",
    "list_contracts",
    "list_outbox",
    "list_proposals",
    "load_contact",
    "load_for_edit",
    "load_product",
    "load_proposal",
    "move_line",
    "next_number",
    "numbering",
    "pending_approvals",
    "preview",
    "price",
    "pricing",
    "proposal_owners",
    "proposal_pdf",
    "proposal_view",
    "remove_contact",
    "remove_line",
    "remove_section",
    "render_proposal",
    "reprice",
    "request_approval",
    "revise",
    "revoke_links",
    "save_contact",
    "save_product",
    "send_proposal",
    "set_discount",
    "set_product_active",
    "set_section",
    "sign_internally",
    "update_header",
    "update_line",
]

search_source.register()  # proposals in the global search
