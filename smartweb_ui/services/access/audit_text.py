"""The audit trail in words: "deal Hancock Painting moved from Discovery to Proposal by
Morgan Reyes". Names, not ids, in the words the app uses ("deal", not "opportunity"); and the
name search the audit page offers ("Hancock" finds every change of that deal and its lead).

Names are looked up once per page of rows (one query per kind of thing on the page).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlmodel import Session

from ..core.formatting import format_date, format_datetime
from ..core.labels import LABELS
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
    "ai_call": "AI call",
    "approval_request": "approval request",
    "campaign": "campaign",
    "contract": "contract",
    "email": "e-mail",
    "product": "product",
    "proposal": "proposal",
}
# How a thing reads when the plain "<noun> <name>" does not ("AI call to Hancock Painting").
PHRASES = {
    "ai_call": "AI call to {name}",
    "interaction": "{name}",  # the name says which activity: "call with Hancock Painting"
    "approval_request": "approval request for {name}",
    "email": "e-mail {name}",
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
    "contact": "SELECT id, full_name FROM contacts WHERE organization_id = :org AND id = ANY(:ids)",
    "product": "SELECT id, name FROM products WHERE organization_id = :org AND id = ANY(:ids)",
    "campaign": "SELECT id, name FROM ai_call_campaigns WHERE organization_id = :org "
    "AND id = ANY(:ids)",
    "proposal": "SELECT id, proposal_number || ' ' || title FROM proposals "
    "WHERE organization_id = :org AND id = ANY(:ids)",
    "contract": "SELECT id, contract_number || ' ' || title FROM contracts "
    "WHERE organization_id = :org AND id = ANY(:ids)",
    "approval_request": "SELECT r.id, p.proposal_number || ' ' || p.title "
    "FROM proposal_approval_requests r JOIN proposals p ON p.id = r.proposal_id "
    "WHERE r.organization_id = :org AND r.id = ANY(:ids)",
    "email": "SELECT id, '\u201c' || subject || '\u201d to ' || to_email FROM email_outbox "
    "WHERE organization_id = :org AND id = ANY(:ids)",
    "ai_call": "SELECT a.id, c.name FROM ai_calls a JOIN leads l ON l.id = a.lead_id "
    "JOIN companies c ON c.id = l.company_id WHERE a.organization_id = :org AND a.id = ANY(:ids)",
    "interaction": "SELECT i.id, CASE i.type::text WHEN 'note' THEN 'note on ' "
    "WHEN 'ai_call' THEN 'AI call with ' ELSE replace(i.type::text, '_', ' ') || ' with ' END "
    "|| c.name FROM interactions i JOIN leads l ON l.id = i.lead_id "
    "JOIN companies c ON c.id = l.company_id WHERE i.organization_id = :org AND i.id = ANY(:ids)",
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
    "lead_id": "lead",
    "contact_id": "contact",
    "campaign_id": "campaign",
    "proposal_id": "proposal",
    "product_id": "product",
    "opportunity_id": "opportunity",
    "created_by": "user",
    "requested_by": "user",
    "decided_by": "user",
    "approver_id": "user",
    "internal_signed_by": "user",
}
# Stored enum values shown as their labels ("qualified" -> "Qualified").
ENUM_FIELDS = {"status", "source", "type", "business_type", "preferred_contact_method",
               "outcome", "sentiment", "lost_reason", "discount_type", "channel"}  # fmt: skip
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
HIDDEN_FIELDS = {"version", "position", "updated_at", "weighted_value", "probability",
                 "event_id", "provider_call_id", "ai_call_id"}  # fmt: skip
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
    "edit": "edited",
    "call": "logged",
    "email": "logged",
    "meeting": "logged",
    "note": "added",
    "ai_call": "logged",
    "status": "status changed",
    "dial": "placed",
    "do_not_call": "marked do not call",
    "phone_invalid": "phone marked invalid",
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


def _via_campaign(row: Any) -> str:
    """The campaign id of a row written by a campaign's calls ("campaign:<id>"), else ""."""
    via = str((row.changes or {}).get("via") or "")
    return via.partition(":")[2] if via.startswith("campaign:") else ""


def acting(row: Any, names: dict[tuple[str, str], str]) -> str:
    """Who acted when no person did: "the campaign Spring Outreach", else "the system"."""
    campaign = _via_campaign(row)
    name = names.get(("campaign", campaign)) if campaign else None
    return f"the campaign {name}" if name else "the system"


def wanted_names(rows: Iterable[Any]) -> dict[str, set[UUID]]:
    """The ids a page of audit rows names: each row's entity and the ids in its diff."""
    wanted: dict[str, set[UUID]] = {}
    for row in rows:
        if row.entity_id is not None:
            wanted.setdefault(row.entity_type, set()).add(row.entity_id)
        if campaign := _via_campaign(row):
            wanted.setdefault("campaign", set()).update(_ids([campaign]))
        for side in ("before", "after"):
            for key, value in ((row.changes or {}).get(side) or {}).items():
                kind = ID_FIELDS.get(key)
                if kind and value:
                    wanted.setdefault(kind, set()).update(_ids([value]))
    return wanted


def _when(text: str, tz: tzinfo | None) -> str | None:
    """An ISO date or timestamp as the app writes dates ("Dec 2, 2026, 14:05 EST"), else None."""
    if len(text) < 10 or not (text[:4].isdigit() and text[4] == "-" and text[7] == "-"):
        return None
    try:
        if len(text) == 10:
            return format_date(date.fromisoformat(text))
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment, tz or UTC)


def _value(
    key: str, value: Any, names: dict[tuple[str, str], str], tz: tzinfo | None = None
) -> str:
    if value is None or value == "":
        return "none"
    kind = ID_FIELDS.get(key)
    if kind:
        return names.get((kind, str(value)), "(removed)")
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ", ".join(LABELS.get(str(v), str(v)) for v in value)
    if isinstance(value, dict):
        return "…"
    text = str(value)
    if key in ENUM_FIELDS:
        return LABELS.get(text, text)
    return _when(text, tz) or text


def _shown(key: str, value: Any) -> bool:
    """Whether a field belongs in what a reader sees: not bookkeeping, not a bare id."""
    if key in HIDDEN_FIELDS:
        return False
    return key in ID_FIELDS or not (value is not None and _ids([value]))


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
        if recorded:
            name = str(recorded)
        elif kind in NAME_SQL:
            name = "(removed)"
    if not name:
        return noun
    return PHRASES.get(kind, "{noun} {name}").format(noun=noun, name=name)


def sentence(
    row: Any, who: str, names: dict[tuple[str, str], str], tz: tzinfo | None = None
) -> str:
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
            f" from {_value('current_stage_id', before.get('current_stage_id'), names, tz)}"
            f" to {_value('current_stage_id', after.get('current_stage_id'), names, tz)}"
        )
    elif "status" in before and "status" in after and verb_key in ("status", "update"):
        detail = (
            f" from {_value('status', before['status'], names, tz)}"
            f" to {_value('status', after['status'], names, tz)}"
        )
    elif verb_key == "rename" and "name" in after:
        detail = f" to {after['name']}"
    return f"{subject} {verb}{detail} by {who}"


def change_details(row: Any, names: dict[tuple[str, str], str], tz: tzinfo | None = None) -> str:
    """The fields that changed, labelled, with names for ids ("owner: Jo Lee → Sam Park")."""
    before = (row.changes or {}).get("before") or {}
    after = (row.changes or {}).get("after") or {}
    parts = []
    verb_key = str(row.action).split(".", 1)[-1]
    merged = {**before, **after}
    for key in [k for k, v in merged.items() if _shown(k, v) and _shown(k, before.get(k))]:
        if key == "current_stage_id":
            continue  # in the sentence
        if key == "status" and verb_key in ("status", "update"):
            continue  # in the sentence
        label = FIELD_LABELS.get(key) or (
            key.removesuffix("_id") if key in ID_FIELDS else key
        ).replace("_", " ")
        if key in before and key in after:
            old, new = _value(key, before[key], names, tz), _value(key, after[key], names, tz)
            parts.append(f"{label}: {old} → {new}")
        else:  # recorded on one side only (a creation, a deletion): just the value
            value = before.get(key) if key in before else after.get(key)
            parts.append(f"{label}: {_value(key, value, names, tz)}")
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
        UNION ALL
        SELECT id FROM contacts WHERE organization_id = :org AND full_name ILIKE :q
        UNION ALL
        SELECT id FROM products WHERE organization_id = :org AND name ILIKE :q
        UNION ALL
        SELECT id FROM ai_call_campaigns WHERE organization_id = :org AND name ILIKE :q
        UNION ALL
        SELECT id FROM proposals WHERE organization_id = :org
           AND (title ILIKE :q OR proposal_number ILIKE :q)
        UNION ALL
        SELECT id FROM contracts WHERE organization_id = :org
           AND (title ILIKE :q OR contract_number ILIKE :q)
        UNION ALL
        SELECT x.id FROM (
            SELECT i.id, i.lead_id FROM interactions i WHERE i.organization_id = :org
            UNION ALL
            SELECT a.id, a.lead_id FROM ai_calls a WHERE a.organization_id = :org
        ) x JOIN leads l ON l.id = x.lead_id JOIN companies c ON c.id = l.company_id
         WHERE c.name ILIKE :q
    )
"""
