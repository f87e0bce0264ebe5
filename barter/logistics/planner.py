"""The logistics planner: transfers in, hand-overs and consolidated shipments out.

1. Each transfer is checked on its own: an impossible window (needed before it is ready, spoiled
   before it could arrive even driven straight there) or a weight above every vehicle's capacity
   makes it unplaced with that reason; one within `handover_km` is a hand-over.
2. The rest travel in shipments. They are grouped by corridor, the unordered pair of their origin
   and destination regions (a truck taking fish north brings rice back south), or by region for
   transfers inside one region. A group bigger than `max_group_size` is cut by clustering its
   transfers on their two end points, so 500 transfers become a few dozen small routing problems.
3. Each group is routed by OR-Tools (`routing.solve`) with the vehicles based in its regions that
   are free at the time; a vehicle's later trips start when its earlier one is back at the depot.
   Transfers no vehicle could take get further rounds once the fleet's earlier trips are known.
4. With hubs, transfers between regions may instead go collection (to the hub of their region),
   line-haul (hub to hub, consolidated), distribution (hub to destination); see `hubs.py`. The plan
   keeps whichever strategy places more transfers, then costs less.
5. Every routed transfer is also costed travelling alone, so the saving is explicit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import msgspec

from barter.domain.clock import THAI_TIME
from barter.domain.errors import FieldError
from barter.logistics.distance import DistanceProvider, GreatCircle
from barter.logistics.hubs import through_hubs
from barter.logistics.model import (
    DirectDelivery,
    Handover,
    Journey,
    Leg,
    Place,
    Plan,
    PlanInput,
    PlanInputError,
    PlanSettings,
    Shipment,
    Stop,
    StopKind,
    Strategy,
    Totals,
    Transfer,
    Unplaced,
)
from barter.logistics.routing import Task, Timing
from barter.logistics.trips import DAY, Context, Fleet, Outcome, Trip, corridors, trip_cost


def plan(problem: PlanInput, distance: DistanceProvider | None = None) -> Plan:
    """Plan hand-overs and shipments for `problem`. Pure: the same input and seed give the same plan
    (unless the time limit cuts a search short, which `Plan.time_limited` reports)."""
    _check_ids(problem)
    _check_settings(problem)
    settings = problem.settings
    began = time.monotonic()
    distance = distance or GreatCircle(settings.road_factor)
    timing = Timing(settings.speed_kmh, 24.0 / settings.working_hours_per_day, settings.stop_minutes)
    transfers = problem.transfers
    start = settings.start or min((t.ready for t in transfers), default=date(2000, 1, 1))
    road = tuple(v for v in problem.vehicles if not v.hub_to_hub)
    ctx = Context(settings, distance, timing, road, began + settings.time_limit_s, settings.seed)

    direct_km = _pair_km(distance, [(t.origin, t.destination) for t in transfers])
    handovers: list[Handover] = []
    unplaced: dict[str, Unplaced] = {}
    tasks: list[Task] = []
    for transfer, km in zip(transfers, direct_km, strict=True):
        outcome = _triage(transfer, km, start, ctx)
        if isinstance(outcome, Handover):
            handovers.append(outcome)
        elif isinstance(outcome, Unplaced):
            unplaced[transfer.id] = outcome
        else:
            tasks.append(outcome)

    strategy: Strategy = "corridors"
    if settings.strategy == "hubs" and problem.hubs:
        strategy = "hubs"
    elif settings.strategy == "auto" and problem.hubs and tasks:
        strategy = _screen(tasks, problem, ctx)
    best: Outcome | None = None
    if strategy == "hubs":
        best = through_hubs(tasks, problem.hubs, _fleet(problem), ctx)
    if best is None:
        best = corridors(tasks, _fleet(problem), ctx)
    unplaced.update(best.unplaced)
    return _assemble(transfers, start, handovers, unplaced, best, problem, ctx)


def _check_settings(problem: PlanInput) -> None:
    """The working day must end by midnight (the plan reads its minutes back onto one day's hours)."""
    settings = problem.settings
    if settings.workday_starts_minute + settings.working_hours_per_day * 60 > DAY:
        raise PlanInputError(
            [
                FieldError(
                    "settings.workday_starts_minute",
                    f"a working day of {settings.working_hours_per_day:g} h starting at minute "
                    f"{settings.workday_starts_minute} ends after midnight",
                    code="day_past_midnight",
                )
            ]
        )


@dataclass(frozen=True)
class WorkDay:
    """The working hours: the planner's day is them spread over 24 hours.

    `at` reads a planner's minute back onto its day's working hours; `minute` is the planner's
    first minute at or after a time of day 0 (minutes from midnight).
    """

    begins: int
    hours: float

    @classmethod
    def of(cls, settings: PlanSettings) -> WorkDay:
        return cls(settings.workday_starts_minute, settings.working_hours_per_day)

    def at(self, midnight: datetime, minutes: int) -> datetime:
        day, into = divmod(minutes, DAY)
        return midnight + timedelta(days=day, minutes=math.floor(self.begins + into * self.hours / 24))

    def minute(self, time_of_day: int) -> int:
        worked = (time_of_day - self.begins) * 24 / self.hours
        return min(max(math.ceil(worked - 1e-9), 0), DAY)


def _check_ids(problem: PlanInput) -> None:
    """Ids must be unique within transfers, vehicles and hubs (the plan refers to them by id)."""
    errors: list[FieldError] = []
    lists = {
        "transfers": [t.id for t in problem.transfers],
        "vehicles": [v.id for v in problem.vehicles],
        "hubs": [h.id for h in problem.hubs],
    }
    for name, ids in lists.items():
        seen: set[str] = set()
        for i, id_ in enumerate(ids):
            if id_ in seen:
                errors.append(FieldError(f"{name}[{i}].id", f"duplicate id {id_!r}", code="listed_twice"))
            seen.add(id_)
    if errors:
        raise PlanInputError(errors)


def _fleet(problem: PlanInput) -> Fleet:
    """The vehicles, each free at its depot from the plan's first minute of departures."""
    settings = problem.settings
    return Fleet(problem.vehicles, WorkDay.of(settings).minute(settings.not_before_minute))


def _screen(tasks: Sequence[Task], problem: PlanInput, ctx: Context) -> Strategy:
    """Pick the strategy to optimise: both are built with first solutions only (a second or two
    for 500 transfers), and the one placing more transfers, then cheaper, wins. Optimising both
    would double the time for a choice the first solutions already make clear."""
    quick = Context(
        msgspec.structs.replace(ctx.settings, solution_limit=1),
        ctx.distance,
        ctx.timing,
        ctx.lines,
        ctx.deadline,
        ctx.seed,
    )
    direct = corridors(tasks, _fleet(problem), quick)
    hubs = through_hubs(tasks, problem.hubs, _fleet(problem), quick)
    ctx.time_limited += quick.time_limited
    if hubs is not None and (len(hubs.unplaced), hubs.cost()) < (len(direct.unplaced), direct.cost()):
        return "hubs"
    return "corridors"


def window(transfer: Transfer, start: date) -> tuple[int, int]:
    """Minutes from the plan's start: ready from the start of `ready`, due by the end of
    `needed_by` or when its shelf life ends, whichever comes first."""
    ready = (transfer.ready - start).days * DAY
    closes = ((transfer.needed_by - start).days + 1) * DAY
    if transfer.shelf_life_days is not None:
        closes = min(closes, ready + transfer.shelf_life_days * DAY)
    return max(ready, 0), closes


def _triage(transfer: Transfer, km: float, start: date, ctx: Context) -> Task | Handover | Unplaced:
    """Decide what a transfer is on its own: a hand-over, unplaceable (and why), or a task to route."""
    settings, timing = ctx.settings, ctx.timing
    opens, closes = window(transfer, start)
    if closes <= opens:
        if transfer.needed_by < transfer.ready:
            why = f"needed by {transfer.needed_by} but ready only on {transfer.ready}"
        elif closes <= 0:
            why = f"due (or spoiled) before the plan starts on {start}"
        else:
            why = f"spoils on the day it is ready (shelf life {transfer.shelf_life_days} days)"
        return Unplaced(transfer=transfer.id, reason="impossible_window", detail=why)
    if km <= settings.handover_km:
        return Handover(transfer=transfer.id, km=round(km, 1))
    grams = math.ceil(transfer.weight_kg * 1000)
    able = [v for v in ctx.lines if math.floor(v.capacity_kg * 1000) >= grams]
    if not ctx.lines:
        return Unplaced(transfer=transfer.id, reason="no_fleet", detail="no vehicles were given")
    if not able:
        biggest = max(v.capacity_kg for v in ctx.lines)
        return Unplaced(
            transfer=transfer.id,
            reason="too_heavy",
            detail=f"{transfer.weight_kg:g} kg is more than the largest vehicle carries ({biggest:g} kg);"
            " split it into lots",
        )
    fastest = max(v.speed_kmh or settings.speed_kmh for v in able)
    shortest = timing.drive(km, fastest) + timing.handling
    if shortest > closes - opens:
        return Unplaced(
            transfer=transfer.id,
            reason="impossible_window",
            detail=f"{km:.0f} km take at least {shortest / 60:.0f} h but it must arrive within "
            f"{(closes - opens) / 60:.0f} h of being ready",
        )
    return Task(
        key=transfer.id,
        transfer=transfer.id,
        origin=transfer.origin,
        destination=transfer.destination,
        grams=grams,
        open=opens,
        # the due day's last minute: its end is the next day's first, read back as 08:00 then
        close=closes - 1,
    )


def _pair_km(distance: DistanceProvider, pairs: Sequence[tuple[Place, Place]]) -> list[float]:
    """Distances of many (a, b) pairs with one rectangular matrix over the distinct end points."""
    sources = list(dict.fromkeys(a for a, _ in pairs))
    targets = list(dict.fromkeys(b for _, b in pairs))
    if not pairs:
        return []
    row = {p: i for i, p in enumerate(sources)}
    col = {p: j for j, p in enumerate(targets)}
    km = distance.matrix(sources, targets)
    return [km[row[a]][col[b]] for a, b in pairs]


def _assemble(
    transfers: Sequence[Transfer],
    start_day: date,
    handovers: list[Handover],
    unplaced: dict[str, Unplaced],
    outcome: Outcome,
    problem: PlanInput,
    ctx: Context,
) -> Plan:
    start = datetime(start_day.year, start_day.month, start_day.day, tzinfo=THAI_TIME)
    work = WorkDay.of(problem.settings)

    def at(minutes: int) -> datetime:
        return work.at(start, minutes)

    hubs = {h.place: h.id for h in problem.hubs}
    trips = sorted(
        outcome.trips, key=lambda t: (t.route.departure, t.route.unit.line.id, t.route.unit.number)
    )
    shipments: list[Shipment] = []
    leg_times: dict[str, tuple[str, int, int]] = {}
    for number, trip in enumerate(trips, 1):
        sid = f"S{number:03d}"
        shipments.append(_shipment(sid, trip, at, hubs))
        picked: dict[str, int] = {}
        for visit in trip.route.visits:
            task = trip.tasks[visit.task]
            if visit.pickup:
                picked[task.key] = visit.arrival
            else:
                leg_times[task.key] = (sid, picked[task.key], visit.arrival)

    by_id = {t.id: t for t in transfers}
    journeys: list[Journey] = []
    routed: list[Transfer] = []
    for transfer in transfers:
        legs = outcome.legs.get(transfer.id)
        if not legs or transfer.id in unplaced:
            continue
        routed.append(transfer)
        made = []
        for task in legs:
            sid, up, down = leg_times[task.key]
            made.append(
                Leg(
                    shipment=sid,
                    origin=task.origin,
                    destination=task.destination,
                    pickup=at(up),
                    dropoff=at(down),
                )
            )
        journeys.append(
            Journey(
                transfer=transfer.id,
                legs=tuple(made),
                delivered=made[-1].dropoff,
                deadline=start + timedelta(minutes=window(transfer, start_day)[1]),
            )
        )
    direct = _direct(routed, ctx)
    km = round(sum(s.km for s in shipments), 1)
    cost = round(sum(s.cost for s in shipments), 2)
    direct_km = round(sum(d.km for d in direct), 1)
    direct_cost = round(sum(d.cost for d in direct), 2)
    totals = Totals(
        transfers=len(transfers),
        handovers=len(handovers),
        routed=len(journeys),
        unplaced=len(unplaced),
        shipments=len(shipments),
        weight_kg=round(sum(by_id[j.transfer].weight_kg for j in journeys), 3),
        km=km,
        cost=cost,
        direct_km=direct_km,
        direct_cost=direct_cost,
        saved_km=round(direct_km - km, 1),
        saved_cost=round(direct_cost - cost, 2),
    )
    order = {t.id: i for i, t in enumerate(transfers)}
    return Plan(
        start=start,
        strategy=outcome.strategy,
        seed=ctx.seed,
        handovers=tuple(handovers),
        shipments=tuple(shipments),
        journeys=tuple(journeys),
        unplaced=tuple(sorted(unplaced.values(), key=lambda u: order[u.transfer])),
        direct=tuple(direct),
        totals=totals,
        time_limited=ctx.time_limited,
    )


def _shipment(sid: str, trip: Trip, at: Callable[[int], datetime], hubs: dict[Place, str]) -> Shipment:
    route = trip.route
    line = route.unit.line
    stops: list[Stop] = [
        Stop(
            kind="depot",
            place=line.depot,
            arrival=at(route.departure),
            departure=at(route.departure),
            load_kg=0.0,
            km_from_previous=0.0,
        )
    ]
    groups: list[list[int]] = []
    for i, visit in enumerate(route.visits):
        if groups and route.visits[groups[-1][-1]].place == visit.place:
            groups[-1].append(i)
        else:
            groups.append([i])
    carried: list[str] = []
    max_load = 0
    for members in groups:
        visits = [route.visits[i] for i in members]
        picked = tuple(trip.tasks[v.task].transfer for v in visits if v.pickup)
        dropped = tuple(trip.tasks[v.task].transfer for v in visits if not v.pickup)
        carried += [p for p in picked if p not in carried]
        place = visits[0].place
        kind: StopKind = (
            "hub"
            if place in hubs
            else "pickup_dropoff"
            if picked and dropped
            else "pickup"
            if picked
            else "dropoff"
        )
        max_load = max(max_load, *(v.load_grams for v in visits))
        stops.append(
            Stop(
                kind=kind,
                place=place,
                hub=hubs.get(place),
                picked=picked,
                dropped=dropped,
                arrival=at(visits[0].arrival),
                departure=at(visits[-1].departure),
                load_kg=visits[-1].load_grams / 1000,
                km_from_previous=round(visits[0].km_from_previous, 1),
            )
        )
    back = route.km - sum(v.km_from_previous for v in route.visits)
    stops.append(
        Stop(
            kind="depot",
            place=line.depot,
            arrival=at(route.arrival),
            departure=at(route.arrival),
            load_kg=0.0,
            km_from_previous=round(back, 1),
        )
    )
    return Shipment(
        id=sid,
        vehicle=line.id,
        kind=line.kind,
        unit=route.unit.number,
        capacity_kg=line.capacity_kg,
        stops=tuple(stops),
        transfers=tuple(carried),
        km=round(route.km, 1),
        cost=round(trip_cost(trip), 2),
        max_load_kg=max_load / 1000,
        departure=at(route.departure),
        arrival=at(route.arrival),
    )


def _direct(routed: Sequence[Transfer], ctx: Context) -> list[DirectDelivery]:
    """Each routed transfer alone: the cheapest vehicle line able to carry it, depot -> origin ->
    destination -> depot."""
    if not routed:
        return []
    lines = ctx.lines
    depots = list(dict.fromkeys(v.depot for v in lines))
    ends = list(dict.fromkeys(p for t in routed for p in (t.origin, t.destination)))
    out_km = ctx.distance.matrix(depots, ends)
    back_km = ctx.distance.matrix(ends, depots)
    where = {p: i for i, p in enumerate(ends)}
    depot_at = {p: i for i, p in enumerate(depots)}
    middle = _pair_km(ctx.distance, [(t.origin, t.destination) for t in routed])
    result: list[DirectDelivery] = []
    for transfer, mid in zip(routed, middle, strict=True):
        grams = math.ceil(transfer.weight_kg * 1000)
        best: tuple[float, float, str] | None = None
        for line in lines:
            if math.floor(line.capacity_kg * 1000) < grams:
                continue
            d = depot_at[line.depot]
            km = out_km[d][where[transfer.origin]] + mid + back_km[where[transfer.destination]][d]
            cost = line.fixed_cost + line.cost_per_km * km
            if best is None or cost < best[0]:
                best = (cost, km, line.id)
        assert best is not None, "a routed transfer fits some vehicle"
        result.append(
            DirectDelivery(
                transfer=transfer.id, vehicle=best[2], km=round(best[1], 1), cost=round(best[0], 2)
            )
        )
    return result
