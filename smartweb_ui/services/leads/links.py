"""Links into the lead inbox: ``/leads?status=new&assigned=me&q=...`` <-> inbox filters.

The query string is untrusted (a link from the dashboard, an e-mail, a colleague): the filters
come from ``LeadFilter.from_query`` (each value validated on its own, an invalid one dropped,
never turned into an error page), plus the view and the sort. The inbox writes its current
view back with ``query_for``, so the address bar always holds a link that reopens it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .filters import OPEN, OPEN_VALUES, LeadFilter
from .inbox import SORTS
from .views import BUILTIN_VIEWS

__all__ = ["DEFAULT_SORT", "OPEN", "OPEN_VALUES", "InboxLink", "parse_query", "query_for"]

DEFAULT_SORT = "score"


@dataclass
class InboxLink:
    """What a ``/leads`` query string asks for (valid parts only)."""

    present: bool = False  # the URL carried at least one inbox parameter
    view: str = ""  # a built-in view key or a saved view id, checked by the caller
    filters: dict[str, Any] = field(default_factory=dict)  # LeadFilter.parse input
    sort: str = ""
    ignored: list[str] = field(default_factory=list)  # parameters whose value was invalid


def parse_query(params: Mapping[str, Any]) -> InboxLink:
    """The valid filters, view and sort of a ``/leads`` query string."""
    keys = set(LeadFilter.query_keys()) | {"view", "sort"}
    flt, ignored = LeadFilter.from_query(params)
    link = InboxLink(present=any(k in keys for k in params), filters=flt.to_dict(), ignored=ignored)
    view = str(params.get("view") or "").strip()
    link.view = view[:64]
    sort = str(params.get("sort") or "").strip()
    if sort in SORTS:
        link.sort = sort
    elif sort:
        link.ignored.append("sort")
    return link


def query_for(filters: Mapping[str, Any] | LeadFilter, sort: str, view: str = "") -> dict[str, str]:
    """URL parameters that reopen this inbox view: a built-in view by its key (it means the
    same for everyone, e.g. "my new leads"), anything else by its filters (a saved view is
    its owner's only, so a shared link carries what it shows)."""
    if view in BUILTIN_VIEWS and view != "all":
        view_sort = BUILTIN_VIEWS[view][2]
        return {"view": view, **({"sort": sort} if sort != view_sort and sort in SORTS else {})}
    flt = filters if isinstance(filters, LeadFilter) else LeadFilter.parse(filters)
    out = flt.to_query()
    if sort != DEFAULT_SORT and sort in SORTS:
        out["sort"] = sort
    return out
