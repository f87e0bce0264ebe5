"""Worker processes of a server process (the engine's, the planner's)."""

from __future__ import annotations

import os
import threading
import time


def follow_parent(parent: int, every_s: float = 0.5) -> None:
    """Exit when the server process that spawned this worker is gone.

    A worker holds both ends of its own call queue, so it never sees end-of-file when the server
    is killed (SIGKILL, out of memory): without this it would wait forever, an orphan holding its
    memory, and a solve under way would run to its time limit for nobody.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every_s)
        os._exit(1)

    threading.Thread(target=watch, name="follow-parent", daemon=True).start()
