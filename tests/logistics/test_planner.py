from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Literal

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barter.logistics import (
    Handover,
    Hub,
    Place,
    Plan,
    PlanInput,
    PlanInputError,
    PlanSettings,
    Transfer,
    Vehicle,
    plan,
)
from tests.logistics.builders import (
    ALL_PLACES,
    BANGKOK,
    CHIANG_MAI,
    CHIANG_RAI,
    DAY0,
    FAST,
    KHON_KAEN,
    LAMPHUN,
    SATUN,
    SONGKHLA,
    TRANG,
    transfer,
    truck,
)
from tests.logistics.invariants import check_plan


def solve(
    transfers: Iterable[Transfer],
    vehicles: Iterable[Vehicle],
    settings: PlanSettings = FAST,
    hubs: Iterable[Hub] = (),
) -> Plan:
    problem = PlanInput(
        transfers=tuple(transfers), vehicles=tuple(vehicles), hubs=tuple(hubs), settings=settings
    )
    result = plan(problem)
    check_plan(problem, result)
    return result


def test_small_loads_on_one_corridor_share_a_truck_and_cost_less_than_alone() -> None:
    result = solve(
        [
            transfer("fish-1", SATUN, CHIANG_MAI, 300),
            transfer("fish-2", SONGKHLA, LAMPHUN, 200),
            transfer("fish-3", TRANG, CHIANG_RAI, 150),
        ],
        [truck("south-six-wheel", SONGKHLA)],
    )
    assert result.totals.shipments == 1
    assert sorted(result.shipments[0].transfers) == ["fish-1", "fish-2", "fish-3"]
    assert result.totals.saved_cost > 0
    assert result.totals.saved_km > 0
    assert result.totals.cost < result.totals.direct_cost


def test_a_truck_takes_fish_north_and_brings_rice_back_south() -> None:
    result = solve(
        [transfer("fish", SATUN, CHIANG_MAI, 500), transfer("rice", CHIANG_MAI, SATUN, 4000)],
        [truck("south-six-wheel", SONGKHLA, count=1)],
    )
    assert result.totals.shipments == 1
    stops = result.shipments[0].stops
    assert [s.picked for s in stops if s.picked] == [("fish",), ("rice",)]
    assert max(s.load_kg for s in stops) == pytest.approx(4000)


def test_ten_tonnes_move_on_six_tonne_trucks_without_ever_exceeding_six() -> None:
    result = solve(
        [transfer(f"rice-{k}", CHIANG_MAI, BANGKOK, 2500) for k in range(4)],
        [truck("north-six-wheel", CHIANG_MAI, 6000, count=3)],
    )
    assert result.totals.routed == 4
    assert result.totals.weight_kg == 10_000
    loads = [stop.load_kg for s in result.shipments for stop in s.stops]
    assert max(loads) == pytest.approx(5000)  # two lots at a time, by one truck or several


def test_a_transfer_heavier_than_any_vehicle_is_unplaced_with_the_reason() -> None:
    result = solve(
        [transfer("rice-77t", CHIANG_MAI, SATUN, 77_000), transfer("fish", SATUN, CHIANG_MAI, 100)],
        [truck("south-ten-wheel", SONGKHLA, 15_000)],
    )
    (unplaced,) = result.unplaced
    assert unplaced.transfer == "rice-77t"
    assert unplaced.reason == "too_heavy"
    assert "15000 kg" in unplaced.detail
    assert [j.transfer for j in result.journeys] == ["fish"]


def test_windows_that_cannot_be_met_are_unplaced_with_the_reason() -> None:
    result = solve(
        [
            transfer("backwards", SATUN, CHIANG_MAI, 100, ready=5, days=-2),
            # Fresh fish with a one-day shelf life cannot cross 1,600 km of road at 50 km/h, 10 h a day.
            transfer("spoils", SATUN, CHIANG_MAI, 100, shelf=1),
            transfer("fine", SATUN, CHIANG_MAI, 100, shelf=30),
        ],
        [truck("south-six-wheel", SONGKHLA)],
    )
    reasons = {u.transfer: u.reason for u in result.unplaced}
    assert reasons == {"backwards": "impossible_window", "spoils": "impossible_window"}
    assert "needed by" in next(u.detail for u in result.unplaced if u.transfer == "backwards")
    assert [j.transfer for j in result.journeys] == ["fine"]


def test_short_transfers_are_hand_overs() -> None:
    near = Place(lat=SATUN.lat + 0.1, lon=SATUN.lon, region="south", name="near Satun")
    result = solve(
        [transfer("next-door", SATUN, near, 5_000_000), transfer("far", SATUN, BANGKOK, 100)],
        [truck("south-six-wheel", SONGKHLA)],
    )
    assert [h.transfer for h in result.handovers] == ["next-door"]
    assert result.handovers[0].km == pytest.approx(14.5, abs=0.5)  # 11.1 km great-circle x 1.3
    assert result.totals.routed == 1


def test_a_transfer_no_vehicle_can_reach_in_time_is_unplaced_no_vehicle() -> None:
    # Ready on day 0, needed the same day in Lamphun (25 km from Chiang Mai, beyond the 20 km
    # hand-over distance set here); the only truck is in Satun, days away.
    result = solve(
        [transfer("urgent", CHIANG_MAI, LAMPHUN, 100, days=0), transfer("later", SATUN, SONGKHLA, 100)],
        [truck("south-pickup", SATUN, 1500)],
        settings=msgspec.structs.replace(FAST, handover_km=20),
    )
    assert [(u.transfer, u.reason) for u in result.unplaced] == [("urgent", "no_vehicle")]


def test_without_vehicles_every_routed_transfer_is_unplaced_no_fleet() -> None:
    result = solve([transfer("t", SATUN, BANGKOK, 100)], [])
    assert [(u.transfer, u.reason) for u in result.unplaced] == [("t", "no_fleet")]
    assert result.shipments == ()


def test_pick_ups_wait_for_the_ready_date_and_deliveries_meet_the_needed_by_date() -> None:
    result = solve(
        [transfer("late-rice", KHON_KAEN, BANGKOK, 1000, ready=6, days=3)],
        [truck("northeast-six-wheel", KHON_KAEN)],
    )
    (journey,) = result.journeys
    leg = journey.legs[0]
    assert leg.pickup.date() >= DAY0 + timedelta(days=6)
    assert journey.delivered.date() <= DAY0 + timedelta(days=9)
    assert result.shipments[0].departure.date() >= DAY0 + timedelta(days=5)


def test_one_vehicle_makes_trips_one_after_another() -> None:
    # Two corridors (Northeast-Central, North-Northeast) are planned as separate groups; the only
    # pickup serves the second once it is back from the first.
    result = solve(
        [
            transfer("a", KHON_KAEN, BANGKOK, 1200, days=14),
            transfer("b", KHON_KAEN, CHIANG_MAI, 1200, days=14),
        ],
        [truck("northeast-pickup", KHON_KAEN, 1500, count=1)],
    )
    assert result.totals.routed == 2
    first, second = result.shipments
    assert (first.vehicle, first.unit) == (second.vehicle, second.unit)
    assert first.arrival <= second.departure


def test_same_input_and_seed_give_the_same_plan() -> None:
    transfers = [
        transfer(f"t{k}", a, b, 100 + 37 * k, ready=k % 4)
        for k, (a, b) in enumerate(
            [
                (SATUN, CHIANG_MAI),
                (CHIANG_MAI, SATUN),
                (KHON_KAEN, SONGKHLA),
                (BANGKOK, CHIANG_RAI),
                (TRANG, BANGKOK),
            ]
            * 3
        )
    ]
    vehicles = [
        truck("south-six-wheel", SONGKHLA),
        truck("north-pickup", CHIANG_MAI, 1500, per_km=9, fixed=800),
    ]
    settings = msgspec.structs.replace(FAST, max_group_size=6, seed=3)
    first = msgspec.json.encode(solve(transfers, vehicles, settings))
    second = msgspec.json.encode(solve(transfers, vehicles, settings))
    assert first == second


def test_plan_input_reads_from_json_and_refuses_unknown_fields() -> None:
    problem = PlanInput(
        transfers=(transfer("t", SATUN, BANGKOK, 100),),
        vehicles=(truck("v", SONGKHLA),),
        settings=PlanSettings(),
    )
    raw = msgspec.json.encode(problem)
    assert msgspec.json.decode(raw, type=PlanInput) == problem
    bad = raw.replace(b'"capacity_kg"', b'"wheels":6,"capacity_kg"')
    with pytest.raises(msgspec.ValidationError, match="wheels"):
        msgspec.json.decode(bad, type=PlanInput)
    doc = msgspec.json.decode(raw)
    doc["transfers"][0]["quantity"] = -1
    with pytest.raises(msgspec.ValidationError, match=r"transfers\[0\].quantity"):
        msgspec.json.decode(msgspec.json.encode(doc), type=PlanInput)


places = st.sampled_from(ALL_PLACES)
transfers_strategy = st.lists(
    st.builds(
        lambda a, b, kg, ready, days, shelf: (a, b, kg, ready, days, shelf),
        places,
        places,
        st.floats(min_value=5, max_value=9000),
        st.integers(min_value=0, max_value=6),
        st.integers(min_value=-1, max_value=10),
        st.one_of(st.none(), st.integers(min_value=0, max_value=20)),
    ),
    min_size=1,
    max_size=8,
)
fleets = st.lists(
    st.builds(
        lambda depot, capacity, per_km, count: (depot, capacity, per_km, count),
        places,
        st.sampled_from([1500.0, 6000.0]),
        st.sampled_from([9.0, 15.0]),
        st.integers(min_value=1, max_value=2),
    ),
    min_size=1,
    max_size=3,
)


hub_sets = st.lists(st.sampled_from(ALL_PLACES), max_size=4, unique=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    transfers_strategy,
    fleets,
    hub_sets,
    st.booleans(),
    st.sampled_from(["auto", "corridors", "hubs"]),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=2),
    st.sampled_from([None, 2.0, 6.0]),
    st.sampled_from([0, 600, 1300]),
)
def test_generated_plans_keep_every_invariant_and_are_reproducible(
    raw: list[tuple[Place, Place, float, int, int, int | None]],
    fleet: list[tuple[Place, float, float, int]],
    hub_places: list[Place],
    plane: bool,
    strategy: Literal["auto", "corridors", "hubs"],
    group: int,
    seed: int,
    max_trip_days: float | None,
    not_before_minute: int,
) -> None:
    transfers = [
        transfer(f"t{k}", a, b, round(kg, 1), ready=ready, days=days, shelf=shelf)
        for k, (a, b, kg, ready, days, shelf) in enumerate(raw)
    ]
    vehicles: list[Vehicle] = [
        truck(f"{depot.region}-{k}", depot, capacity, per_km=per_km, count=count)
        for k, (depot, capacity, per_km, count) in enumerate(fleet)
    ]
    hubs = [Hub(id=f"hub-{k}", place=p) for k, p in enumerate(hub_places)]
    if plane and hubs:
        vehicles.append(
            Vehicle(
                id="plane",
                kind="plane",
                capacity_kg=20_000,
                cost_per_km=20,
                depot=hub_places[0],
                hub_to_hub=True,
            )
        )
    settings_ = msgspec.structs.replace(
        FAST,
        solution_limit=10,
        max_group_size=2 + group,
        seed=seed,
        hub_max_detour=2.0,
        strategy=strategy,
        max_trip_days=max_trip_days,
        not_before_minute=not_before_minute,
    )
    first = solve(transfers, vehicles, settings_, hubs)
    assert first == solve(transfers, vehicles, settings_, hubs)
    assert first.time_limited == 0
    heaviest = max(v.capacity_kg for v in vehicles)
    for t in transfers:
        if (
            t.weight_kg > heaviest
            and t.needed_by >= t.ready
            and t.id not in {h.transfer for h in first.handovers}
        ):
            assert t.id in {u.transfer for u in first.unplaced}


def test_the_invariant_checker_catches_broken_plans() -> None:
    problem = PlanInput(
        transfers=(transfer("fish", SATUN, CHIANG_MAI, 500), transfer("rice", CHIANG_MAI, SATUN, 4000)),
        vehicles=(truck("south-six-wheel", SONGKHLA, count=1),),
        settings=FAST,
    )
    good = plan(problem)
    check_plan(problem, good)
    (shipment,) = good.shipments
    small = msgspec.structs.replace(problem.vehicles[0], capacity_kg=3000)
    overloaded = msgspec.structs.replace(
        good, shipments=(msgspec.structs.replace(shipment, capacity_kg=3000),)
    )
    with pytest.raises(AssertionError, match="capacity"):
        check_plan(msgspec.structs.replace(problem, vehicles=(small,)), overloaded)
    twice = msgspec.structs.replace(good, handovers=(Handover(transfer="fish", km=1.0),))
    with pytest.raises(AssertionError, match="exactly once"):
        check_plan(problem, twice)
    swapped = msgspec.structs.replace(
        shipment, stops=(shipment.stops[0], *reversed(shipment.stops[1:-1]), shipment.stops[-1])
    )
    with pytest.raises(AssertionError):
        check_plan(problem, msgspec.structs.replace(good, shipments=(swapped,)))


def test_a_plan_starting_later_picks_up_from_its_start_and_refuses_what_is_already_due() -> None:
    later = msgspec.structs.replace(FAST, start=DAY0 + timedelta(days=4))
    result = solve(
        [
            transfer("waiting", KHON_KAEN, BANGKOK, 500, days=10),
            transfer("overdue", KHON_KAEN, BANGKOK, 500, days=2),
        ],
        [truck("northeast-six-wheel", KHON_KAEN)],
        settings=later,
    )
    assert result.start.date() == DAY0 + timedelta(days=4)
    assert result.journeys[0].legs[0].pickup.date() >= DAY0 + timedelta(days=4)
    (overdue,) = result.unplaced
    assert overdue.reason == "impossible_window"
    assert "before the plan starts" in overdue.detail


@pytest.mark.parametrize("minute", [0, 5 * 60, 20 * 60 + 21])
def test_no_vehicle_leaves_before_the_plans_first_minute_of_departures(minute: int) -> None:
    # a plan made at 20:21 must not send a truck out at 00:00 the same day, already gone, nor
    # at night: it leaves the next morning; one made at 05:00 leaves when the working day begins
    evening = msgspec.structs.replace(FAST, not_before_minute=minute)
    result = solve(
        [
            transfer("rice", KHON_KAEN, BANGKOK, 1000, days=10),
            transfer("fish", SATUN, CHIANG_MAI, 800, days=10),
        ],
        [truck("northeast-six-wheel", KHON_KAEN), truck("south-six-wheel", SATUN)],
        settings=evening,
    )
    assert result.totals.routed == 2
    opens = result.start + timedelta(minutes=20 * 60 + 21)
    morning = result.start + timedelta(minutes=FAST.workday_starts_minute)
    if minute > FAST.workday_starts_minute:
        assert all(s.departure >= morning + timedelta(days=1) for s in result.shipments)
        assert all(leg.pickup >= opens for j in result.journeys for leg in j.legs)
    else:
        assert any(s.departure < opens for s in result.shipments), "(else this test shows nothing)"
        # the first truck out leaves as the working day begins
        assert min(s.departure for s in result.shipments) == morning


def test_times_fall_within_the_working_hours_the_plan_is_given() -> None:
    # 1,400 km from Satun to Chiang Mai is days of driving: every stop of it from noon to midnight
    afternoons = msgspec.structs.replace(FAST, workday_starts_minute=12 * 60, working_hours_per_day=12.0)
    result = solve(
        [transfer("fish", SATUN, CHIANG_MAI, 800, days=10)],
        [truck("south-six-wheel", SATUN)],
        settings=afternoons,
    )
    assert result.totals.routed == 1
    times = [t for s in result.shipments for stop in s.stops for t in (stop.arrival, stop.departure)]
    assert len({t.date() for t in times}) > 1, "(a trip of one day shows little here)"
    assert all(t.hour >= 12 for t in times)


def test_a_working_day_past_midnight_is_refused_with_the_field_path() -> None:
    late = msgspec.structs.replace(FAST, workday_starts_minute=20 * 60, working_hours_per_day=10.0)
    problem = PlanInput(
        transfers=(transfer("fish", SATUN, CHIANG_MAI, 800, days=10),),
        vehicles=(truck("south-six-wheel", SATUN),),
        settings=late,
    )
    with pytest.raises(PlanInputError) as refused:
        plan(problem)
    assert [(e.path, e.code) for e in refused.value.problems] == [
        ("settings.workday_starts_minute", "day_past_midnight")
    ]


def test_duplicate_ids_are_refused_with_the_field_path() -> None:
    twice = transfer("t", SATUN, BANGKOK, 100)
    problem = PlanInput(transfers=(twice, twice), vehicles=(truck("v", SONGKHLA),), settings=FAST)
    with pytest.raises(PlanInputError) as raised:
        plan(problem)
    assert [(e.path, e.message, e.code) for e in raised.value.problems] == [
        ("transfers[1].id", "duplicate id 't'", "listed_twice")
    ]


def test_trips_last_at_most_max_trip_days_and_what_cannot_fit_is_unplaced() -> None:
    short = msgspec.structs.replace(FAST, max_trip_days=3)
    result = solve(
        [
            transfer("near-1", KHON_KAEN, BANGKOK, 500, ready=0),
            transfer("near-2", BANGKOK, KHON_KAEN, 500, ready=6),
            transfer("far", SATUN, CHIANG_RAI, 500),  # 2,500 km of road each way: days beyond 3
        ],
        [truck("central-six-wheel", BANGKOK, count=1), truck("south-six-wheel", SONGKHLA, count=1)],
        settings=short,
    )
    assert [(u.transfer, u.reason) for u in result.unplaced] == [("far", "no_vehicle")]
    assert result.totals.routed == 2
    assert all(s.arrival - s.departure <= timedelta(days=3) for s in result.shipments)
