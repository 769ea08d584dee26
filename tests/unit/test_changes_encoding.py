"""Change notifications: round trip, and always small enough for a PostgreSQL NOTIFY."""

from __future__ import annotations

from uuid import uuid4

from smartweb_ui.services.core.changes import MAX_PAYLOAD, Change, decode, encode, fitted


def test_a_change_round_trips() -> None:
    change = Change(uuid4(), {"opportunity": frozenset({uuid4(), uuid4()}), "stage": None}, uuid4())
    assert decode(encode(change)) == change
    shown = Change(uuid4(), {"stage": frozenset({uuid4()})}, uuid4(), origin=str(uuid4()))
    assert decode(encode(shown)) == shown  # the tab that showed it already


def test_a_huge_change_says_many_instead_of_overflowing_notify() -> None:
    kinds = {k: frozenset(uuid4() for _ in range(100)) for k in ("lead", "task", "opportunity")}
    change = Change(uuid4(), kinds)
    payload = fitted(change)
    assert len(payload) <= MAX_PAYLOAD
    back = decode(payload)
    assert back is not None and set(back.kinds) == set(kinds)
    assert any(v is None for v in back.kinds.values())  # "many": the page reloads that part
    assert any(v for v in back.kinds.values())  # what fits stays listed
    tab = str(uuid4())
    assert decode(fitted(Change(uuid4(), kinds, origin=tab))).origin == tab  # kept when cut


def test_garbage_is_ignored() -> None:
    assert decode("not json") is None
    assert decode('{"o": "x", "k": {}}') is None
