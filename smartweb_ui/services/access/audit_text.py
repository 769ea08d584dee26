"""The audit trail in words: "deal Hancock Painting moved from Discovery to Proposal by
Morgan Reyes". Names, not ids, in the words the app uses ("deal", not "opportunity"); and the
name search the audit page offers ("Hancock" finds every change of that deal and its lead).

Names are looked up once per page of rows (one query per kind of thing on the page).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlmodel import Session

from ..core.security import Actor

# What the app calls each kind of audited thing.
NOUNS = {
    "opportunity": "deal",
    "lead": "lead",
    "company": "company",
    "contact": "contact",
    "task": "task",
    "user": "user",
    "role": "role",
    "pipeline": "pipeline",
    "pipeline_stage": "stage",
    "saved_view": "saved view",
    "session": "session",
    "interaction": "activity",
    "organization": "organization",
    "lead_import": "import",
}
# SQL giving (id, name) for ids of a kind; every query is limited to the organization.
NAME_SQL = {
    "opportunity": "SELECT id, name FROM opportunities WHERE organization_id = :org AND id = ANY(:ids)",
    "lead": "SELECT l.id, c.name FROM leads l JOIN companies c ON c.id = l.company_id "
    "WHERE l.organization_id = :org AND l.id = ANY(:ids)",
    "company": "SELECT id, name FROM companies WHERE organization_id = :org AND id = ANY(:ids)",
    "user": "SELECT id, coalesce(nullif(full_name, ''), email) FROM users "
    "WHERE organization_id = :org AND id = ANY(:ids)",
    "role": "SELECT id, name FROM roles WHERE organization_id = :org AND id = ANY(:ids)",
    "pipeline": "SELECT id, name FROM pipelines WHERE organization_id = :org AND id = ANY(:ids)",
    "pipeline_stage": "SELECT id, name FROM pipeline_stages WHERE organization_id = :org "
    "AND id = ANY(:ids)",
    "task": "SELECT id, title FROM tasks WHERE organization_id = :org AND id = ANY(:ids)",
    "saved_view": "SELECT id, name FROM saved_views WHERE organization_id = :org AND id = ANY(:ids)",
}
# Which fields of a diff hold ids of which kind (shown as names).
ID_FIELDS = {
    "current_stage_id": "pipeline_stage",
    "stage_id": "pipeline_stage",
    "owner_id": "user",
    "assigned_to": "user",
    "assignee_id": "user",
    "role_id": "role",
    "pipeline_id": "pipeline",
    "company_id": "company",
}
FIELD_LABELS = {
    "current_stage_id": "stage",
    "owner_id": "owner",
    "assigned_to": "assignee",
    "assignee_id": "assignee",
    "expected_close_date": "expected close",
    "actual_close_date": "close date",
    "closed_reason": "reason",
    "competitor_won": "competitor",
    "weighted_value": "weighted value",
    "wip_limit": "WIP limit",
    "wip_hard": "hard WIP limit",
    "rotting_days": "rotting days",
    "is_won": "won stage",
    "is_lost": "lost stage",
}
# Fields a reader never needs (bookkeeping).
HIDDEN_FIELDS = {"version", "position", "updated_at", "weighted_value", "probability"}
VERBS = {
    "create": "created",
    "update": "updated",
    "delete": "deleted",
    "move": "moved",
    "undo_move": "moved back",
    "reorder": "reordered",
    "rename": "renamed",
    "convert": "converted to a deal",
    "assign": "assigned",
    "complete": "completed",
    "permission": "permissions changed",
    "sign_in": "signed in",
    "sign_out": "signed out",
    "sessions_ended": "signed out everywhere",
    "export": "exported",
}


def _ids(raw: Iterable[Any]) -> list[UUID]:
    out = []
    for value in raw:
        try:
            out.append(UUID(str(value)))
        except (TypeError, ValueError):
            continue
    return out


def names_for(
    session: Session, actor: Actor, wanted: dict[str, set[UUID]]
) -> dict[tuple[str, str], str]:
    """{(kind, id): name} for the ids of each kind (what the org can see of them)."""
    out: dict[tuple[str, str], str] = {}
    for kind, ids in wanted.items():
        sql = NAME_SQL.get(kind)
        if not sql or not ids:
            continue
        for rid, name in session.execute(
            text(sql), {"org": actor.organization_id, "ids": sorted(ids)}
        ).all():
            if name:
                out[(kind, str(rid))] = str(name)
    return out


def wanted_names(rows: Iterable[Any]) -> dict[str, set[UUID]]:
    """The ids a page of audit rows names: each row's entity and the ids in its diff."""
    wanted: dict[str, set[UUID]] = {}
    for row in rows:
        if row.entity_id is not None:
            wanted.setdefault(row.entity_type, set()).add(row.entity_id)
        for side in ("before", "after"):
            for key, value in ((row.changes or {}).get(side) or {}).items():
                kind = ID_FIELDS.get(key)
                if kind and value:
                    wanted.setdefault(kind, set()).update(_ids([value]))
    return wanted


def _value(key: str, value: Any, names: dict[tuple[str, str], str]) -> str:
    if value is None or value == "":
        return "none"
    kind = ID_FIELDS.get(key)
    if kind:
        return names.get((kind, str(value)), "(removed)")
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, (list, dict)):
        return ", ".join(map(str, value)) if isinstance(value, list) else "…"
    return str(value)


def thing(row: Any, names: dict[tuple[str, str], str]) -> str:
    """``deal Hancock Painting`` (the kind as the app says it, and the name)."""
    kind = str(row.entity_type)
    noun = NOUNS.get(kind) or kind.replace("_", " ")
    name = names.get((row.entity_type, str(row.entity_id))) if row.entity_id else None
    if name is None and row.entity_id is not None:
        # A deleted thing: the name its own row recorded, if any.
        recorded = ((row.changes or {}).get("before") or {}).get("name") or (
            (row.changes or {}).get("after") or {}
        ).get("name")
        name = str(recorded) if recorded else "(removed)"
    return f"{noun} {name}" if name else noun


def sentence(row: Any, who: str, names: dict[tuple[str, str], str]) -> str:
    """One line a person reads: what happened to which thing, by whom."""
    verb_key = row.action.split(".", 1)[-1]
    verb = VERBS.get(verb_key, verb_key.replace("_", " "))
    if row.entity_type == "session" or row.action.startswith("auth."):
        return f"{who} {verb}"  # "Morgan Reyes signed in": the session is not a thing to name
    subject = thing(row, names)
    before = (row.changes or {}).get("before") or {}
    after = (row.changes or {}).get("after") or {}
    detail = ""
    if "current_stage_id" in after or "current_stage_id" in before:
        detail = (
            f" from {_value('current_stage_id', before.get('current_stage_id'), names)}"
            f" to {_value('current_stage_id', after.get('current_stage_id'), names)}"
        )
    elif verb_key == "rename" and "name" in after:
        detail = f" to {after['name']}"
    return f"{subject} {verb}{detail} by {who}"


def change_details(row: Any, names: dict[tuple[str, str], str]) -> str:
    """The fields that changed, labelled, with names for ids ("owner: Jo Lee → Sam Park")."""
    before = (row.changes or {}).get("before") or {}
    after = (row.changes or {}).get("after") or {}
    parts = []
    for key in [k for k in {**before, **after} if k not in HIDDEN_FIELDS]:
        if key == "current_stage_id":
            continue  # in the sentence
        label = FIELD_LABELS.get(key, key.replace("_", " "))
        if key in before and key in after:
            old, new = _value(key, before[key], names), _value(key, after[key], names)
            parts.append(f"{label}: {old} → {new}")
        else:  # recorded on one side only (a creation, a deletion): just the value
            value = before.get(key) if key in before else after.get(key)
            parts.append(f"{label}: {_value(key, value, names)}")
        if len(parts) == 4:
            break
    return "; ".join(parts)


# The audit page's name search: rows whose entity is named like the search text.
NAME_SEARCH_SQL = """
    audit_logs.entity_id IN (
        SELECT id FROM opportunities WHERE organization_id = :org AND name ILIKE :q
        UNION ALL
        SELECT l.id FROM leads l JOIN companies c ON c.id = l.company_id
         WHERE l.organization_id = :org AND c.name ILIKE :q
        UNION ALL
        SELECT id FROM companies WHERE organization_id = :org AND name ILIKE :q
        UNION ALL
        SELECT id FROM users WHERE organization_id = :org AND (full_name ILIKE :q OR email ILIKE :q)
        UNION ALL
        SELECT id FROM pipeline_stages WHERE organization_id = :org AND name ILIKE :q
        UNION ALL
        SELECT id FROM pipelines WHERE organization_id = :org AND name ILIKE :q
        UNION ALL
        SELECT id FROM roles WHERE organization_id = :org AND name ILIKE :q
    )
"""
