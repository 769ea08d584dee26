"""Alembic environment: targets SQLModel.metadata, runs as the owner connection."""

from alembic import context
from sqlmodel import SQLModel

import smartweb_ui.models  # noqa: F401  (registers every table)
from smartweb_ui.db import get_engine, include_in_migrations

target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connectable = context.config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    with get_engine().connect() as connection:
        _run(connection)


def _run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        compare_server_default=False,
        include_object=include_in_migrations,
    )
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()


run_migrations_online()
