"""Replies to LINE events, sent from the table they were written to with the change they answer.

The webhook handler (barter/channels/line/webhook.py) writes its answer in the event's
transaction, claimed for CLAIM_S; after the commit, with its connection back in the pool, it
sends the answer (bounded by SEND_WITHIN_S) and records the outcome in a second short
transaction. No connection waits on LINE: a slow platform cannot exhaust the pool. If the
process dies before the outcome is recorded, the claim runs out and any relay finds the row
pending and sends it.

At most once on the chat, and lost only when it cannot be sent without risking a second copy. A
reply token is free and LINE spends it once; a push costs, and carries the row's
`X-Line-Retry-Key`, so LINE takes one push of an answer however often it is sent. But a push
after a reply that went out is a second copy, and LINE's refusal of a used token (400) reads as
its refusal of an expired one. So the webhook request notes, in a transaction of its own, that a
reply is going before it calls LINE (`note_going`):

- a reply LINE took is recorded sent; one LINE certainly did not send (a 4xx, or LINE not
  reached) loses its note, and the answer is pushed (at once after a 400: the token is dead);
- a reply whose outcome is unknown (a 5xx, no answer, or the process died) keeps its note: a
  relay tries that token again, never a push. LINE sends it if the first did not go and the token
  lives; a 400 then says the token is spent (by that first reply, or by time), and nothing more
  is sent.

A relay never starts a reply of its own (it cannot commit a note while it holds the rows): an
answer without the note is pushed.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import uuid
from collections.abc import AsyncIterator, Awaitable
from typing import cast

import asyncpg
import msgspec

from barter.channels.line.client import LinePlatform, SendResult
from barter.channels.line.messages import Message
from barter.failpoints import failpoint
from barter.storage.repos import line_replies as repo
from barter.storage.repos.line_replies import ReplyResult
from barter.webhooks.relay import RelayConfig, retry_delay

REPLY_TOKEN_TTL_S = 25.0  # use the reply token this long after the event arrived, then push
# The webhook request's call to LINE gives up after this long...
SEND_WITHIN_S = 15.0
# ...well inside its claim on the answer (taken again when the reply is noted as going): a relay
# takes over an answer still pending after it, while the reply token usually still lives. Its
# outcome therefore comes back while the claim holds, before any relay can try the same token.
CLAIM_S = 20.0
SPENT = "LINE refused the reply token again: the earlier reply, whose outcome was not known, spent it"


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
    answers: by reply while its token is valid, noted as going first; else, or when LINE refuses
    the token, by push. Each outcome is recorded in a short transaction of its own."""
    row: asyncpg.Record | dict[str, object] = kept
    messages = msgspec.convert(kept["messages"], list[Message])
    noted = False
    if kept["reply_valid"]:
        async with _connection(pool) as conn:
            noted = await repo.note_going(conn, kept["id"], kept["attempts"], CLAIM_S)
    # Not noted: the token ran out meanwhile, or a relay has the answer (this request came late)
    # and pushes it: pushed here too, which its retry key makes harmless.
    if noted:
        failpoint("line.reply.before_reply")
        result = await _within(platform.reply(kept["reply_token"], messages))
        failpoint("line.reply.before_record")
        if not result.nothing_sent:  # sent, or perhaps: the note stays unless it was
            await _record(pool, _outcome(config, rng, kept, "reply", result))
            return
        refused = _outcome(config, rng, kept, None, result)
        if result.status == 400:  # the token is dead (expired, or refused): pushed now
            refused = ReplyResult(
                kept["id"], kept["attempts"] + 1, "pending", CLAIM_S, None, 400, result.error
            )
        async with _connection(pool) as conn:
            ours = await repo.record_unsent(conn, refused)
        if result.status != 400 or not ours:  # a relay pushes it later, or has it already
            return
        row = {**dict(kept), "attempts": refused.attempts}
    result = await _within(platform.push(str(row["chat_id"]), messages, uuid.UUID(str(row["retry_key"]))))
    await _record(pool, _outcome(config, rng, row, "push", result))


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
    """A relay's attempt: the token again after a reply that may have gone out (LINE sends at most
    one reply per token), never a push then; otherwise a push with the answer's retry key."""
    messages = msgspec.convert(row["messages"], list[Message])
    if row["reply_tried"]:
        result = await platform.reply(row["reply_token"], messages)
        if result.status == 400:  # spent: by the earlier reply (shown once), or by time
            return ReplyResult(
                row["id"], row["attempts"] + 1, "sent", 0.0, "reply", 400, f"{SPENT}: {result.error}"
            )
        return _outcome(config, rng, row, "reply", result)
    result = await platform.push(row["chat_id"], messages, uuid.UUID(str(row["retry_key"])))
    return _outcome(config, rng, row, "push", result)


async def _within(call: Awaitable[SendResult]) -> SendResult:
    """A call to LINE, given up after SEND_WITHIN_S (its outcome then unknown)."""
    try:
        async with asyncio.timeout(SEND_WITHIN_S):
            return await call
    except TimeoutError:
        return SendResult(None, f"no answer from LINE within {SEND_WITHIN_S:g} s")


@contextlib.asynccontextmanager
async def _connection(pool: asyncpg.Pool) -> AsyncIterator[asyncpg.Connection]:
    """A pool connection in a transaction of its own, for one short step."""
    async with pool.acquire() as proxy:
        conn = cast(asyncpg.Connection, proxy)
        async with conn.transaction():
            yield conn


async def _record(pool: asyncpg.Pool, result: ReplyResult) -> None:
    async with _connection(pool) as conn:
        await repo.record(conn, [result])


def _outcome(
    config: RelayConfig,
    rng: random.Random,
    row: asyncpg.Record | dict[str, object],
    sent_as: str | None,
    result: SendResult,
) -> ReplyResult:
    """What one attempt makes of the answer. `sent_as` "reply" on an answer left pending or given
    up on keeps the note that a reply may have gone out (the caller passes None when none did)."""
    number = int(cast(int, row["attempts"])) + 1
    reply_id = int(cast(int, row["id"]))
    if result.ok:
        return ReplyResult(reply_id, number, "sent", 0.0, sent_as, result.status, None)
    noted = sent_as if sent_as == "reply" else None
    if result.retryable and number < config.max_attempts:
        delay = retry_delay(config, number, rng)
        return ReplyResult(reply_id, number, "pending", delay, noted, result.status, result.error)
    return ReplyResult(reply_id, number, "failed", 0.0, noted, result.status, result.error)
