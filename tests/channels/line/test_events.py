from __future__ import annotations

import json

import msgspec
import pytest

from barter.channels.line.events import parse

# Shapes from the Messaging API reference: a text message in a group, a postback, a follow, and
# an event type barter does not handle.
PAYLOAD = {
    "destination": "Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "events": [
        {
            "type": "message",
            "message": {"type": "text", "id": "14353798921116", "text": "มีปลาเค็ม 200 กิโล", "quoteToken": "q"},
            "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZR",
            "deliveryContext": {"isRedelivery": False},
            "timestamp": 1625665242211,
            "source": {
                "type": "group",
                "groupId": "Ca56f94637c0f6e3d9bc21c7ed0c5d5c8",
                "userId": "U4af4980629",
            },
            "replyToken": "757913772c4646b784d4b7ce46d12671",
            "mode": "active",
        },
        {
            "type": "postback",
            "postback": {"data": "a=accept&p=42"},
            "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZS",
            "deliveryContext": {"isRedelivery": True},
            "timestamp": 1625665242212,
            "source": {"type": "user", "userId": "U4af4980629"},
            "replyToken": "b60d432864f44d079f6d8efe86cf404b",
            "mode": "active",
        },
        {
            "type": "follow",
            "follow": {"isUnblocked": False},
            "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZT",
            "deliveryContext": {"isRedelivery": False},
            "timestamp": 1625665242213,
            "source": {"type": "user", "userId": "U4af4980629"},
            "replyToken": "x",
            "mode": "active",
        },
        {
            "type": "membership",
            "webhookEventId": "01FZ74A0TDDPYRVKNK77XKC3ZV",
            "deliveryContext": {"isRedelivery": False},
            "timestamp": 1625665242214,
            "mode": "standby",
        },
    ],
}


def test_parses_the_documented_shapes() -> None:
    request = parse(json.dumps(PAYLOAD).encode())
    message, postback, follow, other = request.events
    assert message.text == "มีปลาเค็ม 200 กิโล"
    assert message.source is not None
    assert message.source.chat_id == "Ca56f94637c0f6e3d9bc21c7ed0c5d5c8"
    assert message.webhook_event_id == "01FZ74A0TDDPYRVKNK77XKC3ZR"
    assert postback.postback is not None
    assert postback.postback.fields() == {"a": "accept", "p": "42"}
    assert postback.delivery_context.is_redelivery
    assert postback.source is not None
    assert postback.source.chat_id == "U4af4980629"
    assert follow.type == "follow"
    assert follow.text is None
    assert other.mode == "standby"
    assert other.source is None


def test_empty_events_confirm_the_webhook_url() -> None:
    assert parse(b'{"destination":"U0","events":[]}').events == []


@pytest.mark.parametrize("body", [b"", b"{", b'{"events":[]}', b'{"destination":"U","events":[{"type":1}]}'])
def test_malformed_bodies_raise(body: bytes) -> None:
    with pytest.raises((msgspec.DecodeError, msgspec.ValidationError)):
        parse(body)
