"""Companies (the businesses behind the leads), lead tags and enrichment records."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from . import data as d
from .context import OrgContext
from .generator import Weighted


class CompaniesMixin(OrgContext):
    """Fills ``companies`` and ``meta`` (text fields per company); tags and enriches leads."""

    def _companies(self) -> None:
        rng, g, spec = self.rng, self.g, self.spec
        metros = [m for m in d.METROS if spec["metros"] is None or m[0] in spec["metros"]]
        pick_metro = Weighted(rng, [(m, m[7]) for m in metros])
        pick_trade = Weighted(rng, list(spec["trades"].items()))
        phones: set[str] = set()
        emails: set[str] = set()
        domains: set[str] = set()
        alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        for i in range(spec["companies"]):
            btype = pick_trade()
            city, state, tz, areas, lat, lon, zip3, _ = pick_metro()
            first, last = rng.choice(g.first_names), rng.choice(g.last_names)
            word, r = rng.choice(d.TRADE_WORDS[btype]), rng.random()
            if r < 0.45:
                core = f"{last} {word}"
            elif r < 0.75:
                core = f"{rng.choice(d.NAME_ADJECTIVES)} {word}"
            elif r < 0.88:
                core = f"{city} {word}"
            else:
                core = f"{first}'s {word}"
            suffix = rng.choice(d.NAME_SUFFIXES)
            base = re.sub(r"[^a-z0-9]", "", core.lower().replace("&", "and"))[:28]
            tld = rng.choice(d.TLDS)
            domain = base + tld
            while domain in domains:
                domain = f"{base}{rng.randint(2, 99)}{tld}"
            site = rng.random() < 0.8
            if site:
                domains.add(domain)
            email = None
            if rng.random() > 0.04:
                if site and rng.random() < 0.85:
                    local = rng.choice(["info", "office", "service", "contact", first.lower()])
                    email = f"{local}@{domain}"
                else:
                    email = f"{base[:18]}{rng.randint(1, 99)}@{rng.choice(d.FREE_MAIL)}"
                while email in emails:
                    email = f"{base[:18]}{rng.randint(100, 9999)}@{rng.choice(d.FREE_MAIL)}"
                emails.add(email)
            area = rng.choice(areas)
            phone = f"({area}) 555-{rng.randint(100, 9999):04d}"
            while phone in phones:
                phone = f"({area}) {rng.randint(201, 998)}-{rng.randint(0, 9999):04d}"
            phones.add(phone)
            staff = min(400, max(1, int(rng.lognormvariate(2.0, 0.9))))
            rating = None
            if rng.random() > 0.08:
                rating = Decimal(f"{min(5.0, max(2.5, rng.gauss(4.3, 0.5))):.1f}")
            licensed = rng.random() < 0.75
            row = self.add(
                "companies",
                id=g.uid(),
                name=core + suffix,
                dba_name=core if suffix.strip() and rng.random() < 0.1 else None,
                business_type=btype,
                phone=phone,
                email=email,
                website=f"https://www.{domain}" if site else None,
                website_domain=domain if site else None,
                street_address=f"{rng.randint(100, 9899)} {rng.choice(g.streets)}",
                city=city,
                state=state,
                zip_code=f"{zip3}{rng.randint(1, 99):02d}",
                latitude=Decimal(f"{lat + rng.uniform(-0.18, 0.18):.6f}"),
                longitude=Decimal(f"{lon + rng.uniform(-0.18, 0.18):.6f}"),
                years_in_business=int(rng.triangular(1, 45, 8)),
                employee_count=staff,
                annual_revenue=Decimal(staff * rng.randint(90, 180) * 1000)
                if rng.random() > 0.1
                else None,
                google_rating=rating,
                facebook_url=f"https://www.facebook.com/{base}" if rng.random() < 0.55 else None,
                linkedin_url=f"https://www.linkedin.com/company/{base}"
                if rng.random() < 0.2
                else None,
                instagram_url=f"https://www.instagram.com/{base}" if rng.random() < 0.3 else None,
            )
            if licensed:
                row["license_number"] = f"{d.LICENSE_CODES[btype]}-{rng.randint(100000, 999999)}"
                row["license_state"] = state
                row["license_expiry"] = self.now.date() + timedelta(days=rng.randint(-200, 900))
            if rating is not None:
                row["google_business_id"] = f"ChIJ{''.join(rng.choices(alnum, k=12))}{i:06d}"
                row["google_reviews_count"] = min(2500, int(rng.lognormvariate(3.5, 1.1)))
            self.companies.append(row)
            self.meta.append(
                {
                    "contact": first,
                    "contact_full": f"{first} {last}",
                    "company": core + suffix,
                    "trade": d.TRADE_NOUN[btype],
                    "city": city,
                    "tz": tz,
                    "btype": btype,
                    "role": rng.choice(d.CONTACT_ROLES),
                    "crews": rng.randint(2, 12),
                    "reviews": row["google_reviews_count"] or 0,
                    "rating": rating or "n/a",
                    "season": rng.choice(d.SEASONS),
                    "competitor": rng.choice(d.COMPETITORS),
                    "email": email,
                }
            )

    def _tags_and_enrichment(self) -> None:
        rng, g = self.rng, self.g
        for i, lead in enumerate(self.leads):
            tags = rng.sample(d.LEAD_TAGS, rng.choice([0, 0, 1, 1, 1, 2, 2, 3]))
            if lead["source"] == "referral" and "referral" not in tags:
                tags.append("referral")
            for tag in tags:
                self.add(
                    "lead_tags",
                    id=g.uid(),
                    lead_id=lead["id"],
                    tag=tag,
                    created_by=lead["assigned_to"],
                    created_at=lead["created_at"],
                )
            if rng.random() < 0.08:
                company, meta = self.companies[i], self.meta[i]
                at = min(lead["created_at"] + timedelta(hours=rng.randint(1, 48)), self.now)
                data = {
                    "employees_range": _range(company["employee_count"]),
                    "founded": self.now.year - (company["years_in_business"] or 1),
                    "technologies": rng.sample(d.TECHNOLOGIES, 3),
                    "owner_name": meta["contact_full"],
                    "categories": [meta["trade"]],
                }
                self.add(
                    "lead_enrichment",
                    id=g.uid(),
                    lead_id=lead["id"],
                    provider=rng.choice(d.ENRICHMENT_PROVIDERS),
                    data=data,
                    confidence=Decimal(rng.randint(60, 98)),
                    enriched_at=at,
                    created_at=at,
                )


def _range(n: int | None) -> str:
    for hi, label in ((4, "1-4"), (9, "5-9"), (49, "10-49"), (199, "50-199")):
        if (n or 0) <= hi:
            return label
    return "200+"
