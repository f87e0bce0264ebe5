"""Idempotency keys: a retried request has one effect (reliability.md). The channel hashes the
request and replays the stored response; this records both in the caller's transaction.

A record lasts RETENTION from its request: reliability.md names no period, so it is Stripe's
24 hours, long enough for any client's retries. After that the sweeper deletes it, and a request
that reuses the key before the sweep is new all the same (the claim takes the expired record over).
A response carrying a one-time secret is stored without it (`withheld` names what was left out).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import asyncpg

from barter.domain.access import Caller
from barter.storage.repos import idempotency as repo

RETENTION = timedelta(hours=24)
PRUNE_BATCH = 5_000  # records one sweep deletes at most (the rest wait for the next)


async def claim(
    conn: asyncpg.Connection,
    caller: Caller,
    key: str,
    method: str,
    path: str,
    request_hash: str,
    now: datetime,
) -> asyncpg.Record | None:
    """None when this request now owns the caller's key; otherwise the stored record of the first
    request (its hash, and its response once it finished)."""
    return await repo.claim(conn, caller.key_id, key, method, path, request_hash, now, now - RETENTION)


async def store(
    conn: asyncpg.Connection,
    caller: Caller,
    key: str,
    status: int,
    body: bytes,
    headers: dict[str, str],
    withheld: Sequence[str] = (),
) -> None:
    """The response to replay for the caller's key, in the transaction of the effect; `body` holds
    no secret, and `withheld` names the fields of the response that were left out of it."""
    await repo.store(conn, caller.key_id, key, status, body, headers, withheld)


async def prune(conn: asyncpg.Connection, now: datetime) -> int:
    """Forget records older than RETENTION (the sweeper calls this). Returns the rows deleted."""
    return await repo.prune(conn, now - RETENTION, PRUNE_BATCH)
