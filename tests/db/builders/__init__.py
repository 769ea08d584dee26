"""Test-data builders for the database tests (plain functions and data classes, no tests).

Fixtures built from them live in ``tests/db/conftest.py``; test modules import the helpers
from here, never from another test module.
"""
