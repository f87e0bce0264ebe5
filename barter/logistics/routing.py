"""One routing sub-problem: pickup-and-delivery with capacities and time windows, by OR-Tools.

The planner cuts a plan into sub-problems (a corridor between two regions, one region, a
hub-to-hub line) and hands each one here as tasks (legs to move from a pick-up place to a drop-off
place within a time window) and vehicle units (one physical vehicle each, free at its depot from a
given minute). Every trip starts and ends at the vehicle's depot.

Determinism: the search is single-threaded, starts from PARALLEL_CHEAPEST_INSERTION, and improves
with guided local search until `solution_limit` solutions; the time limit is only a safety net, the
only clock the search reads (`search_parameters`), and a run cut by it says so. OR-Tools routing
has no seed of its own: the seed shuffles the order of the tasks given to it, which changes the
search path but not the model.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from ortools.constraint_solver.routing_parameters_pb2 import RoutingSearchParameters

from barter.domain.transit import transit_days
from barter.logistics.distance import DistanceProvider
from barter.logistics.model import Place, Vehicle

DROP_PENALTY = 10**11
FAILURES_PER_SOLUTION = 50
CENTS = 100


class WindowBroken(Exception):
    """A fixed order of stops cannot meet a time window (only when re-timing a changed route)."""


@dataclass(frozen=True, slots=True)
class Task:
    """A leg to move: `grams` from origin to destination, picked up from minute `open`,
    delivered by minute `close`."""

    key: str
    transfer: str
    origin: Place
    destination: Place
    grams: int
    open: int
    close: int
    origin_hub: str | None = None
    destination_hub: str | None = None


@dataclass(frozen=True, slots=True)
class Unit:
    """One physical vehicle of a fleet line, free at its depot from minute `free_at`."""

    line: Vehicle
    number: int
    free_at: int

    @property
    def key(self) -> tuple[str, int]:
        return (self.line.id, self.number)


@dataclass(frozen=True, slots=True)
class Visit:
    """A stop of a route: task `task` picked up (`pickup`) or dropped, at minutes arrival/departure."""

    task: int
    pickup: bool
    place: Place
    arrival: int
    departure: int
    load_grams: int
    km_from_previous: float


@dataclass(slots=True)
class Route:
    unit: Unit
    departure: int
    arrival: int
    visits: list[Visit] = field(default_factory=list)
    km: float = 0.0


@dataclass(frozen=True, slots=True)
class Timing:
    """How vehicles turn kilometres and stops into minutes of elapsed time."""

    speed_kmh: float
    stretch: float  # elapsed minutes per minute of work (24 / working hours a day)
    stop_minutes: int

    def drive(self, km: float, speed_kmh: float | None = None) -> int:
        """Elapsed minutes to drive `km` (barter.domain.transit, the engine's transit time too)."""
        days = transit_days(km, speed_kmh or self.speed_kmh, 24.0 / self.stretch)
        return math.ceil(days * 1440.0 - 1e-9)

    @property
    def handling(self) -> int:
        return math.ceil(self.stop_minutes * self.stretch)


@dataclass(slots=True)
class Solved:
    routes: list[Route]
    dropped: list[int]
    time_limited: bool


def solve(
    tasks: Sequence[Task],
    units: Sequence[Unit],
    distance: DistanceProvider,
    timing: Timing,
    *,
    seed: int,
    solution_limit: int,
    time_limit_s: float,
    max_trip_minutes: int | None = None,
) -> Solved:
    """Route `tasks` on `units`; tasks that no unit can carry in time are returned as dropped."""
    if not tasks:
        return Solved([], [], False)
    if not units:
        return Solved([], list(range(len(tasks))), False)
    depots: list[Place] = []
    for unit in units:
        if unit.line.depot not in depots:
            depots.append(unit.line.depot)
    every = depots + [p for t in tasks for p in (t.origin, t.destination)]
    km_all = distance.matrix(every, every)
    starts = [depots.index(u.line.depot) for u in units]

    def alone(t: int, v: int) -> bool:
        """Could unit `v` carry task `t` on a trip of its own?"""
        task, unit = tasks[t], units[v]
        if task.grams > math.floor(unit.line.capacity_kg * 1000):
            return False
        o, d, speed = len(depots) + 2 * t, len(depots) + 2 * t + 1, unit.line.speed_kmh
        at_origin = max(unit.free_at + timing.drive(km_all[starts[v]][o], speed), task.open)
        at_destination = at_origin + timing.drive(km_all[o][d], speed) + timing.handling
        if max(at_destination, task.open) > task.close:
            return False
        if max_trip_minutes is None:
            return True
        back = timing.drive(km_all[d][starts[v]], speed) + timing.handling
        trip = timing.drive(km_all[starts[v]][o], speed) + (at_destination - at_origin) + back
        return trip <= max_trip_minutes

    # A task no unit can carry alone is dropped before the search: a search whose every move is
    # infeasible would otherwise run to its time limit.
    feasible = [t for t in range(len(tasks)) if any(alone(t, v) for v in range(len(units)))]
    if not feasible:
        return Solved([], list(range(len(tasks))), False)
    order = list(feasible)
    random.Random(seed).shuffle(order)  # noqa: S311 (seeded for reproducibility, not secrecy)
    kept = list(range(len(depots))) + [len(depots) + 2 * t + e for t in order for e in (0, 1)]
    places = [every[i] for i in kept]
    km = [[km_all[i][j] for j in kept] for i in kept]
    node_task: list[tuple[int, bool] | None] = [None] * len(depots)
    for t in order:
        node_task += [(t, True), (t, False)]
    n = len(places)
    slowest = min(u.line.speed_kmh or timing.speed_kmh for u in units)
    longest = max(max(row) for row in km)
    horizon = (
        max(*(tasks[t].close for t in order), *(u.free_at for u in units))
        + timing.drive(longest, slowest)
        + timing.handling
        + 1
    )
    manager = pywrapcp.RoutingIndexManager(n, len(units), starts, starts)
    routing = pywrapcp.RoutingModel(manager)

    cost_by_rate: dict[float, int] = {}
    time_by_speed: dict[float | None, int] = {}
    handling = timing.handling
    for v, unit in enumerate(units):
        rate = unit.line.cost_per_km
        if rate not in cost_by_rate:
            cost_by_rate[rate] = routing.RegisterTransitMatrix(
                [[round(km[i][j] * rate * CENTS) for j in range(n)] for i in range(n)]
            )
        routing.SetArcCostEvaluatorOfVehicle(cost_by_rate[rate], v)
        routing.SetFixedCostOfVehicle(round(unit.line.fixed_cost * CENTS), v)
        speed = unit.line.speed_kmh
        if speed not in time_by_speed:
            time_by_speed[speed] = routing.RegisterTransitMatrix(
                [
                    [
                        0 if i == j else timing.drive(km[i][j], speed) + (handling if node_task[i] else 0)
                        for j in range(n)
                    ]
                    for i in range(n)
                ]
            )

    demand = [0] * n
    for node, info in enumerate(node_task):
        if info is not None:
            demand[node] = tasks[info[0]].grams if info[1] else -tasks[info[0]].grams
    load_cb = routing.RegisterUnaryTransitVector(demand)
    routing.AddDimensionWithVehicleCapacity(
        load_cb, 0, [math.floor(u.line.capacity_kg * 1000) for u in units], True, "load"
    )
    routing.AddDimensionWithVehicleTransits(
        [time_by_speed[u.line.speed_kmh] for u in units], horizon, horizon, False, "time"
    )
    clock = routing.GetDimensionOrDie("time")
    solver = routing.solver()
    for k, t in enumerate(order):
        task = tasks[t]
        p = manager.NodeToIndex(len(depots) + 2 * k)
        d = manager.NodeToIndex(len(depots) + 2 * k + 1)
        routing.AddPickupAndDelivery(p, d)
        solver.Add(routing.VehicleVar(p) == routing.VehicleVar(d))
        solver.Add(clock.CumulVar(p) <= clock.CumulVar(d))
        clock.CumulVar(p).SetRange(task.open, task.close)
        clock.CumulVar(d).SetRange(task.open, task.close)
        routing.AddDisjunction([p], DROP_PENALTY)
        routing.AddDisjunction([d], DROP_PENALTY)
    for v, unit in enumerate(units):
        clock.CumulVar(routing.Start(v)).SetRange(unit.free_at, horizon)
        if max_trip_minutes is not None:
            clock.SetSpanUpperBoundForVehicle(max_trip_minutes, v)

    params = search_parameters(solution_limit, time_limit_s)
    # A deterministic backstop in case local search stops finding solutions to count.
    failures = FAILURES_PER_SOLUTION * solution_limit + 1000
    routing.AddSearchMonitor(solver.FailuresLimit(failures))
    began = time.monotonic()
    solution = routing.SolveWithParameters(params)
    # Cut by the clock only if it ran out before either counted limit stopped the search: a slow
    # machine that still reached the solution limit found the same routes as a fast one.
    time_limited = (
        time.monotonic() - began >= time_limit_s * 0.98
        and solver.Solutions() < solution_limit
        and solver.Failures() < failures
    )
    if solution is None:
        return Solved([], list(range(len(tasks))), time_limited)

    routes: list[Route] = []
    served: set[int] = set()
    for v, unit in enumerate(units):
        index = routing.Start(v)
        seq: list[int] = []
        while not routing.IsEnd(index):
            index = solution.Value(routing.NextVar(index))
            node = manager.IndexToNode(index)
            if node_task[node] is not None:
                seq.append(node)
        if not seq:
            continue
        routes.append(schedule(unit, starts[v], seq, node_task, places, km, tasks, timing))
        served.update(node_task[x][0] for x in seq)  # type: ignore[index]
    dropped = sorted(set(range(len(tasks))) - served)
    return Solved(routes, dropped, time_limited)


def search_parameters(solution_limit: int, time_limit_s: float) -> RoutingSearchParameters:
    """Cheapest insertion, then guided local search until `solution_limit` solutions, with
    `time_limit_s` as the only clock.

    OR-Tools also gives each local-search move its own wall-clock allowance (`lns_time_limit`,
    100 ms by default) to complete the move's schedule, and rejects a move that runs out: on a
    loaded machine the search would take another path and return another plan without saying so.
    That allowance is raised to the whole time limit, whose cuts `Solved.time_limited` reports.
    """
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.solution_limit = solution_limit
    nanos = max(1, int(time_limit_s * 1e9))
    params.time_limit.FromNanoseconds(nanos)
    params.lns_time_limit.FromNanoseconds(nanos)
    return params


def schedule(
    unit: Unit,
    depot_node: int,
    seq: Sequence[int],
    node_task: Sequence[tuple[int, bool] | None],
    places: Sequence[Place],
    km: Sequence[Sequence[float]],
    tasks: Sequence[Task],
    timing: Timing,
    not_after: Sequence[int] | None = None,
) -> Route:
    """Times along the solver's order of nodes, with the solver's own transit times.

    The trip ends as early as it can (earliest times forward from when the vehicle is free), and
    leaves its depot as late as that allows (latest times backward from that end), so the vehicle
    waits as little as possible on the way and the trip is as short as it can be. `not_after`, one
    minute per node of `seq`, caps each arrival like a tighter window (WindowBroken when it cannot).
    """
    speed = unit.line.speed_kmh
    handling = timing.handling

    def transit(a: int, b: int) -> int:
        return timing.drive(km[a][b], speed) + (handling if node_task[a] is not None else 0)

    def window(i: int) -> tuple[int, int]:
        info = node_task[seq[i]]
        assert info is not None
        task = tasks[info[0]]
        return task.open, task.close if not_after is None else min(task.close, not_after[i])

    earliest, now, prev = [], unit.free_at, depot_node
    for i, node in enumerate(seq):
        now = max(now + transit(prev, node), window(i)[0])
        earliest.append(now)
        prev = node
    latest = now
    for i in range(len(seq) - 2, -1, -1):
        latest = min(window(i)[1], latest - transit(seq[i], seq[i + 1]))
        latest = max(latest, earliest[i])
    leave = max(unit.free_at, latest - transit(depot_node, seq[0]))
    route = Route(unit=unit, departure=leave, arrival=leave)
    now, prev, load = leave, depot_node, 0
    for i, node in enumerate(seq):
        info = node_task[node]
        assert info is not None
        task = tasks[info[0]]
        opens, closes = window(i)
        arrival = max(now + transit(prev, node), opens)
        if arrival > closes:
            raise WindowBroken(f"{task.key} would arrive at minute {arrival}, after {closes}")
        load += task.grams if info[1] else -task.grams
        route.visits.append(
            Visit(info[0], info[1], places[node], arrival, arrival + handling, load, km[prev][node])
        )
        route.km += km[prev][node]
        now, prev = arrival, node
    route.km += km[prev][depot_node]
    route.arrival = now + transit(prev, depot_node)
    return route


def retime(
    route: Route, keep: Sequence[Visit], tasks: Sequence[Task], distance: DistanceProvider, timing: Timing
) -> Route:
    """The same trip with only the visits in `keep` (in their order), timed afresh, no stop later
    than it was.

    Other trips may already rely on those times: a leg picked up at a hub waits for the drop-off
    of the previous leg there, so a drop-off must not move later (and without the removed stops
    none has to: the vehicle could still keep every old time). Timed afresh without that cap, a
    trip that lost a stop could leave its depot later and drop a load at a hub after the next
    vehicle had already left with it. Raises WindowBroken when the shorter trip cannot keep a
    window or an old time, which a distance provider that breaks the triangle inequality can cause.
    """
    places = [route.unit.line.depot] + [v.place for v in keep]
    km = distance.matrix(places, places)
    node_task: list[tuple[int, bool] | None] = [None] + [(v.task, v.pickup) for v in keep]
    seq = range(1, len(places))
    return schedule(route.unit, 0, seq, node_task, places, km, tasks, timing, [v.arrival for v in keep])
