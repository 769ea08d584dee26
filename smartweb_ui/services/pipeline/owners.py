"""Whose deals a transaction wrote, for the change feed (``changes.mark_deal_owners``): noted
as the ORM flushes each deal, with its owner before and after, so no service has to."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session as OrmSession

from ...models import Opportunity
from ..core.changes import mark_deal_owners


@event.listens_for(OrmSession, "before_flush")
def _note_owners(session: OrmSession, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Opportunity) and obj.organization_id is not None:
            before: list[UUID | None] = list(inspect(obj).attrs.owner_id.history.deleted or ())
            mark_deal_owners(session, obj.organization_id, obj.id, [obj.owner_id, *before])
