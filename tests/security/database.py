"""The served app's database as the attacker's referee (owner connection, never the app's).

* ``tenant_tables``: every table with an ``organization_id`` column, read from the catalog, so
  a table added later (proposals, campaigns) is watched with no list to edit.
* ``Fingerprint``: one hash per (table, organization) over every row — taken before and after
  each call, compared; ``rows_of`` names the rows behind a changed hash.
* ``World``: the real ids and the identifying text (names, e-mails, phones) of each
  organization, and the rows a rep may not touch inside their own.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import psycopg

GLOBAL = "-"  # the "organization" of a table without organization_id
# What anyone may change by calling the public sign-in form (the throttle's own counters).
SIGN_IN_TABLES = frozenset({"sign_in_failures"})
# id pools by entity: the table each comes from (only tables that exist are read).
ENTITIES = {
    "deals": "opportunities",
    "leads": "leads",
    "stages": "pipeline_stages",
    "pipelines": "pipelines",
    "tasks": "tasks",
    "roles": "roles",
    "users": "users",
    "companies": "companies",
    "views": "saved_views",
    "tags": "lead_tags",
    "proposals": "proposals",
    "products": "products",
    "contracts": "contracts",
    "campaigns": "ai_call_campaigns",
    "interactions": "interactions",
}
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def connect(dsn: str) -> psycopg.Connection[Any]:
    return psycopg.connect(dsn, autocommit=True)


def _q(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"unexpected table name {name!r}")
    return f'"{name}"'


def tables(conn: psycopg.Connection[Any]) -> dict[str, bool]:
    """Every base table of the app -> whether it has organization_id."""
    rows = conn.execute(
        """
        SELECT t.table_name, bool_or(c.column_name = 'organization_id')
        FROM information_schema.tables t
        JOIN information_schema.columns c USING (table_schema, table_name)
        WHERE t.table_schema = 'public' AND t.table_type = 'BASE TABLE'
          AND t.table_name NOT IN ('alembic_version')
          AND t.table_name NOT LIKE 'procrastinate%%'
        GROUP BY 1 ORDER BY 1
        """
    ).fetchall()
    return {name: bool(has_org) for name, has_org in rows}


class Fingerprint:
    """A checksum per (table, organization) of every row (the count and the sum of a 64-bit
    hash of each row's text: order-free, so no sort); ``organizations`` keyed by its own id."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        self.tables = tables(conn)
        parts = []
        for name, has_org in self.tables.items():
            org = (
                "organization_id::text"
                if has_org
                else ("id::text" if name == "organizations" else f"'{GLOBAL}'")
            )
            parts.append(
                f"SELECT '{name}' AS t, {org} AS o, count(*) || ':' || "
                f"sum(hashtextextended(x::text, 7)::numeric) AS h FROM {_q(name)} x GROUP BY 2"
            )
        self._sql = " UNION ALL ".join(parts)
        self._cached: tuple[Any, dict[tuple[str, str], str]] | None = None

    def _horizon(self) -> Any:
        """The next transaction id: it moves only when some transaction wrote something."""
        return self.conn.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())").fetchone()[0]

    def take(self) -> dict[tuple[str, str], str]:
        """The checksums; recomputed only when a transaction has written since the last time."""
        horizon = self._horizon()
        if self._cached is not None and self._cached[0] == horizon:
            return self._cached[1]
        sums = {(t, o): h for t, o, h in self.conn.execute(self._sql).fetchall()}
        self._cached = (horizon, sums)
        return sums

    @staticmethod
    def changed(
        before: Mapping[tuple[str, str], str], after: Mapping[tuple[str, str], str]
    ) -> set[tuple[str, str]]:
        keys = set(before) | set(after)
        return {k for k in keys if before.get(k) != after.get(k)}

    def rows(self, table: str, org: str) -> dict[str, str]:
        """row text by a row key (for naming what changed)."""
        if self.tables.get(table):
            sql = f"SELECT x::text FROM {_q(table)} x WHERE organization_id::text = %s"
            found = self.conn.execute(sql, (org,)).fetchall()
        else:
            found = self.conn.execute(f"SELECT x::text FROM {_q(table)} x").fetchall()
        return {r[0][:60]: r[0] for r in found}


# ------------------------------------------------------------------ the world
@dataclass
class Org:
    id: str
    name: str
    ids: dict[str, list[str]] = field(default_factory=dict)  # entity -> ids
    all_ids: set[str] = field(default_factory=set)  # every id of every tenant row
    secrets: set[str] = field(default_factory=set)  # names, e-mails, phones only this org has
    users: dict[str, str] = field(default_factory=dict)  # email -> user id


@dataclass
class RepScope:
    """What one rep may not touch in their own organization, as SQL over the owner connection."""

    rep_id: str
    org_id: str
    deals: list[str]  # colleagues' deals
    leads: list[str]  # leads assigned to colleagues
    tasks: list[str]  # tasks on those
    users: list[str]  # every other user
    roles: list[str]
    stages: list[str]
    companies: list[str]  # companies the rep reaches only through colleagues' leads
    companies_contacts: set[str]  # their e-mails and phones

    def fingerprint(self, conn: psycopg.Connection[Any]) -> dict[str, str]:
        """Hashes of the rows the rep may not change (rows referencing them included)."""
        p = {
            "org": self.org_id,
            "rep": self.rep_id,
            "deals": self.deals,
            "leads": self.leads,
        }
        queries = {
            "opportunities": "SELECT x::text FROM opportunities x WHERE organization_id = %(org)s"
            " AND (id = ANY(%(deals)s::uuid[]) OR lead_id = ANY(%(leads)s::uuid[]))",
            "leads": "SELECT x::text FROM leads x WHERE id = ANY(%(leads)s::uuid[])",
            "tasks": "SELECT x::text FROM tasks x WHERE organization_id = %(org)s AND ("
            "opportunity_id = ANY(%(deals)s::uuid[]) OR lead_id = ANY(%(leads)s::uuid[]))",
            "interactions": "SELECT x::text FROM interactions x WHERE organization_id = %(org)s"
            " AND (opportunity_id = ANY(%(deals)s::uuid[]) OR lead_id = ANY(%(leads)s::uuid[]))",
            "lead_tags": "SELECT x::text FROM lead_tags x WHERE lead_id = ANY(%(leads)s::uuid[])",
            "users": "SELECT x::text FROM users x WHERE organization_id = %(org)s"
            " AND id <> %(rep)s",
            "user_roles": "SELECT x::text FROM user_roles x WHERE organization_id = %(org)s",
            "roles": "SELECT x::text FROM roles x WHERE organization_id = %(org)s",
            "role_permissions": "SELECT x::text FROM role_permissions x"
            " WHERE organization_id = %(org)s",
            "pipelines": "SELECT x::text FROM pipelines x WHERE organization_id = %(org)s",
            "pipeline_stages": "SELECT x::text FROM pipeline_stages x"
            " WHERE organization_id = %(org)s",
            "organizations": "SELECT x::text FROM organizations x WHERE id = %(org)s",
            "saved_views": "SELECT x::text FROM saved_views x WHERE organization_id = %(org)s"
            " AND user_id <> %(rep)s",
        }
        out = {}
        for name, sql in queries.items():
            rows = sorted(r[0] for r in conn.execute(sql, p).fetchall())
            out[name] = str(hash(tuple(rows)))
        return out


def load_org(conn: psycopg.Connection[Any], name: str) -> Org:
    row = conn.execute("SELECT id::text FROM organizations WHERE name = %s", (name,)).fetchone()
    if row is None:
        raise RuntimeError(f"organization {name!r} is missing (seed the demo first)")
    org = Org(id=row[0], name=name)
    known = tables(conn)
    for entity, table in ENTITIES.items():
        if known.get(table):
            org.ids[entity] = [
                r[0]
                for r in conn.execute(
                    f"SELECT id::text FROM {_q(table)} WHERE organization_id = %s ORDER BY id",
                    (org.id,),
                ).fetchall()
            ]
    for table, has_org in known.items():
        if not has_org:
            continue
        has_id = conn.execute(
            "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = 'id'",
            (table,),
        ).fetchone()
        if has_id:
            org.all_ids.update(
                r[0]
                for r in conn.execute(
                    f"SELECT id::text FROM {_q(table)} WHERE organization_id = %s", (org.id,)
                ).fetchall()
            )
    org.all_ids.add(org.id)
    org.users = dict(
        conn.execute(
            "SELECT lower(email), id::text FROM users WHERE organization_id = %s", (org.id,)
        ).fetchall()
    )
    texts: set[str] = {org.name}
    for sql in (
        "SELECT email FROM users WHERE organization_id = %s",
        "SELECT full_name FROM users WHERE organization_id = %s",
        "SELECT name FROM companies WHERE organization_id = %s",
        "SELECT email FROM companies WHERE organization_id = %s",
        "SELECT phone FROM companies WHERE organization_id = %s",
        "SELECT name FROM opportunities WHERE organization_id = %s",
    ):
        texts.update(r[0] for r in conn.execute(sql, (org.id,)).fetchall() if r[0])
    org.secrets = {t for t in texts if len(t) >= 8}
    return org


def only_theirs(a: Org, b: Org) -> None:
    """Keep in ``a.secrets`` only the text that does not also occur in ``b`` (shared words)."""
    a.secrets -= b.secrets


def rep_scope(conn: psycopg.Connection[Any], org: Org, rep_email: str) -> RepScope:
    rep = org.users[rep_email]
    p = {"org": org.id, "rep": rep}

    def ids(sql: str) -> list[str]:
        return [r[0] for r in conn.execute(sql, p).fetchall()]

    deals = ids(
        "SELECT id::text FROM opportunities WHERE organization_id = %(org)s"
        " AND owner_id IS DISTINCT FROM %(rep)s"
    )
    leads = ids(
        "SELECT id::text FROM leads WHERE organization_id = %(org)s"
        " AND assigned_to IS NOT NULL AND assigned_to <> %(rep)s"
    )
    tasks = ids(
        "SELECT id::text FROM tasks WHERE organization_id = %(org)s AND ("
        " opportunity_id IN (SELECT id FROM opportunities WHERE owner_id IS DISTINCT FROM %(rep)s"
        "   AND organization_id = %(org)s)"
        " OR lead_id IN (SELECT id FROM leads WHERE assigned_to <> %(rep)s))"
        " AND assigned_to IS DISTINCT FROM %(rep)s"
    )
    theirs = (
        "SELECT c.id::text, c.email, c.phone FROM companies c WHERE c.organization_id = %(org)s"
        " AND EXISTS (SELECT 1 FROM leads l WHERE l.company_id = c.id)"
        " AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.company_id = c.id"
        "   AND (l.assigned_to IS NULL OR l.assigned_to = %(rep)s))"
        " AND NOT EXISTS (SELECT 1 FROM opportunities o JOIN leads l ON l.id = o.lead_id"
        "   WHERE l.company_id = c.id AND o.owner_id = %(rep)s)"
    )
    rows = conn.execute(theirs, p).fetchall()
    contacts = {v for _id, *details in rows for v in details if v and len(v) >= 8}
    return RepScope(
        rep_id=rep,
        org_id=org.id,
        deals=deals,
        leads=leads,
        tasks=tasks,
        users=[u for u in org.users.values() if u != rep],
        roles=org.ids.get("roles", []),
        stages=org.ids.get("stages", []),
        companies=[r[0] for r in rows],
        companies_contacts=contacts,
    )


def add_user(
    conn: psycopg.Connection[Any], org: Org, email: str, role: str, like_email: str
) -> str:
    """A user of ``org`` with ``role`` whose password is the one of ``like_email``."""
    pw_hash = conn.execute(
        "SELECT password_hash FROM users WHERE lower(email) = %s", (like_email,)
    ).fetchone()[0]
    user_id = str(uuid.uuid4())
    conn.execute(
        "INSERT INTO users (id, organization_id, email, first_name, last_name, full_name,"
        " password_hash, status) VALUES (%s, %s, %s, 'Attack', 'Admin', 'Attack Admin', %s,"
        " 'active') ON CONFLICT DO NOTHING",
        (user_id, org.id, email, pw_hash),
    )
    conn.execute(
        "INSERT INTO user_roles (user_id, role_id, organization_id) SELECT %s, id, organization_id"
        " FROM roles WHERE organization_id = %s AND name = %s",
        (user_id, org.id, role),
    )
    org.users[email] = user_id
    return user_id


def quiet_background(conn: psycopg.Connection[Any], timeout: float = 60.0) -> None:
    """Pause the seeded running campaigns and wait out the calls already placed.

    Inside its calling hours the dialer of a running campaign places calls and the built-in
    provider posts their events for some seconds: the app's own writes, on the clock, which the
    referee would blame on whatever handler was being called. Paused, the dialer plans nothing
    (a campaign an attacker resumes dials again, and is then theirs to answer for)."""
    conn.execute("UPDATE ai_call_campaigns SET status = 'paused' WHERE status = 'running'")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = conn.execute(
            """
            SELECT (SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing')
                 + (SELECT count(*) FROM ai_calls WHERE updated_at > now() - interval '15 seconds')
            """
        ).fetchone()[0]
        if not busy:
            return
        time.sleep(1.0)
    raise TimeoutError("background calls still running after the campaigns were paused")


def clear_throttle(conn: psycopg.Connection[Any]) -> None:
    """The suite's own sign-ins come from the address its hostile sign-ins come from."""
    conn.execute("DELETE FROM sign_in_failures")


def uuids_in(text: str) -> set[str]:
    return set(re.findall(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", text))


def found_in(text: str, needles: Iterable[str]) -> list[str]:
    return [n for n in needles if n in text]
