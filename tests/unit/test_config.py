"""Settings: no usable secret in the code; a key of the installation's own, or a refusal."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from smartweb_ui.config import ConfigError, Settings


def settings_with(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **env: str) -> Settings:
    for name in ("SMARTWEB_SECRET_KEY", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SMARTWEB_SECRET_FILE", str(tmp_path / "secret"))
    return Settings()


def test_without_a_key_the_first_start_makes_one_readable_by_this_user_only(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = settings_with(monkeypatch, tmp_path).secret_key
    again = settings_with(monkeypatch, tmp_path).secret_key
    assert first == again and len(first) >= 32 and first != "dev-insecure-change-me"
    mode = stat.S_IMODE((tmp_path / "secret").stat().st_mode)
    assert mode == 0o600


def test_two_installations_get_different_keys(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = settings_with(monkeypatch, tmp_path / "a").secret_key
    two = settings_with(monkeypatch, tmp_path / "b").secret_key
    assert one != two


def test_a_shared_database_without_a_key_refuses_to_start(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    settings = settings_with(monkeypatch, tmp_path, DATABASE_URL="postgresql://db.example/crm")
    with pytest.raises(ConfigError, match="SMARTWEB_SECRET_KEY is not set"):
        _ = settings.secret_key
    assert not (tmp_path / "secret").exists()


def test_a_short_key_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    settings = settings_with(monkeypatch, tmp_path, SMARTWEB_SECRET_KEY="dev-insecure-change-me")
    with pytest.raises(ConfigError, match="at least 32"):
        _ = settings.secret_key


def test_the_app_role_must_be_a_plain_role_name(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    with pytest.raises(ConfigError):
        settings_with(monkeypatch, tmp_path, SMARTWEB_APP_ROLE='x"; DROP ROLE postgres; --')
