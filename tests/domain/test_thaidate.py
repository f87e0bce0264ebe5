from __future__ import annotations

from datetime import date

import pytest

from barter.domain import thaidate


def test_a_date_is_written_in_the_buddhist_era_as_thai_people_write_it() -> None:
    assert thaidate.thai_short(date(2027, 1, 31)) == "31 ม.ค. 2570"
    assert thaidate.thai_short(date(2026, 12, 4)) == "4 ธ.ค. 2569"
    assert thaidate.slash(date(2027, 6, 1)) == "1/6/2570"
    assert thaidate.buddhist_iso(date(2028, 2, 29)) == "2571-02-29"


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        ((2570, 1, 31), date(2027, 1, 31)),
        ((2027, 1, 31), date(2027, 1, 31)),  # a Gregorian year stays
        ((2571, 2, 29), date(2028, 2, 29)),  # a BE leap day: converted before the date is built
        ((2400, 1, 1), date(1857, 1, 1)),  # from 2400 on, a year is Buddhist era
    ],
)
def test_typed_numbers_become_the_gregorian_date(parts: tuple[int, int, int], expected: date) -> None:
    assert thaidate.from_parts(*parts) == expected


def test_a_day_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ValueError, match="day is out of range"):
        thaidate.from_parts(2570, 2, 29)  # 2027 is not a leap year
