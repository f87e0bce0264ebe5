"""The service as a newcomer runs it: a real process on the embedded database."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest

from barter.storage.embedded import DATABASE, EmbeddedPostgres
from tests.cli.serving import STARTING_S, ServerProcess

# uvicorn shuts down gracefully, then re-raises SIGTERM so that a parent sees why it ended.
CLEAN_EXIT = {0, -signal.SIGTERM}


@pytest.fixture
def server(pg_folder: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(pg_folder / "data")
    yield proc
    if proc.process is not None:
        proc.stop(signal.SIGKILL)
    # Stop whatever embedded PostgreSQL is left in the folder.
    leftover = EmbeddedPostgres(proc.data_dir)
    if (proc.data_dir / "pgdata" / "PG_VERSION").exists():
        leftover.start()
        leftover.stop()


def _sql(data_dir: Path, statement: str) -> object:
    """Run one statement through a second process-level handle on the same data folder."""

    async def go() -> object:
        handle = EmbeddedPostgres(data_dir)
        url = await asyncio.to_thread(handle.start)
        try:
            conn = await asyncpg.connect(url)
            try:
                return await conn.fetchval(statement)
            finally:
                await conn.close()
        finally:
            handle.stop()

    return asyncio.run(go())


def _insert_community(data_dir: Path, name: str) -> None:
    _sql(
        data_dir,
        "INSERT INTO communities (name_th, kind, province_code, lat, lon) "
        f"VALUES ('{name}', 'fishing', '91', 6.6, 100.0) RETURNING id",
    )


def _count(data_dir: Path) -> int:
    value = _sql(data_dir, "SELECT count(*) FROM communities")
    assert isinstance(value, int)
    return value


def test_a_fresh_data_folder_serves(server: ServerProcess) -> None:
    """A new folder gets its PostgreSQL, schema, reference data and secret, and serves. How fast
    (the 20 s target) is bench/startup.py's to measure; a test on a loaded machine only waits."""
    server.start()
    server.wait_healthy(timeout=STARTING_S)
    provinces = httpx.get(f"{server.url}/v1/provinces").json()["data"]
    assert len(provinces) == 77
    assert (server.data_dir / "pgdata" / "PG_VERSION").exists()
    assert (server.data_dir / "secret.key").exists()


def test_sigterm_then_restart_keeps_every_row(server: ServerProcess) -> None:
    server.start()
    server.wait_healthy()
    _insert_community(server.data_dir, "บ้านปากบารา")
    assert server.stop(signal.SIGTERM) in CLEAN_EXIT
    # The last holder stopped PostgreSQL cleanly.
    assert not (server.data_dir / "pgdata" / "postmaster.pid").exists()
    server.start()
    server.wait_healthy()
    assert _count(server.data_dir) == 1


def test_sigkill_leaves_a_folder_the_next_start_recovers(server: ServerProcess) -> None:
    server.start()
    server.wait_healthy()
    _insert_community(server.data_dir, "บ้านเกาะลิบง")
    server.stop(signal.SIGKILL)
    # Kill PostgreSQL too, as a power cut would: the next start must run crash recovery.
    pid_file = server.data_dir / "pgdata" / "postmaster.pid"
    os.kill(int(pid_file.read_text().split()[0]), signal.SIGKILL)
    server.start()
    server.wait_healthy()
    assert _count(server.data_dir) == 1
    assert server.stop(signal.SIGTERM) in CLEAN_EXIT
    assert not pid_file.exists()


def test_two_processes_share_one_data_folder(server: ServerProcess) -> None:
    other = ServerProcess(server.data_dir)
    server.start()
    other.start()
    try:
        server.wait_healthy()
        other.wait_healthy()
        _insert_community(server.data_dir, "กลุ่มแม่บ้านบ้านโคก")
        assert server.stop(signal.SIGTERM) in CLEAN_EXIT
        # The other process still holds the database.
        assert httpx.get(f"{other.url}/health").status_code == 200
        assert _count(server.data_dir) == 1
    finally:
        if other.process is not None:
            assert other.stop(signal.SIGTERM) in CLEAN_EXIT
    assert not (server.data_dir / "pgdata" / "postmaster.pid").exists()


def test_database_name_is_barter(server: ServerProcess) -> None:
    server.start()
    server.wait_healthy()
    assert _sql(server.data_dir, "SELECT current_database()") == DATABASE
