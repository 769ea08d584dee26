"""Contacts: the people at each company (the lead's decision maker first, sometimes a second)."""

from __future__ import annotations

import random
from datetime import timedelta

from .context import OrgContext

SECOND_ROLES = ["office manager", "bookkeeper", "operations manager", "co-owner", "dispatcher"]


class ContactsMixin(OrgContext):
    """Adds ``contacts`` for every company and addresses each proposal to its primary contact."""

    def _contacts(self) -> None:
        # Its own random stream, so the sections seeded before keep their data.
        rng = random.Random(f"contacts:{self.spec['slug']}")
        primary: dict[int, object] = {}
        for i, (company, meta) in enumerate(zip(self.companies, self.meta, strict=True)):
            first, last = meta["contact_full"].split(" ", 1)
            domain = company["website_domain"]
            at = company["created_at"] + timedelta(hours=rng.randint(1, 48))
            at = min(at, self.now)
            email = f"{first.lower()}@{domain}" if domain else company["email"]
            row = self.add(
                "contacts",
                id=self.g.uid(),
                company_id=company["id"],
                full_name=meta["contact_full"],
                role=meta["role"].title(),
                phone=company["phone"],
                email=email,
                is_primary=True,
                created_at=at,
                updated_at=at,
            )
            primary[i] = row["id"]
            if rng.random() < 0.35:
                other = rng.choice(self.g.first_names)
                self.add(
                    "contacts",
                    id=self.g.uid(),
                    company_id=company["id"],
                    full_name=f"{other} {rng.choice([last, *self.g.last_names[:40]])}",
                    role=rng.choice(SECOND_ROLES).title(),
                    phone=f"{company['phone'][:6]} {rng.randint(201, 998)}-{rng.randint(0, 9999):04d}"
                    if company["phone"]
                    else None,
                    email=f"{other.lower()}@{domain}" if domain and rng.random() < 0.7 else None,
                    created_at=at,
                    updated_at=at,
                )
        deal_company = {dl.id: dl.lead for dl in self.deals}
        for row in self.g.rows.get("proposals", []):
            if row["organization_id"] == self.org_id and row["opportunity_id"] in deal_company:
                row["contact_id"] = primary.get(deal_company[row["opportunity_id"]])
