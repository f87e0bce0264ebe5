"""Answers to LINE events are written with the change they answer and sent after the commit; one
that could not be sent then is sent by the relay. Never shown twice: a reply that may have gone
out is tried again only with its own token (LINE sends one reply per token), never pushed; an
answer no reply went out for is pushed with its retry key (LINE takes one push per key)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from barter.channels.line import outgoing
from barter.webhooks.relay import Relay
from tests.channels.line.conftest import deliver, message
from tests.channels.line.test_webhook import link
from tests.channels.standins import LinePlatform
from tests.world import World

POST = "มีปลาเค็ม 200 กิโล"


async def test_an_answer_is_kept_with_its_change_and_sent_by_reply(
    world: World, line_platform: LinePlatform
) -> None:
    await link(world, world.a)
    await deliver(world.client, message(POST))
    rows = await world.db.fetch("SELECT state, sent_as, attempts FROM line_replies ORDER BY id")
    assert [tuple(r) for r in rows] == [("sent", "reply", 1), ("sent", "reply", 1)]
    assert [s.kind for s in line_platform.sent] == ["reply", "reply"]


@dataclass(frozen=True)
class Case:
    """What LINE does with the webhook request's reply, and with the relay's attempt after it."""

    first: Callable[[LinePlatform], None]  # set the stand-in up before the webhook request
    then: Callable[[LinePlatform, str], None]  # before the relay's attempt (the reply token given)
    after_request: tuple[str, str | None, int, int | None]  # the row: state, sent_as, attempts, status
    shown: list[str]  # how the answer reached the chat, in order
    row: tuple[str, str | None, int | None]  # the row in the end: state, sent_as, last status


def _nothing(_: LinePlatform, *__: str) -> None:
    pass


def _fail_next(*statuses: int) -> Callable[[LinePlatform], None]:
    def setup(platform: LinePlatform) -> None:
        platform.fail_next = list(statuses)

    return setup


def _fail_after_send(status: int) -> Callable[[LinePlatform], None]:
    def setup(platform: LinePlatform) -> None:
        platform.fail_after_send = [status]

    return setup


def _expire(platform: LinePlatform, token: str) -> None:
    platform.expire(token)


CASES = {
    # LINE failed the reply and sent nothing: the relay tries the token again while it lives.
    "5xx, token lives": Case(
        _fail_next(503), _nothing, ("pending", "reply", 1, 503), ["reply"], ("sent", "reply", 200)
    ),
    # LINE sent the reply, then answered 500: the relay's try of the spent token is refused, and
    # it pushes nothing. Before: a reply, then a push of the same answer.
    "sent, then 5xx": Case(
        _fail_after_send(500), _nothing, ("pending", "reply", 1, 500), ["reply"], ("sent", "reply", 400)
    ),
    # LINE failed the reply, and its token ran out before the relay came: whether it went out is
    # not known to barter, so it is not pushed. At most once: here, not at all.
    "5xx, token ran out": Case(
        _fail_next(503), _expire, ("pending", "reply", 1, 503), [], ("sent", "reply", 400)
    ),
    # LINE refused the token (400: no reply went): pushed at once, by the webhook request.
    "token refused": Case(
        _fail_next(400), _nothing, ("sent", "push", 2, 200), ["push"], ("sent", "push", 200)
    ),
    # LINE refused the reply for the rate (429: nothing sent): the relay pushes it.
    "rate limited": Case(
        _fail_next(429), _nothing, ("pending", None, 1, 429), ["push"], ("sent", "push", 200)
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
async def test_an_answer_is_shown_at_most_once_whatever_line_does_with_it(
    world: World, line_platform: LinePlatform, relay: Relay, case: Case
) -> None:
    await link(world, world.a)
    linked = len(line_platform.sent)
    case.first(line_platform)
    await deliver(world.client, message(POST))
    assert await world.db.fetchval("SELECT count(*) FROM line_drafts") == 1  # the change committed
    row = await world.db.fetchrow(
        "SELECT state, sent_as, attempts, last_status, reply_token, retry_key FROM line_replies"
        " ORDER BY id DESC LIMIT 1"
    )
    assert row is not None
    assert tuple(row)[:4] == case.after_request
    case.then(line_platform, row["reply_token"])
    # The relay's turn: due now rather than after the retry's delay (and again, finding nothing).
    await world.db.execute("UPDATE line_replies SET next_attempt_at = now() WHERE state = 'pending'")
    await relay.drain()
    await world.db.execute("UPDATE line_replies SET next_attempt_at = now() WHERE state = 'pending'")
    await relay.drain()
    shown = line_platform.sent[linked:]
    assert [s.kind for s in shown] == case.shown
    for sent in shown:
        assert "ปลาเค็ม 200 กก." in sent.messages[0]["text"]
        assert sent.messages[0]["quickReply"]["items"][0]["action"]["label"] == "ยืนยัน"
        if sent.kind == "push":
            assert (sent.target, sent.retry_key) == ("Cgroup-pakbara", str(row["retry_key"]))
    end = await world.db.fetchrow(
        "SELECT state, sent_as, last_status FROM line_replies ORDER BY id DESC LIMIT 1"
    )
    assert tuple(end or ()) == case.row


def test_a_reply_call_ends_inside_its_claim_and_its_token_outlives_the_claim() -> None:
    """What the at-most-once rule stands on: the webhook request's call to LINE is given up before
    its claim on the answer runs out (so its outcome, a 400 above all, comes back before any relay
    can try the same token), and a relay taking over after the claim still finds the token alive."""
    assert outgoing.SEND_WITHIN_S < outgoing.CLAIM_S < outgoing.REPLY_TOKEN_TTL_S
