"""The one CSV writer of the app: every CSV SmartWeb produces (lead export, import report,
chart data) goes through it.

Spreadsheets run a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (CSV injection: ``=HYPERLINK(...)`` in a company name). Text cells that do
are written with a leading apostrophe, OWASP's rule; numbers stay numbers and dates are ISO 8601.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str | int | float | Decimal:
    """One value as written: text neutralised, numbers as numbers, dates ISO, booleans yes/no."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        value = value.value
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def csv_chunks(
    header: Sequence[str], rows: Iterable[Iterable[Any]], *, chunk_rows: int = 2000
) -> Iterator[str]:
    """The CSV text in chunks of ``chunk_rows`` rows (the header opens the first chunk)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([cell(h) for h in header])
    for n, row in enumerate(rows, start=1):
        writer.writerow([cell(v) for v in row])
        if n % max(1, chunk_rows) == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_text(header: Sequence[str], rows: Iterable[Iterable[Any]]) -> str:
    return "".join(csv_chunks(header, rows))
