"""Versions of a proposal: "Revise" makes version n+1 (lines and sections copied), the history
of a number, and a diff of lines, sections and totals between any two versions."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from sqlmodel import Session, col, select

from ...models import Opportunity, Proposal, ProposalLineItem, ProposalStatus
from ...models.base import utcnow
from ..core import audit
from ..core.errors import Conflict, Forbidden, Invalid, NotFound
from ..core.formatting import format_datetime, format_money
from ..core.org import org_context
from ..core.scope import can_edit_deal
from ..core.security import Actor, require
from .builder import SECTIONS, _lines
from .proposals import STATUS_LABELS, load_proposal

COPIED = [
    "opportunity_id",
    "proposal_number",
    "title",
    "contact_id",
    "valid_until",
    "executive_summary",
    "scope_of_work",
    "terms_and_conditions",
    "custom_sections",
    "subtotal",
    "discount_type",
    "discount_amount",
    "discount_percentage",
    "tax_rate",
    "tax_amount",
    "total_amount",
    "template_id",
]
LINE_COPIED = [
    "product_id",
    "position",
    "description",
    "quantity",
    "unit_price",
    "discount_percentage",
    "tax_rate",
    "line_total",
]


@dataclass(frozen=True)
class VersionRow:
    id: str
    version: int
    status: str
    status_label: str
    total: str
    created: str
    is_latest: bool


def _versions(session: Session, proposal: Proposal) -> list[Proposal]:
    return list(
        session.exec(
            select(Proposal)
            .where(
                Proposal.organization_id == proposal.organization_id,
                Proposal.proposal_number == proposal.proposal_number,
                col(Proposal.deleted_at).is_(None),
            )
            .order_by(col(Proposal.version))
        ).all()
    )


def history(session: Session, actor: Actor, proposal_id: str | UUID) -> list[VersionRow]:
    """Every version of the proposal's number, newest first."""
    proposal = load_proposal(session, actor, proposal_id)
    org = org_context(session, actor)
    return [
        VersionRow(
            id=str(p.id),
            version=p.version,
            status=p.status.value,
            status_label=STATUS_LABELS[p.status.value],
            total=format_money(p.total_amount, org.currency, cents=True),
            created=format_datetime(p.created_at, org.tz),
            is_latest=p.is_latest,
        )
        for p in reversed(_versions(session, proposal))
    ]


def revise(session: Session, actor: Actor, proposal_id: str | UUID) -> str:
    """Version n+1 of the latest version as a draft (same number); returns its id."""
    require(actor, "proposals.write")
    proposal = load_proposal(session, actor, proposal_id, lock=True)

    owner = session.exec(
        select(Opportunity.owner_id).where(Opportunity.id == proposal.opportunity_id)
    ).first()
    if not (can_edit_deal(actor, owner) or proposal.created_by == actor.user_id):
        raise Forbidden("Only the deal's owner or a manager revises this proposal.")
    versions = session.exec(
        select(Proposal)
        .where(
            Proposal.organization_id == proposal.organization_id,
            Proposal.proposal_number == proposal.proposal_number,
        )
        .order_by(col(Proposal.version))
        .with_for_update()
    ).all()
    latest = versions[-1]
    if any(v.status == ProposalStatus.ACCEPTED for v in versions):
        raise Conflict("This proposal was accepted and is locked.")
    if latest.status == ProposalStatus.DRAFT:
        raise Invalid(f"Version {latest.version} is still a draft: edit it instead.")
    new = Proposal(
        organization_id=latest.organization_id,
        version=latest.version + 1,
        created_by=actor.user_id,
        is_latest=True,
        **{k: getattr(latest, k) for k in COPIED},
    )
    new.custom_sections = [dict(s) for s in latest.custom_sections or []]
    for v in versions:
        if v.is_latest:
            v.is_latest = False
            v.updated_at = utcnow()
            session.add(v)
    session.flush()
    session.add(new)
    session.flush()
    for li in _lines(session, latest):
        session.add(
            ProposalLineItem(
                organization_id=latest.organization_id,
                proposal_id=new.id,
                **{k: getattr(li, k) for k in LINE_COPIED},
            )
        )
    session.flush()
    audit.record(
        session,
        actor,
        "proposal.revise",
        "proposal",
        new.id,
        before={"version": latest.version, "id": latest.id},
        after={"version": new.version, "number": new.proposal_number},
    )
    return str(new.id)


# ------------------------------------------------------------------ diff
@dataclass(frozen=True)
class LineChange:
    kind: str  # added / removed / changed
    description: str
    before: str
    after: str


@dataclass(frozen=True)
class SectionChange:
    title: str
    before: str
    after: str


@dataclass(frozen=True)
class TotalChange:
    label: str
    before: str
    after: str
    changed: bool


@dataclass(frozen=True)
class VersionDiff:
    from_version: int
    to_version: int
    lines: list[LineChange] = field(default_factory=list)
    sections: list[SectionChange] = field(default_factory=list)
    totals: list[TotalChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.lines and not self.sections and not any(t.changed for t in self.totals)


def _line_text(li: ProposalLineItem, currency: str) -> str:
    text = f"{li.quantity.normalize():f} × {format_money(li.unit_price, currency, cents=True)}"
    if li.discount_percentage:
        text += f" −{li.discount_percentage.normalize():f} %"
    return f"{text} = {format_money(li.line_total, currency, cents=True)}"


def _line_key(li: ProposalLineItem) -> tuple[str, str]:
    return (str(li.product_id or ""), li.description)


def _sections_of(p: Proposal) -> dict[str, tuple[str, str]]:
    out = {k: (t, getattr(p, k) or "") for k, t in SECTIONS.items()}
    for s in p.custom_sections or []:
        if isinstance(s, dict):
            title = str(s.get("title", ""))
            out[f"custom:{title}"] = (title, str(s.get("body", "")))
    return out


def diff_versions(
    session: Session, actor: Actor, from_id: str | UUID, to_id: str | UUID
) -> VersionDiff:
    """What changed from one version to another of the same proposal number."""
    a = load_proposal(session, actor, from_id)
    b = load_proposal(session, actor, to_id)
    if a.proposal_number != b.proposal_number:
        raise NotFound("Those are not versions of the same proposal.")
    cur = org_context(session, actor).currency
    old = {_line_key(li): li for li in _lines(session, a)}
    new = {_line_key(li): li for li in _lines(session, b)}
    lines: list[LineChange] = []
    for key, li in new.items():
        if key not in old:
            lines.append(LineChange("added", li.description, "", _line_text(li, cur)))
        else:
            before, after = _line_text(old[key], cur), _line_text(li, cur)
            if before != after or old[key].tax_rate != li.tax_rate:
                lines.append(LineChange("changed", li.description, before, after))
    for key, li in old.items():
        if key not in new:
            lines.append(LineChange("removed", li.description, _line_text(li, cur), ""))
    sa_, sb = _sections_of(a), _sections_of(b)
    sections = [
        SectionChange((sb.get(k) or sa_[k])[0], sa_.get(k, ("", ""))[1], sb.get(k, ("", ""))[1])
        for k in dict.fromkeys([*sa_, *sb])
        if sa_.get(k, ("", ""))[1] != sb.get(k, ("", ""))[1]
    ]

    def money(v: Decimal) -> str:
        return format_money(v, cur, cents=True)

    totals = [
        TotalChange(label, money(x), money(y), x != y)
        for label, x, y in (
            ("Subtotal", a.subtotal, b.subtotal),
            ("Discount", a.discount_amount, b.discount_amount),
            ("Tax", a.tax_amount, b.tax_amount),
            ("Total", a.total_amount, b.total_amount),
        )
    ]
    return VersionDiff(a.version, b.version, lines, sections, totals)
