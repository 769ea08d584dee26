"""Tabs that act as someone, and the checks every call of the attack goes through.

A ``Tab`` is one browser tab over the real websocket protocol: signed out, or signed in through
the sign-in form (``AuthState.sign_in``); it opens pages the way the browser's router does
(``update_vars_internal`` with the session token, then ``on_load_internal``).

``Referee.check`` wraps one call: the server log must gain no traceback and no "failed" line
of the door, no answer may carry the generic error toast, the database may change only where
the scenario allows, and what came back may hold none of the text the actor must not see.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from smartweb_ui.state.door import GENERIC_ERROR

from . import catalog, database
from .protocol import NoAnswer, ProtocolError, Received, ReflexSocket, Router, TooLarge

PASSWORD = "smartweb-demo"


def event(name: str, payload: Mapping[str, Any], router: Router) -> dict[str, Any]:
    return {"name": name, "payload": dict(payload), "router_data": router.data()}


def delta_var(r: Received, state: str, var: str) -> Any:
    data = r.data if isinstance(r.data, Mapping) else {}
    return (data.get("delta") or {}).get(state, {}).get(var + catalog.FIELD)


class Tab:
    """One browser tab of one person (or of nobody)."""

    def __init__(self, base_url: str, conn: psycopg.Connection[Any], email: str = "") -> None:
        self.base_url = base_url
        self.conn = conn
        self.email = email
        self.sock = ReflexSocket(base_url, catalog.PROBE_EVENT)
        self.token = ""
        self.router = Router("/login")
        # every id this tab sent so far: the page may show them back (a card "removed"), which
        # tells the attacker nothing they did not know
        self.sent_ids: set[str] = set()

    async def open(self) -> None:
        """A fresh tab (new client token) and, for a person, a fresh sign-in."""
        self.router = Router("/login")
        await self.sock.connect(event(catalog.HYDRATE, {}, self.router))
        await self.sock.settle("/login")
        self.token = ""
        if self.email:
            await self.sign_in()

    async def sign_in(self) -> None:
        database.clear_throttle(self.conn)
        form = {"email": self.email, "password": PASSWORD}
        got = await self.sock.call(
            event(f"{catalog.AUTH_STATE}.sign_in", {"form": form}, self.router)
        )
        tokens = [
            t
            for r in got
            if (t := delta_var(r, catalog.AUTH_STATE, "token")) and isinstance(t, str)
        ]
        if not tokens:
            raise ProtocolError(f"sign-in as {self.email} failed: {[r.text[:300] for r in got]}")
        self.token = tokens[-1]

    async def go(self, route: str, query: Mapping[str, str] | None = None) -> list[Received]:
        """Open a page as the browser's router does."""
        self.router = Router(route, dict(query or {}))
        await self.sock.emit(
            event(catalog.UPDATE_VARS, {"vars": {catalog.TOKEN_VAR: self.token}}, self.router)
        )
        return await self.sock.call(event(catalog.ON_LOAD, {}, self.router))

    async def send(self, name: str, payload: Any) -> list[Received]:
        return await self.sock.call(
            {"name": name, "payload": payload, "router_data": self.router.data()}
        )

    async def close(self) -> None:
        await self.sock.close()


# ------------------------------------------------------------------ the report
@dataclass
class Report:
    """The run's figures and every finding (what the summary line and the JSON say)."""

    sweep: str = "short"
    handlers: set[str] = field(default_factory=set)
    attacked: set[str] = field(default_factory=set)
    calls: int = 0
    refused_oversize: int = 0  # frames the server's own limit refuses (never sent)
    exceptions: list[dict[str, Any]] = field(default_factory=list)
    unauthorized_writes: list[dict[str, Any]] = field(default_factory=list)
    leaks: list[dict[str, Any]] = field(default_factory=list)
    no_answer: list[dict[str, Any]] = field(default_factory=list)
    scenarios: dict[str, int] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def figures(self) -> dict[str, Any]:
        return {
            "sweep": self.sweep,
            "handlers_enumerated": len(self.handlers),
            "handlers_attacked": len(self.attacked & self.handlers),
            "calls": self.calls,
            "calls_by_scenario": dict(self.scenarios),
            "unhandled_exceptions": len(self.exceptions),
            "unauthorized_writes": len(self.unauthorized_writes),
            "cross_org_data_in_deltas": len(self.leaks),
            "no_answer": len(self.no_answer),
            "frames_over_server_limit": self.refused_oversize,
            "seconds": round(time.monotonic() - self.started, 1),
        }

    def summary_line(self) -> str:
        f = self.figures()
        return (
            f"attack suite ({f['sweep']}): {f['handlers_enumerated']} handlers enumerated, "
            f"{f['handlers_attacked']} attacked, {f['calls']} calls; "
            f"{f['unhandled_exceptions']} unhandled exceptions, "
            f"{f['unauthorized_writes']} unauthorized writes, "
            f"{f['cross_org_data_in_deltas']} cross-org data in deltas, "
            f"{f['no_answer']} unanswered ({f['seconds']}s)"
        )

    def write(self, path: Path) -> None:
        body = {
            "figures": self.figures(),
            "exceptions": self.exceptions[:200],
            "unauthorized_writes": self.unauthorized_writes[:200],
            "leaks": self.leaks[:200],
            "no_answer": self.no_answer[:200],
        }
        path.write_text(json.dumps(body, indent=2, default=str))


# ------------------------------------------------------------------ the checks
class ServerLog:
    """What the server wrote since the last look."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.offset = path.stat().st_size if path.exists() else 0

    def new(self) -> str:
        if not self.path.exists():
            return ""
        with self.path.open("rb") as fh:
            fh.seek(self.offset)
            text = fh.read().decode(errors="replace")
        self.offset += len(text.encode(errors="replace"))
        return text


def _failure_lines(log_text: str) -> list[str]:
    lines = log_text.splitlines()
    out = []
    for i, line in enumerate(lines):
        if "Traceback (most recent call last)" in line or ("door: " in line and " failed" in line):
            out.append("\n".join(lines[i : i + 40])[-3000:])
    return out


def _generic_toast(received: Iterable[Received]) -> bool:
    return any(GENERIC_ERROR in r.text for r in received)


@dataclass
class Verdict:
    """What one scenario allows: which (table, org) may change, and what must not be seen."""

    may_change: Callable[[tuple[str, str]], bool]
    secrets: Iterable[str] = ()  # text that must not come back
    foreign_ids: set[str] = field(default_factory=set)  # ids that must not come back
    extra_fingerprint: Callable[[], Mapping[str, str]] | None = None  # rows that must not change


class Referee:
    """Runs one call of the attack and records what went wrong in the report."""

    def __init__(
        self, report: Report, log: ServerLog, conn: psycopg.Connection[Any], scenario: str
    ) -> None:
        self.report = report
        self.log = log
        self.conn = conn
        self.fp = database.Fingerprint(conn)
        self.scenario = scenario

    def settle_log(self) -> None:
        """Forget what the server logged before this point (the setup's own noise)."""
        self.log.new()

    async def call(
        self, tab: Tab, handler: catalog.Handler, payload: Any, verdict: Verdict
    ) -> list[Received]:
        """Send one handler's event and check what it did."""
        self.report.attacked.add(handler.key)
        return await self._checked(
            tab, handler.key, payload, verdict, lambda: tab.send(handler.event_name, payload)
        )

    async def navigate(
        self, tab: Tab, path: str, query: Mapping[str, str], verdict: Verdict
    ) -> list[Received]:
        """Open a page (its on_load handlers run) and check what that did."""
        return await self._checked(
            tab, f"open {path}", {"path": path}, verdict, lambda: tab.go(path, query), count=False
        )

    async def _checked(
        self,
        tab: Tab,
        what: str,
        payload: Any,
        verdict: Verdict,
        action: Callable[[], Any],
        *,
        count: bool = True,
    ) -> list[Received]:
        if count:
            self.report.calls += 1
            self.report.scenarios[self.scenario] = self.report.scenarios.get(self.scenario, 0) + 1
        sent = json.dumps(payload, default=str) + " " + tab.router.url  # echoes are no leak
        where = {
            "scenario": self.scenario,
            "handler": what,
            "actor": tab.email or "-",
            "payload": sent[:300],
        }
        before = self.fp.take()
        extra_before = verdict.extra_fingerprint() if verdict.extra_fingerprint else None
        received: list[Received] = []
        try:
            received = await action()
        except TooLarge:
            self.report.refused_oversize += 1
        except NoAnswer as exc:
            self.report.no_answer.append({**where, "error": str(exc)})
            await tab.open()
        except ProtocolError as exc:
            self.report.no_answer.append({**where, "error": f"socket: {exc}"})
            await tab.open()
        failures = _failure_lines(self.log.new())
        if _generic_toast(received) and not failures:
            failures = ["generic error toast (the door logged a failure)"]
        for failure in failures:
            self.report.exceptions.append({**where, "log": failure})
        after = self.fp.take()
        for key in sorted(self.fp.changed(before, after)):
            if not verdict.may_change(key):
                self.report.unauthorized_writes.append({**where, "table": key[0], "org": key[1]})
        if extra_before is not None and verdict.extra_fingerprint is not None:
            extra_after = verdict.extra_fingerprint()
            for name in sorted(k for k in extra_before if extra_before[k] != extra_after.get(k)):
                self.report.unauthorized_writes.append({**where, "table": name, "scope": "rep"})
        text = "\n".join(r.text for r in received)
        tab.sent_ids |= database.uuids_in(sent)
        seen_ids = (database.uuids_in(text) & verdict.foreign_ids) - tab.sent_ids
        seen_text = [s for s in verdict.secrets if s in text and s not in sent]
        if seen_ids or seen_text:
            first = next(iter(seen_ids or seen_text))
            at = text.find(first)
            self.report.leaks.append(
                {
                    **where,
                    "ids": sorted(seen_ids)[:10],
                    "text": sorted(seen_text)[:10],
                    "context": text[max(0, at - 600) : at + 200],
                }
            )
        return received
