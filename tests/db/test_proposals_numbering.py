"""Proposal numbers under concurrent creation: 20 at once, no gap, no duplicate."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

import smartweb_ui.models as m
from smartweb_ui.db import system_session
from smartweb_ui.services import proposals as ps
from smartweb_ui.services.core.unit_of_work import in_tenant

from .builders.proposals import make_proposal_world

pytestmark = pytest.mark.db


def test_twenty_concurrent_creations_get_consecutive_numbers(org) -> None:  # type: ignore[no-untyped-def]
    world = make_proposal_world(org)
    deal = world.pipe.deals["r1"]
    start = threading.Barrier(20)

    def create(_: int) -> str:
        start.wait()
        return in_tenant(org.actors["rep"], ps.create_proposal, deal)

    with ThreadPoolExecutor(20) as pool:
        ids = list(pool.map(create, range(20)))
    with system_session() as s:
        numbers = (
            s.execute(
                sa.select(m.Proposal.proposal_number).where(m.Proposal.organization_id == org.id)
            )
            .scalars()
            .all()
        )
    assert len(set(ids)) == 20
    year = numbers[0].split("-")[1]
    assert sorted(numbers) == [f"P-{year}-{n:04d}" for n in range(1, 21)]


def test_a_rolled_back_creation_gives_its_number_back(org) -> None:  # type: ignore[no-untyped-def]
    with system_session() as s:
        assert ps.next_number(s, org.id, "contract", 2031) == "C-2031-0001"
        s.rollback()
    with system_session() as s:
        assert ps.next_number(s, org.id, "contract", 2031) == "C-2031-0001"
        assert ps.next_number(s, org.id, "contract", 2031) == "C-2031-0002"
        assert ps.next_number(s, org.id, "proposal", 2031) == "P-2031-0001"
