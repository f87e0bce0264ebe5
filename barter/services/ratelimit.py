"""Rate-limit counting (issue 16): fixed windows, counters in PostgreSQL shared by every server
process. The HTTP side (which bucket a request falls in, the 429) is barter/api/ratelimit.py.

A limit of 0 is off. Windows follow the clock passed in, so tests move time instead of waiting.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

import asyncpg

from barter.settings import Settings
from barter.storage.repos import ratelimit as repo


class Window:
    """The fixed window `now` falls in, and how many seconds remain of it."""

    def __init__(self, now: datetime, seconds: int) -> None:
        epoch = now.timestamp()
        self.start = datetime.fromtimestamp(epoch - epoch % seconds, tz=UTC)
        self.retry_after = max(1, math.ceil(self.start.timestamp() + seconds - epoch))


async def over(conn: asyncpg.Connection, bucket: str, limit: int, window: Window) -> bool:
    """Whether `bucket` already reached `limit` in the window (without counting)."""
    return bool(limit) and await repo.hits(conn, bucket, window.start) >= limit


async def count(conn: asyncpg.Connection, limits: Mapping[str, int], window: Window) -> list[str]:
    """Count one request in each bucket whose limit is on; the buckets it took past their limit."""
    active = {bucket: limit for bucket, limit in limits.items() if limit}
    if not active:
        return []
    counts = await repo.hit(conn, list(active), window.start)
    return [bucket for bucket, limit in active.items() if counts.get(bucket, 0) > limit]


async def prune(conn: asyncpg.Connection, now: datetime, settings: Settings) -> None:
    """Forget windows that ended (the expiry sweeper calls this)."""
    await repo.prune(conn, now - timedelta(seconds=2 * settings.rate_limit_window_s))
