"""`barter demo` and `barter serve --demo`, as a newcomer runs them."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from barter.reference import load_catalogue
from tests.cli.serving import ServerProcess
from tests.polling import poll


def test_demo_runs_end_to_end_and_serve_shows_the_same_data(pg_folder: Path) -> None:
    env = {**os.environ, "BARTER_DATA_DIR": str(pg_folder / "data")}
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
    keys = json.loads((pg_folder / "data" / "demo" / "demo-keys.json").read_text())
    assert set(keys) >= {"admin", "partner", "coordinator-south"}

    server = ServerProcess(pg_folder / "data")
    server.start(("--demo",))
    try:
        server.wait_healthy()
        headers = {"Authorization": f"Bearer {keys['admin']}"}
        proposals: list[dict[str, object]] = []
        cursor = None
        while True:  # every page: the demo's answer may hold more than one page of proposals
            params: dict[str, str | int] = {"status": "completed", "limit": 200}
            if cursor:
                params["cursor"] = cursor
            page = httpx.get(f"{server.url}/v1/proposals", params=params, headers=headers).json()
            proposals += page["data"]
            cursor = page["next_cursor"]
            if not cursor or len(proposals) > 10_000:
                break
        assert len(proposals) == int(completed.group(1))
        communities = httpx.get(f"{server.url}/v1/communities", params={"region": "west"}, headers=headers)
        assert len(communities.json()["data"]) == 50  # the first page of 60
        # It names the console and a key to sign in with, and the key signs in.
        log = server.log()
        assert f"{server.url}/console/" in log
        printed = re.search(r"sign in there as the South's coordinator with\s+(\S+)", log)
        assert printed is not None
        assert printed.group(1) == keys["coordinator-south"]
        assert _console_sign_in(server.url, printed.group(1)).status_code == 200
        # The demo's run and two further runs on what its market has left (issue 12's done-when).
        first = re.search(r"matching run (\d+):", out)
        assert first is not None
        runs = [int(first.group(1))] + [asyncio.run(_another_run(server.url, headers)) for _ in range(2)]
        asyncio.run(_proposals_a_village_would_accept(server.url, headers, runs))
    finally:
        server.stop(signal.SIGTERM)
    # `barter keys create --demo` makes a new set of the demo's keys, which the demo server takes.
    renewed = subprocess.run(
        [sys.executable, "-m", "barter", "keys", "create", "--demo"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert renewed.returncode == 0, renewed.stderr[-3000:]
    new_keys = dict(line.split("\t") for line in renewed.stdout.splitlines() if "\t" in line)
    assert set(new_keys) >= {"admin", "partner", "coordinator-south"}
    assert new_keys["coordinator-south"] != keys["coordinator-south"]
    assert json.loads((pg_folder / "data" / "demo" / "demo-keys.json").read_text()) == new_keys
    # The real data folder was never touched: the demo lives in its own.
    assert not (pg_folder / "data" / "pgdata").exists()


async def _another_run(base: str, headers: dict[str, str]) -> int:
    """A national matching run on the demo market as it is now; its id once it succeeded."""
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        started = await client.post("/v1/matching/runs", json={"time_limit_s": 4})
        assert started.status_code == 202, started.text
        run_id: int = started.json()["id"]

        async def read() -> dict[str, object]:
            body: dict[str, object] = (await client.get(f"/v1/matching/runs/{run_id}")).json()
            return body

        run = await poll(read, lambda r: r["status"] in ("succeeded", "failed"), timeout=120)
        assert run["status"] == "succeeded", run
        return run_id


async def _proposals_a_village_would_accept(base: str, headers: dict[str, str], run_ids: list[int]) -> None:
    """Every transfer of these runs is a whole number of its item's steps (whole pieces and packs,
    no more decimals than the step), worth at least the run's minimum; no run dropped anything (the
    market did not move under them); every participant is told values and distance in Thai and
    English."""
    steps = {item.id: item.quantity_step for item in load_catalogue()}
    seen = 0
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:
        for run_id in run_ids:
            run = (await client.get(f"/v1/matching/runs/{run_id}")).json()
            assert run["counts"]["dropped"] == 0, run
            assert "dropped" not in run["message"]
            least = run["settings"]["min_exchange_value"]
            assert least >= 500  # the service's default: no dust
            proposals: list[dict[str, object]] = []
            cursor = None
            while True:
                params: dict[str, str | int] = {"run_id": run_id, "limit": 200}
                if cursor:
                    params["cursor"] = cursor
                page = (await client.get("/v1/proposals", params=params)).json()
                proposals += page["data"]
                cursor = page["next_cursor"]
                if not cursor:
                    break
            assert len(proposals) == run["counts"]["proposals"]
            for p in proposals:
                for t in p["transfers"]:  # type: ignore[attr-defined]
                    step, q = steps[t["item_id"]], t["quantity"]
                    assert abs(q / step - round(q / step)) < 1e-9, (run_id, t)
                    decimals = len(f"{step:g}".partition(".")[2])
                    assert round(q, decimals) == q, (run_id, t)
                    if t["unit"] in ("piece", "pack"):
                        assert q == int(q), (run_id, t)
                    assert q * t["unit_value"] >= least - 1e-6, (run_id, t)
                for person in p["participants"]:  # type: ignore[attr-defined]
                    th, en = person["explanation_th"], person["explanation_en"]
                    assert re.search(r"[\d,]+ บาท", th), th  # values ...
                    assert re.search(r"[\d,]+ กม\.", th), th  # ... and distance, in Thai
                    assert re.search(r"[\d,]+ baht", en), en
                    assert re.search(r"[\d,]+ km", en), en
            seen += len(proposals)
    assert seen > 0


def _console_sign_in(base: str, key: str) -> httpx.Response:
    """Sign in to the console through its form (CSRF token and all); answer the page it leads to."""
    with httpx.Client(base_url=base, timeout=30, follow_redirects=True) as browser:
        form = browser.get("/console/signin")
        token = re.search(r'name="_csrf_token" value="([^"]+)"', form.text)
        assert token is not None
        signed = browser.post("/console/signin", data={"key": key, "_csrf_token": token.group(1)})
        assert "ออกจากระบบ" in signed.text  # the sign-out button: signed in
        return signed
