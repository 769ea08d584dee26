"""Every handler of every state, attacked over the websocket by four kinds of attacker.

Each test walks the whole catalog and then asserts that its scenario found nothing: no
unhandled exception in the server log, no write outside what the actor may do, no foreign data
in what came back. The run's figures are printed at the end and written to
``security-report.json`` in pytest's temporary folder.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from . import catalog, targets
from .conftest import ADMIN_A, ADMIN_B, REP_A, Served, World
from .harness import Referee, Report, ServerLog, Tab, Verdict
from .values import IdPool

pytestmark = pytest.mark.security


def _sweep(report: Report) -> dict[str, int]:
    return targets.SWEEPS.get(report.sweep, targets.SWEEPS["short"])


async def _walk(
    served: Served,
    owner: Any,
    report: Report,
    scenario: str,
    email: str,
    ids: IdPool,
    route_ids: IdPool,
    verdict: Verdict,
    payloads: Callable[[catalog.Handler], Sequence[Any]],
) -> None:
    handlers = catalog.handlers()
    report.handlers.update(h.key for h in handlers)
    rng = random.Random(7)
    tab = Tab(served.base_url, owner, email)
    referee = Referee(report, ServerLog(served.log_path), owner, scenario)
    await tab.open()
    try:
        for route, group in targets.by_route(handlers):
            path, query = targets.route_params(route, route_ids, rng)
            fresh = True
            for handler in group:
                for payload in payloads(handler):
                    if fresh or not tab.sock.alive:
                        if not tab.sock.alive:
                            await tab.open()
                        referee.settle_log()
                        await referee.navigate(tab, path, query, verdict)
                        fresh = False
                    await referee.call(tab, handler, payload, verdict)
                    tab.sock.forget_received()
                    if handler.state_full_name == catalog.AUTH_STATE:
                        await tab.open()  # signed out or signed in anew: start again
                        fresh = True
    finally:
        if tab.email and tab.sock.alive:  # ends the session: its live tasks stop with it
            await tab.send(f"{catalog.AUTH_STATE}.sign_out", {})
        await tab.close()


def _assert_clean(report: Report, scenario: str) -> None:
    found = {
        "exceptions": [e for e in report.exceptions if e["scenario"] == scenario],
        "unauthorized_writes": [w for w in report.unauthorized_writes if w["scenario"] == scenario],
        "leaks": [x for x in report.leaks if x["scenario"] == scenario],
        "no_answer": [x for x in report.no_answer if x["scenario"] == scenario],
    }
    bad = {k: v for k, v in found.items() if v}
    assert not bad, json.dumps({k: v[:8] for k, v in bad.items()}, indent=1, default=str)[:20000]


async def test_signed_out_calls_change_and_return_nothing(
    served: Served, owner: Any, world: World, report: Report
) -> None:
    sweep = _sweep(report)
    ids = targets.pool_of(world.a)

    def payloads(h: catalog.Handler) -> list[Any]:
        valid = targets.valid_calls(h, ids, sweep["valid"], seed=1)
        hostile = targets.hostile_calls(h, ids, 1, sweep["pool"], seed=1)
        picked = random.Random(h.key).sample(hostile, min(len(hostile), 2 * sweep["hostile"]))
        return valid + picked

    verdict = Verdict(
        may_change=targets.only_sign_in,
        secrets=world.a.secrets | world.b.secrets,
        foreign_ids=world.a.all_ids | world.b.all_ids,
    )
    await _walk(served, owner, report, "signed_out", "", ids, ids, verdict, payloads)
    _assert_clean(report, "signed_out")


async def test_another_organization_cannot_touch_or_see_anything_of_the_first(
    served: Served, owner: Any, world: World, report: Report
) -> None:
    sweep = _sweep(report)
    ids = targets.pool_of(world.a)
    verdict = Verdict(
        may_change=targets.not_in(world.a.id),
        secrets=world.a.secrets,
        foreign_ids=world.a.all_ids,
    )
    await _walk(
        served, owner, report, "foreign", ADMIN_B, ids, ids, verdict,
        lambda h: targets.valid_calls(h, ids, sweep["valid"], seed=2),
    )  # fmt: skip
    _assert_clean(report, "foreign")


async def test_a_rep_cannot_touch_colleagues_rows_or_manager_settings(
    served: Served, owner: Any, world: World, report: Report
) -> None:
    sweep = _sweep(report)
    ids = targets.rep_pool(world.rep, world.a)
    verdict = Verdict(
        may_change=targets.not_in(world.b.id),
        secrets=world.rep.companies_contacts,
        extra_fingerprint=lambda: world.rep.fingerprint(owner),
    )
    await _walk(
        served, owner, report, "rep_scope", REP_A, ids, ids, verdict,
        lambda h: targets.valid_calls(h, ids, sweep["valid"], seed=3),
    )  # fmt: skip
    _assert_clean(report, "rep_scope")


async def test_hostile_arguments_are_refused_without_a_crash(
    served: Served, owner: Any, world: World, report: Report
) -> None:
    sweep = _sweep(report)
    ids = targets.pool_of(world.a)
    verdict = Verdict(
        may_change=targets.not_in(world.b.id),
        secrets=world.b.secrets,
        foreign_ids=world.b.all_ids,
    )
    await _walk(
        served, owner, report, "hostile", ADMIN_A, ids, ids, verdict,
        lambda h: targets.hostile_calls(h, ids, sweep["hostile"], sweep["pool"], seed=4),
    )  # fmt: skip
    _assert_clean(report, "hostile")


def test_every_handler_was_attacked(report: Report) -> None:
    """Runs last: the catalog's every handler got calls (none skipped by accident)."""
    if not report.calls:
        pytest.skip("the attack scenarios did not run")
    assert report.handlers and report.handlers <= report.attacked
