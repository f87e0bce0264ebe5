"""BARTER_DATABASE_URL pointing at a separately started PostgreSQL (15 where installed)."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.cli.serving import ServerProcess
from tests.standalone_pg import SYSTEM_PG15, StandalonePostgres


@pytest.fixture
def standalone(pg_folder: Path) -> Iterator[tuple[StandalonePostgres, str]]:
    server = StandalonePostgres(pg_folder / "pg")
    url = server.start()
    try:
        yield server, url
    finally:
        server.stop()


def test_serve_on_an_external_postgres_gives_the_same_results(
    standalone: tuple[StandalonePostgres, str], tmp_path: Path
) -> None:
    pg, url = standalone
    if (SYSTEM_PG15 / "postgres").exists():
        assert pg.version() == 15
    proc = ServerProcess(tmp_path / "data", extra_env={"BARTER_DATABASE_URL": url})
    proc.start()
    try:
        proc.wait_healthy()
        provinces = httpx.get(f"{proc.url}/v1/provinces").json()["data"]
        assert len(provinces) == 77
        assert len({p["region"] for p in provinces}) == 6
        items = httpx.get(f"{proc.url}/v1/items", params={"q": "ข้าว"}).json()["data"]
        assert "rice-jasmine" in {i["id"] for i in items}
        assert proc.stop(signal.SIGTERM) in {0, -signal.SIGTERM}
        # No embedded server was started in the data folder.
        assert not (tmp_path / "data" / "pgdata").exists()
        proc.start()
        proc.wait_healthy()
        assert len(httpx.get(f"{proc.url}/v1/provinces").json()["data"]) == 77
    finally:
        if proc.process is not None:
            proc.stop(signal.SIGTERM)
