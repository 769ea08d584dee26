"""CSV import of companies + leads: read, map columns, validate each row, dedup, write.

Row numbers are the spreadsheet's (the header is row 1, the first company row 2). Modes:
``skip`` writes the good rows and reports the others; ``all`` (all or nothing) writes nothing
when any row is rejected. Duplicates (same phone digits / e-mail / website domain as an existing
company or an earlier row of the file) are never written and are listed, in both modes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlmodel import Session, col

from ...models import AuditLog, Company, Lead, LeadSource, LeadTag
from ...models.base import utcnow
from ..core.csv_out import csv_text
from ..core.errors import Invalid
from ..core.org import org_context
from ..core.security import Actor, require
from ..core.validate import phone_digits
from .common import lead_settings
from .import_rules import FIELDS, SYNONYMS, validate_row
from .scoring import Activity, factors_of, score, scoring_config
from .sla import first_contact_due

MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024
CHUNK = 500


def read_csv(data: bytes) -> tuple[list[str], list[list[str]]]:
    """Header and rows of an uploaded CSV (UTF-8, with or without BOM; Latin-1 fallback)."""
    if len(data) > MAX_BYTES:
        raise Invalid("The file is larger than 20 MB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if "\x00" in text:
        raise Invalid("This file holds binary data, not text: save it as CSV and try again.")
    try:
        sample = text[:4096]
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample.strip() else csv.excel
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as exc:
        raise Invalid(f"This file isn't a CSV SmartWeb can read ({exc}).") from None
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise Invalid("The file is empty.")
    header = [h.strip() for h in rows[0]]
    if len(rows) - 1 > MAX_ROWS:
        raise Invalid(f"The file has more than {MAX_ROWS:,} rows; split it.")
    return header, rows[1:]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def guess_mapping(header: list[str]) -> dict[str, str]:
    """field -> header, by name and common synonyms."""
    by_norm = {_norm(h): h for h in header}
    out: dict[str, str] = {}
    for fname in FIELDS:
        for candidate in (fname, *SYNONYMS.get(fname, ())):
            if _norm(candidate) in by_norm:
                out[fname] = by_norm[_norm(candidate)]
                break
    return out


@dataclass
class RowIssue:
    row: int
    name: str
    reason: str
    lead_id: str = ""  # the existing lead a duplicate matches


@dataclass
class ImportPlan:
    total: int
    valid: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    duplicates: list[RowIssue] = field(default_factory=list)
    rejected: list[RowIssue] = field(default_factory=list)


@dataclass
class ImportResult:
    mode: str
    total: int
    created: list[tuple[int, str, str]] = field(default_factory=list)  # row, lead id, name
    duplicates: list[RowIssue] = field(default_factory=list)
    rejected: list[RowIssue] = field(default_factory=list)
    written: bool = False

    @property
    def aborted(self) -> bool:
        return self.mode == "all" and bool(self.rejected)


def _existing(
    session: Session, actor: Actor
) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """phone digits / e-mail / domain -> (company name, lead id) for the organization."""
    phones: dict[str, tuple[str, str]] = {}
    emails: dict[str, tuple[str, str]] = {}
    domains: dict[str, tuple[str, str]] = {}
    rows = session.execute(
        sa.select(
            col(Company.name),
            col(Company.phone),
            col(Company.email),
            col(Company.website_domain),
            col(Lead.id),
        )
        .join(Lead, col(Lead.company_id) == Company.id)
        .where(
            col(Company.organization_id) == actor.organization_id,
            col(Company.deleted_at).is_(None),
        )
    )
    for name, phone, email, domain, lead_id in rows:
        found = (name, str(lead_id))
        if phone and (digits := phone_digits(phone)):
            phones.setdefault(digits, found)
        if email:
            emails.setdefault(email.lower(), found)
        if domain:
            domains.setdefault(domain.lower(), found)
    return phones, emails, domains


def plan_import(
    session: Session,
    actor: Actor,
    header: list[str],
    rows: list[list[str]],
    mapping: dict[str, str],
) -> ImportPlan:
    """Validate and dedup every row (reads only)."""
    require(actor, "leads.import")
    unknown = [f for f in mapping if f not in FIELDS]
    missing = [h for h in mapping.values() if h and h not in header]
    if unknown or missing:
        raise Invalid("The column mapping does not match the file.")
    if not mapping.get("name"):
        raise Invalid("Map a column to the company name.")
    index = {f: header.index(h) for f, h in mapping.items() if h}
    phones, emails, domains = _existing(session, actor)
    seen: dict[tuple[str, str], int] = {}
    plan = ImportPlan(total=len(rows))
    for n, raw in enumerate(rows, start=2):
        values = {f: (raw[i] if i < len(raw) else "") for f, i in index.items()}
        clean, errors = validate_row(values)
        name = clean.get("name") or values.get("name", "")
        if errors:
            plan.rejected.append(RowIssue(n, name, "; ".join(errors)))
            continue
        keys = [
            ("phone", phone_digits(clean.get("phone")), phones),
            ("e-mail", clean.get("email", ""), emails),
            ("website", clean.get("website_domain", ""), domains),
        ]
        reason, match = "", ""
        for label, key, existing in keys:
            if not key:
                continue
            if key in existing:
                reason = f"same {label} as existing company “{existing[key][0]}”"
                match = existing[key][1]
                break
            if (label, key) in seen:
                reason = f"same {label} as row {seen[(label, key)]}"
                break
        if reason:
            plan.duplicates.append(RowIssue(n, name, reason, match))
            continue
        for label, key, _ in keys:
            if key:
                seen[(label, key)] = n
        plan.valid.append((n, clean))
    return plan


def write_import(
    session: Session, actor: Actor, plan: ImportPlan, result: ImportResult, *, file_name: str = ""
) -> Iterator[int]:
    """Insert the plan's good rows in chunks, yielding how many rows are done after each chunk.
    Nothing is written in 'all' mode when a row was rejected. Runs in the caller's transaction."""
    require(actor, "leads.import")
    if result.aborted or not plan.valid:
        yield plan.total
        return
    org = org_context(session, actor)
    settings = lead_settings(org)
    config, now = scoring_config(settings), utcnow()
    today = now.astimezone(org.tz).date()
    due = first_contact_due(now, settings, org.tz)
    done = 0
    for start in range(0, len(plan.valid), CHUNK):
        chunk = plan.valid[start : start + CHUNK]
        companies, leads, tags, audits = [], [], [], []
        for row_no, clean in chunk:
            fields = {k: v for k, v in clean.items() if k not in ("tags", "source")}
            company = Company(
                id=uuid4(),
                organization_id=actor.organization_id,
                created_at=now,
                updated_at=now,
                **fields,
            )
            lead = Lead(
                id=uuid4(),
                organization_id=actor.organization_id,
                company_id=company.id,
                source=LeadSource(clean.get("source", "import")),
                source_details={"file": file_name[:200], "row": row_no},
                sla_due_at=due,
                created_at=now,
                updated_at=now,
            )
            lead.lead_score, lead.score_breakdown = score(
                factors_of(company, lead, Activity(), today), config
            )
            companies.append(company.model_dump())
            leads.append(lead.model_dump())
            tags += [
                {
                    "id": uuid4(),
                    "organization_id": actor.organization_id,
                    "lead_id": lead.id,
                    "tag": t,
                    "created_by": actor.user_id,
                    "created_at": now,
                }
                for t in clean.get("tags", [])
            ]
            audits.append(_audit_row(actor, lead.id, clean["name"], row_no, now))
            result.created.append((row_no, str(lead.id), clean["name"]))
        session.execute(sa.insert(Company), companies)
        session.execute(sa.insert(Lead), leads)
        if tags:
            session.execute(sa.insert(LeadTag), tags)
        session.execute(sa.insert(AuditLog), audits)
        done += len(chunk)
        yield min(plan.total, done + len(plan.rejected) + len(plan.duplicates))
    result.written = True
    session.execute(
        sa.insert(AuditLog),
        [
            _audit_row(
                actor,
                None,
                file_name,
                0,
                now,
                action="lead.import_file",
                counts=(len(result.created), len(result.duplicates), len(result.rejected)),
            )
        ],
    )


def _audit_row(
    actor: Actor,
    lead_id: UUID | None,
    name: str,
    row: int,
    now: Any,
    *,
    action: str = "lead.import",
    counts: tuple[int, int, int] | None = None,
) -> dict[str, Any]:
    after: dict[str, Any] = (
        {"company": name, "row": row}
        if counts is None
        else {"file": name, "created": counts[0], "duplicates": counts[1], "rejected": counts[2]}
    )
    return {
        "id": uuid4(),
        "organization_id": actor.organization_id,
        "actor_id": actor.user_id,
        "action": action,
        "entity_type": "lead" if counts is None else "import",
        "entity_id": lead_id,
        "changes": {"before": {}, "after": after},
        "ip_address": actor.ip,
        "created_at": now,
    }


def run_import(
    session: Session,
    actor: Actor,
    data: bytes,
    *,
    mapping: dict[str, str] | None = None,
    mode: str = "skip",
    file_name: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Read, plan and write one file (the whole import in the caller's transaction)."""
    require(actor, "leads.import")
    if mode not in ("skip", "all"):
        raise Invalid("Choose “skip bad rows” or “all or nothing”.")
    header, rows = read_csv(data)
    plan = plan_import(session, actor, header, rows, mapping or guess_mapping(header))
    result = ImportResult(
        mode=mode, total=plan.total, duplicates=plan.duplicates, rejected=plan.rejected
    )
    for done in write_import(session, actor, plan, result, file_name=file_name):
        if progress:
            progress(done, plan.total)
    return result


def result_csv(result: ImportResult) -> str:
    """The downloadable report: one line per row with its outcome and reason."""
    lines: list[tuple[int, str, str, str, str]]
    lines = [(r, "created", name, "", lid) for r, lid, name in result.created]
    lines += [(i.row, "duplicate", i.name, i.reason, i.lead_id) for i in result.duplicates]
    lines += [(i.row, "rejected", i.name, i.reason, "") for i in result.rejected]
    lines.sort(key=lambda line: line[0])
    return csv_text(["row", "outcome", "company", "reason", "lead_id"], lines)
