"""Standard Webhooks signing (https://www.standardwebhooks.com/).

Each message carries `webhook-id` (the same on every retry, so receivers can drop duplicates),
`webhook-timestamp` (seconds since the epoch, at the attempt) and
`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed by the bytes behind the
subscription's `whsec_<base64>` secret.

A subscription's secret is never stored: it is HMAC-SHA256(server secret, salt) with a random
salt kept on the row, so the database alone does not reveal it. Rotating BARTER_SECRET therefore
changes every webhook secret, as it invalidates every API key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 (the prefix of every secret, not a secret)
_DERIVATION = b"barter webhook signing key\x00"


def new_salt() -> bytes:
    return secrets.token_bytes(32)


def signing_key(server_secret: str, salt: bytes) -> bytes:
    """The 32 bytes a subscription signs with."""
    return hmac.new(server_secret.encode("utf-8"), _DERIVATION + salt, hashlib.sha256).digest()


def secret_text(key: bytes) -> str:
    """The secret as the subscriber sees it: `whsec_` and the key in base64."""
    return SECRET_PREFIX + base64.b64encode(key).decode("ascii")


def message_id(event_id: int) -> str:
    """`webhook-id`: one per event, stable across retries and relays."""
    return f"evt_{event_id}"


def signature(key: bytes, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = msg_id.encode("utf-8") + b"." + str(timestamp).encode("ascii") + b"." + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def signed_headers(key: bytes, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(key, msg_id, timestamp, body),
    }
