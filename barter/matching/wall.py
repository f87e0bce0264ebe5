"""The seconds a solver is given on its own wall-clock limit: converted here and nowhere else.

The engine reads its time from a clock it can be given (`engine.solve(now=...)`), but HiGHS,
GLOP and CP-SAT stop on the machine's wall clock. On the wall clock the two agree and `SCALE` is 1.
A test on a counting clock, where the limit runs out by the number of readings, sets `SCALE` high
so that no solver stops on the machine's load before its own work is done: the run then depends on
the count alone, as such a test means it to (measured: an 80-community market at 0.5 s on the
counting clock answered 699,627 on an idle machine and 227,744 with six busy processes beside it).
"""

from __future__ import annotations

SCALE = 1.0


def wall_seconds(seconds: float) -> float:
    """The wall-clock limit for a solver given `seconds` of the engine's clock."""
    return seconds * SCALE
