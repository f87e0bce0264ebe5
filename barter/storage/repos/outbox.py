"""Events for partners, written in the caller's transaction (the transactional outbox)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import asyncpg

from barter.domain.events import EVENT_TYPES, EventType
from barter.storage.sql import query

__all__ = ["EVENT_TYPES", "EventType", "emit"]


async def emit(
    conn: asyncpg.Connection, event_type: EventType, regions: Iterable[str], data: dict[str, Any]
) -> int:
    """Record an event in the current transaction; it is delivered only if the transaction commits."""
    event_id: int = await conn.fetchval(query("insert_outbox_event"), event_type, sorted(set(regions)), data)
    return event_id
