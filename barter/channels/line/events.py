"""Webhook request bodies from the LINE platform (only the fields barter reads).

One permissive struct per object: event types barter does not handle (sticker messages, unsend,
membership, ...) still decode and are skipped, instead of failing the whole request.
"""

from __future__ import annotations

from typing import Literal
from urllib.parse import parse_qsl

import msgspec

MAX_BODY_BYTES = 1024 * 1024


class Source(msgspec.Struct, frozen=True, rename="camel"):
    type: str  # user, group, room
    user_id: str | None = None
    group_id: str | None = None
    room_id: str | None = None

    @property
    def chat_id(self) -> str | None:
        """Where answers go: the group or room the message came from, else the user."""
        return self.group_id or self.room_id or self.user_id


class DeliveryContext(msgspec.Struct, frozen=True, rename="camel"):
    is_redelivery: bool = False


class Message(msgspec.Struct, frozen=True, rename="camel"):
    id: str
    type: str  # text, image, sticker, ...
    text: str | None = None


class PostbackParams(msgspec.Struct, frozen=True):
    date: str | None = None


class Postback(msgspec.Struct, frozen=True):
    data: str
    params: PostbackParams | None = None

    def fields(self) -> dict[str, str]:
        return dict(parse_qsl(self.data, keep_blank_values=True))


class Event(msgspec.Struct, frozen=True, rename="camel"):
    type: str  # message, postback, follow, unfollow, join, leave, ...
    webhook_event_id: str
    timestamp: int
    mode: Literal["active", "standby"] = "active"
    source: Source | None = None
    delivery_context: DeliveryContext = msgspec.field(default_factory=DeliveryContext)
    reply_token: str | None = None
    message: Message | None = None
    postback: Postback | None = None

    @property
    def text(self) -> str | None:
        if self.type == "message" and self.message is not None and self.message.type == "text":
            return self.message.text
        return None


class CallbackRequest(msgspec.Struct, frozen=True):
    destination: str
    events: list[Event]


_decoder = msgspec.json.Decoder(CallbackRequest)


def parse(body: bytes) -> CallbackRequest:
    """Decode a verified body; raises msgspec.ValidationError / DecodeError on a malformed one."""
    return _decoder.decode(body)
