"""What was sent to communities (LINE, SMS) and what failed: for admins and coordinators."""

from __future__ import annotations

from datetime import datetime

import asyncpg
import msgspec

from barter.domain.access import Caller, require_role
from barter.storage.repos import notices as repo


class NoticeOut(msgspec.Struct):
    id: int
    community_id: int
    community_name: str | None
    channel: str  # line or sms
    target: str  # the phone number for SMS; "LINE" for a chat (chat ids are not shown)
    event_type: str
    proposal_id: int | None
    state: str  # pending, sent, failed, cancelled
    attempts: int
    last_status: int | None
    last_error: str | None
    parts: int | None
    created_at: datetime
    finished_at: datetime | None


async def list_notices(
    conn: asyncpg.Connection,
    caller: Caller,
    *,
    community_id: int | None,
    state: str | None,
    before_id: int | None,
    limit: int,
) -> list[NoticeOut]:
    require_role(caller, "admin", "coordinator")
    rows = await repo.list_visible(
        conn, caller, community_id=community_id, state=state, before_id=before_id, limit=limit
    )
    return [NoticeOut(**dict(r)) for r in rows]
