"""Thai phone numbers, as people write them, as SMS gateways take them and as a phone dials them
(pure)."""

from __future__ import annotations

import re
from typing import NamedTuple

from barter.domain.errors import FieldError, ValidationFailed

_THAI_MOBILE = re.compile(r"^0[689][0-9]{8}$")
_THAI_LANDLINE = re.compile(r"^0[2-7][0-9]{7}$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# A number as written inside other words ("โทร 081-234-5678 (ผู้ใหญ่บ้าน)", "+66 74 555 0101"):
# 0 (or +66) and 8 or 9 more digits, single spaces, dashes or dots between them, not part of a
# longer run of digits or of a LINE id ("somchai0812345678").
_IN_TEXT = re.compile(
    r"(?<![A-Za-z0-9๐-๙@_+])(?:\+66|[0๐])[\s\-]?[0-9๐-๙](?:[\s\-.]?[0-9๐-๙]){7,8}(?![0-9๐-๙])"
)


def _digits(number: str) -> str:
    """The number's digits, Thai digits as Arabic ones, +66 (or 66 before 9 digits) as 0."""
    digits = re.sub(r"[\s\-().]", "", number.translate(_THAI_DIGITS))
    if digits.startswith("+66"):
        return "0" + digits[3:]
    if digits.startswith("66") and len(digits) == 11:
        return "0" + digits[2:]
    return digits


def thai_mobile(number: str) -> str | None:
    """The number as 0XXXXXXXXX ("+66 81-234-5678", "๐๘๑-๒๓๔-๕๖๗๘" -> "0812345678"), or None when
    it is not a Thai mobile number (landlines, 02 ..., and anything else)."""
    digits = _digits(number)
    return digits if _THAI_MOBILE.match(digits) else None


def written(mobile: str) -> str:
    """A mobile number kept as 0XXXXXXXXX as Thai people write it: 081-234-5678."""
    return f"{mobile[:3]}-{mobile[3:6]}-{mobile[6:]}"


def mobile_in(path: str, number: str) -> str:
    """The number a field holds as 0XXXXXXXXX, or ValidationFailed on that field coded not_mobile
    (which the channels word in Thai: barter.domain.refusals)."""
    mobile = thai_mobile(number)
    if mobile is None:
        raise ValidationFailed(
            [FieldError(path, "not a Thai mobile number (06, 08 or 09 and 8 more digits)", code="not_mobile")]
        )
    return mobile


class Dialled(NamedTuple):
    """A phone number found in a text: where it is written, and the tel: link that dials it."""

    start: int
    end: int
    tel: str  # "tel:+66812345678"


def numbers_in(text: str) -> list[Dialled]:
    """The Thai phone numbers (mobile, and landlines such as 02-123-4567 or 074-555-0101) written
    in a free text such as a community's contact, in order, each with its international tel: link.
    Anything that is not such a number (a LINE id, a house number, a 10-digit landline) is left."""
    found = []
    for match in _IN_TEXT.finditer(text):
        digits = _digits(match.group())
        if _THAI_MOBILE.match(digits) or _THAI_LANDLINE.match(digits):
            found.append(Dialled(match.start(), match.end(), f"tel:+66{digits[1:]}"))
    return found
