from __future__ import annotations

import base64

import pytest

from barter.webhooks.signing import (
    message_id,
    new_salt,
    secret_text,
    signature,
    signed_headers,
    signing_key,
)
from tests.webhooks.standard_webhooks import VerificationFailed, verify

# The test vector published with the Standard Webhooks reference libraries.
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_test_verifier_accepts_the_published_vector() -> None:
    verify(
        VECTOR_SECRET, VECTOR_ID, str(VECTOR_TIMESTAMP), VECTOR_SIGNATURE, VECTOR_BODY, now=VECTOR_TIMESTAMP
    )
    with pytest.raises(VerificationFailed):
        verify(
            VECTOR_SECRET,
            VECTOR_ID,
            str(VECTOR_TIMESTAMP),
            VECTOR_SIGNATURE,
            b'{"test": 1}',
            now=VECTOR_TIMESTAMP,
        )


def test_signing_reproduces_the_published_vector() -> None:
    key = base64.b64decode(VECTOR_SECRET.removeprefix("whsec_"))
    assert signature(key, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_a_derived_secret_verifies_and_differs_per_salt_and_server_secret() -> None:
    salt = new_salt()
    key = signing_key("server-secret-0123456789", salt)
    secret = secret_text(key)
    assert secret.startswith("whsec_")
    assert len(key) == 32
    body = '{"data": "ข้าวหอมมะลิ"}'.encode()
    headers = signed_headers(key, message_id(7), 1_700_000_000, body)
    assert headers["webhook-id"] == "evt_7"
    verify(
        secret,
        headers["webhook-id"],
        headers["webhook-timestamp"],
        headers["webhook-signature"],
        body,
        now=1_700_000_000,
    )
    assert signing_key("server-secret-0123456789", salt) == key
    assert signing_key("server-secret-0123456789", new_salt()) != key
    assert signing_key("another-server-secret-00", salt) != key


def test_the_verifier_refuses_old_timestamps() -> None:
    key = signing_key("server-secret-0123456789", new_salt())
    headers = signed_headers(key, "evt_1", 1_700_000_000, b"{}")
    with pytest.raises(VerificationFailed, match="tolerance"):
        verify(
            secret_text(key),
            "evt_1",
            headers["webhook-timestamp"],
            headers["webhook-signature"],
            b"{}",
            now=1_700_000_000 + 301,
        )
