"""Database fixtures: one migrated test database per run, emptied after every test.

Test data builders live in ``builders/``; the fixtures made from them are here, so no test
module imports another.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from uuid import uuid4

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from .builders.analytics_world import (
    World,
    drop_tenants,
    fingerprint,
    new_world,
    truncate_tenants,
    world_org_ids,
)
from .builders.orgs import OrgFixture, build_org

TEST_DB = "smartweb_test"


def _prepare_database() -> str:
    """Create a fresh test database on the embedded server and return its URL."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    from smartweb_ui.db import start_embedded_server

    admin_url = start_embedded_server().replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {TEST_DB} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {TEST_DB}"))
    engine.dispose()
    url = sa.make_url(admin_url).set(database=TEST_DB)
    return url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def migrated_db() -> Iterator[str]:
    url = _prepare_database()
    os.environ["DATABASE_URL"] = url
    from alembic import command
    from alembic.config import Config

    from smartweb_ui import db
    from smartweb_ui.config import Settings

    db.settings = Settings()  # re-read DATABASE_URL
    db.database_url.cache_clear()
    db.get_engine.cache_clear()
    cfg = Config(str(_root() / "alembic.ini"))
    command.upgrade(cfg, "head")
    yield url
    db.get_engine().dispose()
    if os.environ.get("SMARTWEB_TEST_LAZY_DB"):
        db.stop_embedded_server()


def _root():  # type: ignore[no-untyped-def]
    from smartweb_ui.config import PROJECT_ROOT

    return PROJECT_ROOT


TENANT_TRUNCATE = (
    "TRUNCATE organizations, sign_in_failures, procrastinate_jobs, procrastinate_workers CASCADE"
)


@pytest.fixture
def engine(migrated_db: str) -> Iterator[sa.Engine]:
    from smartweb_ui.db import get_engine

    eng = get_engine()
    yield eng
    with eng.begin() as conn:
        conn.execute(sa.text(TENANT_TRUNCATE))


@pytest.fixture
def system(engine: sa.Engine) -> Iterator[Session]:
    """An owner session for arranging test data (commits on exit)."""
    from smartweb_ui.db import system_session

    with system_session() as session:
        yield session


@pytest.fixture
def org(engine: sa.Engine) -> OrgFixture:
    return build_org("Acme Plumbing")


@pytest.fixture
def other_org(engine: sa.Engine) -> OrgFixture:
    return build_org("Rival Roofing")


# ------------------------------------------------------------------ dashboard history
@pytest.fixture(scope="module")
def world(migrated_db: str) -> Iterator[World]:
    """The hand-built sales history (``builders/analytics_world.py``), built once per test
    module and shared by its tests, so they may only read it: a test that writes takes
    ``fresh_world``. Checked on teardown: a change to any of its rows fails the module."""
    from smartweb_ui.services.analytics import cache as analytics_cache

    analytics_cache.clear()
    truncate_tenants()
    try:
        shared = new_world()
        before = fingerprint(world_org_ids(shared))
        yield shared
        changed = [
            table
            for table, digest in fingerprint(world_org_ids(shared)).items()
            if digest != before[table]
        ]
        if changed:
            pytest.fail(
                f"a test wrote into the module-wide read-only `world` ({', '.join(changed)}); "
                "give it `fresh_world` instead",
                pytrace=False,
            )
    finally:
        analytics_cache.clear()
        truncate_tenants()


@pytest.fixture
def fresh_world(migrated_db: str) -> Iterator[World]:
    """The same history built for one test, which may write to it; removed afterwards.

    Its organizations have their own slugs and e-mail domains, so it can exist next to the
    module's shared ``world`` and never touches it.
    """
    from smartweb_ui.services.analytics import cache as analytics_cache

    analytics_cache.clear()
    own = new_world(copy=uuid4().hex[:8])
    try:
        yield own
    finally:
        analytics_cache.clear()
        drop_tenants(world_org_ids(own))
