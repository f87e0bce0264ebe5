"""One computation in a spawned process of its own, while this process does something else.

The engine's LP and rounding run on one core (GLOP and HiGHS are single-threaded there), so on a
machine with two or more the others sit idle through them. A bound that needs no LP duals (the
hub relaxation, relaxation.py) can be computed beside them instead of after them, where on a
large market it found no time (20,000 communities at 300 s). The process is spawned, never forked
(the engine runs in threads of a server), follows its parent (barter.processes.follow_parent), and
is killed when its answer is not wanted or comes too late.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from barter.processes import follow_parent


def _run(send: Connection, parent: int, target: Callable[..., Any], args: tuple[Any, ...]) -> None:
    follow_parent(parent)
    try:
        send.send(target(*args))
    finally:
        send.close()


class Background:
    """`target(*args)` in a spawned process; `target` and `args` must pickle (a module-level
    function, msgspec structs, numbers)."""

    def __init__(self, target: Callable[..., Any], *args: Any) -> None:
        context = multiprocessing.get_context("spawn")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(send, os.getpid(), target, args), name="barter-bg")
        self._process.start()
        send.close()  # this process only reads: end-of-file when the child is gone
        self._answer: Any | None = None

    def poll(self) -> Any | None:
        """The answer if it is in already (kept for `result`), else None; never waits."""
        self._take(0.0)
        return self._answer

    def result(self, timeout_s: float) -> Any | None:
        """The answer, waiting at most `timeout_s` for it; None when it is not there by then (or
        the process failed). The process is stopped either way."""
        try:
            self._take(timeout_s)
        finally:
            self.stop()
        return self._answer

    def _take(self, timeout_s: float) -> None:
        if self._answer is not None or self._receive.closed:
            return
        try:
            if self._receive.poll(max(0.0, timeout_s)):
                self._answer = self._receive.recv()
        except (EOFError, OSError):  # the process died before answering
            self._receive.close()

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5.0)
        self._receive.close()
