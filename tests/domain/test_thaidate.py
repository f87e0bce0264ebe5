from __future__ import annotations

from datetime import UTC, date, datetime

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


def test_a_day_from_2400_on_is_too_late_for_barter() -> None:
    """9999 typed as a Buddhist-era year is 9456: too late (the bound of Buddhist-era-looking
    years, FIRST_BE_LOOKING_YEAR); 2942 BE (2399) is the last year that is not."""
    assert thaidate.too_late(thaidate.from_parts(9999, 12, 31))
    assert thaidate.too_late(thaidate.from_parts(2943, 1, 1))
    assert not thaidate.too_late(thaidate.from_parts(2942, 12, 31))


def test_a_day_that_does_not_exist_is_refused() -> None:
    with pytest.raises(ValueError, match="day is out of range"):
        thaidate.from_parts(2570, 2, 29)  # 2027 is not a leap year


def test_a_moment_is_written_in_thai_time_and_the_buddhist_era() -> None:
    # 07:05 UTC is 14.05 in Thailand; 20:30 UTC on 31 Dec is already 1 Jan in Thailand.
    assert thaidate.thai_moment(datetime(2026, 12, 9, 7, 5, 59, tzinfo=UTC)) == "9 ธ.ค. 2569 เวลา 14.05 น."
    assert thaidate.thai_moment(datetime(2026, 12, 31, 20, 30, tzinfo=UTC)) == "1 ม.ค. 2570 เวลา 3.30 น."
    assert thaidate.thai_moment(datetime(2026, 12, 9, 7, 0, tzinfo=UTC), brief=True) == "9 ธ.ค. 14.00 น."


def test_an_expected_arrival_is_said_to_the_nearest_half_hour() -> None:
    # 14.50 was said "ราว 14.00" (the hour before it), and 4 a.m. "04.00"
    said = {
        (7, 50): "9 ธ.ค. 2569 ราว 15.00 น.",
        (7, 20): "9 ธ.ค. 2569 ราว 14.30 น.",
        (7, 14): "9 ธ.ค. 2569 ราว 14.00 น.",
        (7, 15): "9 ธ.ค. 2569 ราว 14.30 น.",
        (21, 10): "10 ธ.ค. 2569 ราว 4.00 น.",
        (16, 50): "10 ธ.ค. 2569 ราว 0.00 น.",  # 23.50 in Thailand: the nearest is the next day
    }
    for (hour, minute), words in said.items():
        assert thaidate.thai_about(datetime(2026, 12, 9, hour, minute, tzinfo=UTC)) == words
    assert thaidate.english_moment(datetime(2026, 12, 9, 7, 5, tzinfo=UTC)) == "9 Dec 2026, 14:05 Thai time"
