"""Dates in the Buddhist era (พ.ศ. = ค.ศ. + 543), as Thai people write and read them. Pure."""

from __future__ import annotations

from datetime import date

BE_OFFSET = 543
FIRST_BE_LOOKING_YEAR = 2400  # no Gregorian date barter handles is this late; a BE year is


def from_era(value: date, calendar: str) -> tuple[date, str | None]:
    """(the Gregorian date, a problem or None) for a date given in `calendar` (buddhist or gregorian).
    A Gregorian date with a year of 2400 or later is a Buddhist-era year sent by mistake: refused."""
    if calendar == "buddhist":
        if value.year < FIRST_BE_LOOKING_YEAR:
            return value, f"{value.year} is not a Buddhist-era year (2570 = 2027); send the BE year"
        try:
            return value.replace(year=value.year - BE_OFFSET), None
        except ValueError:
            return value, f"{value.isoformat()} does not exist"
    if value.year >= FIRST_BE_LOOKING_YEAR:
        return value, (
            f"{value.year} looks like a Buddhist-era year: send {value.year - BE_OFFSET} "
            'or add "calendar": "buddhist"'
        )
    return value, None
