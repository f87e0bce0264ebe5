from __future__ import annotations

import time
from collections.abc import Sequence

import pytest

from barter.logistics import GreatCircle, Place
from barter.logistics.routing import (
    Route,
    Solved,
    Task,
    Timing,
    Unit,
    WindowBroken,
    retime,
    schedule,
    search_parameters,
    solve,
)
from tests.logistics.builders import BANGKOK, CHIANG_MAI, KHON_KAEN, SATUN, truck

TIMING = Timing(speed_kmh=50, stretch=2.4, stop_minutes=60)


def run(tasks: list[Task], units: list[Unit], seed: int = 0) -> Solved:
    return solve(tasks, units, GreatCircle(1.3), TIMING, seed=seed, solution_limit=30, time_limit_s=20)


def test_a_task_no_vehicle_can_reach_is_dropped_at_once_not_searched_until_the_time_limit() -> None:
    began = time.monotonic()
    solved = run([Task("t", "t", SATUN, CHIANG_MAI, 1000, 0, 600)], [Unit(truck("v", SATUN), 1, 0)])
    assert solved.dropped == [0]
    assert solved.routes == []
    assert not solved.time_limited
    assert time.monotonic() - began < 5  # the limit given is 20 s


def test_routes_respect_capacity_windows_and_the_vehicles_free_time() -> None:
    tasks = [
        Task("a", "a", KHON_KAEN, BANGKOK, 900_000, 0, 20_000),
        Task("b", "b", KHON_KAEN, BANGKOK, 900_000, 0, 20_000),
        Task("c", "c", BANGKOK, KHON_KAEN, 400_000, 3000, 20_000),
    ]
    units = [
        Unit(truck("pickup", KHON_KAEN, 1500, count=2), 1, 500),
        Unit(truck("pickup", KHON_KAEN, 1500, count=2), 2, 0),
    ]
    solved = run(tasks, units)
    assert solved.dropped == []
    for route in solved.routes:
        assert route.departure >= route.unit.free_at
        assert all(0 <= v.load_grams <= 1_500_000 for v in route.visits)
        for v in route.visits:
            task = tasks[v.task]
            assert task.open <= v.arrival <= task.close
        order = [(v.task, v.pickup) for v in route.visits]
        for t in {v.task for v in route.visits}:
            assert order.index((t, True)) < order.index((t, False))


def test_the_seed_changes_only_the_search_path_and_each_seed_repeats() -> None:
    tasks = [Task(f"t{k}", f"t{k}", KHON_KAEN, BANGKOK, 100_000 * (k + 1), 0, 30_000) for k in range(5)]
    units = [Unit(truck("pickup", KHON_KAEN, 1500, count=3), n, 0) for n in (1, 2, 3)]

    def shape(seed: int) -> list[tuple[tuple[str, int], list[tuple[int, bool, int]]]]:
        return [
            (r.unit.key, [(v.task, v.pickup, v.arrival) for v in r.visits])
            for r in run(tasks, units, seed).routes
        ]

    assert shape(0) == shape(0)
    assert shape(1) == shape(1)


class Detour:
    """Roads where every hop is 5,000 km: no window of a few days survives it."""

    def matrix(self, sources: Sequence[Place], targets: Sequence[Place]) -> list[list[float]]:
        return [[0.0 if s == t else 5000.0 for t in targets] for s in sources]


def test_retiming_a_trip_without_some_legs_keeps_its_windows_or_says_it_cannot() -> None:
    tasks = [
        Task("a", "a", KHON_KAEN, BANGKOK, 100_000, 0, 10_000),
        Task("b", "b", KHON_KAEN, BANGKOK, 100_000, 0, 10_000),
    ]
    solved = run(tasks, [Unit(truck("pickup", KHON_KAEN, 1500, count=1), 1, 0)])
    (route,) = solved.routes
    keep = [v for v in route.visits if v.task == 1]
    shorter = retime(route, keep, tasks, GreatCircle(1.3), TIMING)
    assert [(v.task, v.pickup) for v in shorter.visits] == [(1, True), (1, False)]
    assert shorter.km <= route.km
    assert shorter.arrival <= route.arrival
    with pytest.raises(WindowBroken):
        retime(route, keep, tasks, Detour(), TIMING)


def in_order(unit: Unit, order: list[tuple[int, bool]], tasks: list[Task]) -> Route:
    """A trip visiting (task, pickup) in exactly this order, timed like the solver's trips."""
    places = [unit.line.depot] + [tasks[t].origin if up else tasks[t].destination for t, up in order]
    km = GreatCircle(1.3).matrix(places, places)
    return schedule(unit, 0, range(1, len(places)), [None, *order], places, km, tasks, TIMING)


def test_retiming_never_moves_a_stop_later_so_a_drop_off_at_a_hub_stays_before_the_next_leg() -> None:
    # A collection round to the Khon Kaen hub: `early` must be there by minute 1000, which makes
    # the truck leave its depot early; `late` is ready only on day 2. Without `early` the truck
    # could leave later and still be back as soon, but `kept` was already promised to the hub by
    # then (a line-haul may be booked to take it on from there).
    village = Place(lat=16.93, lon=102.83, region="northeast", name="village")
    tasks = [
        Task("kept", "kept", village, KHON_KAEN, 10_000, 0, 10_000),
        Task("early", "early", village, KHON_KAEN, 10_000, 0, 1000),
        Task("late", "late", village, KHON_KAEN, 10_000, 2880, 10_000),
    ]
    unit = Unit(truck("pickup", KHON_KAEN, 1500, count=1), 1, 0)
    order = [(0, True), (1, True), (1, False), (0, False), (2, True), (2, False)]
    route = in_order(unit, order, tasks)
    keep = [v for v in route.visits if v.task != 1]

    shorter = retime(route, keep, tasks, GreatCircle(1.3), TIMING)

    assert [(v.task, v.pickup) for v in shorter.visits] == [(0, True), (0, False), (2, True), (2, False)]
    for old, new in zip(keep, shorter.visits, strict=True):
        assert new.arrival <= old.arrival, (old, new)
    assert shorter.arrival <= route.arrival
    # Timed afresh with no regard for the old times, the drop-off of `kept` would come later.
    free = in_order(unit, [(v.task, v.pickup) for v in keep], tasks)
    assert free.visits[1].arrival > keep[1].arrival


def test_the_time_limit_is_the_only_clock_the_search_reads() -> None:
    params = search_parameters(solution_limit=25, time_limit_s=7.5)
    assert params.solution_limit == 25
    assert params.time_limit.ToNanoseconds() == 7_500_000_000
    # Not the default 100 ms per move, which on a busy machine changes the plan without a word.
    assert params.lns_time_limit.ToNanoseconds() == 7_500_000_000


def test_a_search_is_reported_cut_only_when_the_time_limit_stopped_it() -> None:
    tasks = [
        Task(f"t{k}", f"t{k}", KHON_KAEN if k % 2 else CHIANG_MAI, BANGKOK, 100_000 * (k + 1), 0, 30_000)
        for k in range(12)
    ]
    units = [Unit(truck("pickup", KHON_KAEN, 1500, count=3), n, 0) for n in (1, 2, 3)]
    counted = solve(tasks, units, GreatCircle(1.3), TIMING, seed=0, solution_limit=5, time_limit_s=20)
    cut = solve(tasks, units, GreatCircle(1.3), TIMING, seed=0, solution_limit=10**6, time_limit_s=0.2)
    assert not counted.time_limited
    assert cut.time_limited
    assert cut.dropped == counted.dropped == []
