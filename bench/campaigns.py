"""AI call campaigns: webhook throughput, dialer jobs, and (against a served app) the monitor's
update delay.

    .venv/bin/python bench/campaigns.py                       # webhook + dialer, own database
    SMARTWEB_PGDATA=<the app's data dir> .venv/bin/python bench/campaigns.py --monitor \\
        --url http://127.0.0.1:3000 --campaign <id>           # monitor delay, served app

The first part uses its own embedded PostgreSQL (SMARTWEB_PGDATA, default /tmp/campbench) and
database ``campbench`` (re-created each run), never DATABASE_URL:

* webhook: N simulated calls' event sequences (signed, some duplicated and out of order) posted
  to the real Starlette route through httpx's ASGI transport, C at a time; events per second
  and p50/p95 of post -> answer (the answer is sent after the event's transaction commits).
  Floor: the same number of one-row tenant transactions (the dedupe insert alone).
* dialer: one `campaigns.dial` job per campaign (200 campaigns x 5 leads), run by a procrastinate
  worker in this process until idle; jobs per second and calls placed per second.

``--monitor`` opens the campaign's monitor in Chromium, plays 50 concurrent calls with the
simulator and records, for every accepted event, the time until the page next changed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, datetime
from datetime import time as dtime
from pathlib import Path

MONITOR = "--monitor" in sys.argv
if not MONITOR:
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("SMARTWEB_PGDATA", "/tmp/campbench")
os.environ.setdefault("SMARTWEB_JOBS_IN_APP", "0")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from smartweb_ui import db  # noqa: E402

BENCH_DB = "campbench"


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def setup_database() -> None:
    admin_url = db.start_embedded_server().replace("postgresql://", "postgresql+psycopg://", 1)
    eng = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with eng.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)"))
        conn.execute(sa.text(f"CREATE DATABASE {BENCH_DB}"))
    eng.dispose()
    os.environ["DATABASE_URL"] = (
        sa.make_url(admin_url).set(database=BENCH_DB).render_as_string(hide_password=False)
    )
    from smartweb_ui.config import Settings

    db.settings = Settings()
    db.database_url.cache_clear()
    db.get_engine.cache_clear()
    from alembic import command
    from alembic.config import Config

    command.upgrade(Config(str(Path(__file__).resolve().parent.parent / "alembic.ini")), "head")


def seed(n_leads: int) -> tuple[uuid.UUID, list[uuid.UUID]]:
    import smartweb_ui.models as m
    from smartweb_ui.services.access.accounts import create_organization

    with db.system_session() as s:
        org = create_organization(s, "Bench Trades", slug=f"bench-{uuid.uuid4().hex[:6]}")
        leads = []
        for i in range(n_leads):
            c = m.Company(organization_id=org.id, name=f"Bench Co {i}", phone=f"+1555{i:07d}")
            s.add(c)
            s.flush()
            lead = m.Lead(organization_id=org.id, company_id=c.id, lead_score=i % 100,
                          timezone="America/Chicago")  # fmt: skip
            s.add(lead)
            leads.append(lead)
        s.flush()
        return org.id, [x.id for x in leads]


def campaign(org_id: uuid.UUID, **fields: object) -> uuid.UUID:
    import smartweb_ui.models as m

    with db.system_session() as s:
        row = m.AICallCampaign(organization_id=org_id, name=f"Bench {uuid.uuid4().hex[:6]}",
                               window_days=list(range(7)), window_start=dtime(0, 0),
                               window_end=dtime(23, 59), **fields)  # fmt: skip
        s.add(row)
        s.flush()
        return row.id


# ------------------------------------------------------------------ webhook
async def bench_webhook(calls: int, concurrency: int) -> None:
    import httpx

    from smartweb_ui.api import health
    from smartweb_ui.services import campaigns as camp
    from smartweb_ui.services.campaigns.simulator import CallRef, call_script

    org_id, leads = seed(calls)
    cid = campaign(org_id)
    with db.system_session() as s:
        secret = camp.ensure_secret(s, org_id)
    rng = random.Random(7)
    # Each call's events in order (one call's events are sent one after another, as a provider
    # does); calls interleave.
    per_call = [
        [e for _, e in call_script(CallRef(org_id, cid, lead, f"sim-{i}"), rng, datetime.now(UTC))]
        for i, lead in enumerate(leads)
    ]
    events = sum(len(c) for c in per_call)
    latencies: list[float] = []
    codes: dict[int, int] = {}
    transport = httpx.ASGITransport(app=health.api)
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def play(seq: list[dict]) -> None:
            for payload in seq:
                body = json.dumps(payload).encode()
                headers = camp.signed_headers(org_id, secret, body, time.time())
                async with sem:
                    t0 = time.perf_counter()
                    r = await client.post(
                        "/api/webhooks/calls/simulator", content=body, headers=headers
                    )
                    latencies.append((time.perf_counter() - t0) * 1000)
                codes[r.status_code] = codes.get(r.status_code, 0) + 1

        start = time.perf_counter()
        await asyncio.gather(*(play(seq) for seq in per_call))
        elapsed = time.perf_counter() - start

    floor = bench_floor(org_id, events, concurrency)
    print(f"webhook: {calls} calls, {events} events, {concurrency} at a time -> answers {codes}")
    print(f"  {events / elapsed:.0f} events/s · p50 {p(latencies, .5):.1f} ms · "
          f"p95 {p(latencies, .95):.1f} ms (post -> committed answer)")  # fmt: skip
    print(
        f"  floor: {floor:.0f} one-row tenant transactions/s · ratio {floor / (events / elapsed):.1f}"
    )


def bench_floor(org_id: uuid.UUID, n: int, concurrency: int) -> float:
    from concurrent.futures import ThreadPoolExecutor

    from smartweb_ui.services import campaigns as camp

    actor = camp.campaign_actor(org_id, None)

    def one(i: int) -> None:
        with db.tenant_session(actor) as s:
            s.execute(sa.text(
                "INSERT INTO call_events (id, organization_id, provider, event_id, provider_call_id, type)"
                " VALUES (gen_random_uuid(), :o, 'floor', :e, 'x', 'queued') ON CONFLICT DO NOTHING"),
                {"o": org_id, "e": f"floor-{i}-{uuid.uuid4().hex}"})  # fmt: skip

    start = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(one, range(n)))
    return n / (time.perf_counter() - start)


# ------------------------------------------------------------------ dialer
def bench_dialer(campaigns_n: int, leads_each: int) -> None:
    import smartweb_ui.models as m
    from smartweb_ui.services import campaigns as camp
    from smartweb_ui.services.campaigns.jobs import kick
    from smartweb_ui.services.core import queue

    placed: list[int] = []

    class Null:
        name = "bench"

        def place_call(self, dial: camp.Dial) -> None:
            placed.append(1)

    camp.register("bench", Null)
    org_id, _ = seed(campaigns_n * leads_each)
    ids = []
    with db.system_session() as s:
        s.execute(sa.update(m.Organization).values(max_ai_calls_per_month=1_000_000))
    for _ in range(campaigns_n):
        ids.append(campaign(org_id, provider="bench", concurrency=leads_each,
                            status=m.CampaignStatus.RUNNING))  # fmt: skip
    with db.tenant_session(camp.campaign_actor(org_id, None)) as s:
        for cid in ids:
            kick(s, org_id, cid)
    start = time.perf_counter()
    asyncio.run(queue.run_worker(wait=False, concurrency=4))
    elapsed = time.perf_counter() - start
    print(f"dialer: {campaigns_n} dial jobs (each campaign {leads_each} callable leads, "
          f"{leads_each} lines) by one worker, 4 at a time")  # fmt: skip
    print(f"  {campaigns_n / elapsed:.1f} jobs/s · {len(placed) / elapsed:.0f} calls placed/s "
          f"({len(placed)} calls in {elapsed:.2f} s)")  # fmt: skip


# ------------------------------------------------------------------ monitor (served app)
def bench_monitor(url: str, campaign_id: str, calls: int) -> None:
    from playwright.sync_api import sync_playwright

    from smartweb_ui.services.campaigns import simulator
    from smartweb_ui.services.campaigns.simulate import plan_simulation

    with db.system_session() as s:
        plan = plan_simulation(s, campaign_id, calls)
    answered: list[float] = []  # epoch seconds of each accepted event's answer
    original = simulator.post_events

    def timed_post(client, target, org, secret, events):  # type: ignore[no-untyped-def]
        codes = original(client, target, org, secret, events)
        if codes and codes[0] == 200:
            answered.append(time.time())
        return codes

    simulator.post_events = timed_post  # type: ignore[assignment]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                     args=["--no-sandbox", "--disable-gpu"])  # fmt: skip
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        page.goto(url + "/login")
        page.fill('input[name="email"]', "manager@demo.smartweb.test")
        page.fill(
            'input[name="password"]', os.environ.get("SMARTWEB_DEMO_PASSWORD", "smartweb-demo")
        )
        page.click('button[type="submit"]')
        page.wait_for_url(lambda u: "/login" not in u)
        page.goto(f"{url}/campaigns/{plan.campaign_id}")
        page.get_by_test_id("counter-human").wait_for()
        page.evaluate("""() => { window.__changes = [];
            new MutationObserver(() => window.__changes.push(Date.now() / 1000))
              .observe(document.body, {subtree: true, childList: true, characterData: true}); }""")
        from smartweb_ui.services.campaigns.simulate import simulate

        simulate(plan, url, calls=calls, rate=calls / 2, speed=40, seed=11)
        page.wait_for_timeout(3000)
        changes = sorted(page.evaluate("window.__changes"))
        browser.close()
    delays = []
    for t in answered:
        later = [c for c in changes if c >= t]
        if later:
            delays.append(later[0] - t)
    print(
        f"monitor: {calls} concurrent calls, {len(answered)} accepted events, {len(changes)} page changes"
    )
    print(f"  event answered -> page changed: p50 {p(delays, .5) * 1000:.0f} ms · "
          f"p95 {p(delays, .95) * 1000:.0f} ms · max {max(delays) * 1000:.0f} ms")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--monitor", action="store_true")
    ap.add_argument("--url", default="http://127.0.0.1:3000")
    ap.add_argument("--campaign", default="")
    ap.add_argument("--calls", type=int, default=200)
    ap.add_argument("--concurrency", type=int, default=8)
    args = ap.parse_args()
    if args.monitor:
        bench_monitor(args.url.rstrip("/"), args.campaign, 50)
        return
    print(f"PostgreSQL data dir: {os.environ['SMARTWEB_PGDATA']}, database {BENCH_DB}")
    setup_database()
    asyncio.run(bench_webhook(args.calls, args.concurrency))
    bench_dialer(200, 5)


if __name__ == "__main__":
    main()
