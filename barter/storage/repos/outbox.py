"""Events for partners, written in the caller's transaction (the transactional outbox)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import asyncpg

from barter.storage.sql import query

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
EVENT_TYPES: tuple[EventType, ...] = (
    "proposal.proposed",
    "proposal.approved",
    "proposal.rejected",
    "proposal.completed",
    "proposal.dispatched",
    "proposal.expired",
    "proposal.cancelled",
    "run.succeeded",
    "run.failed",
)


async def emit(
    conn: asyncpg.Connection, event_type: EventType, regions: Iterable[str], data: dict[str, Any]
) -> int:
    """Record an event in the current transaction; it is delivered only if the transaction commits."""
    event_id: int = await conn.fetchval(query("insert_outbox_event"), event_type, sorted(set(regions)), data)
    return event_id
