"""The state one organization's seed shares between its sections, and ``add`` to queue rows."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlmodel import Session

from .generator import Deal, Generator, Weighted, row_template


class OrgContext:
    """One organization being seeded; the section mixins build on it.

    Attributes declared without a value are set by the section that owns them (in
    ``_OrgSeed.run`` order) and read by the later ones.
    """

    # OrgPeopleMixin
    org_id: UUID
    users: dict[str, UUID]  # login key ("admin", "rep", ...) -> user id
    names: dict[UUID | None, str]  # user id -> full name (looked up with None for no user)
    reps: list[UUID]
    manager: UUID
    admin: UUID
    pick_owner: Weighted
    pipes: list[dict[str, Any]]
    # LeadsMixin
    free_leads: list[int]  # company indexes not linked to a deal
    lead_ids: list[UUID]
    lead_kinds: Weighted
    deal_kinds: Weighted
    call_outcome: Weighted
    # ProposalsMixin
    products: list[dict[str, Any]]
    core_products: list[dict[str, Any]]
    proposal_sets: list[list[dict[str, Any]]]
    contract_rows: list[dict[str, Any]]
    term: dict[UUID, int]  # proposal id -> months of recurring service (0: project)

    def __init__(self, gen: Generator, session: Session, spec: dict[str, Any], pw: str) -> None:
        self.g, self.rng, self.s, self.spec, self.pw = gen, gen.rng, session, spec, pw
        self.now = gen.now
        self.logins: list[tuple[str, str]] = []
        self.companies: list[dict[str, Any]] = []
        self.meta: list[dict[str, Any]] = []  # per company: contact, city, trade... for texts
        self.leads: list[dict[str, Any]] = []
        self.deals: list[Deal] = []
        self.touch: dict[int, list[Any]] = {}  # lead index -> [first, last, attempts]
        self.events: dict[int, list[tuple[datetime, str | None, str]]] = defaultdict(list)

    def add(self, table: str, **values: Any) -> dict[str, Any]:
        """Queue a row: the table's defaults overridden by ``values`` (organization set)."""
        template = row_template(table)
        row = {**template, "organization_id": self.org_id, **values}
        if len(row) != len(template):
            raise KeyError(f"unknown column for {table}: {set(row) - set(template)}")
        self.g.rows[table].append(row)
        return row
