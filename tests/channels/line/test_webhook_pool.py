"""A slow LINE platform never starves the service of database connections: the webhook commits its
event and gives its connection back before it calls the Reply API, and records the outcome in a
second short transaction (which never overwrites a relay that took the answer over meanwhile).
Real concurrent requests against a live server."""

from __future__ import annotations

import asyncio
import json
import threading
import time

import asyncpg
import httpx
import msgspec

from barter.api.app import create_app
from barter.channels.line.signature import sign
from barter.domain.clock import SystemClock
from barter.settings import Settings
from barter.webhooks.relay import Relay
from tests.channels.line.conftest import CHANNEL_SECRET, message
from tests.channels.line.test_webhook import link
from tests.channels.standins import LinePlatform, Request
from tests.live import serve
from tests.polling import poll
from tests.world import World

POOL = 2


def _signed(*events: dict[str, object]) -> tuple[bytes, dict[str, str]]:
    body = json.dumps({"destination": "U" + "0" * 32, "events": list(events)}, ensure_ascii=False).encode()
    return body, {"content-type": "application/json", "x-line-signature": sign(CHANNEL_SECRET, body)}


async def test_replies_blocked_at_line_leave_the_pool_to_other_requests(
    settings: Settings, line_platform: LinePlatform, db: asyncpg.Connection
) -> None:
    held: list[Request] = []
    counted = threading.Lock()
    release = threading.Event()

    def gate(request: Request) -> None:
        with counted:
            held.append(request)
        release.wait(60)  # LINE answers only when the test says so

    line_platform.gate = gate
    small = msgspec.structs.replace(settings, database_pool_size=POOL)
    app = create_app(small, clock=SystemClock(), run_in_process=False, relay=False)
    # More webhook requests at once than the pool has connections, each from a chat not linked
    # yet (its answer is the polite "not linked" one: cheap to make, so the test is about waiting).
    chats = [f"Ustranger{n:02d}" for n in range(POOL + 1)]
    with serve(app) as base:
        async with httpx.AsyncClient(base_url=base, timeout=90) as http:
            webhooks = [
                asyncio.create_task(http.post("/line/webhook", content=body, headers=headers))
                for body, headers in (_signed(message("สวัสดีค่ะ", chat=chat)) for chat in chats)
            ]
            try:

                async def waiting() -> int:
                    with counted:
                        return len(held)

                # Every answer reaches LINE, though there are more of them than connections (bound
                # under the LINE client's 10 s timeout, which would otherwise free connections)...
                await poll(waiting, lambda n: n == len(chats), timeout=8)
                # ...and while LINE keeps all of them waiting, the pool still serves others.
                started = time.monotonic()
                health = await http.get("/health")
                assert health.status_code == 200, health.text
                assert health.json()["database"] == "ok"
                assert time.monotonic() - started < 4  # /health gives up on the pool after 5 s
                assert not release.is_set()
                assert line_platform.sent == []
                # What the events changed and the answers to send were committed before the calls.
                rows = await db.fetch("SELECT chat_id, state, attempts FROM line_replies ORDER BY chat_id")
                assert [tuple(r) for r in rows] == [(chat, "pending", 0) for chat in chats]
                assert await db.fetchval("SELECT count(*) FROM line_events") == len(chats)
            finally:
                release.set()
            answers = await asyncio.gather(*webhooks)
    assert [a.status_code for a in answers] == [200] * len(chats)
    # The outcome of each call was recorded after it, in its own transaction.
    rows = await db.fetch("SELECT chat_id, state, sent_as, attempts FROM line_replies ORDER BY chat_id")
    assert [tuple(r) for r in rows] == [(chat, "sent", "reply", 1) for chat in chats]
    assert sorted(s.target for s in line_platform.sent) == sorted(r.json()["replyToken"] for r in held)


async def test_an_outcome_that_comes_back_after_a_relay_took_over_does_not_overwrite_it(
    world: World, settings: Settings, line_platform: LinePlatform, relay: Relay
) -> None:
    """The webhook request's call to LINE outlives its claim on the answer, and a relay sends the
    answer meanwhile. When the request's own outcome comes back at last, the relay's record stands,
    and the answer was shown once."""
    await link(world, world.a)
    first = threading.Event()
    release = threading.Event()

    def gate(request: Request) -> None:
        if not first.is_set():  # only the webhook request's own reply waits
            first.set()
            release.wait(60)

    line_platform.gate = gate
    app = create_app(settings, clock=SystemClock(), run_in_process=False, relay=False)
    with serve(app) as base:
        async with httpx.AsyncClient(base_url=base, timeout=90) as http:
            body, headers = _signed(message("มีปลาเค็ม 200 กิโล"))
            answered = asyncio.create_task(http.post("/line/webhook", content=body, headers=headers))
            try:

                async def reached() -> bool:
                    return first.is_set()

                await poll(reached, bool, timeout=8)  # under the LINE client's 10 s timeout
                # The request's claim runs out (moved, rather than waited for): the relay's turn.
                moved = await world.db.execute(
                    "UPDATE line_replies SET next_attempt_at = now() WHERE state = 'pending' AND attempts = 0"
                )
                assert moved == "UPDATE 1"
                assert await relay.drain() == 1
                row = await world.db.fetchrow(
                    "SELECT state, sent_as, attempts FROM line_replies ORDER BY id DESC LIMIT 1"
                )
                assert row is not None
                assert tuple(row) == ("sent", "reply", 1)
            finally:
                release.set()
            assert (await answered).status_code == 200
    # The relay tried the token the request had noted as going out (never a push), and LINE sent
    # that; LINE then refused the request's own try of the spent token, and the request, its claim
    # gone, pushed nothing. The row still says what the relay recorded.
    assert [s.kind for s in line_platform.sent][-2:] == ["reply", "reply"]  # the link's, the post's
    assert [r.path for r in line_platform.requests][-2:] == ["/v2/bot/message/reply"] * 2
    row = await world.db.fetchrow(
        "SELECT state, sent_as, attempts FROM line_replies ORDER BY id DESC LIMIT 1"
    )
    assert row is not None
    assert tuple(row) == ("sent", "reply", 1)
