"""Thai mobile numbers, as people write them and as SMS gateways take them (pure)."""

from __future__ import annotations

import re

_THAI_MOBILE = re.compile(r"^0[689][0-9]{8}$")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def thai_mobile(number: str) -> str | None:
    """The number as 0XXXXXXXXX ("+66 81-234-5678", "๐๘๑-๒๓๔-๕๖๗๘" -> "0812345678"), or None when
    it is not a Thai mobile number (landlines, 02 ..., and anything else)."""
    digits = re.sub(r"[\s\-().]", "", number.translate(_THAI_DIGITS))
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    elif digits.startswith("66") and len(digits) == 11:
        digits = "0" + digits[2:]
    return digits if _THAI_MOBILE.match(digits) else None
