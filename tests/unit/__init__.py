"""Unit tests (no database, no browser)."""
