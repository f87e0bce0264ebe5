"""`POST /line/webhook`: the endpoint a LINE Official Account's Messaging API channel calls.

Off (404) unless BARTER_LINE_CHANNEL_SECRET and BARTER_LINE_CHANNEL_ACCESS_TOKEN are set. The
`x-line-signature` is checked against the raw body before anything is parsed; a request that
fails it is answered 401 and changes nothing. Each event is handled in its own transaction, which
also writes the answer (channels/line/outgoing.py); after the commit, and with the connection
back in the pool (LINE may be slow; other requests need it), the answer is sent with the reply
token and its outcome recorded in a second short transaction. A process that dies in between
shows nothing twice and loses nothing that can still be sent: a relay sends the answer later
(outgoing.py: the same reply token after a reply that may have gone out, else a push).
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any, cast

import asyncpg
import msgspec
from litestar import Request, Response, post
from litestar.datastructures import State

from barter.channels.line import bot, events, outgoing
from barter.channels.line.client import LinePlatform
from barter.channels.line.signature import HEADER, verify
from barter.domain.errors import MalformedRequest, NotFound, PayloadTooLarge, Unauthorized
from barter.failpoints import failpoint
from barter.services import catalogue
from barter.webhooks.relay import RelayConfig

PATH = "/line/webhook"
_SEND = RelayConfig()  # retries of an answer that could not be sent at once (any relay's rounds)
_rng = random.Random()  # noqa: S311 (retry jitter, not a secret)


@post(PATH, status_code=200, include_in_schema=False, name="line-webhook")
async def line_webhook(request: Request[Any, Any, Any], state: State) -> Response[dict[str, str]]:
    settings = state.settings
    platform: LinePlatform | None = getattr(state, "line", None)
    if not settings.line_enabled or platform is None:
        raise NotFound("Not found")
    body = await request.body()
    if len(body) > events.MAX_BODY_BYTES:
        raise PayloadTooLarge("The webhook body is too large")
    if not verify(settings.line_channel_secret, body, request.headers.get(HEADER)):
        raise Unauthorized("The x-line-signature does not match the body")
    try:
        callback = events.parse(body)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise MalformedRequest(f"Not a LINE webhook body: {exc}") from None
    pool: asyncpg.Pool = state.pool
    for event in callback.events:
        async with pool.acquire() as proxy:
            conn = cast(asyncpg.Connection, proxy)
            async with conn.transaction():
                # the live catalogue: goods the network added (ปลาช่อน) are read as the shipped are
                ctx = bot.Context(
                    secret=settings.secret,
                    catalogue=await catalogue.current(conn),
                    clock=state.clock,
                    history=timedelta(days=settings.line_history_days),
                )
                answer = await bot.handle(conn, ctx, event)
                chat_id = None if event.source is None else event.source.chat_id
                kept = (
                    await outgoing.keep(conn, event.webhook_event_id, chat_id, event.reply_token, answer)
                    if answer and chat_id is not None
                    else None
                )
        failpoint("line.reply.before_send")
        if kept is not None:
            await outgoing.send_kept(pool, platform, _SEND, _rng, kept)
    return Response({}, status_code=200)
