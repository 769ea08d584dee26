"""Browser tests: one served app per session, driven through Debian's Chromium.

``app_server`` prepares a fresh embedded PostgreSQL (migrated + demo data) in a short temporary
folder, serves the app with ``reflex run --env prod`` on a free port and yields its base URL
(``server.py`` does the serving). Set ``SMARTWEB_E2E_BASE_URL`` to test an app that is already
running instead. The tests share that app and write to its demo data (moves, saves, notes), so
each picks what it needs from the page and never counts on another test's changes.

``multiworker_server`` (opt-in: only tests that ask for it start it) serves a second copy with
its own database, build folder (``.web-e2e-mw``: the port is baked into the bundle) and port,
with Reflex's Redis state manager (a non-zero Redis database, flushed before and after) and
``MULTIWORKER_WORKERS`` Granian workers. It is skipped when that Redis does not answer.

Run with ``make test`` (or ``pytest tests/e2e -p no:asyncio``): pytest-playwright's sync API
must not share the session with pytest-asyncio.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from playwright.sync_api import BrowserContext, expect

from .server import ServedApp, serve_app

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
# Redis for the multi-worker server: never database 0 (a developer's default), flushed.
MULTIWORKER_REDIS_URL = os.environ.get("SMARTWEB_E2E_REDIS_URL", "redis://127.0.0.1:6379/7")
MULTIWORKER_WORKERS = 2

expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/e2e is an ``e2e`` test."""
    e2e_dir = Path(__file__).parent
    for item in items:
        if e2e_dir in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def served_app() -> Iterator[ServedApp | None]:
    """The app served for this test session (None when SMARTWEB_E2E_BASE_URL points at one)."""
    if os.environ.get("SMARTWEB_E2E_BASE_URL"):
        yield None
        return
    with serve_app(prefix="swe2e", web_workdir=".web-e2e") as app:
        yield app


@pytest.fixture(scope="session")
def app_server(served_app: ServedApp | None) -> str:
    """Base URL of the app served for this test session (no trailing slash)."""
    if served_app is None:
        return os.environ["SMARTWEB_E2E_BASE_URL"].rstrip("/")
    return served_app.base_url


def _flush_redis(url: str) -> str | None:
    """Empty ``url``'s Redis database; why that failed, or None when it answered and was flushed."""
    client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    try:
        if int(client.connection_pool.connection_kwargs.get("db", 0)) == 0:
            return f"{url} is Redis database 0; the test flushes it, so give it another one"
        client.ping()
        client.flushdb()
    except redis.RedisError as exc:
        return f"Redis at {url} is not answering ({exc})"
    finally:
        client.close()
    return None


@pytest.fixture(scope="session")
def multiworker_server() -> Iterator[ServedApp]:
    """The app with Redis-shared state and several backend workers (opt-in, own port/DB/build)."""
    if os.environ.get("SMARTWEB_E2E_BASE_URL"):
        pytest.skip("SMARTWEB_E2E_BASE_URL is set: the multi-worker test serves its own app")
    if problem := _flush_redis(MULTIWORKER_REDIS_URL):
        pytest.skip(f"multi-worker test needs Redis: {problem} (set SMARTWEB_E2E_REDIS_URL)")
    try:
        with serve_app(
            prefix="swe2emw",
            web_workdir=".web-e2e-mw",
            redis_url=MULTIWORKER_REDIS_URL,
            workers=MULTIWORKER_WORKERS,
        ) as app:
            yield app
    finally:
        _flush_redis(MULTIWORKER_REDIS_URL)  # drop the states and socket records left behind


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
