"""Trips: the corridor strategy and what both strategies share (the fleet, routing groups of
transfers, a trip's cost). `planner.py` and `hubs.py` import this; it imports neither.
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from barter.logistics.distance import DistanceProvider
from barter.logistics.model import (
    PlanSettings,
    Strategy,
    Unplaced,
    Vehicle,
)
from barter.logistics.routing import Route, Solved, Task, Timing, Unit, solve

DAY = 1440
MAX_UNITS_PER_LINE = 4
ROUNDS = 3
SHARE = 4


@dataclass(slots=True)
class Context:
    """What every stage of one planning call shares."""

    settings: PlanSettings
    distance: DistanceProvider
    timing: Timing
    lines: tuple[Vehicle, ...]  # road vehicles: what a transfer travelling alone could take
    deadline: float
    seed: int
    time_limited: int = 0


@dataclass(slots=True)
class Fleet:
    """When each physical vehicle is next free at its depot (minutes from the plan's start)."""

    lines: tuple[Vehicle, ...]
    opens: int = 0  # the minute every vehicle is first free (PlanSettings.not_before_minute)
    free_at: dict[tuple[str, int], int] = field(default_factory=dict)

    def units(self, regions: Iterable[str] | None, tasks: Sequence[Task]) -> list[Unit]:
        """The vehicles a group may use: road vehicles based in its regions (all road lines when
        `regions` is None or none is based there), and for hub-to-hub legs every hub-to-hub
        line; at most one per task and `MAX_UNITS_PER_LINE` per line, earliest free first."""
        lightest = min(t.grams for t in tasks)
        line_haul = all(t.origin_hub and t.destination_hub for t in tasks)
        usable = [v for v in self.lines if math.floor(v.capacity_kg * 1000) >= lightest]
        road = [v for v in usable if not v.hub_to_hub]
        wanted = set(regions or ())
        local = [v for v in road if v.depot.region in wanted] or road
        if line_haul:
            local += [v for v in usable if v.hub_to_hub]
        units: list[Unit] = []
        for line in local:
            free = sorted((self.free_at.get((line.id, k), self.opens), k) for k in range(1, line.count + 1))
            take = min(len(free), len(tasks), MAX_UNITS_PER_LINE)
            units += [Unit(line, k, at) for at, k in free[:take]]
        return units

    def book(self, route: Route) -> None:
        self.free_at[route.unit.key] = route.arrival


@dataclass(slots=True)
class Trip:
    """A solved route with its tasks resolved (the routing module speaks in task indices)."""

    route: Route
    tasks: list[Task]


@dataclass(slots=True)
class Outcome:
    """One strategy's result before it becomes a Plan."""

    strategy: Strategy
    trips: list[Trip]
    legs: dict[str, list[Task]]
    unplaced: dict[str, Unplaced]

    def cost(self) -> float:
        return sum(trip_cost(t) for t in self.trips)


def corridors(tasks: Sequence[Task], fleet: Fleet, ctx: Context) -> Outcome:
    """Every routed transfer travels direct, consolidated with others of its corridor."""
    trips, dropped = route_groups(group_by_corridor(tasks, ctx), fleet, ctx)
    unplaced = {t.transfer: no_vehicle(t) for t in dropped}
    legs = {t.transfer: [t] for t in tasks if t.transfer not in unplaced}
    return Outcome("corridors", trips, legs, unplaced)


def no_vehicle(task: Task) -> Unplaced:
    return Unplaced(
        transfer=task.transfer,
        reason="no_vehicle",
        detail="no vehicle of the fleet could carry it within its window (all busy, too small or too far)",
    )


def group_by_corridor(tasks: Sequence[Task], ctx: Context) -> list[tuple[tuple[str, ...], list[Task]]]:
    """Groups of at most `max_group_size` tasks sharing a corridor (or a region), in a fixed order."""
    by_key: dict[tuple[str, ...], list[Task]] = defaultdict(list)
    for task in tasks:
        key: tuple[str, ...] = tuple(sorted({task.origin.region, task.destination.region}))
        by_key[key].append(task)
    return [
        (key, chunk)
        for key in sorted(by_key)
        for chunk in cluster(by_key[key], key[0], ctx.settings.max_group_size, ctx.seed)
    ]


def cluster(tasks: Sequence[Task], first_region: str, size: int, seed: int) -> list[list[Task]]:
    """Cut `tasks` into chunks of at most `size` whose end points lie close together.

    Each task is a point (end in `first_region`, other end), so opposite directions of a corridor
    land together; k-means from a seeded start, then oversized clusters are halved along their
    widest coordinate.
    """
    ordered = sorted(tasks, key=lambda t: t.key)
    if len(ordered) <= size:
        return [ordered]

    def point(t: Task) -> tuple[float, float, float, float]:
        a, b = t.origin, t.destination
        if a.region != first_region or (b.region == first_region and (b.lat, b.lon) < (a.lat, a.lon)):
            a, b = b, a
        return (a.lat, a.lon, b.lat, b.lon)

    points = [point(t) for t in ordered]
    k = math.ceil(len(ordered) / size)
    rng = random.Random(seed)  # noqa: S311 (seeded for reproducibility, not secrecy)
    centres = [points[i] for i in sorted(rng.sample(range(len(points)), k))]
    members: list[list[int]] = []
    for _ in range(12):
        members = [[] for _ in centres]
        for i, p in enumerate(points):
            nearest = min(range(k), key=lambda c: (_square(p, centres[c]), c))
            members[nearest].append(i)
        moved = [
            tuple(sum(points[i][d] for i in m) / len(m) for d in range(4)) if m else centres[c]
            for c, m in enumerate(members)
        ]
        if moved == centres:
            break
        centres = moved  # type: ignore[assignment]
    chunks: list[list[int]] = []
    pending = [m for m in members if m]
    while pending:
        m = pending.pop(0)
        if len(m) <= size:
            chunks.append(m)
            continue
        widest = max(range(4), key=lambda d: max(points[i][d] for i in m) - min(points[i][d] for i in m))
        m = sorted(m, key=lambda i: (points[i][widest], i))
        half = len(m) // 2
        pending += [m[:half], m[half:]]
    return [[ordered[i] for i in sorted(chunk)] for chunk in chunks]


def _square(a: Sequence[float], b: Sequence[float]) -> float:
    return sum((x - y) ** 2 for x, y in zip(a, b, strict=True))


def route_groups(
    groups: Sequence[tuple[Iterable[str], list[Task]]], fleet: Fleet, ctx: Context
) -> tuple[list[Trip], list[Task]]:
    """Route each group in turn on the fleet's free vehicles; what no vehicle took gets further
    rounds (regrouped by corridor) once the earlier trips have booked the fleet."""
    trips: list[Trip] = []
    pending = [(list(regions), tasks) for regions, tasks in groups]
    dropped: list[Task] = []
    for round_ in range(ROUNDS):
        dropped = []
        waiting = sum(len(tasks) for _, tasks in pending)
        for regions, tasks in pending:
            # The time limit is a safety net: a group may take a few times its share of what is
            # left, so only a plan running far behind is cut (and says so).
            left = ctx.deadline - time.monotonic()
            budget = max(0.05, min(left, left * SHARE * len(tasks) / waiting))
            waiting -= len(tasks)
            # The first round uses the vehicles based in the group's regions; later rounds any.
            units = fleet.units(regions if round_ == 0 else None, tasks)
            solved = _solve(tasks, units, ctx, round_, budget)
            haulers = [u for u in units if u.line.hub_to_hub]
            if haulers and len(haulers) < len(units):
                # Local search rarely moves loads one by one onto a vehicle with a large fixed
                # cost (a plane, a train), so line-hauls are also tried on those alone.
                other = _solve(tasks, haulers, ctx, round_, budget)
                if (len(other.dropped), _cost(other)) < (len(solved.dropped), _cost(solved)):
                    solved = other
            for route in solved.routes:
                fleet.book(route)
                trips.append(Trip(route, tasks))
            dropped += [tasks[i] for i in solved.dropped]
        if not dropped or round_ == ROUNDS - 1:
            break
        if len(dropped) == sum(len(tasks) for _, tasks in pending):
            break  # nothing was placed this round: another one would drop the same tasks
        pending = [(list(regions), tasks) for regions, tasks in group_by_corridor(dropped, ctx)]
    return trips, dropped


def _solve(tasks: list[Task], units: list[Unit], ctx: Context, round_: int, budget: float) -> Solved:
    solved = solve(
        tasks,
        units,
        ctx.distance,
        ctx.timing,
        seed=ctx.seed + round_,
        solution_limit=ctx.settings.solution_limit,
        max_trip_minutes=None
        if ctx.settings.max_trip_days is None
        else round(ctx.settings.max_trip_days * DAY),
        time_limit_s=budget,
    )
    ctx.time_limited += solved.time_limited
    return solved


def _cost(solved: Solved) -> float:
    return sum(r.unit.line.fixed_cost + r.unit.line.cost_per_km * r.km for r in solved.routes)


def trip_cost(trip: Trip) -> float:
    line = trip.route.unit.line
    return line.fixed_cost + line.cost_per_km * trip.route.km
