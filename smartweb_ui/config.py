"""Settings read once from the environment — the only module that reads it (rxconfig included)."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MIN_SECRET_CHARS = 32


class ConfigError(SystemExit):
    """A setting is missing or unusable: the process stops with a message saying which."""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def _int(name: str, default: int) -> int:
    raw = _env(name)
    try:
        return int(raw) if raw else default
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _role(name: str, default: str) -> str:
    value = _env(name, default)
    if not _ROLE_NAME.match(value):
        raise ConfigError(
            f"{name} must be a plain PostgreSQL role name (a-z, 0-9, _), got {value!r}"
        )
    return value


@dataclass(frozen=True)
class Settings:
    """Runtime configuration; every value comes from an environment variable."""

    database_url: str = field(default_factory=lambda: _env("DATABASE_URL"))
    redis_url: str = field(default_factory=lambda: _env("REDIS_URL"))
    # Keys the HMACs of session tokens and download tickets. Read on first use (see below).
    secret_key_env: str = field(default_factory=lambda: _env("SMARTWEB_SECRET_KEY"))
    secret_file: Path = field(
        default_factory=lambda: Path(
            _env("SMARTWEB_SECRET_FILE") or PROJECT_ROOT / ".smartweb-secret"
        ).resolve()
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
    # One door thread per connection. No overflow by default: an overflow connection is closed
    # when it goes back, so under load every burst opened new PostgreSQL backends (a fork, a
    # sign-in and cold caches each) — measured as a third of the database's CPU.
    db_pool_size: int = field(default_factory=lambda: _int("SMARTWEB_DB_POOL_SIZE", 10))
    db_max_overflow: int = field(default_factory=lambda: _int("SMARTWEB_DB_MAX_OVERFLOW", 0))
    # Outgoing e-mail (proposals to clients): smtp://user:pass@host:587 (STARTTLS when offered)
    # or smtps://... (TLS from the start). Unset: e-mails wait in the outbox (admin page).
    smtp_url: str = field(default_factory=lambda: _env("SMARTWEB_SMTP_URL"))
    mail_from: str = field(
        default_factory=lambda: _env("SMARTWEB_MAIL_FROM", "SmartWeb <no-reply@localhost>")
    )
    # Where clients reach this installation: the base of the links in e-mails.
    public_url: str = field(
        default_factory=lambda: _env("SMARTWEB_PUBLIC_URL", "http://localhost:3000").rstrip("/")
    )
    # Several workers (Redis): how long one event may hold a tab's state before Reflex gives
    # the lock up (and fails the event). Reflex's 10 s fails sign-ins on a saturated machine.
    state_lock_ms: int = field(default_factory=lambda: _int("SMARTWEB_STATE_LOCK_MS", 30_000))
    # Where the built-in call simulator posts its events (this app's backend).
    simulator_url: str = field(
        default_factory=lambda: _env("SMARTWEB_SIMULATOR_URL", "http://localhost:8000")
    )
    # Background jobs: a worker inside every app process unless turned off (separate workers
    # then run `python -m smartweb_ui.cli worker`); jobs each worker runs at once.
    jobs_in_app: bool = field(default_factory=lambda: _env("SMARTWEB_JOBS_IN_APP", "1") != "0")
    job_concurrency: int = field(default_factory=lambda: _int("SMARTWEB_JOB_CONCURRENCY", 4))

    @cached_property
    def secret_key(self) -> str:
        """SMARTWEB_SECRET_KEY; without it, a random key kept in ``secret_file`` (created at the
        first start, mode 0600) — for a single installation on the embedded database only. With a
        shared DATABASE_URL several servers must agree on the key, so it has to be set."""
        if self.secret_key_env:
            if len(self.secret_key_env) < MIN_SECRET_CHARS:
                raise ConfigError(
                    f"SMARTWEB_SECRET_KEY must be at least {MIN_SECRET_CHARS} random characters."
                )
            return self.secret_key_env
        if self.database_url:
            raise ConfigError(
                "SMARTWEB_SECRET_KEY is not set. With DATABASE_URL (a shared PostgreSQL) every "
                "SmartWeb server must use the same secret: set SMARTWEB_SECRET_KEY to a random "
                "value, e.g. the output of `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        return _local_secret(self.secret_file)


def _local_secret(path: Path) -> str:
    """The installation's own key: read it, or create it once (readable by this user only)."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if len(key) >= MIN_SECRET_CHARS:
        return key
    key = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(key + "\n")
    os.chmod(path, 0o600)
    return key


settings = Settings()
