"""When an exchange's goods are expected at a community, and when it is told (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from barter.domain.arrivals import LEAD, Leg, expected_at, notice_due

T0 = datetime(2027, 1, 15, 1, 0, tzinfo=UTC)


def test_without_a_plan_the_distance_at_a_trucks_pace() -> None:
    assert expected_at(T0, [Leg(400.0)]) == T0 + timedelta(hours=10)
    assert notice_due(T0, T0 + timedelta(hours=10)) == T0 + timedelta(hours=10) - LEAD


def test_a_plan_gives_the_time_on_the_road_counted_from_dispatch() -> None:
    planned = (T0 - timedelta(days=2), T0 - timedelta(days=2) + timedelta(hours=30))  # planned earlier
    # Dispatched two days after the plan said: it arrives 30 hours after the dispatch.
    assert expected_at(T0, [Leg(1200.0, planned)]) == T0 + timedelta(hours=30)


def test_the_last_of_several_transfers_counts_and_short_trips_are_told_at_once() -> None:
    assert expected_at(T0, [Leg(40.0), Leg(80.0)]) == T0 + timedelta(hours=2)
    assert notice_due(T0, T0 + timedelta(hours=2)) == T0
    assert expected_at(T0, []) == T0
