"""How long `barter serve` takes to answer /health: on a fresh data folder (embedded PostgreSQL
initialised, migrations and reference data applied) and restarted on the same folder.

    .venv/bin/python -m bench.startup [--runs 3] [--no-write]

Each run starts the server as a newcomer does (`python -m barter serve`, BARTER_DATA_DIR a new
temporary folder, no BARTER_DATABASE_URL), polls /health every 0.1 s until it answers 200, stops
it with SIGTERM, then starts it again on the same folder and times that too. The table gives each
run's seconds and writes them to docs/benchmarks.md. The target (a fresh folder serves within
20 s) lives here, not in a timed test: tests/cli/test_serve.py only checks that a fresh folder
serves, within a bound generous enough for a loaded machine.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.report import load_note, write_section
from bench.serving import free_port

TARGET_S = 20.0
GIVE_UP_S = 180.0


def _time_to_healthy(data_dir: Path) -> float:
    """Start `barter serve` on `data_dir`, return the seconds until /health answers 200, stop it."""
    port = free_port()
    env = {**os.environ, "BARTER_DATA_DIR": str(data_dir), "BARTER_PORT": str(port)}
    env.pop("BARTER_DATABASE_URL", None)
    log = (data_dir.parent / f"serve-{port}.log").open("ab")
    started = time.monotonic()
    server = subprocess.Popen([sys.executable, "-m", "barter", "serve"], env=env, stdout=log, stderr=log)
    try:
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1.0).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() - started > GIVE_UP_S:
                raise SystemExit(f"the server did not become healthy (log {log.name})")
            time.sleep(0.1)  # polling a starting server, bounded by GIVE_UP_S
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    before = os.getloadavg()[0]
    fresh: list[float] = []
    again: list[float] = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="barter-startup-") as tmp:
            data_dir = Path(tmp) / "data"
            fresh.append(_time_to_healthy(data_dir))
            again.append(_time_to_healthy(data_dir))
        print(f"fresh {fresh[-1]:.1f} s, restart {again[-1]:.1f} s", flush=True)
    rows = "\n".join(
        f"| {name} | {' / '.join(f'{s:.1f}' for s in seconds)} | {statistics.median(seconds):.1f} "
        f"| {max(seconds):.1f} |"
        for name, seconds in (("a fresh data folder", fresh), ("restarted on the same folder", again))
    )
    met = "met" if max(fresh) < TARGET_S else "**not met**"
    body = (
        f"Seconds from starting `barter serve` to its first 200 on /health ({args.runs} runs).\n\n"
        "| start | each run (s) | median (s) | slowest (s) |\n|---|---|---|---|\n"
        f"{rows}\n\nTarget: a fresh data folder serves within {TARGET_S:.0f} s: {met} "
        f"(slowest {max(fresh):.1f} s).\n\n{load_note(before)}\n"
    )
    print(body)
    if not args.no_write:
        write_section(
            "startup",
            "Start-up: a fresh data folder and a restart",
            f"python -m bench.startup --runs {args.runs}",
            body,
        )


if __name__ == "__main__":
    main()
