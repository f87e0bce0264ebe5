"""The `x-line-signature` check, done on the raw body before anything is parsed.

LINE signs each webhook request with HMAC-SHA256 over the exact request body, keyed with the
channel secret, and sends the digest Base64-encoded in `x-line-signature`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

HEADER = "x-line-signature"


def sign(channel_secret: str, body: bytes) -> str:
    digest = hmac.new(channel_secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def verify(channel_secret: str, body: bytes, signature: str | None) -> bool:
    """True only for the exact signature of these bytes (constant-time compare)."""
    if not channel_secret or not signature:
        return False
    return hmac.compare_digest(sign(channel_secret, body).encode("ascii"), signature.strip().encode("ascii"))
