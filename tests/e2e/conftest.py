"""Browser tests: one served app per session, driven through Debian's Chromium.

``app_server`` prepares a fresh embedded PostgreSQL (migrated + demo data) in a short temporary
folder, serves the app with ``reflex run --env prod`` on a free port and yields its base URL.
Set ``SMARTWEB_E2E_BASE_URL`` to test an app that is already running instead.

Run with ``make test`` (or ``pytest tests/e2e -p no:asyncio``): pytest-playwright's sync API
must not share the session with pytest-asyncio.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, expect

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SMARTWEB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# First start builds the production bundle; on a 2-core machine that can take minutes.
START_TIMEOUT_S = float(os.environ.get("SMARTWEB_E2E_START_TIMEOUT", "900"))
PREPARE_TIMEOUT_S = 600

expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e is an ``e2e`` test."""
    e2e_dir = Path(__file__).parent
    for item in items:
        if e2e_dir in item.path.parents:
            item.add_marker(pytest.mark.e2e)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(tmp: Path) -> dict[str, str]:
    """Environment for the prepare step and the server: fresh DB, project-local toolchain."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTWEB_TEST_")}
    # A fresh embedded server for this session, never a developer's database or Redis.
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env["SMARTWEB_PGDATA"] = str(tmp / "pg")
    # Own Reflex build dir and state dir: `make run` may be serving .web/ on another port
    # (the port is baked into the built bundle) and `reflex run` wipes its states folder.
    env["REFLEX_WEB_WORKDIR"] = ".web-e2e"
    env["REFLEX_STATES_WORKDIR"] = str(tmp / "states")
    # Same toolchain as the Makefile, so `pytest tests/e2e` also works outside make.
    path_prefix = [REPO_ROOT / ".tools/bin", REPO_ROOT / ".tools/node_modules/.bin"]
    path_prefix.append(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([*map(str, path_prefix), env.get("PATH", "")])
    env.setdefault("REFLEX_USE_SYSTEM_BUN", "1")
    env.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    env.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def _log_tail(log_path: Path, lines: int = 80) -> str:
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _stop_process_group(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is not None:
        return
    for sig, wait_s in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue


def _stop_postgres(env: dict[str, str]) -> None:
    """Stop the session's embedded PostgreSQL (it runs detached from the server's group)."""
    pgdata = env["SMARTWEB_PGDATA"]
    code = "from smartweb_ui.db import stop_embedded_server; stop_embedded_server()"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode == 0:
        return
    # Fallback: kill whatever postgres still serves this data folder.
    import psutil

    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        if proc.info["name"] == "postgres" and pgdata in " ".join(proc.info["cmdline"] or []):
            with contextlib.suppress(psutil.Error):
                proc.kill()


@pytest.fixture(scope="session")
def app_server() -> Iterator[str]:
    """Base URL of the app served for this test session (no trailing slash)."""
    if external := os.environ.get("SMARTWEB_E2E_BASE_URL"):
        yield external.rstrip("/")
        return

    # Short path: the embedded server's Unix socket lives in the data folder (~100 char limit).
    tmp = Path(tempfile.mkdtemp(prefix="swe2e", dir="/tmp"))
    env = _server_env(tmp)
    log_path = tmp / "server.log"
    proc: subprocess.Popen[bytes] | None = None
    try:
        prepare = subprocess.run(
            [sys.executable, "-m", "smartweb_ui.cli", "prepare"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=PREPARE_TIMEOUT_S,
            check=False,
        )
        if prepare.returncode != 0:
            pytest.fail(
                f"`python -m smartweb_ui.cli prepare` failed ({prepare.returncode}):\n"
                f"{prepare.stdout}\n{prepare.stderr}",
                pytrace=False,
            )

        # Reflex 0.10 serves the production build and the backend on one port.
        port = _free_port()
        base_url = f"http://127.0.0.1:{port}"
        command = [
            *(sys.executable, "-m", "reflex", "run", "--env", "prod"),
            *("--frontend-port", str(port), "--backend-port", str(port)),
            *("--backend-host", "127.0.0.1", "--loglevel", "info"),
        ]
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        deadline = time.monotonic() + START_TIMEOUT_S
        while not (_answers(f"{base_url}/") and _answers(f"{base_url}/ping")):
            if proc.poll() is not None:
                pytest.fail(
                    f"reflex exited with {proc.returncode} before serving {base_url}:\n"
                    f"{_log_tail(log_path)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"app not answering at {base_url} after {START_TIMEOUT_S:.0f}s:\n"
                    f"{_log_tail(log_path)}",
                    pytrace=False,
                )
            time.sleep(1)

        yield base_url
    finally:
        if proc is not None:
            _stop_process_group(proc)
        _stop_postgres(env)
        if os.environ.get("SMARTWEB_E2E_KEEP_TMP"):
            print(f"\nkept e2e temp folder {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def base_url(app_server: str) -> str:
    """pytest-playwright resolves ``page.goto("/path")`` against this."""
    return app_server


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """Debian's Chromium instead of a Playwright-downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "viewport": {"width": 1440, "height": 900}}


@pytest.fixture
def context(context: BrowserContext) -> BrowserContext:
    context.set_default_timeout(20_000)
    return context


@pytest.fixture(scope="session")
def demo_password() -> str:
    return os.environ.get("SMARTWEB_DEMO_PASSWORD", "smartweb-demo")
