from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from litestar.testing import AsyncTestClient

from barter.api.app import create_app
from barter.settings import Settings
from tests.conftest import TEST_SECRET


def barter(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "BARTER_DATABASE_URL": database_url,
        "BARTER_SECRET": TEST_SECRET,
        "BARTER_DATA_DIR": str(tmp_path),
    }
    return subprocess.run(
        [sys.executable, "-m", "barter", "keys", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


async def test_create_list_revoke(database_url: str, tmp_path: Path) -> None:
    created = barter(
        database_url,
        tmp_path,
        "create",
        "--role",
        "coordinator",
        "--region",
        "south",
        "--region",
        "north",
        "--name",
        "ผู้ประสานงานภาคใต้",
        "--phone",
        "081 234 5678",
    )
    assert created.returncode == 0, created.stderr
    assert "phone 0812345678" in created.stdout
    key = created.stdout.strip().splitlines()[-1]
    assert key.startswith("btr_")
    listed = barter(database_url, tmp_path, "list")
    assert "coordinator" in listed.stdout
    assert "north,south" in listed.stdout
    assert key not in listed.stdout

    app = create_app(Settings(database_url=database_url, data_dir=tmp_path, secret=TEST_SECRET))
    async with AsyncTestClient(app=app) as client:
        headers = {"Authorization": f"Bearer {key}"}
        assert (await client.get("/v1/audit", headers=headers)).status_code == 200
        key_id = listed.stdout.split()[0]
        revoked = barter(database_url, tmp_path, "revoke", key_id)
        assert revoked.returncode == 0
        assert (await client.get("/v1/audit", headers=headers)).status_code == 401


def test_bad_key_request_is_one_line_and_exit_2(database_url: str, tmp_path: Path) -> None:
    result = barter(database_url, tmp_path, "create", "--role", "community")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "community_id" in result.stderr
    partner = barter(database_url, tmp_path, "create", "--role", "partner", "--phone", "0812345678")
    assert partner.returncode == 2
    assert "phone: only a coordinator's key carries a phone number" in partner.stderr
