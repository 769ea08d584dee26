"""A check of the pipeline test data itself (``tests/db/builders/pipeline.py``)."""

from __future__ import annotations

import pytest

from .builders.pipeline import assert_dense, make_pipeline

pytestmark = pytest.mark.db


def test_fixture_columns_start_dense(org) -> None:  # type: ignore[no-untyped-def]
    data = make_pipeline(org)
    for stage in ("Lead In", "Qualified", "Proposal"):
        assert_dense(data.stages[stage])
