"""The served app under attack, its database, the actors and the run's report.

``served`` serves the app once per run (``tests/e2e/server.py``'s ``serve_app``: a fresh
embedded PostgreSQL with the demo seed, its own folders) as the backend only — the attack
speaks the websocket protocol and needs no pages built. ``SMARTWEB_ATTACK_BASE_URL``,
``SMARTWEB_ATTACK_DSN`` and ``SMARTWEB_ATTACK_LOG`` aim the suite at an app already running.

``SMARTWEB_ATTACK_SWEEP``: ``short`` (the default, part of ``make test``) or ``full``
(``make security``): how many well-typed and hostile calls each handler gets.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.e2e.server import REPO_ROOT, serve_app

from . import database
from .harness import Report

ORG_A = "Demo Trades Co"
ORG_B = "Rival Roofing"
ADMIN_A = "admin@demo.smartweb.test"
REP_A = "rep@demo.smartweb.test"
ADMIN_B = "attack-admin@rival.smartweb.test"  # added: the demo gives Rival no admin

_REPORT = Report(sweep=os.environ.get("SMARTWEB_ATTACK_SWEEP", "short"))


@dataclass(frozen=True)
class Served:
    base_url: str
    dsn: str
    log_path: Path
    states_dir: Path | None  # the served app's states folder (None: an app served elsewhere)


def _dsn_of(pgdata: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["SMARTWEB_PGDATA"] = str(pgdata)
    out = subprocess.run(
        [sys.executable, "-m", "smartweb_ui.cli", "db-url"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return out.strip().splitlines()[-1].replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture(scope="session")
def served() -> Iterator[Served]:
    if external := os.environ.get("SMARTWEB_ATTACK_BASE_URL"):
        yield Served(
            external.rstrip("/"),
            os.environ["SMARTWEB_ATTACK_DSN"],
            Path(os.environ["SMARTWEB_ATTACK_LOG"]),
            Path(os.environ["SMARTWEB_ATTACK_STATES"])
            if os.environ.get("SMARTWEB_ATTACK_STATES")
            else None,
        )
        return
    with serve_app(prefix="swsec", web_workdir=".web-security", backend_only=True) as app:
        tmp = app.log_path.parent
        yield Served(app.base_url, _dsn_of(tmp / "pg"), app.log_path, tmp / "states")


@pytest.fixture(scope="session")
def owner(served: Served) -> Iterator[psycopg.Connection[Any]]:
    """The owner connection to the served app's database (the referee's, never the app's)."""
    conn = database.connect(served.dsn)
    yield conn
    conn.close()


@dataclass
class World:
    a: database.Org
    b: database.Org
    rep: database.RepScope


@pytest.fixture(scope="session")
def world(owner: psycopg.Connection[Any]) -> World:
    database.quiet_background(owner)
    a = database.load_org(owner, ORG_A)
    b = database.load_org(owner, ORG_B)
    if ADMIN_B not in b.users:
        database.add_user(owner, b, ADMIN_B, "Admin", like_email=ADMIN_A)
    database.only_theirs(a, b)
    database.only_theirs(b, a)
    return World(a=a, b=b, rep=database.rep_scope(owner, a, REP_A))


@pytest.fixture(scope="session")
def report() -> Report:
    return _REPORT


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _REPORT.calls:
        return
    terminalreporter.write_line(_REPORT.summary_line())
    path = getattr(_REPORT, "path", None)
    if path is not None:
        terminalreporter.write_line(f"attack report: {path}")


@pytest.fixture(scope="session", autouse=True)
def _write_report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    yield
    if _REPORT.calls:
        path = tmp_path_factory.getbasetemp() / "security-report.json"
        _REPORT.write(path)
        _REPORT.path = path  # type: ignore[attr-defined]
