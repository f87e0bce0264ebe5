"""Dates in the Buddhist era (พ.ศ. = ค.ศ. + 543), as Thai people write and read them. Pure."""

from __future__ import annotations

from datetime import date

BE_OFFSET = 543
FIRST_BE_LOOKING_YEAR = 2400  # no Gregorian date barter handles is this late; a BE year is
MONTHS_TH = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def thai_short(day: date) -> str:
    """A date as Thai people write it, Buddhist era: 31 ม.ค. 2570."""
    return f"{day.day} {MONTHS_TH[day.month - 1]} {day.year + BE_OFFSET}"


def slash(day: date) -> str:
    """d/m/yyyy in the Buddhist era, as typed in forms: 31/1/2570."""
    return f"{day.day}/{day.month}/{day.year + BE_OFFSET}"


def from_parts(year: int, month: int, day: int) -> date:
    """A date typed as numbers, its year in either era (a year of 2400 or later is Buddhist era).

    The year is converted before the date is built, so 29/2/2571 (29 Feb 2028) is read too,
    which `date(2571, 2, 29)` would refuse. Raises ValueError for a day that does not exist."""
    return date(year - BE_OFFSET if year >= FIRST_BE_LOOKING_YEAR else year, month, day)


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


def buddhist_iso(value: date) -> str:
    """`value` written as an ISO date in the Buddhist era: 2027-06-01 -> "2570-06-01".

    A string, not a `date`: 29 February of a leap year (2028) falls in a BE year (2571) that the
    proleptic Gregorian calendar of `datetime.date` does not count as leap."""
    return f"{value.year + BE_OFFSET:04d}-{value.month:02d}-{value.day:02d}"
