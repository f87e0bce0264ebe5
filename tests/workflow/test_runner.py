"""The engine's worker process does not outlive the server that spawned it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

SERVER = """
import os, sys
from barter.workflow.runner import engine_executor

print(engine_executor().submit(os.getpid).result(), flush=True)
sys.stdin.read()
"""


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie waiting for a reaper."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_the_worker_exits_when_its_server_is_killed() -> None:
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    worker = 0
    try:
        assert server.stdout is not None
        worker = int(server.stdout.readline())
        assert worker != server.pid
        assert alive(worker)
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)
        deadline = time.monotonic() + 15
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(worker), "the engine worker outlived its server"
    finally:
        server.kill()
        server.wait(timeout=10)
        if worker and alive(worker):
            os.kill(worker, signal.SIGKILL)
