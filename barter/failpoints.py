"""Named failpoints: crash the process at a chosen point, to test that a crash loses nothing.

`BARTER_FAILPOINT=name` (read once, at start) makes `failpoint("name")` end the process at once,
as a SIGKILL or a power cut would: no cleanup, no commit. Off (and free) when unset.
"""

from __future__ import annotations

import os

ACTIVE = os.environ.get("BARTER_FAILPOINT", "")


def failpoint(name: str) -> None:
    if ACTIVE and name == ACTIVE:
        os._exit(137)
