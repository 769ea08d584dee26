"""Shared test set-up: database tests get their own fresh database, migrated once per run."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

# Before anything from smartweb_ui is imported: a key of the tests' own (the test database is a
# DATABASE_URL, where the app refuses to run without one), and a throw-away test database.
os.environ.setdefault("SMARTWEB_SECRET_KEY", "test-only-secret-" + "k" * 32)
if "SMARTWEB_TEST_DATABASE_URL" in os.environ:
    os.environ["DATABASE_URL"] = os.environ["SMARTWEB_TEST_DATABASE_URL"]
elif not os.environ.get("SMARTWEB_TEST_KEEP_ENV"):
    _pgdata = Path(os.environ.get("SMARTWEB_TEST_PGDATA", f"/tmp/swtest-{os.getuid()}"))
    os.environ["SMARTWEB_PGDATA"] = str(_pgdata)
    os.environ.pop("DATABASE_URL", None)
    os.environ["SMARTWEB_TEST_LAZY_DB"] = "1"

warnings.filterwarnings("ignore", category=DeprecationWarning, module="passlib")
