"""The engine's worker process does not outlive the server that spawned it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest

from barter.domain.clock import SystemClock
from barter.matching.engine import solve
from barter.matching.model import Instance, Solution, decode_solution, encode
from barter.workflow import runner as runner_module
from barter.workflow.runner import Runner
from tests.matching.conftest import as_instance, three_regions

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


async def test_the_runner_passes_its_engine_processes_to_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """BARTER_ENGINE_PROCESSES reaches the engine: the Runner hands it to the engine's worker."""
    seen: list[int] = []

    def recording(payload: bytes, processes: int = 0) -> bytes:
        seen.append(processes)
        return encode(Solution(status="optimal", objective=0.0, upper_bound=0.0, solve_seconds=0.0))

    monkeypatch.setattr(runner_module, "solve_encoded", recording)
    runner = Runner(cast(Any, None), SystemClock(), timedelta(hours=1), use_process=False, engine_processes=1)
    solution = await runner._solve(cast(Any, None), 0, Instance())
    assert seen == [1]
    assert solution.status == "optimal"


def test_solve_encoded_solves_with_the_processes_given() -> None:
    instance = as_instance(three_regions())
    out = decode_solution(runner_module.solve_encoded(encode(instance), 1))
    assert out.objective == solve(instance, processes=1).objective > 0
