"""The built-in provider: a call simulator that posts realistic, signed event sequences to the
app's webhook over HTTP, as a voice-AI platform would.

``call_script`` makes one call's events (pure, seeded): queued, ringing, then no answer, a
voicemail, or a conversation with a short two-speaker transcript, an outcome, a sentiment and a
cost, and an analysis event; some sequences arrive out of order or with a duplicated event.
``post_events`` sends them; ``SimulatorProvider`` is what the dialer uses.
"""

from __future__ import annotations

import json
import random
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from ...config import settings
from .provider import Dial, register
from .signing import signed_headers

COST_PER_MINUTE = Decimal("0.0900")
OUTCOMES = [("interested", 18), ("not_interested", 34), ("callback", 16), ("meeting_booked", 6),
            ("wrong_number", 6), ("do_not_call", 6)]  # fmt: skip
PICKUP = [("human", 62), ("voicemail", 22), ("no_answer", 16)]
SENTIMENT = {
    "interested": ("positive", 0.45, 0.95), "meeting_booked": ("positive", 0.6, 0.98),
    "callback": ("neutral", -0.05, 0.4), "not_interested": ("negative", -0.7, 0.0),
    "wrong_number": ("neutral", -0.2, 0.1), "do_not_call": ("negative", -0.95, -0.5),
}  # fmt: skip
OPENING = [
    ("agent", "Hi, this is Sam calling for SmartWeb. Is this the owner of the business?"),
    ("lead", "Speaking. What's this about?"),
    ("agent", "We help trade businesses book more jobs from their website. Got a minute?"),
]
ENDINGS = {
    "interested": [("lead", "Actually yes, we've been missing calls lately."),
                   ("agent", "Great, I'll have a specialist reach out today."),
                   ("lead", "Sounds good.")],
    "meeting_booked": [("lead", "Sure, let's set up a time."),
                       ("agent", "How is Thursday at 10?"), ("lead", "Thursday works.")],
    "callback": [("lead", "I'm on a job right now. Call me back tomorrow afternoon."),
                 ("agent", "Will do, talk tomorrow.")],
    "not_interested": [("lead", "We're all set, thanks."),
                       ("agent", "Understood, have a good day.")],
    "wrong_number": [("lead", "You have the wrong number, this is a residence."),
                     ("agent", "Sorry to bother you.")],
    "do_not_call": [("lead", "Take me off your list and don't call again."),
                    ("agent", "Of course, you won't hear from us again.")],
}  # fmt: skip
SUMMARIES = {
    "interested": "Owner is interested and wants a specialist to follow up today.",
    "meeting_booked": "Owner agreed to a meeting on Thursday at 10.",
    "callback": "Owner was busy and asked for a call back tomorrow afternoon.",
    "not_interested": "Owner is not interested at this time.",
    "wrong_number": "The number belongs to a private residence.",
    "do_not_call": "Asked to be removed from the call list.",
}


@dataclass(frozen=True)
class CallRef:
    organization_id: UUID
    campaign_id: UUID
    lead_id: UUID
    call_id: str
    attempt: int | None = None


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in weighted], weights=[w for _, w in weighted])[0]


def call_script(
    ref: CallRef, rng: random.Random, start: datetime, *, shuffle: float = 0.1, dupes: float = 0.1
) -> list[tuple[float, dict[str, Any]]]:
    """(seconds after the first event to send it, event payload) for one call, in send order."""
    call: dict[str, Any] = {"campaign_id": str(ref.campaign_id), "lead_id": str(ref.lead_id)}
    if ref.attempt is not None:
        call["attempt"] = ref.attempt
    events: list[tuple[float, dict[str, Any]]] = []

    def add(offset: float, type_: str, **fields: Any) -> None:
        at = start + timedelta(seconds=offset)
        events.append((offset, {"event_id": uuid4().hex, "call_id": ref.call_id, "type": type_,
                                "occurred_at": at.isoformat(), "call": call, **fields}))  # fmt: skip

    add(0, "queued")
    add(1, "ringing")
    pickup = _pick(rng, PICKUP)
    if pickup == "no_answer":
        add(rng.uniform(18, 30), "ended", duration_seconds=0, outcome="no_answer")
    elif pickup == "voicemail":
        secs = rng.randint(20, 45)
        add(6, "answered", answered_by="voicemail")
        add(6 + secs, "ended", duration_seconds=secs, outcome="voicemail",
            recording_url=f"https://recordings.simulator.test/{ref.call_id}.mp3",
            summary="Left a voicemail with a callback number.",
            cost=str((COST_PER_MINUTE * secs / 60).quantize(Decimal("0.0001"))))  # fmt: skip
    else:
        outcome = _pick(rng, OUTCOMES)
        short = outcome in ("wrong_number", "do_not_call")
        secs = rng.randint(25, 70) if short else rng.randint(80, 400)
        sentiment, lo, hi = SENTIMENT[outcome]
        opening = OPENING[:1] if outcome == "wrong_number" else OPENING
        turns = [{"speaker": s, "text": t} for s, t in [*opening, *ENDINGS[outcome]]]
        add(5, "answered", answered_by="human")
        if outcome in ("interested", "meeting_booked") and rng.random() < 0.3:
            add(5 + secs * 0.8, "transferred")
        extra: dict[str, Any] = {}
        if outcome == "callback":
            local_next = (start + timedelta(days=1)).replace(tzinfo=None)
            extra["callback_at"] = local_next.replace(
                hour=14, minute=0, second=0, microsecond=0
            ).isoformat()
        add(5 + secs, "ended", duration_seconds=secs, outcome=outcome,
            recording_url=f"https://recordings.simulator.test/{ref.call_id}.mp3",
            transcript=turns,
            cost=str((COST_PER_MINUTE * secs / 60).quantize(Decimal("0.0001"))), **extra)  # fmt: skip
        add(8 + secs, "analysis_ready", summary=SUMMARIES[outcome], sentiment=sentiment,
            sentiment_score=f"{rng.uniform(lo, hi):.3f}", outcome=outcome)  # fmt: skip
    if len(events) > 3 and rng.random() < shuffle:  # the provider's queue reorders two events
        i = rng.randrange(2, len(events) - 1)
        (a, ea), (b, eb) = events[i], events[i + 1]
        events[i], events[i + 1] = (a, eb), (b, ea)
    if rng.random() < dupes:
        events.insert(rng.randrange(1, len(events)), events[rng.randrange(len(events))])
    return events


def post_events(
    client: Any, url: str, organization_id: UUID, secret: str, events: list[dict[str, Any]]
) -> list[int]:
    """POST each event signed; the HTTP status codes."""
    codes = []
    for payload in events:
        body = json.dumps(payload, separators=(",", ":")).encode()
        headers = signed_headers(organization_id, secret, body, time.time())
        codes.append(client.post(url, content=body, headers=headers).status_code)
    return codes


def webhook_url(base: str) -> str:
    return base.rstrip("/") + "/api/webhooks/calls/simulator"


def run_call(
    ref: CallRef, secret: str, base_url: str, *, speed: float = 20.0, seed: int | None = None,
    client: Any = None,
) -> list[int]:  # fmt: skip
    """Play one call in real time (its seconds divided by ``speed``)."""
    import httpx

    rng = random.Random(seed)
    script = call_script(ref, rng, datetime.now(UTC))
    own = client is None
    client = client or httpx.Client(timeout=10.0)
    codes: list[int] = []
    try:
        began = time.monotonic()
        for offset, payload in script:
            wait = offset / speed - (time.monotonic() - began)
            if wait > 0:
                time.sleep(wait)
            codes += post_events(
                client, webhook_url(base_url), ref.organization_id, secret, [payload]
            )
    finally:
        if own:
            client.close()
    return codes


class SimulatorProvider:
    """The dialer's built-in provider: each call plays in a background thread."""

    name = "simulator"

    def __init__(self, base_url: str | None = None, speed: float = 20.0) -> None:
        self.base_url = base_url or settings.simulator_url
        self.speed = speed

    def place_call(self, dial: Dial) -> None:
        from ...db import system_session
        from .signing import ensure_secret

        with system_session() as s:
            secret = ensure_secret(s, dial.organization_id)
        ref = CallRef(dial.organization_id, dial.campaign_id, dial.lead_id, dial.provider_call_id,
                      dial.attempt)  # fmt: skip
        threading.Thread(
            target=run_call, args=(ref, secret, self.base_url), kwargs={"speed": self.speed},
            daemon=True,
        ).start()  # fmt: skip


register("simulator", SimulatorProvider)
