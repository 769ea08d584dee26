"""AI call campaigns: campaigns over lead lists, the dialer, call events from a signed webhook
and their effects on leads, tasks and the pipeline, and the live monitor's numbers."""

from ..core.security import NO_USER
from .actor import campaign_actor
from .effects import EventResult, apply_event
from .events import PROVIDERS, CallEvent, parse_event
from .signing import (
    GRACE,
    ORG_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    TOLERANCE,
    Secrets,
    ensure_secret,
    rotate_secret,
    secrets_of,
    signature,
    signed_headers,
    verify,
)

__all__ = [
    "GRACE",
    "NO_USER",
    "ORG_HEADER",
    "PROVIDERS",
    "SIGNATURE_HEADER",
    "TIMESTAMP_HEADER",
    "TOLERANCE",
    "CallEvent",
    "EventResult",
    "Secrets",
    "apply_event",
    "campaign_actor",
    "ensure_secret",
    "parse_event",
    "rotate_secret",
    "secrets_of",
    "signature",
    "signed_headers",
    "verify",
]
