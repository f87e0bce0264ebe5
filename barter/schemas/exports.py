"""Filters of the exports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class ExchangeFilter:
    """Filters of the proposal and ledger exports. `since`/`until` are Thai calendar dates, both
    included: when a proposal was created, when a ledger entry was booked."""

    region: str | None = None
    status: str | None = None
    """Proposals only: their current state."""
    direction: str | None = None
    """Ledger only: gave or received."""
    run_id: int | None = None
    community_id: int | None = None
    since: date | None = None
    until: date | None = None
