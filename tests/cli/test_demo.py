"""`barter demo` and `barter serve --demo`, as a newcomer runs them."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from tests.cli.serving import ServerProcess


def test_demo_runs_end_to_end_and_serve_shows_the_same_data(tmp_path: Path) -> None:
    env = {**os.environ, "BARTER_DATA_DIR": str(tmp_path / "data")}
    env.pop("BARTER_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "barter", "demo", "--time-limit", "10"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    market = re.search(r"market: (\d+) communities", out)
    assert market is not None
    assert int(market.group(1)) >= 360
    cross = re.search(r"(\d+) proposals; (\d+) join three or more communities across regions", out)
    assert cross is not None
    assert int(cross.group(2)) >= 1
    assert "ปลาแห้ง" in out or "ข้าว" in out  # Thai item names in the table
    completed = re.search(r"(\d+) exchanges completed", out)
    assert completed is not None
    assert int(completed.group(1)) == int(cross.group(1))
    assert "accounts" in out
    assert re.search(r"routed in \d+ shipments", out)  # the shipments of the approved exchanges
    assert "Shipment 1" in out
    keys = json.loads((tmp_path / "data" / "demo" / "demo-keys.json").read_text())
    assert set(keys) >= {"admin", "partner", "coordinator-south"}

    server = ServerProcess(tmp_path / "data")
    server.start(("--demo",))
    try:
        server.wait_healthy(timeout=60)
        headers = {"Authorization": f"Bearer {keys['admin']}"}
        proposals = httpx.get(
            f"{server.url}/v1/proposals", params={"status": "completed", "limit": 200}, headers=headers
        ).json()["data"]
        assert len(proposals) == int(completed.group(1))
        communities = httpx.get(f"{server.url}/v1/communities", params={"region": "west"}, headers=headers)
        assert len(communities.json()["data"]) == 50  # the first page of 60
    finally:
        server.stop(signal.SIGTERM)
    # The real data folder was never touched: the demo lives in its own.
    assert not (tmp_path / "data" / "pgdata").exists()
