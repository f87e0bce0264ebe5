"""What one API request costs the server, counted rather than timed: Python function calls.

    .venv/bin/python -m bench.request_cost [--requests 400] [--no-write]

Wall-clock rates (bench.api) move by 10-30% on a shared 2-core machine, so a change of a few percent
in the request path cannot be seen there. This benchmark counts instead: the app runs in-process
(Litestar's test client, a fresh embedded PostgreSQL, rate limits off as in bench.api), the same
community keys and offers as bench.api are set up, and a profiling hook counts every Python
function call made on the app's thread while it answers `--requests` filtered reads
(`GET /v1/offers`, bench.api's 8 filter mixes) and as many posts (`POST /v1/offers`). The counts
do not depend on the machine's load; C code (asyncpg's row decoding, msgspec's encoding,
PostgreSQL itself) is not counted, so the response size is reported beside them.

It runs on any commit that has bench/api.py, so two commits compare by running this file from
each (`git worktree add`, then `python /path/to/bench/request_cost.py --no-write` there).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any
from urllib.parse import urlencode

from litestar.testing import AsyncTestClient

import bench.api as api
from barter.api.app import create_app
from barter.reference import load_catalogue
from barter.settings import Settings
from barter.storage.embedded import EmbeddedPostgres
from bench.report import write_section

NO_LIMITS = {"rate_limit_per_key": 0, "rate_limit_per_address": 0, "rate_limit_auth_failures": 0}


class CallCounter:
    """A `sys.setprofile` hook counting Python calls by package while `on`."""

    def __init__(self) -> None:
        self.on = False
        self.calls: Counter[str] = Counter()

    def __call__(self, frame: FrameType, event: str, arg: Any) -> None:
        if self.on and event == "call":
            name = frame.f_code.co_filename
            if "/barter/" in name:
                self.calls["barter"] += 1
            elif "site-packages/" in name:
                self.calls[name.split("site-packages/")[-1].split("/")[0]] += 1
            else:
                self.calls["standard library"] += 1


async def measure(requests: int) -> dict[str, tuple[float, int, Counter[str]]]:
    results: dict[str, tuple[float, int, Counter[str]]] = {}
    with tempfile.TemporaryDirectory(prefix="barter-request-cost-") as tmp:
        data_dir = Path(tmp) / "data"
        embedded = EmbeddedPostgres(data_dir)
        embedded.start()
        try:
            fields = {k: v for k, v in NO_LIMITS.items() if k in Settings.__struct_fields__}
            app = create_app(Settings(data_dir=data_dir, secret=api.SECRET, **fields))  # type: ignore[arg-type]
            async with AsyncTestClient(app) as client:
                ids, keys = await api.setup(embedded.url("barter"), 50)
                items = [i.id for i in load_catalogue()]
                rng = random.Random(1)

                async def post(n: int) -> Any:
                    body = {
                        "community_id": ids[n % len(ids)],
                        "item_id": rng.choice(items),
                        "quantity": rng.choice([5, 10, 50, 100, 250, 1000]),
                    }
                    return await client.post(
                        "/v1/offers", json=body, headers={"Authorization": f"Bearer {keys[n % len(keys)]}"}
                    )

                for n in range(2_000):
                    response = await post(n)
                    if response.status_code != 201:
                        raise SystemExit(f"setup post failed: {response.text}")
                queries = [urlencode(f) for f in api.READ_FILTERS]
                read_headers = {"Authorization": f"Bearer {keys[0]}"}

                async def read(n: int) -> Any:
                    return await client.get(f"/v1/offers?{queries[n % len(queries)]}", headers=read_headers)

                for n in range(len(queries)):  # warm caches and prepared statements
                    await read(n)
                for name, call in (("GET /v1/offers", read), ("POST /v1/offers", post)):
                    counter = CallCounter()
                    client.blocking_portal.call(sys.setprofile, counter)
                    counter.on = True
                    size = 0
                    for n in range(requests):
                        response = await call(n)
                        size += len(response.content)
                    counter.on = False
                    client.blocking_portal.call(sys.setprofile, None)
                    results[name] = (sum(counter.calls.values()) / requests, size // requests, counter.calls)
        finally:
            embedded.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    results = asyncio.run(measure(args.requests))
    lines = ["| request | Python calls per request | barter's own | response bytes |", "|---|---:|---:|---:|"]
    for name, (calls, size, by_package) in results.items():
        lines.append(f"| {name} | {calls:,.0f} | {by_package['barter'] / args.requests:,.0f} | {size:,} |")
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        write_section(
            "request_cost",
            "What an API request costs, counted",
            ".venv/bin/python -m bench.request_cost",
            _doc(table, args.requests),
        )


def _doc(table: str, requests: int) -> str:
    return f"""
Python function calls made on the app's thread per request, averaged over {requests} requests of
each kind (see the module's docstring). Counts, not times: they do not move with the machine's load.

{table}
"""


if __name__ == "__main__":
    main()
