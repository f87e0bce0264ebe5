"""The events a partner may subscribe to (webhooks), written to the outbox with the change."""

from __future__ import annotations

from typing import Literal, get_args

EventType = Literal[
    "proposal.proposed",
    "proposal.approved",
    "proposal.rejected",
    "proposal.completed",
    "run.succeeded",
    "run.failed",
]
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
