from __future__ import annotations

import base64
import hashlib
import hmac

from barter.channels.line.signature import sign, verify

SECRET = "8c570fa6dd201bb328f1c1eac23a96d8"  # the shape of a channel secret: 32 hex characters
BODY = b'{"destination":"U0123456789abcdef0123456789abcdef","events":[]}'


def _published(secret: str, body: bytes) -> str:
    """The documented recipe, written here apart from barter's: Base64(HMAC-SHA256(secret, body))."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def test_signature_matches_the_documented_recipe() -> None:
    assert sign(SECRET, BODY) == _published(SECRET, BODY)
    assert verify(SECRET, BODY, _published(SECRET, BODY))


def test_thai_body_is_signed_over_its_utf8_bytes() -> None:
    body = '{"text":"มีปลาเค็ม 200 กิโล"}'.encode()
    assert verify(SECRET, body, _published(SECRET, body))


def test_refuses_wrong_missing_or_tampered_signatures() -> None:
    good = _published(SECRET, BODY)
    assert not verify(SECRET, BODY, None)
    assert not verify(SECRET, BODY, "")
    assert not verify("another-secret", BODY, good)
    assert not verify(SECRET, BODY + b" ", good)
    assert not verify(SECRET, BODY, good[:-2] + "AA")
    assert not verify("", BODY, _published("", BODY))  # no secret configured: nothing verifies
