"""Replies to LINE events, sent from the table they were written to with the change they answer.

The webhook handler (barter/channels/line/webhook.py) writes its answer in the event's
transaction, claimed for CLAIM_S; after the commit, with its connection back in the pool, it
sends the answer (bounded by SEND_WITHIN_S) and records the outcome in a second short
transaction. No connection waits on LINE: a slow platform cannot exhaust the pool. If the
process dies before the outcome is recorded, the claim runs out and any relay finds the row
pending and sends it. A reply token is used while it is valid (LINE keeps it for a short while,
about half a minute in practice); after that, or when LINE refuses the token (400), the answer
is pushed to the chat with the row's `X-Line-Retry-Key`. At least once: a process killed after
LINE accepted a reply but before the outcome was recorded makes the next sender push it again.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from typing import cast

import asyncpg
import msgspec

from barter.channels.line.client import LinePlatform, SendResult
from barter.channels.line.messages import Message
from barter.storage.repos import line_replies as repo
from barter.storage.repos.line_replies import ReplyResult
from barter.webhooks.relay import RelayConfig, retry_delay

REPLY_TOKEN_TTL_S = 25.0  # use the reply token this long after the event arrived, then push
# The webhook request's own attempt (a reply, perhaps then a push) gives up after this long...
SEND_WITHIN_S = 15.0
# ...well inside its claim on the answer; a relay takes over an answer still pending after it,
# while the reply token usually still lives.
CLAIM_S = 20.0


async def keep(
    conn: asyncpg.Connection,
    event_id: str,
    chat_id: str,
    reply_token: str | None,
    messages: list[Message],
) -> asyncpg.Record | None:
    """Write the answer to an event in the caller's transaction, claimed by the caller for CLAIM_S;
    the row to give `send_kept` after the commit (None for no answer, or one written before)."""
    if not messages:
        return None
    return await repo.insert(
        conn, event_id, chat_id, reply_token, msgspec.to_builtins(messages), REPLY_TOKEN_TTL_S, CLAIM_S
    )


async def send_kept(
    pool: asyncpg.Pool,
    platform: LinePlatform,
    config: RelayConfig,
    rng: random.Random,
    kept: asyncpg.Record,
) -> None:
    """Send an answer `keep` wrote (its transaction committed), holding no connection while LINE
    answers; then record the outcome in a short transaction of its own."""
    try:
        async with asyncio.timeout(SEND_WITHIN_S):
            result = await _attempt(platform, config, rng, kept)
    except TimeoutError:
        result = _outcome(
            config, rng, kept, None, SendResult(None, f"no answer from LINE within {SEND_WITHIN_S:g} s")
        )
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        async with conn.transaction():
            await repo.record(conn, [result])


async def send(
    conn: asyncpg.Connection, platform: LinePlatform, config: RelayConfig, rng: random.Random
) -> int:
    """The relay's round: send a batch of due replies and record each outcome, in one transaction
    holding their rows (on the relay's own connection, not the request pool). Returns how many
    were attempted."""
    async with conn.transaction():
        rows = await repo.claim(conn, config.batch_size)
        results = [await _attempt(platform, config, rng, row) for row in rows]
        await repo.record(conn, results)
    return len(rows)


async def _attempt(
    platform: LinePlatform, config: RelayConfig, rng: random.Random, row: asyncpg.Record
) -> ReplyResult:
    messages = msgspec.convert(row["messages"], list[Message])
    sent_as = "reply"
    result: SendResult | None = None
    if row["reply_valid"]:
        result = await platform.reply(row["reply_token"], messages)
    if result is None or (result.status == 400 and not result.ok):  # expired or refused token
        sent_as = "push"
        result = await platform.push(row["chat_id"], messages, uuid.UUID(str(row["retry_key"])))
    return _outcome(config, rng, row, sent_as, result)


def _outcome(
    config: RelayConfig, rng: random.Random, row: asyncpg.Record, sent_as: str | None, result: SendResult
) -> ReplyResult:
    number = row["attempts"] + 1
    if result.ok:
        return ReplyResult(row["id"], number, "sent", 0.0, sent_as, result.status, None)
    if result.retryable and number < config.max_attempts:
        return ReplyResult(
            row["id"], number, "pending", retry_delay(config, number, rng), None, result.status, result.error
        )
    return ReplyResult(row["id"], number, "failed", 0.0, None, result.status, result.error)
