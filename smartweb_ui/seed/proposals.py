"""The product catalog, proposal versions with line items, and contracts for accepted ones."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from . import data as d
from .context import OrgContext
from .generator import HUNDRED, Deal, q, row_template


class ProposalsMixin(OrgContext):
    """Sets ``products``; numbers and queues proposals and contracts (may change deal values)."""

    def _catalog(self) -> None:
        stamps = {"created_at": self.now - timedelta(days=400)}
        stamps["updated_at"] = stamps["created_at"]
        self.products = []
        for sku, name, category, unit, price, cost, tax, recurring in d.PRODUCTS:
            self.products.append(
                self.add(
                    "products",
                    id=self.g.uid(),
                    sku=sku,
                    name=name,
                    description=f"{name} for trade businesses.",
                    category=category,
                    unit=unit,
                    unit_price=Decimal(price),
                    cost=Decimal(cost),
                    tax_rate=Decimal(tax),
                    is_recurring=recurring,
                    **stamps,
                )
            )
        self.core_products = [p for p in self.products if p["sku"] in d.CORE_SKUS]

    def _proposals(self) -> None:
        """Proposals for deals at/after the proposal stage (drafts just before it); numbering."""
        rng = self.rng
        self.proposal_sets = []
        self.contract_rows = []
        self.term = {}  # proposal id -> months of recurring service (0: project)
        for dl in self.deals:
            names = [s["name"] for s in dl.path]
            pstage = dl.pipe["spec"]["proposal_stage"]
            share = 1.0 if dl.pipe["index"] == 0 else 0.4
            at = [s["name"] for s in dl.pipe["open"]].index(pstage)
            here = dl.pipe["open"].index(dl.path[-1]) if dl.kind == "open" else -1
            if dl.kind == "open" and here >= at:
                chance = 0.85 * share
            elif dl.kind != "open" and pstage in names:
                chance = (0.6 if dl.kind == "won" else 0.3) * share
            elif here == at - 1:
                chance, pstage = 0.25 * share, None
            else:
                continue
            if rng.random() < chance:
                self._proposal_set(dl, pstage)
        self.proposal_sets.sort(key=lambda versions: versions[0]["created_at"])
        self.contract_rows.sort(key=lambda row: row["created_at"])
        seq: dict[tuple[str, int], int] = defaultdict(int)
        for versions in self.proposal_sets:
            number = _number(seq, "P", versions[0]["created_at"])
            for version in versions:
                version["proposal_number"] = number
                self.g.rows["proposals"].append(version)
        for row in self.contract_rows:
            row["contract_number"] = _number(seq, "C", row["created_at"])
            self.g.rows["contracts"].append(row)
        kinds = {"P": "proposal", "C": "contract"}
        for (prefix, year), last in sorted(seq.items()):
            self.add(
                "document_counters",
                kind=kinds[prefix],
                year=year,
                last_value=last,
                updated_at=self.now,
            )

    def _lines(self) -> list[tuple[dict[str, Any], Decimal, Decimal]]:
        """(product, quantity, line discount %) worth at least $3,500 before discounts."""
        rng = self.rng
        lines: list[tuple[dict[str, Any], Decimal, Decimal]] = []
        seen: set[str] = set()
        for p in [rng.choice(self.core_products), *rng.sample(self.products, rng.randint(0, 3))]:
            if p["sku"] in seen:
                continue
            seen.add(p["sku"])
            qty = Decimal(rng.choice([6, 6, 12]) if p["is_recurring"] else 1)
            lines.append((p, qty, Decimal(rng.choice([0, 0, 0, 5, 10, 15]))))
        while sum(p["unit_price"] * qty for p, qty, _ in lines) < 3500:
            p = rng.choice([c for c in self.core_products if c["sku"] not in seen])
            seen.add(p["sku"])
            lines.append((p, Decimal(12 if p["is_recurring"] else 1), Decimal(0)))
        return lines

    def _proposal(
        self,
        dl: Deal,
        lines: list[tuple[dict[str, Any], Decimal, Decimal]],
        version: int,
        dp: Decimal,
        created: datetime,
    ) -> dict[str, Any]:
        """One proposal version with its line items; totals follow the documented formula."""
        pid, subtotal, tax = self.g.uid(), Decimal(0), Decimal(0)
        for pos, (p, qty, disc) in enumerate(lines):
            total = q(qty * p["unit_price"] * (HUNDRED - disc) / HUNDRED)
            subtotal += total
            tax += q(total * (HUNDRED - dp) / HUNDRED * p["tax_rate"] / HUNDRED)
            self.add(
                "proposal_line_items",
                id=self.g.uid(),
                proposal_id=pid,
                product_id=p["id"],
                position=pos,
                description=p["name"],
                quantity=qty,
                unit_price=p["unit_price"],
                discount_percentage=disc,
                tax_rate=p["tax_rate"],
                line_total=total,
                created_at=created,
                updated_at=created,
            )
        self.term[pid] = max((int(qty) for p, qty, _ in lines if p["is_recurring"]), default=0)
        discount = q(subtotal * dp / HUNDRED)
        meta = self.meta[dl.lead]
        row = {**row_template("proposals"), "organization_id": self.org_id}
        row |= {
            "id": pid,
            "opportunity_id": dl.id,
            "version": version,
            "title": f"{meta['company']} – {dl.name.split(' – ')[-1]}",
            "valid_until": (created + timedelta(days=30)).date(),
            "executive_summary": d.PROPOSAL_SUMMARY.format(**meta),
            "scope_of_work": "\n".join(f"- {p['name']} × {qty.normalize()}" for p, qty, _ in lines),
            "terms_and_conditions": d.PROPOSAL_TERMS,
            "custom_sections": d.PROPOSAL_SECTIONS,
            "subtotal": subtotal,
            "discount_amount": discount,
            "discount_percentage": dp,
            "tax_rate": max(p["tax_rate"] for p, _, _ in lines),
            "tax_amount": tax,
            "total_amount": subtotal - discount + tax,
            "is_latest": True,
            "sent_to_email": meta["email"],
            "created_by": dl.owner,
            "created_at": created,
            "updated_at": created,
        }
        return row

    def _proposal_set(self, dl: Deal, pstage: str | None) -> None:
        """A deal's proposal versions (v1 rejected + v2 after a negotiation, sometimes)."""
        rng, limit = self.rng, self.now - timedelta(minutes=30)
        lines, dp = self._lines(), Decimal(rng.choice([0, 0, 0, 5, 10]))
        if pstage is None:  # a draft for a deal about to reach the proposal stage
            created = min(dl.times[-1] + timedelta(hours=rng.randint(2, 72)), limit)
            self.proposal_sets.append([self._proposal(dl, lines, 1, dp, created)])
            dl.value = self.proposal_sets[-1][0]["total_amount"]
            return
        idx = [s["name"] for s in dl.path].index(pstage)
        closed = dl.times[-1] if dl.kind != "open" else None
        bound = (closed or limit) - timedelta(hours=2)
        sent = min(dl.times[idx] + timedelta(hours=rng.randint(1, 6)), bound)
        v1 = self._proposal(dl, lines, 1, dp, sent - timedelta(hours=rng.randint(1, 10)))
        v1 |= {"sent_at": sent, "status": "sent", "valid_until": (sent + timedelta(days=30)).date()}
        versions = [v1]
        if idx + 1 < len(dl.path) and dl.path[idx + 1]["kind"] == "open" and rng.random() < 0.4:
            rejected = dl.times[idx + 1] + timedelta(hours=rng.randint(1, 8))
            sent2 = rejected + timedelta(hours=rng.randint(4, 40))
            if sent2 < bound:
                v1 |= {
                    "status": "rejected",
                    "rejected_at": rejected,
                    "viewed_at": sent + (rejected - sent) / 3,
                    "view_count": rng.randint(1, 4),
                    "rejection_reason": "Asked for a lower monthly price",
                    "updated_at": rejected,
                }
                v2 = self._proposal(
                    dl, lines, 2, min(dp + 5, Decimal(15)), sent2 - timedelta(hours=1)
                )
                v2 |= {
                    "sent_at": sent2,
                    "status": "sent",
                    "valid_until": (sent2 + timedelta(days=30)).date(),
                }
                v1["is_latest"] = False
                versions.append(v2)
        last = versions[-1]
        viewed = last["sent_at"] + timedelta(hours=rng.uniform(1, 30))
        if closed is not None:
            final = closed - timedelta(hours=rng.randint(0, 20))
            if final <= last["sent_at"]:
                final = last["sent_at"] + (closed - last["sent_at"]) / 2
            last |= {
                "viewed_at": min(viewed, final),
                "view_count": rng.randint(1, 6),
                "updated_at": final,
            }
            if dl.kind == "won":
                last |= {"status": "accepted", "accepted_at": final}
            else:
                last |= {
                    "status": "rejected",
                    "rejected_at": final,
                    "rejection_reason": dl.closed_reason,
                }
        elif viewed < limit and rng.random() < 0.6:
            last |= {
                "status": "viewed",
                "viewed_at": viewed,
                "view_count": rng.randint(1, 5),
                "updated_at": viewed,
            }
        if last["status"] in ("sent", "viewed") and last["valid_until"] < self.now.date():
            last["status"] = "expired"
        self.proposal_sets.append(versions)
        dl.value = last["total_amount"]
        if last["status"] == "accepted":
            self._contract(dl, last)

    def _contract(self, dl: Deal, proposal: dict[str, Any]) -> None:
        rng, meta, total = self.rng, self.meta[dl.lead], proposal["total_amount"]
        months = self.term[proposal["id"]]
        recurring = months > 0
        start = dl.times[-1].date() + timedelta(days=rng.randint(1, 10))
        end = start + timedelta(days=round(30.44 * months) if recurring else 90)
        signed = proposal["accepted_at"] + timedelta(minutes=rng.randint(10, 300))
        if recurring:
            schedule = [
                {
                    "label": "Monthly retainer",
                    "frequency": "monthly",
                    "installments": months,
                    "amount": str(q(total / months)),
                    "starts": start.isoformat(),
                }
            ]
        else:
            half = q(total / 2)
            schedule = [
                {"label": "Deposit (50%)", "due": start.isoformat(), "amount": str(half)},
                {"label": "On completion", "due": end.isoformat(), "amount": str(total - half)},
            ]
        row = {**row_template("contracts"), "organization_id": self.org_id}
        row |= {
            "id": self.g.uid(),
            "proposal_id": proposal["id"],
            "opportunity_id": dl.id,
            "title": f"Service agreement – {meta['company']}",
            "type": "retainer" if recurring else "project",
            "status": "completed" if end < self.now.date() else "active",
            "start_date": start,
            "end_date": end,
            "auto_renew": recurring,
            "renewal_terms": d.RENEWAL_TERMS if recurring else None,
            "total_value": total,
            "payment_terms": "Net 30",
            "payment_schedule": schedule,
            "client_signed_at": signed,
            "client_signed_by": meta["contact_full"],
            "client_signature_ip": f"198.51.100.{rng.randint(1, 254)}",
            "internal_signed_at": signed + timedelta(hours=rng.randint(1, 20)),
            "internal_signed_by": self.manager,
            "docusign_envelope_id": self.g.uid().hex,
            "created_by": dl.owner,
            "created_at": proposal["accepted_at"],
            "updated_at": signed,
        }
        self.contract_rows.append(row)


def _number(seq: dict[tuple[str, int], int], prefix: str, at: datetime) -> str:
    """The next document number of the year, e.g. ``P-2026-0001``."""
    seq[prefix, at.year] += 1
    return f"{prefix}-{at.year}-{seq[prefix, at.year]:04d}"
