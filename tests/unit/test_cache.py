"""The per-process cache of derived figures: hits, misses, invalidation by change kind."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from uuid import uuid4

import pytest

from smartweb_ui.services.core import cache


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def counter() -> tuple[list[int], object]:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    return calls, compute


def test_second_read_is_a_hit() -> None:
    org = uuid4()
    calls, compute = counter()
    assert cache.get_or_compute(org, "views", compute, ["lead"]) == 1  # type: ignore[arg-type]
    assert cache.get_or_compute(org, "views", compute, ["lead"]) == 1  # type: ignore[arg-type]
    assert len(calls) == 1
    assert (cache.stats.hits, cache.stats.misses) == (1, 1)


def test_a_change_of_a_kind_it_reads_drops_it_other_kinds_and_orgs_do_not() -> None:
    org, other = uuid4(), uuid4()
    calls, compute = counter()
    cache.get_or_compute(org, "views", compute, ["lead", "task"])  # type: ignore[arg-type]
    assert cache.invalidate(org, {"opportunity": None}) == 0
    assert cache.invalidate(other, ["lead"]) == 0
    assert cache.get_or_compute(org, "views", compute, ["lead", "task"]) == 1  # type: ignore[arg-type]
    assert cache.invalidate(org, {"task": frozenset()}) == 1  # a Change's kinds mapping
    assert cache.get_or_compute(org, "views", compute, ["lead", "task"]) == 2  # type: ignore[arg-type]
    assert len(calls) == 2


def test_star_drops_everything_of_the_organization() -> None:
    org = uuid4()
    _, compute = counter()
    cache.get_or_compute(org, "a", compute, ["lead"])  # type: ignore[arg-type]
    cache.get_or_compute(org, "b", compute, ["task"])  # type: ignore[arg-type]
    assert cache.invalidate(org, ["*"]) == 2


def test_expired_entry_is_computed_again() -> None:
    org = uuid4()
    calls, compute = counter()
    cache.get_or_compute(org, "k", compute, ["lead"], ttl=0.0)  # type: ignore[arg-type]
    cache.get_or_compute(org, "k", compute, ["lead"], ttl=0.0)  # type: ignore[arg-type]
    assert len(calls) == 2


def test_a_value_computed_across_an_invalidation_is_not_kept() -> None:
    """A count read before a change committed must not outlive the change's invalidation."""
    org = uuid4()
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(5)
        return "stale"

    out: list[str] = []
    worker = threading.Thread(
        target=lambda: out.append(cache.get_or_compute(org, "k", slow, ["lead"]))
    )
    worker.start()
    assert started.wait(5)
    cache.invalidate(org, ["lead"])  # the change lands while the old value is computed
    release.set()
    worker.join(5)
    assert out == ["stale"]  # the caller gets its answer …
    assert cache.get_or_compute(org, "k", lambda: "fresh", ["lead"]) == "fresh"  # … never kept


def test_a_scoped_figure_stays_when_the_change_is_of_other_peoples_leads() -> None:
    """A rep's view counts (their own and unassigned leads) survive a colleague's call; their
    own lead, an unassigned one, owners not known, or a kind outside the leads drop them."""
    org, rep, colleague = uuid4(), uuid4(), uuid4()
    calls, compute = counter()

    def read() -> int:
        return cache.get_or_compute(org, "counts", compute, ["lead", "interaction", "user"],  # type: ignore[arg-type]
                                    scope=rep)  # fmt: skip

    read()
    assert cache.invalidate(org, {"interaction": None}, frozenset({colleague})) == 0
    assert cache.invalidate(org, {"lead": None, "task": None}, frozenset({colleague})) == 0
    assert read() == 1
    for kinds, owners in [
        ({"interaction": None}, frozenset({colleague, rep})),  # reassigned to or from the rep
        ({"lead": None}, frozenset({cache.UNASSIGNED})),  # a lead nobody holds (reps see it)
        ({"lead": None}, None),  # the feed could not tell whose leads
        ({"user": None, "lead": None}, frozenset({colleague})),  # not only lead rows
    ]:
        assert cache.invalidate(org, kinds, owners) == 1, (kinds, owners)
        read()
    assert len(calls) == 5


def test_an_unscoped_figure_goes_with_any_change_of_its_kinds() -> None:
    """A manager's counts (every lead) drop whoever's lead changed."""
    org, colleague = uuid4(), uuid4()
    _, compute = counter()
    cache.get_or_compute(org, "counts", compute, ["lead"])  # type: ignore[arg-type]
    assert cache.invalidate(org, {"lead": None}, frozenset({colleague})) == 1
