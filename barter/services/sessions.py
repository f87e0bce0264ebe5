"""Console sessions: an API key presented once becomes a session token for a browser.

The token is random; the database keeps only its keyed hash, the key it stands for and when it
ends, so signing out or revoking the key ends it at once, on every server process.
"""

from __future__ import annotations

import dataclasses
import secrets
from datetime import datetime, timedelta

import asyncpg

from barter.domain.access import Caller
from barter.domain.errors import Forbidden
from barter.domain.keys import well_formed
from barter.services import keys
from barter.storage.repos import console_sessions as repo

# Who signs in to the console: partners read aggregates through the API and have no page there.
CONSOLE_ROLES = frozenset({"admin", "coordinator", "community"})


async def open_session(
    conn: asyncpg.Connection, secret: str, key: str, now: datetime, lifetime: timedelta
) -> str | None:
    """A new session token for a valid key; None for anything else (no session is made).
    Raises Forbidden (`console_not_for_role`) for a valid key of a role the console has no pages
    for (a partner)."""
    key = key.strip()
    if not well_formed(key):
        return None
    caller = await keys.authenticate(conn, secret, key)
    if caller is None:
        return None
    if caller.role not in CONSOLE_ROLES:
        raise Forbidden(
            "The console is for communities and coordinators; partners use the API",
            code="console_not_for_role",
        )
    token = secrets.token_urlsafe(32)
    await repo.delete_expired(conn, now)
    if not await repo.insert(conn, secret, token, caller.key_id, now, now + lifetime):
        return None
    return token


async def session_caller(
    conn: asyncpg.Connection, secret: str, token: str, now: datetime
) -> tuple[Caller, str] | None:
    """Who a live session stands for, and the key's name; None once ended, expired or revoked.
    A session is the console's, so what the caller writes is audited `via: console`."""
    found = await repo.find_caller(conn, secret, token, now)
    if found is None:
        return None
    caller, name = found
    return dataclasses.replace(caller, via="console"), name


async def close_session(conn: asyncpg.Connection, secret: str, token: str) -> None:
    await repo.delete(conn, secret, token)
