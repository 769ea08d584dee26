"""Changes to leads: assign, tag, status workflow (one lead or a selection, all or nothing)."""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlmodel import Session, col, delete

from ...models import LeadStatus, LeadTag
from ...models.base import utcnow
from ..access.abilities import ensure, holders, load_holder
from ..core import audit
from ..core.errors import Invalid
from ..core.results import Option
from ..core.scope import load_lead, load_leads
from ..core.security import Actor, require
from ..core.text import clean_text

# The status workflow: new -> contacted -> qualified -> converted (converted only through
# "Convert to deal"); unqualified / lost from any open status, with a reason; both reopenable.
TRANSITIONS: dict[LeadStatus, set[LeadStatus]] = {
    LeadStatus.NEW: {LeadStatus.CONTACTED, LeadStatus.UNQUALIFIED, LeadStatus.LOST},
    LeadStatus.CONTACTED: {LeadStatus.QUALIFIED, LeadStatus.UNQUALIFIED, LeadStatus.LOST},
    LeadStatus.QUALIFIED: {LeadStatus.CONTACTED, LeadStatus.UNQUALIFIED, LeadStatus.LOST},
    LeadStatus.UNQUALIFIED: {LeadStatus.CONTACTED},
    LeadStatus.LOST: {LeadStatus.CONTACTED},
    LeadStatus.CONVERTED: set(),
}
NEEDS_REASON = {LeadStatus.LOST, LeadStatus.UNQUALIFIED}
TAG_RE = re.compile(r"^[a-z0-9][a-z0-9 _\-/&+.]{0,39}$")
MAX_BULK = 1000


def next_statuses(status: LeadStatus | str) -> list[str]:
    current = LeadStatus(status)
    order = list(LeadStatus)
    return [s.value for s in sorted(TRANSITIONS[current], key=order.index)]


def _check_bulk(lead_ids: list[Any]) -> None:
    if not lead_ids:
        raise Invalid("Select at least one lead.")
    if len(lead_ids) > MAX_BULK:
        raise Invalid(f"Select at most {MAX_BULK} leads at a time.")


def assign_leads(
    session: Session, actor: Actor, lead_ids: list[str | UUID], user_id: str | UUID | None
) -> int:
    """Assign the leads to one active person (None/'' unassigns). Returns how many changed."""
    require(actor, "leads.assign")
    _check_bulk(lead_ids)
    target = load_holder(session, actor, user_id, "lead") if user_id not in (None, "") else None
    leads = load_leads(session, actor, lead_ids)
    for lead in leads:
        ensure(actor, "assign", lead)
    now = utcnow()
    changed = 0
    for lead in leads:
        if lead.assigned_to == target:
            continue
        before = audit.snapshot(lead, ["assigned_to"])
        lead.assigned_to, lead.assigned_at, lead.updated_at = target, (now if target else None), now
        session.add(lead)
        audit.record(
            session,
            actor,
            "lead.assign",
            "lead",
            lead.id,
            before=before,
            after={"assigned_to": target},
        )
        changed += 1
    session.flush()
    return changed


def clean_tag(tag: str) -> str:
    value = re.sub(r"\s+", " ", (tag or "").strip().lower())
    if not TAG_RE.match(value):
        raise Invalid("Tags are 1–40 characters: letters, digits, spaces and - _ / & + .")
    return value


def tag_leads(
    session: Session, actor: Actor, lead_ids: list[str | UUID], tag: str, *, remove: bool = False
) -> int:
    """Add (or remove) a tag on every selected lead. Returns how many leads changed."""
    require(actor, "leads.write")
    _check_bulk(lead_ids)
    value = clean_tag(tag)
    leads = load_leads(session, actor, lead_ids)
    for lead in leads:
        ensure(actor, "tag", lead)
    ids = [lead.id for lead in leads]
    if remove:
        result = session.exec(
            delete(LeadTag)
            .where(
                col(LeadTag.organization_id) == actor.organization_id,
                col(LeadTag.lead_id).in_(ids),
                col(LeadTag.tag) == value,
            )
            .returning(col(LeadTag.lead_id))
        )
    else:
        result = session.execute(
            pg_insert(LeadTag)
            .values(
                [
                    {
                        "organization_id": actor.organization_id,
                        "lead_id": i,
                        "tag": value,
                        "created_by": actor.user_id,
                    }
                    for i in ids
                ]
            )
            .on_conflict_do_nothing(index_elements=["lead_id", "tag"])
            .returning(col(LeadTag.lead_id))
        )
    touched = [row[0] for row in result.all()]
    action = "lead.untag" if remove else "lead.tag"
    for lead_id in touched:
        audit.record(session, actor, action, "lead", lead_id, after={"tag": value})
    session.flush()
    return len(touched)


def check_transition(current: LeadStatus | str, status: LeadStatus, reason: str) -> None:
    """Raise Invalid unless ``current -> status`` is allowed (with its reason)."""
    current = LeadStatus(current)
    if status == current:
        return
    if status == LeadStatus.CONVERTED:
        raise Invalid("Use “Convert to deal” to convert a lead.")
    if status not in TRANSITIONS[current]:
        raise Invalid(f"A {current.value} lead cannot move to {status.value}.")
    if status in NEEDS_REASON and not reason:
        raise Invalid(f"Give a reason to mark a lead {status.value}.")


def _apply_status(
    session: Session, actor: Actor, lead: Any, status: LeadStatus, reason: str, *, action: str
) -> bool:
    current = LeadStatus(lead.status)
    if status == current:
        return False
    check_transition(current, status, reason)
    before = audit.snapshot(lead, ["status", "lost_reason", "qualified_at"])
    now = utcnow()
    lead.status = status
    if status in NEEDS_REASON:
        lead.lost_reason = reason
    elif current in NEEDS_REASON:
        lead.lost_reason = None
    if status == LeadStatus.QUALIFIED:
        lead.qualified_at, lead.qualified_by = now, str(actor.user_id)
    lead.updated_at = now
    session.add(lead)
    audit.record(
        session, actor, action, "lead", lead.id,
        before=before, after=audit.snapshot(lead, ["status", "lost_reason", "qualified_at"]),
    )  # fmt: skip
    return True


def _status(value: str) -> LeadStatus:
    try:
        return LeadStatus(str(value).strip().lower())
    except ValueError:
        raise Invalid("Unknown status.") from None


def set_status(
    session: Session, actor: Actor, lead_id: str | UUID, status: str, reason: str = ""
) -> str:
    """Move one lead along the workflow (a reason is required for lost / unqualified)."""
    require(actor, "leads.write")
    target = _status(status)
    lead = load_lead(session, actor, lead_id, for_update=True)
    ensure(actor, "status", lead)
    reason = clean_text(reason, "The reason", max_length=500)
    _apply_status(session, actor, lead, target, reason, action="lead.status")
    session.flush()
    return lead.status.value


def bulk_set_status(
    session: Session, actor: Actor, lead_ids: list[str | UUID], status: str, reason: str = ""
) -> int:
    """The same status for every selected lead; one disallowed move means nothing changes."""
    require(actor, "leads.write")
    _check_bulk(lead_ids)
    target = _status(status)
    leads = load_leads(session, actor, lead_ids)
    reason = (reason or "").strip()[:500]
    for lead in leads:  # validate every move before changing any lead
        check_transition(lead.status, target, reason)
    changed = sum(
        _apply_status(session, actor, lead, target, reason, action="lead.status") for lead in leads
    )
    session.flush()
    return changed


def mark_contacted(session: Session, actor: Actor, lead: Any) -> None:
    """A new lead that was just contacted moves to 'contacted' (audited)."""
    if LeadStatus(lead.status) == LeadStatus.NEW:
        _apply_status(session, actor, lead, LeadStatus.CONTACTED, "", action="lead.status")


def user_choices(session: Session, actor: Actor) -> list[Option]:
    """The people a lead may be assigned to (assign menus, task assignees, the owner filter)."""
    return holders(session, actor, "lead")
