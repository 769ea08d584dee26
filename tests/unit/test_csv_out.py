"""The one CSV writer: formula cells neutralised (OWASP), numbers and ISO dates kept."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from smartweb_ui.services.core.csv_out import csv_chunks, csv_text


def parse(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize(
    "hostile",
    ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd", "=1"],
)
def test_formula_cells_are_written_as_text(hostile: str) -> None:
    rows = parse(csv_text(["name"], [[hostile]]))
    assert rows[1] == ["'" + hostile]


def test_numbers_dates_and_plain_text_are_untouched() -> None:
    moment = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    rows = parse(
        csv_text(
            ["a", "b", "c", "d", "e"],
            [[-5, Decimal("-12.50"), date(2026, 3, 1), moment, "Acme - Roofing"]],
        )
    )
    assert rows[1] == ["-5", "-12.50", "2026-03-01", "2026-03-31T23:30+00:00", "Acme - Roofing"]


def test_chunks_hold_the_asked_number_of_rows() -> None:
    chunks = [c for c in csv_chunks(["n"], ([i] for i in range(25)), chunk_rows=10) if c]
    assert len(chunks) == 3 and sum(c.count("\n") for c in chunks) == 26
