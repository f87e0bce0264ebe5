"""A real `barter serve` process on a fresh embedded PostgreSQL, for the HTTP benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from barter.storage.embedded import EmbeddedPostgres


@dataclass(frozen=True)
class Served:
    base: str  # http://127.0.0.1:<port>
    database_url: str  # the server's database, for setup and straight-to-PostgreSQL runs
    pid: int  # the server process (its memory is what the export benchmark watches)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def serving(prefix: str, secret: str, *, workers: int = 1) -> Iterator[Served]:
    """Start the server, wait until it is healthy (60 s at most), stop both on the way out."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        data_dir = Path(tmp) / "data"
        embedded = EmbeddedPostgres(data_dir)
        embedded.start()
        port = free_port()
        env = {
            **os.environ,
            "BARTER_DATA_DIR": str(data_dir),
            "BARTER_PORT": str(port),
            "BARTER_SECRET": secret,
            "BARTER_LOG_LEVEL": "warning",
            # Benchmarks send thousands of requests from one key and address: no rate limits.
            "BARTER_RATE_LIMIT_PER_KEY": "0",
            "BARTER_RATE_LIMIT_PER_ADDRESS": "0",
            "BARTER_RATE_LIMIT_AUTH_FAILURES": "0",
        }
        env.pop("BARTER_DATABASE_URL", None)
        command = [sys.executable, "-m", "barter", "serve"]
        if workers > 1:
            command += ["--workers", str(workers)]
        server = subprocess.Popen(command, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not become healthy")
                time.sleep(0.2)  # polling a starting server, bounded by the deadline
            yield Served(base=base, database_url=embedded.url("barter"), pid=server.pid)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(30)
            embedded.stop()
