"""Start `barter serve` as a real process, the way a newcomer does."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

# How long a test waits for a starting server before it fails: a bound for a loaded machine (a CI
# run with other work beside it took 20.3 s for a fresh folder), not a speed target, which
# bench/startup.py measures.
STARTING_S = 90.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class ServerProcess:
    def __init__(
        self, data_dir: Path, port: int | None = None, extra_env: dict[str, str] | None = None
    ) -> None:
        self.data_dir = data_dir
        self.port = port or free_port()
        self.log_path = data_dir.parent / f"serve-{self.port}.log"
        self.env = {**os.environ, "BARTER_DATA_DIR": str(data_dir), "BARTER_PORT": str(self.port)}
        self.env.pop("BARTER_DATABASE_URL", None)
        # Workloads of many clients from one address: no rate limits unless a test sets them.
        self.env.update({f"BARTER_RATE_LIMIT_{n}": "0" for n in ("PER_KEY", "PER_ADDRESS", "AUTH_FAILURES")})
        self.env.update(extra_env or {})
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, args: tuple[str, ...] = ()) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "barter", "serve", *args], env=self.env, stdout=log, stderr=log
        )

    def wait_healthy(self, timeout: float = STARTING_S) -> float:
        """Poll /health until 200 (bounded); return the seconds it took."""
        assert self.process is not None
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise AssertionError(f"server exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"not healthy within {timeout} s:\n{self.log()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20.0) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        code = self.process.wait(timeout)
        self.process = None
        return code

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
