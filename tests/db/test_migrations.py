"""The Alembic history and the SQLModel tables describe the same schema, both ways."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import smartweb_ui.models  # noqa: F401  (registers every table)
from smartweb_ui.config import PROJECT_ROOT
from smartweb_ui.db import include_in_migrations

pytestmark = pytest.mark.db


def _diff(engine: sa.Engine) -> list:
    with engine.connect() as conn:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_in_migrations}
        )
        return compare_metadata(ctx, SQLModel.metadata)


def test_autogenerate_finds_no_difference(engine: sa.Engine) -> None:
    assert _diff(engine) == []


def test_downgrade_to_base_and_back_up(migrated_db: str) -> None:
    """On a scratch database: upgrade head, downgrade base (nothing left), upgrade again."""
    admin = sa.create_engine(migrated_db, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS smartweb_migrations WITH (FORCE)"))
        conn.execute(sa.text("CREATE DATABASE smartweb_migrations"))
    scratch = sa.create_engine(sa.make_url(migrated_db).set(database="smartweb_migrations"))
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    try:
        with scratch.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        assert _diff(scratch) == []
        with scratch.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        with scratch.connect() as conn:
            left = conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            ).scalar_one()
            types = conn.execute(
                sa.text("SELECT count(*) FROM pg_type WHERE typtype = 'e'")
            ).scalar_one()
        assert (left, types) == (0, 0)
        with scratch.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
        assert _diff(scratch) == []
    finally:
        scratch.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text("DROP DATABASE IF EXISTS smartweb_migrations WITH (FORCE)"))
        admin.dispose()
