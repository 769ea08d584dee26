"""The catalog is read from the app, and its well-typed calls are calls the door accepts."""

from __future__ import annotations

import random

import pytest

from smartweb_ui.state.door import Refused

from . import catalog, targets, values

pytestmark = pytest.mark.security


def test_every_event_of_every_app_state_is_in_the_catalog() -> None:
    expected = {
        f"{cls.__name__}.{name}"
        for cls in catalog.app_states()
        for name in cls.event_handlers
        if not name.startswith("_")
    }
    found = {h.key for h in catalog.handlers()}
    assert found == expected
    assert len(found) > 100
    assert all(h.spec is not None for h in catalog.handlers())  # every one through the door


def test_every_handler_has_a_page() -> None:
    for h in catalog.handlers():
        assert h.route.startswith("/"), h.key


def test_well_typed_calls_pass_the_doors_validation() -> None:
    """Ids are drawn from a pool; every other argument is built from its declared type, so
    the door lets it through and the attack reaches the service (where the ids are judged)."""
    rng = random.Random(3)
    pool = values.IdPool({}, ["5d0c5b3e-8f0b-4a55-9c37-1b6f3c2f7a10"])
    for h in catalog.handlers():
        if h.is_setvar or h.uploads:
            continue
        for payload in targets.valid_calls(h, pool, 5, seed=rng.randrange(1000)):
            assert h.spec is not None
            try:
                h.spec.validate(payload)
            except Refused as exc:
                pytest.fail(f"{h.key}({payload}) refused: {exc.message}")


def test_hostile_calls_cover_every_parameter() -> None:
    for h in catalog.handlers():
        calls = targets.hostile_calls(h, values.IdPool({}, []), 2, 6, seed=1)
        assert calls, h.key
        for param in h.params:
            assert any(param in c for c in calls), (h.key, param)
