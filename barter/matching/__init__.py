"""The matching engine and the logistics planner: pure functions, no I/O.

    from barter.matching import solve, Instance, Solution
    solution = solve(instance, progress=lambda fraction, message: ...)

`solve` is loaded on first use (it brings numpy and OR-Tools), so importing the formats stays
cheap for callers that only read or write files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from barter.matching.model import (
    Community,
    EngineSettings,
    Exchange,
    Instance,
    InstanceError,
    Item,
    Need,
    Offer,
    Settings,
    SettingsError,
    Solution,
    Transfer,
    decode_instance,
    decode_solution,
    encode,
    problems,
)

if TYPE_CHECKING:
    from barter.matching.engine import solve

__all__ = [
    "Community",
    "EngineSettings",
    "Exchange",
    "Instance",
    "InstanceError",
    "Item",
    "Need",
    "Offer",
    "Settings",
    "SettingsError",
    "Solution",
    "Transfer",
    "decode_instance",
    "decode_solution",
    "encode",
    "problems",
    "solve",
]


def __getattr__(name: str) -> Any:
    if name == "solve":
        from barter.matching.engine import solve

        return solve
    raise AttributeError(f"module 'barter.matching' has no attribute {name!r}")
