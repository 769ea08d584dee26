"""Links into the lead inbox: ``/leads?status=new&assigned=me&q=...`` <-> inbox filters.

The query string is untrusted (a link from the dashboard, an e-mail, a colleague): every value
is validated on its own through ``LeadFilter.parse`` and an invalid one is dropped, never
turned into an error page. The inbox writes its current filters back with ``query_for``, so
the address bar always holds a link that reopens the same view.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..core.errors import Invalid
from .common import OPEN_STATUSES
from .filters import LeadFilter
from .inbox import SORTS
from .views import BUILTIN_VIEWS

# URL parameter -> LeadFilter field
URL_FIELDS: dict[str, str] = {
    "q": "search",
    "status": "status",
    "source": "source",
    "assigned": "assignee",
    "tag": "tag",
    "type": "business_type",
    "city": "city",
    "state": "state",
    "score_min": "score_min",
    "score_max": "score_max",
}
URL_FLAGS: dict[str, str] = {"overdue": "overdue", "follow_up": "follow_up_due"}
OPEN = "open"  # pseudo status of the inbox: new, contacted or qualified
OPEN_VALUES = sorted(s.value for s in OPEN_STATUSES)
LIST_FIELDS = ("status", "source", "business_type")
DEFAULT_SORT = "score"


@dataclass
class InboxLink:
    """What a ``/leads`` query string asks for (valid parts only)."""

    present: bool = False  # the URL carried at least one inbox parameter
    view: str = ""  # a built-in view key or a saved view id, checked by the caller
    filters: dict[str, Any] = field(default_factory=dict)  # LeadFilter.parse input
    sort: str = ""
    ignored: list[str] = field(default_factory=list)  # parameters whose value was invalid


def _field_value(name: str, raw: str) -> Any:
    if name == "status" and raw.lower() == OPEN:
        return list(OPEN_VALUES)
    if name in LIST_FIELDS:
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def parse_query(params: Mapping[str, Any]) -> InboxLink:
    """The valid filters, view and sort of a ``/leads`` query string."""
    link = InboxLink()
    for key, raw in params.items():
        value = str(raw if raw is not None else "").strip()[:120]
        if key in URL_FIELDS or key in URL_FLAGS or key in ("view", "sort"):
            link.present = True
        if not value:
            continue
        if key == "view":
            link.view = value[:64]
        elif key == "sort":
            if value in SORTS:
                link.sort = value
            else:
                link.ignored.append(key)
        elif key in URL_FLAGS:
            if value.lower() in ("1", "true", "yes", "on"):
                link.filters[URL_FLAGS[key]] = True
        elif key in URL_FIELDS:
            name = URL_FIELDS[key]
            candidate = {name: _field_value(name, value)}
            try:
                LeadFilter.parse(candidate)
            except Invalid:
                link.ignored.append(key)
                continue
            link.filters.update(candidate)
    return link


def query_for(filters: Mapping[str, Any], sort: str, view: str = "") -> dict[str, str]:
    """URL parameters that reopen this inbox view: a built-in view by its key (it means the
    same for everyone, e.g. "my new leads"), anything else by its filters (a saved view is
    its owner's only, so a shared link carries what it shows)."""
    if view in BUILTIN_VIEWS and view != "all":
        view_sort = BUILTIN_VIEWS[view][2]
        return {"view": view, **({"sort": sort} if sort != view_sort and sort in SORTS else {})}
    flt = LeadFilter.parse(dict(filters))
    out: dict[str, str] = {}
    for key, name in URL_FIELDS.items():
        value = getattr(flt, name)
        if name == "status" and value == OPEN_VALUES:
            out[key] = OPEN
        elif isinstance(value, list):
            if value:
                out[key] = value[0] if len(value) == 1 else ",".join(value)
        elif value not in (None, ""):
            out[key] = str(value)
    for key, name in URL_FLAGS.items():
        if getattr(flt, name):
            out[key] = "1"
    if sort != DEFAULT_SORT and sort in SORTS:
        out["sort"] = sort
    return out
