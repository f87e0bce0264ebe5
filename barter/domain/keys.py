"""API keys: random, high-entropy, with a checksum; stored only as HMAC-SHA256 under the secret."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import zlib

PREFIX = "btr_"
_ALPHABET = string.ascii_letters + string.digits
_BODY = 40  # 40 base62 characters: about 238 bits
_CHECK = 6


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode("ascii")), _CHECK)


def generate_key() -> str:
    body = "".join(secrets.choice(_ALPHABET) for _ in range(_BODY))
    return f"{PREFIX}{body}{_checksum(body)}"


def well_formed(key: str) -> bool:
    """Shape and checksum: a mistyped or truncated key is refused without a database look-up."""
    if not key.startswith(PREFIX) or len(key) != len(PREFIX) + _BODY + _CHECK:
        return False
    rest = key[len(PREFIX) :]
    body, check = rest[:_BODY], rest[_BODY:]
    if any(c not in _ALPHABET for c in rest):
        return False
    return hmac.compare_digest(_checksum(body), check)


def key_hash(secret: str, key: str) -> bytes:
    return hmac.new(secret.encode("utf-8"), key.encode("ascii"), hashlib.sha256).digest()


def display_prefix(key: str) -> str:
    """Enough of the key to recognise it in a list, far too little to use it."""
    return key[: len(PREFIX) + 6]
