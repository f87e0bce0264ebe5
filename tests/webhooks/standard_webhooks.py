"""A receiver's verification, written here from the Standard Webhooks specification alone
(https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md),
without barter's signing code, so that a mistake in one is not copied into the other:

- the secret is `whsec_` followed by the base64 of the key bytes;
- the signed content is `{webhook-id}.{webhook-timestamp}.{body}`;
- `webhook-signature` is a space-separated list of `v1,<base64 HMAC-SHA256>`; any match passes;
- a receiver refuses timestamps too far from its clock (replay protection).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time


class VerificationFailed(Exception):
    pass


def verify(
    secret: str,
    msg_id: str,
    timestamp: str,
    signatures: str,
    body: bytes,
    *,
    now: float | None = None,
    tolerance_s: int = 300,
) -> None:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    moment = time.time() if now is None else now
    if abs(moment - int(timestamp)) > tolerance_s:
        raise VerificationFailed("timestamp outside the tolerance")
    content = f"{msg_id}.{timestamp}.".encode() + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()
    for entry in signatures.split(" "):
        version, _, value = entry.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return
    raise VerificationFailed("no matching v1 signature")
