"""Leads and companies: the inbox (filters, search, views, paging), lead actions, the lead page,
interactions, conversion to a deal, scoring, SLA, round-robin, dedup, CSV import and export."""

from . import owners, search_sources  # noqa: F401  (owners: the change feed's ORM hook)
from .actions import (
    MAX_BULK,
    NEEDS_REASON,
    assign_leads,
    bulk_set_status,
    set_status,
    tag_leads,
    user_choices,
)
from .convert import LeadDeal, convert_lead, convertible_pipelines
from .dedup import DuplicateFound, create_lead, duplicate_matches
from .detail import LeadDetail, lead_detail
from .editing import (
    CONTACT_METHODS,
    EDIT_FIELDS,
    ProfileForm,
    delete_entry,
    edit_entry,
    profile_form,
    update_lead_profile,
)
from .export import export_lines
from .export_tickets import (
    LEADS_CSV,
    LEADS_CSV_PATH,
    Ticket,
    leads_csv_path,
    leads_csv_ticket,
    redeem,
)
from .filters import BUSINESS_TYPES, OPEN, OPEN_VALUES, SOURCE_VALUES, STATUS_VALUES, LeadFilter
from .import_rules import FIELDS as IMPORT_FIELDS
from .imports import ImportResult, guess_mapping, read_csv, result_csv, run_import
from .inbox import COUNT_CAP, PAGE_SIZE, SORTS, LeadPage, LeadRow, count_leads, list_leads
from .interactions import CALL_OUTCOMES, DIRECTIONS, log_call, log_email, log_meeting, log_note
from .links import InboxLink, parse_query, query_for
from .page import InboxPage, inbox_page
from .round_robin import assign_round_robin
from .views import (
    BUILTIN_VIEWS,
    ViewItem,
    default_view,
    delete_view,
    list_views,
    save_view,
    view_definition,
)

search_sources.register()  # deals / leads and contacts in the global search

__all__ = [
    "BUILTIN_VIEWS",
    "BUSINESS_TYPES",
    "CALL_OUTCOMES",
    "CONTACT_METHODS",
    "COUNT_CAP",
    "DIRECTIONS",
    "EDIT_FIELDS",
    "IMPORT_FIELDS",
    "LEADS_CSV",
    "LEADS_CSV_PATH",
    "MAX_BULK",
    "NEEDS_REASON",
    "OPEN",
    "OPEN_VALUES",
    "PAGE_SIZE",
    "SORTS",
    "SOURCE_VALUES",
    "STATUS_VALUES",
    "DuplicateFound",
    "ImportResult",
    "InboxLink",
    "InboxPage",
    "LeadDeal",
    "LeadDetail",
    "LeadFilter",
    "LeadPage",
    "LeadRow",
    "ProfileForm",
    "Ticket",
    "ViewItem",
    "assign_leads",
    "assign_round_robin",
    "bulk_set_status",
    "convert_lead",
    "convertible_pipelines",
    "count_leads",
    "create_lead",
    "default_view",
    "delete_entry",
    "delete_view",
    "duplicate_matches",
    "edit_entry",
    "export_lines",
    "guess_mapping",
    "inbox_page",
    "lead_detail",
    "leads_csv_path",
    "leads_csv_ticket",
    "list_leads",
    "list_views",
    "log_call",
    "log_email",
    "log_meeting",
    "log_note",
    "parse_query",
    "profile_form",
    "query_for",
    "read_csv",
    "redeem",
    "result_csv",
    "run_import",
    "save_view",
    "set_status",
    "tag_leads",
    "update_lead_profile",
    "user_choices",
    "view_definition",
]
