"""Answers to LINE events are written with the change they answer and sent after the commit; one
that could not be sent then is sent by the relay, by push once the reply token has run out."""

from __future__ import annotations

from barter.webhooks.relay import Relay
from tests.channels.line.conftest import deliver, message
from tests.channels.line.test_webhook import link
from tests.channels.standins import LinePlatform
from tests.world import World


async def test_an_answer_is_kept_with_its_change_and_sent_by_reply(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    await deliver(world.client, message("มีปลาเค็ม 200 กิโล"))
    rows = await world.db.fetch("SELECT state, sent_as, attempts FROM line_replies ORDER BY id")
    assert [tuple(r) for r in rows] == [("sent", "reply", 1), ("sent", "reply", 1)]
    assert [s.kind for s in line_platform.sent] == ["reply", "reply"]


async def test_an_unsent_answer_is_pushed_by_the_relay_once_the_token_ran_out(
    world: World, line_platform: LinePlatform, relay: Relay
) -> None:
    await link(world, world.a)
    line_platform.fail_next = [503]  # LINE is down when the webhook request tries to answer
    await deliver(world.client, message("มีปลาเค็ม 200 กิโล"))
    assert await world.db.fetchval("SELECT count(*) FROM line_drafts") == 1  # the change committed
    row = await world.db.fetchrow("SELECT state, attempts, last_status FROM line_replies ORDER BY id DESC")
    assert row is not None
    assert tuple(row) == ("pending", 1, 503)
    # Later than the reply token lives: the relay pushes the same answer to the chat.
    await world.db.execute(
        "UPDATE line_replies SET reply_until = now() - interval '1 second', next_attempt_at = now()"
        " WHERE state = 'pending'"
    )
    await relay.drain()
    push = line_platform.sent[-1]
    assert (push.kind, push.target) == ("push", "Cgroup-pakbara")
    assert "ปลาเค็ม 200 กก." in push.messages[0]["text"]
    assert push.messages[0]["quickReply"]["items"][0]["action"]["label"] == "ยืนยัน"
    row = await world.db.fetchrow("SELECT state, sent_as FROM line_replies ORDER BY id DESC")
    assert row is not None
    assert tuple(row) == ("sent", "push")
    await relay.drain()
    assert sum(s.kind == "push" for s in line_platform.sent) == 1  # sent once


async def test_a_refused_reply_token_falls_back_to_a_push(
    world: World, line_platform: LinePlatform, relay: Relay
) -> None:
    await link(world, world.a)
    line_platform.fail_next = [503]
    await deliver(world.client, message("ต้องการข้าวสาร 50 กก."))
    await world.db.execute("UPDATE line_replies SET next_attempt_at = now() WHERE state = 'pending'")
    line_platform.fail_next = [400]  # LINE no longer takes the token, though barter thought it valid
    await relay.drain()
    assert [s.kind for s in line_platform.sent][-1] == "push"
    assert await world.db.fetchval("SELECT sent_as FROM line_replies ORDER BY id DESC LIMIT 1") == "push"
