"""The console's server-side sessions: a random cookie token, stored only as its keyed hash."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

import asyncpg

from barter.domain.access import Caller
from barter.storage.sql import query


def token_hash(secret: str, token: str) -> bytes:
    """Sessions are hashed under their own label, so a session token never verifies as an API key."""
    return hmac.new(
        secret.encode("utf-8"), b"console-session:" + token.encode("ascii"), hashlib.sha256
    ).digest()


async def insert(
    conn: asyncpg.Connection, secret: str, token: str, key_id: int, now: datetime, expires_at: datetime
) -> bool:
    """False when the key is unknown or revoked (no session is made)."""
    return (
        await conn.fetchval(
            query("insert_console_session"), token_hash(secret, token), key_id, now, expires_at
        )
        is not None
    )


async def find_caller(
    conn: asyncpg.Connection, secret: str, token: str, now: datetime
) -> tuple[Caller, str] | None:
    """The caller behind a live session, and the key's name; None once expired, signed out or revoked."""
    row = await conn.fetchrow(query("find_console_session"), token_hash(secret, token), now)
    if row is None:
        return None
    caller = Caller(
        key_id=row["id"],
        role=row["role"],
        regions=frozenset(row["regions"]),
        community_id=row["community_id"],
        partner_detail=row["partner_detail"],
    )
    return caller, row["name"]


async def delete(conn: asyncpg.Connection, secret: str, token: str) -> None:
    await conn.execute(query("delete_console_session"), token_hash(secret, token))


async def delete_expired(conn: asyncpg.Connection, now: datetime) -> None:
    await conn.execute(query("delete_expired_console_sessions"), now)
