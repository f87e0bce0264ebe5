"""Bring a database up to date: migrations, then reference data."""

from __future__ import annotations

from barter.storage.database import Database
from barter.storage.migrations import Migration, migrate
from barter.storage.reference import load_reference_data


async def prepare_database(db: Database) -> list[Migration]:
    conn = await db.connect()
    try:
        applied = await migrate(conn)
        await load_reference_data(conn)
        return applied
    finally:
        await conn.close()
