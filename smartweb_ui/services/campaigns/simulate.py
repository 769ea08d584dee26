"""``simulate-campaign``: play N calls of a campaign against a running app's webhook.

The calls go to the campaign's callable targets (cycled), start at ``rate`` calls per second
and play their events in compressed time (``speed``); each event is signed with the
organization's secret and posted over HTTP, so the app sees exactly what a provider would send.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from uuid import UUID

from sqlmodel import Session, col, select

from ...models import AICallCampaign
from ..core.errors import NotFound
from .actor import campaign_actor
from .signing import ensure_secret
from .simulator import CallRef, run_call
from .targets import lead_filter, target_query


@dataclass(frozen=True)
class SimulationPlan:
    organization_id: UUID
    campaign_id: UUID
    campaign_name: str
    secret: str
    lead_ids: list[UUID]


def plan_simulation(session: Session, campaign: str, calls: int) -> SimulationPlan:
    """The campaign (by id or exact name; owner session) and up to ``calls`` of its targets."""
    try:
        stmt = select(AICallCampaign).where(AICallCampaign.id == UUID(campaign))
    except ValueError:
        stmt = select(AICallCampaign).where(AICallCampaign.name == campaign)
    row = session.exec(stmt.order_by(col(AICallCampaign.created_at).desc())).first()
    if row is None:
        raise NotFound(f"No campaign {campaign!r}.")
    actor = campaign_actor(row.organization_id, row.id)
    query = target_query(session, actor, lead_filter(row.target_filter, row.created_by))
    leads = [r.id for r in session.execute(query.limit(max(calls, 1)))]
    if not leads:
        raise NotFound("The campaign has no callable leads.")
    return SimulationPlan(
        row.organization_id, row.id, row.name, ensure_secret(session, row.organization_id), leads
    )


def simulate(
    plan: SimulationPlan, url: str, *, calls: int, rate: float, speed: float = 20.0,
    seed: int | None = None,
) -> Counter[int]:  # fmt: skip
    """Play the calls; a count of the HTTP status codes the webhook answered."""
    import httpx

    codes: Counter[int] = Counter()
    client = httpx.Client(timeout=15.0, limits=httpx.Limits(max_connections=64))
    began = time.monotonic()

    def one(i: int) -> list[int]:
        wait = i / rate - (time.monotonic() - began)
        if wait > 0:
            time.sleep(wait)
        lead = plan.lead_ids[i % len(plan.lead_ids)]
        ref = CallRef(plan.organization_id, plan.campaign_id, lead, f"sim-{uuid.uuid4().hex}")
        return run_call(ref, plan.secret, url, speed=speed,
                        seed=None if seed is None else seed + i, client=client)  # fmt: skip

    try:
        with ThreadPoolExecutor(max_workers=min(64, max(1, calls))) as pool:
            for result in pool.map(one, range(calls)):
                codes.update(result)
    finally:
        client.close()
    return codes
