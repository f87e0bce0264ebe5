"""One computation in a spawned process of its own, while this process does something else.

The engine's LP and rounding run on one core (GLOP and HiGHS are single-threaded there), so on a
machine with two or more the others sit idle through them. A bound that needs no LP duals (the
hub relaxation, relaxation.py) can be computed beside them instead of after them, where on a
large market it found no time (20,000 communities at 300 s). The process is spawned, never forked
(the engine runs in threads of a server), follows its parent (barter.processes.follow_parent), and
is killed when its answer is not wanted or comes too late.

The computation may give its answer in steps: when `target` returns a generator, each answer it
yields replaces the one before (a cheap bound first, a tighter one after it), so that whoever asks
gets the best that is in.
"""

from __future__ import annotations

import inspect
import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from barter.processes import follow_parent


def _run(send: Connection, parent: int, target: Callable[..., Any], args: tuple[Any, ...]) -> None:
    follow_parent(parent)
    try:
        answer = target(*args)
        for step in answer if inspect.isgenerator(answer) else [answer]:
            send.send(step)
    finally:
        send.close()


class Background:
    """`target(*args)` in a spawned process; `target` and `args` must pickle (a module-level
    function, msgspec structs, numbers). A generator's answers come in one after another."""

    def __init__(self, target: Callable[..., Any], *args: Any) -> None:
        context = multiprocessing.get_context("spawn")
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(send, os.getpid(), target, args), name="barter-bg")
        self._process.start()
        send.close()  # this process only reads: end-of-file when the child is gone
        self._answer: Any | None = None

    def poll(self) -> Any | None:
        """The latest answer in already (kept for `result`), else None; never waits."""
        self._take(0.0)
        return self._answer

    def result(self, timeout_s: float) -> Any | None:
        """The latest answer, waiting at most `timeout_s` for a first one (none for a better one
        once an answer is in); None when none is there by then (or the process failed). The
        process is stopped either way."""
        try:
            self._take(0.0)
            if self._answer is None:
                self._take(timeout_s)
        finally:
            self.stop()
        return self._answer

    def _take(self, timeout_s: float) -> None:
        """Read every answer sent so far, waiting at most `timeout_s` for the first of them."""
        wait = max(0.0, timeout_s)
        try:
            while not self._receive.closed and self._receive.poll(wait):
                self._answer = self._receive.recv()
                wait = 0.0
        except (EOFError, OSError):  # the process ended (after its last answer, or died before one)
            self._receive.close()

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.kill()
        self._process.join(timeout=5.0)
        self._receive.close()
