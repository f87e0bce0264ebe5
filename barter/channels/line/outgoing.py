"""Replies to LINE events, sent from the table they were written to with the change they answer.

The webhook handler writes its answer in the event's transaction (barter/api/line/controller's
webhook), then sends it at once; if the process dies in between, any relay finds the row pending
and sends it. A reply token is used while it is valid (LINE keeps it for a short while, about
half a minute in practice); after that, or when LINE refuses the token (400), the answer is
pushed to the chat with the row's `X-Line-Retry-Key`. At least once: a process killed after LINE
accepted a reply but before the outcome was recorded makes the next sender push it again.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence

import asyncpg
import msgspec

from barter.channels.line.client import LinePlatform, SendResult
from barter.channels.line.messages import TextMessage
from barter.storage.repos import line_replies as repo
from barter.storage.repos.line_replies import ReplyResult
from barter.webhooks.relay import RelayConfig, retry_delay

REPLY_TOKEN_TTL_S = 25.0  # use the reply token this long after the event arrived, then push


async def keep(
    conn: asyncpg.Connection,
    event_id: str,
    chat_id: str,
    reply_token: str | None,
    messages: list[TextMessage],
) -> int | None:
    """Write the answer to an event in the caller's transaction; its id, to send after the commit."""
    if not messages:
        return None
    return await repo.insert(
        conn, event_id, chat_id, reply_token, msgspec.to_builtins(messages), REPLY_TOKEN_TTL_S
    )


async def send(
    conn: asyncpg.Connection,
    platform: LinePlatform,
    config: RelayConfig,
    rng: random.Random,
    ids: Sequence[int] | None = None,
) -> int:
    """Send pending replies (these ids, or a batch of due ones) and record each outcome, in one
    transaction holding their rows. Returns how many were attempted."""
    async with conn.transaction():
        rows = await repo.claim(conn, ids, config.batch_size)
        results = [await _attempt(platform, config, rng, row) for row in rows]
        await repo.record(conn, results)
    return len(rows)


async def _attempt(
    platform: LinePlatform, config: RelayConfig, rng: random.Random, row: asyncpg.Record
) -> ReplyResult:
    messages = msgspec.convert(row["messages"], list[TextMessage])
    number = row["attempts"] + 1
    sent_as = "reply"
    result: SendResult | None = None
    if row["reply_valid"]:
        result = await platform.reply(row["reply_token"], messages)
    if result is None or (result.status == 400 and not result.ok):  # expired or refused token
        sent_as = "push"
        result = await platform.push(row["chat_id"], messages, uuid.UUID(str(row["retry_key"])))
    if result.ok:
        return ReplyResult(row["id"], number, "sent", 0.0, sent_as, result.status, None)
    if result.retryable and number < config.max_attempts:
        return ReplyResult(
            row["id"], number, "pending", retry_delay(config, number, rng), None, result.status, result.error
        )
    return ReplyResult(row["id"], number, "failed", 0.0, None, result.status, result.error)
