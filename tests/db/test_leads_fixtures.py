"""A check of the lead builders themselves (``tests/db/builders/leads.py``)."""

from __future__ import annotations

import pytest

import smartweb_ui.models as m

from .builders.leads import lead_row, make_lead

pytestmark = pytest.mark.db


def test_make_lead_builds_company_and_lead(org) -> None:  # type: ignore[no-untyped-def]
    lid = make_lead(
        org.id, "Helper Co", phone="(512) 555-0000", status=m.LeadStatus.CONTACTED, tags=["hot"]
    )
    lead = lead_row(lid)
    assert lead.status == m.LeadStatus.CONTACTED
