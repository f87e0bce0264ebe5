from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from barter.channels.line.client import LineHttpClient
from barter.channels.line.messages import button, text
from tests.channels.standins import LinePlatform


@pytest.fixture
def platform() -> Iterator[LinePlatform]:
    with LinePlatform() as stand_in:
        yield stand_in


@pytest.fixture
async def client(platform: LinePlatform) -> AsyncIterator[LineHttpClient]:
    line = LineHttpClient(platform.access_token, base_url=platform.url, timeout_s=5)
    yield line
    await line.aclose()


async def test_reply_sends_text_with_quick_reply_postbacks(
    platform: LinePlatform, client: LineHttpClient
) -> None:
    message = text(
        "ปลาเค็ม 200 กก. ถูกไหมคะ", [button("ยืนยัน", a="confirm", d=7), button("ยกเลิก", a="cancel", d=7)]
    )
    result = await client.reply("token-1", [message])
    assert result.ok
    assert result.status == 200
    [sent] = platform.sent
    assert sent.kind == "reply"
    assert sent.target == "token-1"
    assert sent.messages == [
        {
            "type": "text",
            "text": "ปลาเค็ม 200 กก. ถูกไหมคะ",
            "quickReply": {
                "items": [
                    {
                        "type": "action",
                        "action": {
                            "type": "postback",
                            "label": "ยืนยัน",
                            "data": "a=confirm&d=7",
                            "displayText": "ยืนยัน",
                        },
                    },
                    {
                        "type": "action",
                        "action": {
                            "type": "postback",
                            "label": "ยกเลิก",
                            "data": "a=cancel&d=7",
                            "displayText": "ยกเลิก",
                        },
                    },
                ]
            },
        }
    ]
    again = await client.reply("token-1", [text("อีกครั้ง")])
    assert not again.ok
    assert again.status == 400
    assert not again.retryable


async def test_push_retry_key_makes_a_retry_harmless(platform: LinePlatform, client: LineHttpClient) -> None:
    key = uuid.uuid4()
    first = await client.push("Cgroup", [text("มีข้อเสนอแลกเปลี่ยนใหม่")], key)
    second = await client.push("Cgroup", [text("มีข้อเสนอแลกเปลี่ยนใหม่")], key)
    assert first.ok
    assert first.status == 200
    assert second.ok
    assert second.status == 409
    assert [s.retry_key for s in platform.sent] == [str(key)]


async def test_failures_say_whether_to_retry(platform: LinePlatform, client: LineHttpClient) -> None:
    platform.fail_next = [500, 429]
    assert (await client.push("U1", [text("a")], uuid.uuid4())).retryable
    assert (await client.push("U1", [text("a")], uuid.uuid4())).retryable
    wrong = LineHttpClient("wrong-token", base_url=platform.url, timeout_s=5)
    try:
        result = await wrong.push("U1", [text("a")], uuid.uuid4())
    finally:
        await wrong.aclose()
    assert result.status == 401
    assert not result.ok
    assert not result.retryable
    assert platform.sent == []


async def test_unreachable_platform_is_retryable() -> None:
    line = LineHttpClient("t", base_url="http://127.0.0.1:9", timeout_s=2)
    try:
        result = await line.push("U1", [text("a")], uuid.uuid4())
    finally:
        await line.aclose()
    assert result.status is None
    assert result.retryable
    assert result.unsent  # never reached: certainly nothing sent, so a push cannot be a second copy
    assert result.nothing_sent


@pytest.mark.parametrize(
    ("status", "nothing_sent"),
    [(400, True), (401, True), (429, True), (500, False), (503, False)],
)
async def test_whether_line_certainly_sent_nothing(
    platform: LinePlatform, client: LineHttpClient, status: int, nothing_sent: bool
) -> None:
    """A 4xx refuses the request; after a 5xx LINE may have sent the message all the same."""
    platform.fail_next = [status]
    result = await client.reply("token-1", [text("a")])
    assert (result.status, result.ok, result.nothing_sent) == (status, False, nothing_sent)


def test_limits_are_enforced_before_sending() -> None:
    with pytest.raises(ValueError, match="label"):
        button("ป" * 21, a="x")
    with pytest.raises(ValueError, match="postback data"):
        button("ok", a="x" * 300)
    with pytest.raises(ValueError, match="quick-reply"):
        text("t", [button(str(i), a=i) for i in range(14)])
    assert len(text("ก" * 6000).text) == 5000
