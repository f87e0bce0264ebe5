"""LINE link codes, linked chats, handled webhook events and drafts awaiting confirmation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import asyncpg

from barter.storage.repos import one
from barter.storage.sql import query


async def insert_code(
    conn: asyncpg.Connection, code_hash: bytes, community_id: int, created_by: int, expires_at: datetime
) -> asyncpg.Record:
    return await one(conn, query("insert_line_code"), code_hash, community_id, created_by, expires_at)


async def claim_code(conn: asyncpg.Connection, code_hash: bytes, now: datetime) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("claim_line_code"), code_hash, now)
    return row


async def code_issued(conn: asyncpg.Connection, code_hash: bytes) -> bool:
    issued: bool = await conn.fetchval(query("line_code_issued"), code_hash)
    return issued


async def active_codes(conn: asyncpg.Connection, community_id: int, now: datetime) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("list_active_line_codes"), community_id, now)
    return rows


async def get_code(conn: asyncpg.Connection, code_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("get_line_code"), code_id)
    return row


async def revoke_code(conn: asyncpg.Connection, code_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("revoke_line_code"), code_id)
    return row


async def insert_link(
    conn: asyncpg.Connection,
    *,
    chat_id: str,
    chat_type: str,
    community_id: int,
    key_id: int,
    code_id: int,
    linked_by: str | None,
) -> asyncpg.Record:
    return await one(
        conn, query("insert_line_link"), chat_id, chat_type, community_id, key_id, code_id, linked_by
    )


async def retire_stale_links(conn: asyncpg.Connection, chat_id: str) -> None:
    await conn.execute(query("retire_stale_line_links"), chat_id)


async def active_link(conn: asyncpg.Connection, chat_id: str) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("active_line_link"), chat_id)
    return row


async def get_link(conn: asyncpg.Connection, link_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("get_line_link"), link_id)
    return row


async def list_links(conn: asyncpg.Connection, community_id: int) -> list[asyncpg.Record]:
    rows: list[asyncpg.Record] = await conn.fetch(query("list_line_links"), community_id)
    return rows


async def revoke_link(conn: asyncpg.Connection, link_id: int, revoked_by: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("revoke_line_link"), link_id, revoked_by)
    return row


async def claim_event(
    conn: asyncpg.Connection, event_id: str, event_type: str, chat_id: str | None, now: datetime
) -> bool:
    """True the first time an event id is seen (in this transaction's view); False for a replay."""
    claimed = await conn.fetchval(query("claim_line_event"), event_id, event_type, chat_id, now)
    return claimed is not None


async def prune(conn: asyncpg.Connection, before: datetime, limit: int) -> int:
    """Forget events received, and receipt conversations finished, before `before` (at most
    `limit` rows of each). Returns the rows deleted."""
    deleted = 0
    for name in ("prune_line_events", "prune_receipt_prompts"):
        status = await conn.execute(query(name), before, limit)
        deleted += int(status.split()[-1])
    return deleted


async def insert_draft(conn: asyncpg.Connection, link_id: int, message: str, drafts: Any) -> int:
    draft_id: int = await conn.fetchval(query("insert_line_draft"), link_id, message, drafts)
    return draft_id


async def get_draft(conn: asyncpg.Connection, draft_id: int, link_id: int) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("get_line_draft"), draft_id, link_id)
    return row


async def update_draft(conn: asyncpg.Connection, draft_id: int, drafts: Any) -> None:
    await conn.execute(query("update_line_draft"), draft_id, drafts)


async def decide_draft(conn: asyncpg.Connection, draft_id: int, state: str, listings: Any) -> None:
    await conn.execute(query("decide_line_draft"), draft_id, state, listings)


async def start_receipt_prompt(
    conn: asyncpg.Connection,
    link_id: int,
    proposal_id: int,
    positions: list[int],
    asked_by: str | None,
    now: datetime,
) -> asyncpg.Record:
    """A new receipt question for the chat, asked of the member `asked_by`; one the chat was
    asked before is dropped."""
    await conn.execute(query("cancel_receipt_prompts"), link_id, now)
    return await one(conn, query("insert_receipt_prompt"), link_id, proposal_id, positions, now, asked_by)


async def active_receipt_prompt(
    conn: asyncpg.Connection, link_id: int, prompt_id: int | None = None
) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("active_receipt_prompt"), link_id, prompt_id)
    return row


async def update_receipt_prompt(
    conn: asyncpg.Connection, prompt_id: int, answers: Any, state: str, now: datetime
) -> None:
    await conn.execute(query("update_receipt_prompt"), prompt_id, answers, state, now)


async def expired_receipt_prompt(
    conn: asyncpg.Connection, link_id: int, asked_by: str, since: datetime
) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(
        query("receipt_prompt_expired_of"), link_id, asked_by, since
    )
    return row


async def closed_receipt_prompt(
    conn: asyncpg.Connection, link_id: int, prompt_id: int
) -> asyncpg.Record | None:
    row: asyncpg.Record | None = await conn.fetchrow(query("receipt_prompt_closed"), link_id, prompt_id)
    return row
