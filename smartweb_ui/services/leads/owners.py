"""Whose leads a transaction wrote, for the change feed (``changes.mark_lead_owners``): noted
as the ORM flushes each lead (its assignee before and after) and each interaction or task of a
lead (that lead's assignee, when the lead is loaded in the session), so no service has to. A
row whose lead is not at hand is not noted, and its change then says "not known"."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm.util import identity_key

from ...models import Interaction, Lead, Task
from ..core.changes import mark_lead_owners


def _assignees(lead: Lead) -> list[UUID | None]:
    """The lead's assignee now and before this flush (None: nobody)."""
    return [lead.assigned_to, *(inspect(lead).attrs.assigned_to.history.deleted or ())]


@event.listens_for(OrmSession, "before_flush")
def _note_lead_owners(session: OrmSession, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Lead) and obj.organization_id is not None:
            mark_lead_owners(session, obj.organization_id, "lead", obj.id, _assignees(obj))
        elif isinstance(obj, (Interaction, Task)) and obj.organization_id is not None:
            kind = "interaction" if isinstance(obj, Interaction) else "task"
            if obj.lead_id is None:  # a deal's task: in no inbox
                mark_lead_owners(session, obj.organization_id, kind, obj.id, [])
                continue
            lead = session.identity_map.get(identity_key(Lead, obj.lead_id))
            if isinstance(lead, Lead):
                mark_lead_owners(session, obj.organization_id, kind, obj.id, _assignees(lead))
