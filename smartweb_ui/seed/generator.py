"""Random sources and row plumbing shared by every demo-seed section.

``Generator`` owns the seeded random streams, name pools and the queued rows (loaded with COPY);
``Weighted`` picks by weight, ``allocate`` splits a total by weights, ``row_template`` gives a
table's column defaults, ``Deal`` is a deal's timeline before it becomes rows.
"""

from __future__ import annotations

import json
import random
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from enum import Enum
from functools import cache
from itertools import accumulate
from typing import Any
from uuid import UUID

from faker import Faker
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Session, SQLModel

from .. import models
from . import data as d

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def q(value: Decimal) -> Decimal:
    """Round money to cents, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@cache
def row_template(table: str) -> dict[str, Any]:
    """Column -> default for one table, from the SQLModel fields (required ones -> None)."""
    model = next(m for m in vars(models).values() if getattr(m, "__tablename__", None) == table)
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        value = None if info.is_required() else info.get_default(call_default_factory=True)
        if isinstance(value, (datetime, UUID)):  # clock / id factories: always given explicitly
            value = None
        out[name] = value.value if isinstance(value, Enum) else value
    return out


def allocate(rng: random.Random, total: int, weights: dict[str, int]) -> list[str]:
    """Exactly ``total`` labels in proportion to ``weights`` (each at least once), shuffled."""
    keys = list(weights)
    raw = {k: total * weights[k] / sum(weights.values()) for k in keys}
    counts = {k: int(raw[k]) for k in keys}
    for k in sorted(keys, key=lambda k: counts[k] - raw[k])[: total - sum(counts.values())]:
        counts[k] += 1
    for k in keys:
        if counts[k] == 0 and total >= len(keys):
            counts[max(keys, key=counts.__getitem__)] -= 1
            counts[k] = 1
    out = [k for k in keys for _ in range(counts[k])]
    rng.shuffle(out)
    return out


class Weighted:
    """A fast weighted picker over fixed (item, weight) pairs."""

    def __init__(self, rng: random.Random, pairs: Sequence[tuple[Any, float]]) -> None:
        self.rng = rng
        self.items = [k for k, _ in pairs]
        self.cum = list(accumulate(w for _, w in pairs))

    def __call__(self) -> Any:
        return self.items[bisect_right(self.cum, self.rng.random() * self.cum[-1])]


class Generator:
    """Random sources, name pools and the rows waiting to be loaded (table name -> dicts)."""

    def __init__(self, seed: int, anchor: datetime) -> None:
        self.rng = random.Random(seed)
        self.ids = random.Random(seed + 1)
        self.now = anchor
        fake = Faker("en_US")
        fake.seed_instance(seed)
        self.first_names = [fake.first_name() for _ in range(300)]
        self.last_names = [fake.last_name() for _ in range(500)]
        words = [*d.STREET_WORDS, *self.last_names[:60]]
        self.streets = [
            f"{self.rng.choice(words)} {self.rng.choice(d.STREET_TYPES)}" for _ in range(400)
        ]
        self.rows: dict[str, list[dict[str, Any]]] = defaultdict(list)

    def uid(self) -> UUID:
        return UUID(int=self.ids.getrandbits(128), version=4)

    def day_time(self, days_ago: int) -> datetime:
        """A business-hours moment (08:30-18:00 US Central) ``days_ago`` days before the anchor."""
        return self.now - timedelta(days=days_ago, seconds=-self.rng.randint(48600, 82800))

    def load(self, session: Session) -> None:
        """COPY every collected row, parents before children."""
        cursor = session.connection().connection.driver_connection.cursor()
        for table in SQLModel.metadata.sorted_tables:
            rows = self.rows.pop(table.name, None)
            if not rows:
                continue
            cols = list(rows[0])
            jsonb = [isinstance(table.c[c].type, JSONB) for c in cols]
            names = ", ".join(f'"{c}"' for c in cols)
            with cursor.copy(f"COPY {table.name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    values = row.values()
                    copy.write_row(
                        [json.dumps(v) if j else v for v, j in zip(values, jsonb, strict=True)]
                    )


@dataclass
class Deal:
    id: UUID
    pipe: dict[str, Any]
    path: list[dict[str, Any]]  # stages visited, in order
    times: list[datetime]  # when each stage was entered (ascending)
    owner: UUID
    value: Decimal
    lead: int = -1
    name: str = ""
    closed_reason: str | None = None
    competitor: str | None = None
    expected: date | None = None
    team: list[UUID] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.path[-1]["kind"]
