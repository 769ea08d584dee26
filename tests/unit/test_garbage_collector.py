"""A started worker freezes what the app built and collects less often (``serving``): the full
passes of the garbage collector that stalled every user's event for 70-340 ms under load."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from smartweb_ui import serving


@pytest.fixture
def _collector_restored() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*before)


@pytest.mark.usefixtures("_collector_restored")
def test_the_started_app_is_frozen_and_full_passes_are_rarer() -> None:
    gc.unfreeze()
    built = [[i] for i in range(1000)]  # what the app holds once started (tracked objects)
    asyncio.run(serving.settle_garbage_collector(after_s=0))
    assert gc.get_freeze_count() >= len(built)  # never walked again by a collection
    assert gc.get_threshold() == serving.GC_THRESHOLDS
    young, middle, full = serving.GC_THRESHOLDS
    assert young <= 1000  # young objects still go often and cheaply
    assert middle * full > 10 * 10  # the full pass comes rarer than Python's default
