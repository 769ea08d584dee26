"""Settings read once from the environment — the only module that reads it (rxconfig included)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _int(name: str, default: int) -> int:
    raw = _env(name)
    try:
        return int(raw) if raw else default
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None


def _role(name: str, default: str) -> str:
    value = _env(name, default)
    if not _ROLE_NAME.match(value):
        raise SystemExit(
            f"{name} must be a plain PostgreSQL role name (a-z, 0-9, _), got {value!r}"
        )
    return value


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; every value comes from an environment variable."""

    database_url: str = field(default_factory=lambda: _env("DATABASE_URL"))
    redis_url: str = field(default_factory=lambda: _env("REDIS_URL"))
    secret_key: str = field(
        default_factory=lambda: _env("SMARTWEB_SECRET_KEY", "dev-insecure-change-me")
    )
    demo_password: str = field(
        default_factory=lambda: _env("SMARTWEB_DEMO_PASSWORD", "smartweb-demo")
    )
    pgdata: Path = field(
        default_factory=lambda: Path(_env("SMARTWEB_PGDATA") or PROJECT_ROOT / ".pg").resolve()
    )
    app_role: str = field(default_factory=lambda: _role("SMARTWEB_APP_ROLE", "smartweb_app"))
    session_days: int = field(default_factory=lambda: _int("SMARTWEB_SESSION_DAYS", 14))
    # Per backend worker: keep workers × (pool + overflow) under the server's max_connections.
    db_pool_size: int = field(default_factory=lambda: _int("SMARTWEB_DB_POOL_SIZE", 5))
    db_max_overflow: int = field(default_factory=lambda: _int("SMARTWEB_DB_MAX_OVERFLOW", 5))
    max_failed_logins: int = 5
    lockout_minutes: int = 15


settings = Settings()
