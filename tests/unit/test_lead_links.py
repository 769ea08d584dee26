"""Links into the lead inbox (``/leads?...``): what a link asks for, and the link of a view."""

from uuid import uuid4

from smartweb_ui.services.leads.filters import LeadFilter
from smartweb_ui.services.leads.links import OPEN_VALUES, parse_query, query_for


def test_dashboard_link_opens_the_inbox_filtered() -> None:
    rep = str(uuid4())
    link = parse_query({"source": "referral", "status": "converted", "assigned": rep})
    assert link.present and not link.ignored
    flt = LeadFilter.parse(link.filters)
    assert (flt.source, flt.status, flt.assignee) == (["referral"], ["converted"], rep)


def test_invalid_values_are_dropped_one_by_one() -> None:
    link = parse_query(
        {
            "status": "bogus",
            "source": "referral",
            "assigned": "not-a-uuid",
            "score_min": "900",
            "sort": "drop table",
            "q": "  acme ",
            "unrelated": "x",
        }
    )
    assert sorted(link.ignored) == ["assigned", "score_min", "sort", "status"]
    assert link.filters == {"source": ["referral"], "search": "acme"}
    LeadFilter.parse(link.filters)  # what is kept always parses


def test_no_inbox_parameter_means_no_link() -> None:
    assert not parse_query({}).present
    assert not parse_query({"utm_source": "mail"}).present
    assert parse_query({"status": ""}).present  # an emptied filter still resets the view


def test_open_pseudo_status_and_flags() -> None:
    link = parse_query({"status": "open", "overdue": "1", "follow_up": "no", "view": "hot"})
    assert link.filters == {"status": OPEN_VALUES, "overdue": True}
    assert link.view == "hot"


def test_a_view_round_trips_through_its_link() -> None:
    filters = {
        "search": "plumb",
        "status": OPEN_VALUES,
        "source": ["cold_call"],
        "assignee": "unassigned",
        "tag": "hot",
        "state": "TX",
        "score_min": 40,
        "follow_up_due": True,
    }
    query = query_for(filters, "created")
    assert query["status"] == "open" and query["assigned"] == "unassigned"
    again = parse_query(query)
    assert not again.ignored
    assert LeadFilter.parse(again.filters) == LeadFilter.parse(filters)
    assert again.sort == "created"


def test_builtin_view_link_is_its_key_and_a_saved_view_its_filters() -> None:
    mine = {"assignee": "me", "status": ["new"]}
    assert query_for(mine, "sla_due", "my_new") == {"view": "my_new"}
    assert query_for(mine, "score", "my_new") == {"view": "my_new", "sort": "score"}
    assert query_for({}, "score", "all") == {}
    saved = str(uuid4())
    assert query_for(mine, "score", saved) == {"status": "new", "assigned": "me"}
