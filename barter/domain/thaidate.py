"""Dates in the Buddhist era (พ.ศ. = ค.ศ. + 543), as Thai people write and read them. Pure."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from barter.domain.clock import THAI_TIME

BE_OFFSET = 543
FIRST_BE_LOOKING_YEAR = 2400  # no Gregorian date barter handles is this late; a BE year is
MONTHS_TH = ("ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.")
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def thai_short(day: date) -> str:
    """A date as Thai people write it, Buddhist era: 31 ม.ค. 2570."""
    return f"{day.day} {MONTHS_TH[day.month - 1]} {day.year + BE_OFFSET}"


def thai_moment(at: datetime, *, brief: bool = False) -> str:
    """A moment as Thai people write it, in Thailand's time and the Buddhist era:
    9 ธ.ค. 2569 เวลา 14.05 น. `brief`, where every character costs (an SMS deadline): 9 ธ.ค.
    14.05 น., without the year, for a moment less than a year ahead, which is read as the next
    9 ธ.ค. Seconds are dropped, not rounded: a deadline is never said later than it is."""
    local = at.astimezone(THAI_TIME)
    if brief:
        return f"{local.day} {MONTHS_TH[local.month - 1]} {local.hour}.{local.minute:02d} น."
    return f"{thai_short(local.date())} เวลา {local.hour}.{local.minute:02d} น."


def thai_about(at: datetime) -> str:
    """An expected moment, said to the nearest half hour: 9 ธ.ค. 2569 ราว 15.00 น. for 14.50
    (an arrival estimated from distance and speed; "ราว" (about) the nearest, not the hour
    before it)."""
    local = at.astimezone(THAI_TIME)
    base = local.replace(minute=0, second=0, microsecond=0)
    halves = (local - base + timedelta(minutes=15)) // timedelta(minutes=30)
    near = base + halves * timedelta(minutes=30)
    return f"{thai_short(near.date())} ราว {near.hour}.{near.minute:02d} น."


def english_moment(at: datetime) -> str:
    """The same moment for the English beside the Thai: 9 Dec 2026, 14:05 Thai time."""
    local = at.astimezone(THAI_TIME)
    return f"{local.day} {MONTHS_EN[local.month - 1]} {local.year}, {local:%H:%M} Thai time"


def slash(day: date) -> str:
    """d/m/yyyy in the Buddhist era, as typed in forms: 31/1/2570."""
    return f"{day.day}/{day.month}/{day.year + BE_OFFSET}"


def from_parts(year: int, month: int, day: int) -> date:
    """A date typed as numbers, its year in either era (a year of 2400 or later is Buddhist era).

    The year is converted before the date is built, so 29/2/2571 (29 Feb 2028) is read too,
    which `date(2571, 2, 29)` would refuse. Raises ValueError for a day that does not exist."""
    return date(year - BE_OFFSET if year >= FIRST_BE_LOOKING_YEAR else year, month, day)


def too_late(day: date) -> bool:
    """A day no date barter handles reaches: a Gregorian year of FIRST_BE_LOOKING_YEAR (2400) or
    later, read from a slip such as 9999 typed as a Buddhist-era year (9456). Refused as
    `far_date` wherever a day is typed (the console's form, the API, a spreadsheet)."""
    return day.year >= FIRST_BE_LOOKING_YEAR


def from_era(value: date | str, calendar: str) -> tuple[date | None, str | None]:
    """(the Gregorian date, or None with a problem) for a date given in `calendar` (buddhist or
    gregorian), as a `date` or as ISO text YYYY-MM-DD. Text is read in its own era, so 2571-02-29
    (29 Feb 2028) is a Buddhist-era date even though `date(2571, 2, 29)` does not exist. A
    Gregorian date with a year of 2400 or later is a Buddhist-era year sent by mistake: refused."""
    if isinstance(value, date):
        year, month, day = value.year, value.month, value.day
    else:
        try:
            year, month, day = (int(part) for part in value.split("-"))
        except ValueError:
            return None, f"{value!r} is not a date: write YYYY-MM-DD"
    if calendar == "buddhist":
        if year < FIRST_BE_LOOKING_YEAR:
            return None, f"{year} is not a Buddhist-era year (2570 = 2027); send the BE year"
        year -= BE_OFFSET
    elif year >= FIRST_BE_LOOKING_YEAR:
        return None, (
            f'{year} looks like a Buddhist-era year: send {year - BE_OFFSET} or add "calendar": "buddhist"'
        )
    try:
        return date(year, month, day), None
    except ValueError:
        return None, f"{value if isinstance(value, str) else value.isoformat()} does not exist"


def buddhist_iso(value: date) -> str:
    """`value` written as an ISO date in the Buddhist era: 2027-06-01 -> "2570-06-01".

    A string, not a `date`: 29 February of a leap year (2028) falls in a BE year (2571) that the
    proleptic Gregorian calendar of `datetime.date` does not count as leap."""
    return f"{value.year + BE_OFFSET:04d}-{value.month:02d}-{value.day:02d}"
