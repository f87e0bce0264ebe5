"""Outgoing LINE messages: text with quick-reply buttons whose taps come back as postbacks, and
text that mentions a group member (textV2: LINE shows their name; barter knows only their id).

Limits from the Messaging API reference: a text message holds at most 5,000 characters, a
request at most 5 messages, a message at most 13 quick-reply buttons, a button label at most 20
characters, postback data at most 300 characters (and quick-reply postbacks need displayText).
"""

from __future__ import annotations

from urllib.parse import urlencode

import msgspec

MAX_TEXT = 5000
MAX_MESSAGES = 5
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_DATA = 300


class PostbackAction(msgspec.Struct, frozen=True, rename="camel", tag_field="type", tag="postback"):
    label: str
    data: str
    display_text: str


class QuickReplyItem(msgspec.Struct, frozen=True, tag_field="type", tag="action"):
    action: PostbackAction


class QuickReply(msgspec.Struct, frozen=True):
    items: list[QuickReplyItem]


class TextMessage(
    msgspec.Struct, frozen=True, rename="camel", tag_field="type", tag="text", omit_defaults=True
):
    text: str
    quick_reply: QuickReply | None = None


class UserMentionee(msgspec.Struct, frozen=True, rename="camel", tag_field="type", tag="user"):
    user_id: str


class Mention(msgspec.Struct, frozen=True, tag_field="type", tag="mention"):
    mentionee: UserMentionee


class TextV2Message(
    msgspec.Struct, frozen=True, rename="camel", tag_field="type", tag="textV2", omit_defaults=True
):
    """A text whose `{name}`s LINE shows as the members `substitution` names, mentioned by their
    LINE names (which barter never learns): in a group, "who was asked" said by name."""

    text: str
    substitution: dict[str, Mention]
    quick_reply: QuickReply | None = None


Message = TextMessage | TextV2Message  # what the bot sends


def postback_data(**fields: str | int) -> str:
    data = urlencode({k: str(v) for k, v in fields.items()})
    if len(data) > MAX_DATA:
        raise ValueError(f"postback data is {len(data)} characters; LINE allows {MAX_DATA}")
    return data


def button(label: str, display_text: str | None = None, **fields: str | int) -> QuickReplyItem:
    """One quick-reply button; its tap comes back as a postback with `fields` as data."""
    if len(label) > MAX_LABEL:
        raise ValueError(f"button label {label!r} is longer than {MAX_LABEL} characters")
    return QuickReplyItem(
        action=PostbackAction(label=label, data=postback_data(**fields), display_text=display_text or label)
    )


def text(body: str, buttons: list[QuickReplyItem] | None = None) -> TextMessage:
    if len(body) > MAX_TEXT:
        body = body[: MAX_TEXT - 1] + "…"
    if buttons and len(buttons) > MAX_QUICK_REPLIES:
        raise ValueError(f"{len(buttons)} quick-reply buttons; LINE allows {MAX_QUICK_REPLIES}")
    return TextMessage(text=body, quick_reply=QuickReply(items=buttons) if buttons else None)


def mentioning(body: str, **members: str) -> TextV2Message:
    """A text in which each `{name}` of `members` is that LINE user, mentioned (no other braces)."""
    if len(body) > MAX_TEXT:
        body = body[: MAX_TEXT - 1] + "…"
    return TextV2Message(
        text=body, substitution={name: Mention(UserMentionee(user_id)) for name, user_id in members.items()}
    )
