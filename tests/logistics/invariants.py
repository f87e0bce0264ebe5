"""What every plan must satisfy, checked from the plan and its input alone."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import datetime, timedelta

from barter.logistics import THAI_TIME, DistanceProvider, GreatCircle, Plan, PlanInput

TOLERANCE_KG = 0.01


def window(problem: PlanInput, transfer_id: str, start: datetime) -> tuple[datetime, datetime]:
    t = next(t for t in problem.transfers if t.id == transfer_id)
    opens = datetime(t.ready.year, t.ready.month, t.ready.day, tzinfo=THAI_TIME)
    closes = datetime(t.needed_by.year, t.needed_by.month, t.needed_by.day, tzinfo=THAI_TIME) + timedelta(
        days=1
    )
    if t.shelf_life_days is not None:
        closes = min(closes, opens + timedelta(days=t.shelf_life_days))
    return max(opens, start), closes


def within_working_hours(problem: PlanInput, moment: datetime) -> bool:
    """`moment` falls within the working hours of its day (Thai time)."""
    settings = problem.settings
    local = moment.astimezone(THAI_TIME)
    minute = local.hour * 60 + local.minute + local.second / 60
    begins = settings.workday_starts_minute
    return begins <= minute <= begins + settings.working_hours_per_day * 60


def check_plan(problem: PlanInput, plan: Plan, distance: DistanceProvider | None = None) -> None:
    transfers = {t.id: t for t in problem.transfers}
    lines = {v.id: v for v in problem.vehicles}
    hubs = {h.id: h.place for h in problem.hubs}
    settings = problem.settings

    # Every transfer is in exactly one of: hand-overs, journeys, unplaced.
    seen = (
        [h.transfer for h in plan.handovers]
        + [j.transfer for j in plan.journeys]
        + [u.transfer for u in plan.unplaced]
    )
    assert sorted(seen) == sorted(transfers), "each transfer exactly once"
    for h in plan.handovers:
        assert h.km <= settings.handover_km + 0.05

    shipments = {s.id: s for s in plan.shipments}
    assert len(shipments) == len(plan.shipments)
    legs_on: dict[str, list[str]] = defaultdict(list)
    for j in plan.journeys:
        t = transfers[j.transfer]
        opens, closes = window(problem, j.transfer, plan.start)
        assert j.legs, "a routed transfer travels on at least one shipment"
        assert j.legs[0].origin == t.origin or j.legs[0].origin in hubs.values()
        assert j.legs[-1].destination == t.destination or j.legs[-1].destination in hubs.values()
        for a, b in zip(j.legs, j.legs[1:], strict=False):
            assert a.destination == b.origin, "legs chain through hubs"
            assert a.dropoff <= b.pickup, "a leg leaves the hub after the previous one arrives"
        for leg in j.legs:
            assert opens <= leg.pickup < leg.dropoff <= closes, (j.transfer, opens, leg, closes)
            assert within_working_hours(problem, leg.pickup), leg
            assert within_working_hours(problem, leg.dropoff), leg
            legs_on[leg.shipment].append(j.transfer)
        assert j.delivered == j.legs[-1].dropoff
        assert j.deadline == closes

    used: dict[tuple[str, int], list[tuple[datetime, datetime]]] = defaultdict(list)
    for s in plan.shipments:
        line = lines[s.vehicle]
        assert 1 <= s.unit <= line.count
        assert s.capacity_kg == line.capacity_kg
        used[(s.vehicle, s.unit)].append((s.departure, s.arrival))
        assert s.departure >= plan.start + timedelta(minutes=settings.not_before_minute), "left too early"
        if settings.max_trip_days is not None:
            assert s.arrival - s.departure <= timedelta(days=settings.max_trip_days), "trip too long"
        assert s.stops[0].kind == "depot"
        assert s.stops[-1].kind == "depot"
        assert s.stops[0].place == line.depot
        assert s.stops[-1].place == line.depot
        assert sorted(s.transfers) == sorted(legs_on[s.id]), "a shipment carries exactly its legs"
        picked_at: dict[str, int] = {}
        dropped_at: dict[str, int] = {}
        load = 0.0
        previous = s.stops[0].departure
        for i, stop in enumerate(s.stops):
            assert previous <= stop.arrival <= stop.departure, "times move forward"
            for moment in (stop.arrival, stop.departure):
                assert within_working_hours(problem, moment), (s.id, stop.place, moment)
            previous = stop.departure
            for tid in stop.picked:
                assert tid not in picked_at, "picked once per shipment"
                picked_at[tid] = i
                load += transfers[tid].weight_kg
            for tid in stop.dropped:
                assert picked_at.get(tid, i) < i, "pick-up precedes drop-off on the same vehicle"
                dropped_at[tid] = i
                load -= transfers[tid].weight_kg
            assert abs(stop.load_kg - load) <= TOLERANCE_KG
            assert -TOLERANCE_KG <= load <= line.capacity_kg + TOLERANCE_KG, "no leg exceeds capacity"
            if stop.kind == "hub":
                assert stop.hub is not None
                assert hubs[stop.hub] == stop.place
        assert set(picked_at) == set(dropped_at) == set(s.transfers)
        assert abs(load) <= TOLERANCE_KG
        assert abs(sum(stop.km_from_previous for stop in s.stops) - s.km) <= 0.1 * len(s.stops)
        assert abs(s.cost - (line.fixed_cost + line.cost_per_km * s.km)) <= 0.01 + line.cost_per_km * 0.05
    for trips in used.values():
        trips.sort()
        for (_, end), (begin, _) in itertools.pairwise(trips):
            assert end <= begin, "a vehicle makes one trip at a time"

    totals = plan.totals
    assert totals.transfers == len(transfers)
    assert totals.handovers == len(plan.handovers)
    assert totals.routed == len(plan.journeys) == len(plan.direct)
    assert totals.unplaced == len(plan.unplaced)
    assert totals.shipments == len(plan.shipments)
    assert abs(totals.saved_km - (totals.direct_km - totals.km)) <= 0.11
    assert abs(totals.saved_cost - (totals.direct_cost - totals.cost)) <= 0.011
    assert {d.transfer for d in plan.direct} == {j.transfer for j in plan.journeys}
    road = distance or GreatCircle(settings.road_factor)
    for d in plan.direct:
        t = transfers[d.transfer]
        line = lines[d.vehicle]
        assert line.capacity_kg >= t.weight_kg
        straight = road.matrix([t.origin], [t.destination])[0][0]
        assert d.km + 0.1 >= straight
