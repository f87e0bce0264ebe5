"""Connecting to PostgreSQL: the embedded server or BARTER_DATABASE_URL, a pool with codecs."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import msgspec

from barter.settings import Settings
from barter.storage.embedded import DATABASE, EmbeddedPostgres, ensure_database

_json_encoder = msgspec.json.Encoder()

# The list queries are catch-all statements (`$1 IS NULL OR region = $1`): with the generic plan
# PostgreSQL switches to after five executions of a prepared statement they ran 10 to 300 times
# slower (measured: 0.8 ms -> 299 ms for one filter); a custom plan per execution costs well
# under a millisecond.
SERVER_SETTINGS = {"plan_cache_mode": "force_custom_plan"}


def _encode_json(value: Any) -> str:
    return _json_encoder.encode(value).decode("utf-8")


async def init_connection(conn: asyncpg.Connection) -> None:
    """Codecs every connection uses: json/jsonb as Python values through msgspec."""
    for typename in ("json", "jsonb"):
        await conn.set_type_codec(
            typename, schema="pg_catalog", encoder=_encode_json, decoder=msgspec.json.decode, format="text"
        )


async def _keep_session(conn: asyncpg.Connection) -> None:
    """Pooled connections never change session state (no SET, LISTEN or session advisory locks:
    those live on dedicated connections), so the reset query asyncpg runs at every release is a
    round trip for nothing. An open transaction is still rolled back by asyncpg itself."""


@dataclass
class Database:
    """Where the data lives for one process: the URL and, when embedded, the server handle."""

    url: str
    embedded: EmbeddedPostgres | None = None
    _closed: bool = field(default=False, repr=False)

    @classmethod
    async def open(cls, settings: Settings) -> Database:
        if settings.database_url is not None:
            return cls(url=settings.database_url)
        server = EmbeddedPostgres(settings.data_dir)
        await asyncio.to_thread(server.start)
        await ensure_database(server.url("postgres"), DATABASE)
        return cls(url=server.url(DATABASE), embedded=server)

    async def connect(self) -> asyncpg.Connection:
        conn: asyncpg.Connection = await asyncpg.connect(self.url, server_settings=SERVER_SETTINGS)
        await init_connection(conn)
        return conn

    async def create_pool(
        self, *, min_size: int = 2, max_size: int = 20, server_settings: dict[str, str] | None = None
    ) -> asyncpg.Pool:
        pool = await asyncpg.create_pool(
            self.url,
            min_size=min_size,
            max_size=max_size,
            init=init_connection,
            reset=_keep_session,
            server_settings={**SERVER_SETTINGS, **(server_settings or {})},
        )
        assert pool is not None
        return pool

    def close(self) -> None:
        if not self._closed and self.embedded is not None:
            self.embedded.stop()
        self._closed = True
