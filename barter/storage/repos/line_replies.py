"""LINE replies kept with the change they answer, then sent (reply token, or push) and recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import asyncpg

from barter.storage.sql import query


async def insert(
    conn: asyncpg.Connection,
    event_id: str,
    chat_id: str,
    reply_token: str | None,
    messages: Any,
    ttl_s: float,
    claim_s: float,
) -> asyncpg.Record | None:
    """The reply as a sender needs it (relays leave it alone for `claim_s`); None when this
    event's reply was written before."""
    row: asyncpg.Record | None = await conn.fetchrow(
        query("insert_line_reply"), event_id, chat_id, reply_token, messages, ttl_s, claim_s
    )
    return row


async def prune(conn: asyncpg.Connection, before: datetime, limit: int) -> int:
    """Forget answers sent or given up on before `before` (at most `limit`); returns how many."""
    status = await conn.execute(query("prune_line_replies"), before, limit)
    return int(status.split()[-1])


async def claim(conn: asyncpg.Connection, limit: int) -> list[asyncpg.Record]:
    """Pending replies that are due, locked FOR UPDATE SKIP LOCKED: call inside the transaction
    that records them."""
    rows: list[asyncpg.Record] = await conn.fetch(query("claim_line_replies"), limit)
    return rows


@dataclass(frozen=True, slots=True)
class ReplyResult:
    reply_id: int
    attempts: int
    state: str
    retry_in_s: float
    sent_as: str | None
    status: int | None
    error: str | None


async def record(conn: asyncpg.Connection, results: Sequence[ReplyResult]) -> None:
    """Each outcome, over the attempt before it only (an outcome that comes back after another
    sender took the reply over changes nothing)."""
    await conn.executemany(
        query("finish_line_reply"),
        [(r.reply_id, r.attempts, r.state, r.retry_in_s, r.sent_as, r.status, r.error) for r in results],
    )


async def note_going(conn: asyncpg.Connection, reply_id: int, attempts: int, claim_s: float) -> bool:
    """Note that a reply with the token is about to go (call in a transaction of its own, committed
    before the call to LINE), claiming the answer again for `claim_s`; False when the answer is no
    longer the caller's to reply to (a relay has it, or its token ran out)."""
    noted = await conn.fetchval(query("note_line_reply_going"), reply_id, attempts, claim_s)
    return noted is not None


async def record_unsent(conn: asyncpg.Connection, result: ReplyResult) -> bool:
    """The outcome of a noted reply that certainly did not go out (the note goes with it), if the
    caller's claim still holds; False when it was not recorded (not the caller's any more)."""
    recorded = await conn.fetchval(
        query("finish_unsent_line_reply"),
        result.reply_id,
        result.attempts,
        result.state,
        result.retry_in_s,
        result.status,
        result.error,
    )
    return recorded is not None
