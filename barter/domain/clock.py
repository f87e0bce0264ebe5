"""Time as the service sees it: injectable, so hold expiry is tested by moving a clock, not by waiting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


THAI_TIME = timezone(timedelta(hours=7), "ICT")  # Thailand keeps no summer time


def thai_today(now: datetime) -> date:
    """The calendar day in Thailand at `now`: the day a listing's dates are counted against."""
    return now.astimezone(THAI_TIME).date()


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told (tests, and the demo's fast-forward)."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        self._now += timedelta(**delta)
        return self._now
