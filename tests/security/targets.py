"""The scenarios: who attacks, with which ids and arguments, and what each may change or see.

Every scenario walks the whole catalog (``catalog.handlers()``), page by page: the tab opens
the handler's page first (its on_load runs, as in a browser), then sends the handler's event.

* ``signed_out`` — nobody signed in: well-typed calls with organization A's ids, and hostile
  ones. Nothing may change anywhere but the sign-in throttle's counters; nothing of either
  organization may come back.
* ``foreign`` — an admin of organization B, with A's ids (a page of A's lead in the URL too).
  Nothing of A may change; none of A's ids, names, e-mails or phones may come back.
* ``rep_scope`` — a rep of A against colleagues' deals, leads and tasks, other users, roles
  and stages. None of those rows (or rows pointing at them) may change; no contact detail of
  a company the rep reaches only through colleagues may come back.
* ``hostile`` — an admin of A (so bodies run as far as they can), one hostile argument at a
  time with the others well-typed, plus missing and unknown arguments. Nothing of B may change.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import catalog, values
from .database import GLOBAL, SIGN_IN_TABLES, Org, RepScope
from .values import IdPool

SWEEPS = {
    # valid: well-typed calls per handler and scenario; hostile: hostile values sent per
    # parameter, sampled from ``pool`` hypothesis examples of its type
    "short": {"valid": 1, "hostile": 1, "pool": 12},
    "full": {"valid": 4, "hostile": 12, "pool": 40},
}


@dataclass(frozen=True)
class Call:
    handler: catalog.Handler
    payload: Any
    route_query: Mapping[str, str]


def pool_of(org: Org) -> IdPool:
    return IdPool(org.ids, sorted(org.all_ids))


def rep_pool(scope: RepScope, org: Org) -> IdPool:
    by_entity = {
        **org.ids,
        "deals": scope.deals,
        "leads": scope.leads,
        "tasks": scope.tasks,
        "users": scope.users,
        "roles": scope.roles,
        "stages": scope.stages,
        "companies": scope.companies,
    }
    everything = sorted({*scope.deals, *scope.leads, *scope.tasks, *scope.users, *scope.roles})
    return IdPool(by_entity, everything)


def route_params(route: str, ids: IdPool, rng: random.Random) -> tuple[str, dict[str, str]]:
    """A concrete path for a route (``/leads/[lead_id]`` -> a lead of the pool) and its query."""
    if "[" not in route:
        return route, {}
    head, rest = route.split("[", 1)
    name = rest.split("]", 1)[0]
    value = ids.pick(name, rng)
    return head + value, {name: value}


def _seed(*parts: Any) -> int:
    return zlib.crc32("|".join(map(str, parts)).encode())


def _kinds(handler: catalog.Handler) -> dict[str, values.Kind]:
    return {name: values.kind_of(a) for name, a in handler.params.items()}


def _setvar_payloads(handler: catalog.Handler, rng: random.Random, n: int) -> list[dict]:
    names = catalog.state_vars(handler.state_full_name) or ["x"]
    hostile = values.examples(values.hostile(values.Kind("any")), 8, _seed(handler.key))
    out = []
    for _ in range(n):
        out.append({"var_name": rng.choice(names), "value": rng.choice(hostile)})
    return out


def valid_calls(handler: catalog.Handler, ids: IdPool, n: int, seed: int) -> list[dict]:
    rng = random.Random(_seed(handler.key, seed))
    if handler.is_setvar or handler.spec is None:
        return _setvar_payloads(handler, rng, n)
    kinds = _kinds(handler)
    return [{p: values.valid(k, p, ids, rng) for p, k in kinds.items()} for _ in range(n)]


def hostile_calls(
    handler: catalog.Handler, ids: IdPool, per_param: int, pool: int, seed: int
) -> list[dict]:
    """One hostile argument at a time (others well-typed), then the payload's own shape."""
    rng = random.Random(_seed(handler.key, "hostile", seed))
    if handler.is_setvar or handler.spec is None:
        return _setvar_payloads(handler, rng, per_param * 2)
    kinds = _kinds(handler)
    base = {p: values.valid(k, p, ids, rng) for p, k in kinds.items()}
    out: list[dict] = []
    for param, kind in kinds.items():
        drawn = values.examples(values.hostile(kind, param), pool, _seed(handler.key, param, seed))
        for value in rng.sample(drawn, min(per_param, len(drawn))):
            out.append({**base, param: value})
    out.append({**base, "is_admin": True})  # an argument the handler does not take
    if base:
        first = next(iter(base))
        out.append({k: v for k, v in base.items() if k != first})  # one missing
    return out


def by_route(handlers: Sequence[catalog.Handler]) -> Iterator[tuple[str, list[catalog.Handler]]]:
    routes: dict[str, list[catalog.Handler]] = {}
    for h in handlers:
        routes.setdefault(h.route, []).append(h)
    yield from sorted(routes.items())


# ------------------------------------------------------------------ what may change
def only_sign_in(key: tuple[str, str]) -> bool:
    table, org = key
    return table in SIGN_IN_TABLES and org == GLOBAL


def not_in(*orgs: str) -> Any:
    """Anything may change but the rows of these organizations (and the global catalog)."""
    blocked = set(orgs)

    def may_change(key: tuple[str, str]) -> bool:
        table, org = key
        if org == GLOBAL:
            return table in SIGN_IN_TABLES
        return org not in blocked

    return may_change
