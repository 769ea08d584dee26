"""Database tests (fixtures in conftest.py, test-data builders in builders/)."""
