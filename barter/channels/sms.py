"""SMS notices for members without a smartphone: segmenting, a gateway interface, ThaiBulkSMS.

Thai text travels as UCS-2: 70 characters fit one SMS; a longer text is sent as a concatenated
SMS whose parts carry 67 characters each (the rest of each part is the concatenation header), and
every part is billed. Plain GSM-7 text fits 160 (153 per part). Notices are outbound only, and a
text with a link is refused unless its host is registered (operators filter unregistered links).
"""

from __future__ import annotations

import asyncio
import base64
import re
import ssl
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import urlencode

import httpcore
import msgspec

from barter.domain.phone import thai_mobile as domain_thai_mobile
from barter.tls import client_context

UCS2_SINGLE, UCS2_PART = 70, 67
GSM_SINGLE, GSM_PART = 160, 153
MAX_PARTS = 4
_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_LINK = re.compile(
    r"(?i)\b(?:https?://|www\.)([^\s/]+)|\b((?:[a-z0-9-]+\.)+(?:com|net|org|th|io|co|me|ly|link))\b"
)


class SmsRefused(ValueError):
    """A notice that must not be sent as it is (a bad number, an unregistered link, too long)."""


def _units(text: str) -> int:
    """UTF-16 code units: what UCS-2 counts (a character outside the BMP takes two)."""
    return len(text.encode("utf-16-le")) // 2


def is_gsm7(text: str) -> bool:
    return all(ch in _GSM7 for ch in text)


def segments(text: str) -> list[str]:
    """The parts the gateway cuts the text into, and bills: one if it fits, else parts of 67
    (UCS-2) or 153 (GSM-7) units. barter hands the whole text to the gateway and the phone joins
    the parts again, so a part ends where its units run out, not between words; a surrogate pair
    is kept whole (if a gateway cut one, it would bill no more parts than this)."""
    single, part = (GSM_SINGLE, GSM_PART) if is_gsm7(text) else (UCS2_SINGLE, UCS2_PART)
    if _units(text) <= single:
        return [text]
    parts: list[str] = []
    rest = text
    while rest:
        taken, units = 0, 0
        for ch in rest:
            size = _units(ch)
            if units + size > part:
                break
            units += size
            taken += 1
        parts.append(rest[:taken])
        rest = rest[taken:]
    return parts


def check_links(text: str, registered_hosts: Iterable[str]) -> None:
    allowed = {h.lower() for h in registered_hosts}
    for match in _LINK.finditer(text):
        host = (match.group(1) or match.group(2) or "").lower()
        if host not in allowed:
            raise SmsRefused(f"the link to {host} is not registered with the SMS gateway")


def thai_mobile(number: str) -> str:
    """A Thai mobile number as 0XXXXXXXXX ("+66 81-234-5678" -> "0812345678")."""
    normalised = domain_thai_mobile(number)
    if normalised is None:
        raise SmsRefused(f"{number!r} is not a Thai mobile number")
    return normalised


@dataclass(frozen=True, slots=True)
class SmsResult:
    status: int | None
    parts: int
    message_id: str | None = None
    error: str | None = None
    retryable: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


class SmsGateway(Protocol):
    async def send(self, to: str, text: str) -> SmsResult: ...


def prepare(to: str, text: str, registered_hosts: Iterable[str] = ()) -> tuple[str, list[str]]:
    """The number and the parts, or SmsRefused: shared by every gateway."""
    number = thai_mobile(to)
    check_links(text, registered_hosts)
    parts = segments(text)
    if len(parts) > MAX_PARTS:
        raise SmsRefused(f"the notice needs {len(parts)} SMS parts; at most {MAX_PARTS} are sent")
    return number, parts


class _TbsNumber(msgspec.Struct):
    number: str
    message_id: str | None = None
    used_credit: float | None = None


class _TbsResponse(msgspec.Struct):
    phone_number_list: list[_TbsNumber] = []
    bad_phone_number_list: list[dict[str, str]] = []


class ThaiBulkSmsGateway:
    """ThaiBulkSMS API v2: `POST /sms`, HTTP Basic with the API key and secret, form fields
    msisdn, message, sender (a registered sender name), force (standard or corporate credit)."""

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        *,
        sender: str,
        base_url: str = "https://api-v2.thaibulksms.com",
        force: str = "corporate",
        registered_hosts: Iterable[str] = (),
        timeout_s: float = 15.0,
    ) -> None:
        self._auth = "Basic " + base64.b64encode(f"{api_key}:{api_secret}".encode()).decode("ascii")
        self._sender = sender
        self._url = base_url.rstrip("/") + "/sms"
        self._force = force
        self._hosts = tuple(registered_hosts)
        self._timeout_s = timeout_s
        self._pool = httpcore.AsyncConnectionPool(ssl_context=client_context(), keepalive_expiry=30.0)

    async def send(self, to: str, text: str) -> SmsResult:
        try:
            number, parts = prepare(to, text, self._hosts)
        except SmsRefused as exc:
            return SmsResult(None, 0, error=f"refused: {exc}")
        form = urlencode(
            {
                "msisdn": number,
                "message": text,
                "sender": self._sender,
                "force": self._force,
                "shorten_url": "false",
            }
        ).encode("ascii")
        headers = [
            ("authorization", self._auth),
            ("content-type", "application/x-www-form-urlencoded"),
            ("accept", "application/json"),
        ]
        try:
            async with asyncio.timeout(self._timeout_s):
                response = await self._pool.request("POST", self._url, headers=headers, content=form)
        except (TimeoutError, httpcore.TimeoutException):
            return SmsResult(
                None, len(parts), error=f"no response within {self._timeout_s:g} s", retryable=True
            )
        except (httpcore.NetworkError, httpcore.ProtocolError, ssl.SSLError) as exc:
            return SmsResult(None, len(parts), error=f"{type(exc).__name__}: {exc}"[:300], retryable=True)
        status = response.status
        if not 200 <= status < 300:
            detail = response.content[:300].decode("utf-8", "replace")
            retry = status == 429 or status >= 500
            return SmsResult(status, len(parts), error=f"HTTP {status}: {detail}", retryable=retry)
        try:
            answer = msgspec.json.decode(response.content, type=_TbsResponse)
        except (msgspec.DecodeError, msgspec.ValidationError):
            return SmsResult(status, len(parts), error="unreadable answer from the gateway")
        if answer.bad_phone_number_list or not answer.phone_number_list:
            return SmsResult(status, len(parts), error=f"the gateway refused the number {number}")
        return SmsResult(status, len(parts), message_id=answer.phone_number_list[0].message_id)

    async def aclose(self) -> None:
        await self._pool.aclose()
