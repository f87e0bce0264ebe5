"""Listing dates for tests, counted from today's real Thai date.

The service refuses a last day (available until, needed by, recurring until) before today in
Thailand (code in_the_past), so a test that posts, patches, imports or types a fixed date would
start failing once that day passes. Tests that send a listing date through a channel take it from
here instead, far enough ahead to mean the same thing on any day the suite runs; tests about
parsing or formatting alone keep their fixed dates.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, timedelta

from barter.domain.clock import thai_today
from barter.domain.thaidate import buddhist_iso, slash, thai_short

__all__ = ["ahead", "be_iso", "be_slash", "first_of_month", "iso", "leap_year", "thai", "today"]


def today() -> date:
    """Today in Thailand by the real clock (the tests' ManualClock also starts at real now)."""
    return thai_today(datetime.now(UTC))


def ahead(days: int) -> date:
    """The Thai date `days` days from today."""
    return today() + timedelta(days=days)


def first_of_month(months: int) -> date:
    """The 1st of the month `months` months after the current Thai month."""
    now = today()
    index = now.year * 12 + now.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def leap_year(after: int | None = None) -> int:
    """The first leap year (Gregorian) after `after`, by default after this Thai year: its 29
    February is always in the future. Its Buddhist-era year (+543) is not leap by the proleptic
    Gregorian rule (2571 = 2028), the case the era conversion must get right."""
    year = (today().year if after is None else after) + 1
    while not calendar.isleap(year):
        year += 1
    return year


def iso(day: date) -> str:
    """2027-01-31: the API's Gregorian calendar."""
    return day.isoformat()


def be_iso(day: date) -> str:
    """2570-01-31: the API with "calendar": "buddhist"."""
    return buddhist_iso(day)


def be_slash(day: date) -> str:
    """31/1/2570: as typed in the console and written in spreadsheets."""
    return slash(day)


def thai(day: date) -> str:
    """31 ม.ค. 2570: as the console shows a date in Thai."""
    return thai_short(day)
