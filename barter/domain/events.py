"""The events a partner or community may subscribe to (webhooks), written to the outbox with the change.
Proposal events also become notices to the communities they name (LINE, SMS)."""

from __future__ import annotations

from typing import Literal, get_args

EventType = Literal[
    "proposal.proposed",
    "proposal.approved",
    "proposal.rejected",
    "proposal.completed",
    "proposal.dispatched",
    "proposal.expired",
    "proposal.cancelled",
    "run.succeeded",
    "run.failed",
]
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
