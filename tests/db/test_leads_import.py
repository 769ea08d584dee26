"""CSV import: mapping, per-row validation with row numbers, dedup, both modes, 10,000 rows."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session, tenant_session
from smartweb_ui.services.core.errors import Forbidden, Invalid
from smartweb_ui.services.leads.imports import guess_mapping, read_csv, result_csv, run_import

from .builders.leads import make_lead

pytestmark = pytest.mark.db

GOOD_AND_BAD = """Company Name,Phone,E-mail,Website,City,State,Zip,Type,Employees,Tags
Blue Pipe Plumbing,(512) 555-0101,info@bluepipe.com,bluepipe.com,Austin,TX,78701,Plumber,12,vip;commercial
,(512) 555-0102,x@y.com,,Austin,TX,78701,,,
Red Roofers,12345,red@roof,,Dallas,Texas,7520,Roofing,many,
Cool Air HVAC,512.555.0104,hello@coolair.com,https://coolair.com,Austin,ZZ,78702,HVAC,,
Spark Electric,512-555-0105,team@spark.com,spark.com,Houston,tx,77001-1234,electrician,3,
Blue Pipe Again,+1 512 555 0101,,,Austin,TX,,,,
"""


def counts(org_id) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with system_session() as s:
        return tuple(  # type: ignore[return-value]
            s.execute(
                sa.select(sa.func.count()).select_from(t).where(t.c.organization_id == org_id)
            ).scalar_one()
            for t in (m.Company.__table__, m.Lead.__table__, m.LeadTag.__table__)  # type: ignore[attr-defined]
        )


def test_mapping_is_guessed_from_headers() -> None:
    header, rows = read_csv(GOOD_AND_BAD.encode())
    mapping = guess_mapping(header)
    assert mapping["name"] == "Company Name" and mapping["email"] == "E-mail"
    assert mapping["zip_code"] == "Zip" and mapping["business_type"] == "Type"
    assert len(rows) == 6


def test_skip_mode_imports_good_rows_and_reports_the_rest_with_row_numbers(org) -> None:  # type: ignore[no-untyped-def]
    make_lead(org.id, "Existing Spark", email="team@spark.com")
    actor = org.actors["manager"]
    with tenant_session(actor) as s:
        result = run_import(s, actor, GOOD_AND_BAD.encode(), mode="skip", file_name="list.csv")
    assert [(r, n) for r, _, n in result.created] == [(2, "Blue Pipe Plumbing")]
    rejected = {i.row: i.reason for i in result.rejected}
    assert sorted(rejected) == [3, 4, 5]
    assert "name is required" in rejected[3]
    assert all(w in rejected[4] for w in ("phone", "e-mail", "ZIP", "employees"))  # "Texas" is fine
    assert "state “ZZ”" in rejected[5]
    dups = {i.row: i.reason for i in result.duplicates}
    assert "existing company “Existing Spark”" in dups[6]
    assert dups[7] == "same phone as row 2"
    assert counts(org.id) == (2, 2, 2)
    with system_session() as s:
        lead = s.execute(
            sa.select(m.Lead).join(m.Company).where(m.Company.name == "Blue Pipe Plumbing")
        ).scalar_one()
        company = s.get(m.Company, lead.company_id)
        assert (company.phone, company.business_type, company.employee_count) == (
            "(512) 555-0101",
            m.BusinessType.PLUMBING,
            12,
        )
        assert (
            lead.source == m.LeadSource.IMPORT
            and lead.sla_due_at is not None
            and lead.score_breakdown
        )
    report = list(csv.DictReader(io.StringIO(result_csv(result))))
    assert [(r["row"], r["outcome"]) for r in report] == [
        ("2", "created"),
        ("3", "rejected"),
        ("4", "rejected"),
        ("5", "rejected"),
        ("6", "duplicate"),
        ("7", "duplicate"),
    ]


def test_all_or_nothing_writes_nothing_when_one_row_is_bad(org) -> None:  # type: ignore[no-untyped-def]
    actor = org.actors["manager"]
    with tenant_session(actor) as s:
        result = run_import(s, actor, GOOD_AND_BAD.encode(), mode="all")
    assert result.aborted and not result.written and result.created == []
    assert len(result.rejected) == 3
    assert counts(org.id) == (0, 0, 0)
    with system_session() as s:
        assert (
            s.execute(
                sa.select(sa.func.count())
                .select_from(m.AuditLog)
                .where(m.AuditLog.action.like("lead.import%"))
            ).scalar_one()
            == 0
        )
    good = "name,phone\nOne Co,512-555-0001\nTwo Co,512-555-0002\n"
    with tenant_session(actor) as s:
        result = run_import(s, actor, good.encode(), mode="all")
    assert result.written and len(result.created) == 2 and counts(org.id)[:2] == (2, 2)


def test_import_needs_permission_and_a_name_column(org) -> None:  # type: ignore[no-untyped-def]
    with tenant_session(org.actors["rep"]) as s, pytest.raises(Forbidden):
        run_import(s, org.actors["rep"], b"name\nA\n")
    actor = org.actors["manager"]
    with tenant_session(actor) as s, pytest.raises(Invalid):
        run_import(s, actor, b"phone\n5125550000\n")
    with tenant_session(actor) as s, pytest.raises(Invalid):
        run_import(s, actor, b"name\nA\n", mapping={"name": "nope"})
    with tenant_session(actor) as s, pytest.raises(Invalid):
        run_import(s, actor, b"")


def test_ten_thousand_rows_with_progress(org) -> None:  # type: ignore[no-untyped-def]
    lines = ["name,phone,email,state,zip"]
    for i in range(10_000):
        lines.append(
            f"Company {i},(5{i % 10}2) 5{i // 1000 % 10}5-{i:04d},c{i}@example.com,TX,7{i % 10000:04d}"
        )
    lines[5001] = "Broken,123,bad,XX,1"  # one bad row in the middle
    data = "\n".join(lines).encode()
    seen: list[int] = []
    actor = org.actors["manager"]
    with tenant_session(actor) as s:
        result = run_import(
            s, actor, data, mode="all", progress=lambda done, total: seen.append(done)
        )
    assert [i.row for i in result.rejected] == [5002] and counts(org.id)[0] == 0
    with tenant_session(actor) as s:
        result = run_import(
            s, actor, data, mode="skip", progress=lambda done, total: seen.append(done)
        )
    assert len(result.created) == 9_999 and counts(org.id)[:2] == (9_999, 9_999)
    assert seen[-1] == 10_000 and len(seen) > 10


def test_binary_or_nul_files_are_refused_with_a_message() -> None:
    from smartweb_ui.services.core.errors import Invalid
    from smartweb_ui.services.leads.imports import read_csv

    for data in (b"name,phone\nAcme\x00,1\n", bytes(range(256)) * 10):
        with pytest.raises(Invalid, match="binary data"):
            read_csv(data)


def test_overlong_or_control_character_cells_reject_the_row_not_cut_it(org) -> None:  # type: ignore[no-untyped-def]
    from smartweb_ui.services.leads.import_rules import validate_row

    clean, errors = validate_row({"name": "x" * 900})
    assert errors == ["name is longer than 200 characters"] and clean == {}
    _, errors = validate_row({"name": "Acme", "city": "Austin\x07"})
    assert errors == ["city contains characters that can't be stored"]
    _, errors = validate_row({"name": "Acme", "state": "TEXAS!!"})
    assert errors == ["state “TEXAS!!” is not a US state code"]
