"""Call events as the webhook accepts them: one pydantic schema, and a mapping per provider.

A provider's payload is mapped to ``CallEvent`` by its adapter (``PROVIDERS``); the built-in
``simulator`` provider already speaks this schema. Another provider (Vapi, Bland, Retell) adds
an adapter that maps its own field names to these.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(max_length=4000)]
Key = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[\w.:\-]+$")]

EVENT_TYPES = ("queued", "ringing", "answered", "transferred", "ended", "analysis_ready")
OUTCOMES = ("interested", "not_interested", "callback", "wrong_number", "do_not_call",
            "voicemail", "no_answer", "meeting_booked")  # fmt: skip


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    speaker: Literal["agent", "lead"]
    text: Text


class CallRef(BaseModel):
    """What the dialer handed the provider, echoed back on every event."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    campaign_id: UUID
    lead_id: UUID
    attempt: Annotated[int, Field(ge=1, le=50)] | None = None


class CallEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    event_id: Key
    call_id: Key
    type: Literal["queued", "ringing", "answered", "transferred", "ended", "analysis_ready"]
    occurred_at: datetime
    call: CallRef
    answered_by: Literal["human", "voicemail"] | None = None
    duration_seconds: Annotated[int, Field(ge=0, le=86_400)] | None = None
    recording_url: (
        Annotated[str, StringConstraints(max_length=2000, pattern=r"^https?://")] | None
    ) = None
    transcript: Annotated[list[Turn], Field(max_length=500)] | None = None
    summary: Text | None = None
    sentiment: Literal["positive", "neutral", "negative"] | None = None
    sentiment_score: Annotated[Decimal, Field(ge=-1, le=1, decimal_places=3)] | None = None
    outcome: Literal[
        "interested", "not_interested", "callback", "wrong_number", "do_not_call",
        "voicemail", "no_answer", "meeting_booked",
    ] | None = None  # fmt: skip
    callback_at: datetime | None = None  # naive: on the lead's clock
    cost: Annotated[Decimal, Field(ge=0, le=10_000, decimal_places=4)] | None = None


def _simulator(raw: Any) -> CallEvent:
    return CallEvent.model_validate(raw)


PROVIDERS: dict[str, Callable[[Any], CallEvent]] = {"simulator": _simulator}


def parse_event(provider: str, raw: Any) -> CallEvent:
    """The provider's payload as a ``CallEvent`` (pydantic.ValidationError when it is not one)."""
    return PROVIDERS[provider](raw)
