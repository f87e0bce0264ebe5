"""What people say around what they mean, in Thai: the polite particles at a sentence's end, a
greeting, thanks. Pure, no I/O.

A member over 50 who opens a chat with the bot often says hello first ("สวัสดีค่ะ 🙏"), and thanks
it after ("ขอบคุณมากค่ะ"). `courtesy` tells such a message from one the bot could not read, so
that it is greeted or thanked back rather than told "could not read that".
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

# The polite particles and end words people put after what they say ("ได้รับแล้วค่ะ", "หยุด SMS ครับ").
PARTICLES: tuple[str, ...] = ("ค่ะ", "คะ", "ค่า", "ครับ", "คับ", "ฮะ", "นะ", "จ้ะ", "จ้า", "น้า", "เด้อ")
# "ขอบคุณมากๆ", "ขอบพระคุณค่ะ", "ขอบใจหลายๆ" (Isan: thanks a lot)
THANKS: tuple[str, ...] = ("ขอบพระคุณ", "ขอบคุณมาก", "ขอบคุณ", "ขอบใจ", "มาก", "หลาย", "ๆ", "นะ", "เลย", "จ้ะ")
# "สวัสดีค่ะ", "หวัดดีจ้า", "สวัสดีตอนเช้า", Isan "สบายดีบ่"
GREETINGS: tuple[str, ...] = (
    "สวัสดี", "หวัดดี", "ดีจ้า", "ตอนเช้า", "ตอนเย็น", "ยามเช้า", "ครับผม", "สบายดีไหม", "สบายดีบ่",
)  # fmt: skip

Courtesy = Literal["greeting", "thanks"]


def alternation(words: Iterable[str]) -> str:
    """The words as a regular expression's alternatives, the longest first."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _only(words: tuple[str, ...]) -> re.Pattern[str]:
    """Those words alone (at least one), with spaces, punctuation and emoji between."""
    return re.compile(rf"^[^\u0E00-\u0E7Fa-zA-Z0-9]*(?:(?:{alternation(words)})[^\u0E00-\u0E7Fa-zA-Z0-9]*)+$")


_GREETING = _only((*GREETINGS, *PARTICLES))
_THANKS = _only((*THANKS, *PARTICLES))
_HELLO = re.compile(alternation(("สวัสดี", "หวัดดี", "ดีจ้า")))
_THANKED = re.compile(alternation(("ขอบพระคุณ", "ขอบคุณ", "ขอบใจ")))


def courtesy(text: str) -> Courtesy | None:
    """A message that is only a greeting ("สวัสดีค่ะ 🙏") or only thanks ("ขอบคุณมากค่ะ"), or None
    when it says anything more (or nothing)."""
    body = text.strip()
    if _GREETING.match(body) and _HELLO.search(body):
        return "greeting"
    if _THANKS.match(body) and _THANKED.search(body):
        return "thanks"
    return None
