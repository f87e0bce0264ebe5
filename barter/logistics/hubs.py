"""Consolidation through regional hubs: collection, line-haul, distribution.

A transfer between two regions goes through hubs when both regions have one and the road through
them is at most `hub_max_detour` times the direct road. Its journey becomes up to three legs:
collection (origin -> hub of its region, by the region's vehicles, together with other outbound
loads of the region), line-haul (hub -> hub, consolidated with every load of the hub pair, on the
biggest trucks), distribution (hub -> destination). A leg shorter than `handover_km` is skipped:
the community brings the goods to the hub or fetches them there.

The stages are routed one after another, each leg ready when the previous one arrives. The slack
of a transfer's window (its window minus the fastest time of its three legs) is shared equally
between the legs, so a leg that meets its own deadline leaves the next one enough time. A transfer
whose line-haul or distribution finds no vehicle has its earlier legs taken off their trips and
travels direct instead, together with the transfers whose collection found no vehicle and those
not eligible for hubs. A trip that loses legs is timed afresh with no stop later than before, so
every other load it drops at a hub is still there before the next leg picks it up; a transfer
whose legs would not meet there all the same travels direct (or is unplaced), never as planned.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from barter.domain.model import Region
from barter.logistics.model import Hub, Place
from barter.logistics.routing import Task, WindowBroken, retime
from barter.logistics.trips import (
    Context,
    Fleet,
    Outcome,
    Trip,
    cluster,
    group_by_corridor,
    no_vehicle,
    route_groups,
)

STAGES = ("collect", "linehaul", "deliver")


@dataclass(frozen=True, slots=True)
class Path:
    """A transfer's way through hubs: its legs' places and deadlines (minutes)."""

    task: Task
    stops: tuple[Place, ...]  # origin, hub, hub, destination
    hubs: tuple[str, str]
    closes: tuple[int, int, int]
    skip: tuple[bool, bool, bool]


def through_hubs(tasks: Sequence[Task], hubs: Sequence[Hub], fleet: Fleet, ctx: Context) -> Outcome | None:
    """The hub strategy's outcome, or None when taking failed legs off their trips broke a time
    window (possible only with a distance provider that breaks the triangle inequality)."""
    paths, direct = _paths(tasks, hubs, ctx)
    legs: dict[str, list[Task]] = {}
    ready = {p.task.transfer: p.task.open for p in paths}
    alive = list(paths)
    trips: list[Trip] = []
    failed: list[Task] = []

    def divert(lost: set[str]) -> bool:
        """Take the legs of `lost` off their trips and send those transfers direct (or unplaced);
        False when a shortened trip could not keep its times."""
        nonlocal trips, alive
        try:
            trips = _take_off(trips, lost, ctx)
        except WindowBroken:
            return False
        for transfer in lost:
            legs.pop(transfer, None)
        alive = [p for p in alive if p.task.transfer not in lost]
        again = [p.task for p in paths if p.task.transfer in lost]
        rescued, still = route_groups(group_by_corridor(again, ctx), fleet, ctx)
        trips += rescued
        failed.extend(still)
        legs.update({t.transfer: [t] for t in again if t not in still})
        return True

    for stage in range(3):
        stage_tasks: list[Task] = []
        for path in alive:
            if path.skip[stage]:
                continue
            stage_tasks.append(_leg(path, stage, ready[path.task.transfer]))
        groups = _group_legs(stage_tasks, stage, ctx)
        if stage == 0:
            groups += group_by_corridor(direct, ctx)
        new_trips, dropped = route_groups(groups, fleet, ctx)
        trips += new_trips
        lost = {t.transfer for t in dropped if t.key != t.transfer}
        failed += [t for t in dropped if t.key == t.transfer]
        for trip in new_trips:
            for visit in trip.route.visits:
                task = trip.tasks[visit.task]
                if task.key != task.transfer and not visit.pickup:
                    ready[task.transfer] = visit.departure  # unloaded at the hub
                    legs.setdefault(task.transfer, []).append(task)
        if lost and not divert(lost):
            return None
    # Re-timing keeps every drop-off at a hub no later than the next leg's pick-up, so nothing is
    # left here; should a change ever break that, those transfers travel direct rather than in an
    # impossible plan (diverted transfers have one leg, so this ends).
    while broken := _unchained(trips, legs):
        if not divert(broken):
            return None
    unplaced = {t.transfer: no_vehicle(t) for t in failed}
    for task in tasks:
        if task.transfer not in legs and task.transfer not in unplaced:
            legs[task.transfer] = [task]
    return Outcome("hubs", trips, legs, unplaced)


def _unchained(trips: Sequence[Trip], legs: dict[str, list[Task]]) -> set[str]:
    """Transfers with a leg loaded at a hub before the previous leg has unloaded them there."""
    loading: dict[str, int] = {}
    unloaded: dict[str, int] = {}
    for trip in trips:
        for visit in trip.route.visits:
            key = trip.tasks[visit.task].key
            if visit.pickup:
                loading[key] = visit.arrival
            else:
                unloaded[key] = visit.departure
    return {
        transfer
        for transfer, chain in legs.items()
        for a, b in itertools.pairwise(chain)
        if unloaded[a.key] > loading[b.key]
    }


def _paths(tasks: Sequence[Task], hubs: Sequence[Hub], ctx: Context) -> tuple[list[Path], list[Task]]:
    """Split tasks into those that go through hubs (with their paths) and those that go direct."""
    by_region: dict[Region, list[Hub]] = defaultdict(list)
    for hub in hubs:
        by_region[hub.place.region].append(hub)
    between = [t for t in tasks if t.origin.region != t.destination.region]
    ends = list(dict.fromkeys(p for t in between for p in (t.origin, t.destination)))
    hub_places = [h.place for h in hubs]
    to_hub = ctx.distance.matrix(ends, hub_places) if ends and hubs else []
    from_hub = ctx.distance.matrix(hub_places, ends) if ends and hubs else []
    hub_to_hub = ctx.distance.matrix(hub_places, hub_places) if hubs else []
    direct_km = ctx.distance.matrix(ends, ends) if ends else []
    where = {p: i for i, p in enumerate(ends)}
    index = {h.id: i for i, h in enumerate(hubs)}
    timing, settings = ctx.timing, ctx.settings
    paths: list[Path] = []
    direct: list[Task] = [t for t in tasks if t.origin.region == t.destination.region]
    for task in between:
        o, d = where[task.origin], where[task.destination]
        starts, ends_ = by_region.get(task.origin.region), by_region.get(task.destination.region)
        if not starts or not ends_:
            direct.append(task)
            continue
        first = min(starts, key=lambda h: (to_hub[o][index[h.id]], h.id))
        last = min(ends_, key=lambda h: (from_hub[index[h.id]][d], h.id))
        a = to_hub[o][index[first.id]]
        b = hub_to_hub[index[first.id]][index[last.id]]
        c = from_hub[index[last.id]][d]
        if a + b + c > settings.hub_max_detour * direct_km[o][d]:
            direct.append(task)
            continue
        skip = (a <= settings.handover_km, False, c <= settings.handover_km)
        # Each leg: loading, driving, unloading (the next leg may load once this one has unloaded).
        fastest = [
            0 if s else timing.drive(x) + 2 * timing.handling for x, s in zip((a, b, c), skip, strict=True)
        ]
        slack = task.close - task.open - sum(fastest)
        if slack < 0:
            direct.append(task)
            continue
        share = slack // 3
        c1 = task.open + fastest[0] + share
        c2 = c1 + fastest[1] + share
        paths.append(
            Path(
                task=task,
                stops=(task.origin, first.place, last.place, task.destination),
                hubs=(first.id, last.id),
                closes=(c1, c2, task.close),
                skip=skip,
            )
        )
    return paths, direct


def _leg(path: Path, stage: int, ready: int) -> Task:
    task = path.task
    return Task(
        key=f"{task.transfer}#{STAGES[stage]}",
        transfer=task.transfer,
        origin=path.stops[stage],
        destination=path.stops[stage + 1],
        grams=task.grams,
        open=ready,
        close=path.closes[stage],
        origin_hub=path.hubs[0] if stage == 1 else path.hubs[1] if stage == 2 else None,
        destination_hub=path.hubs[0] if stage == 0 else path.hubs[1] if stage == 1 else None,
    )


def _group_legs(legs: Sequence[Task], stage: int, ctx: Context) -> list[tuple[tuple[str, ...], list[Task]]]:
    """Collection and distribution legs group by region; line-hauls by hub pair."""
    by_key: dict[tuple[str, ...], list[Task]] = defaultdict(list)
    for leg in legs:
        if stage == 1:
            key: tuple[str, ...] = tuple(sorted({leg.origin.region, leg.destination.region}))
        else:
            key = ((leg.origin if stage == 0 else leg.destination).region,)
        by_key[key].append(leg)
    return [
        (key, chunk)
        for key in sorted(by_key)
        for chunk in cluster(by_key[key], key[0], ctx.settings.max_group_size, ctx.seed)
    ]


def _take_off(trips: list[Trip], transfers: set[str], ctx: Context) -> list[Trip]:
    """Remove the legs of `transfers` from the trips that carry them, re-timing what is left."""
    kept: list[Trip] = []
    for trip in trips:
        visits = [v for v in trip.route.visits if trip.tasks[v.task].transfer not in transfers]
        if len(visits) == len(trip.route.visits):
            kept.append(trip)
        elif visits:
            kept.append(Trip(retime(trip.route, visits, trip.tasks, ctx.distance, ctx.timing), trip.tasks))
    return kept
