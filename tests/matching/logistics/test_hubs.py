from __future__ import annotations

import math

import msgspec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barter.matching.logistics import Hub, Place, PlanInput, Vehicle, plan
from tests.matching.logistics.builders import BANGKOK, CHIANG_MAI, FAST, KHON_KAEN, SONGKHLA, transfer, truck
from tests.matching.logistics.invariants import check_plan

HUBS = (Hub(id="hub-south", place=SONGKHLA), Hub(id="hub-north", place=CHIANG_MAI))
PLANE = msgspec.structs.replace(
    truck("south-plane", SONGKHLA, 20_000, per_km=20, fixed=10_000, count=1), hub_to_hub=True, speed_kmh=500
)
PICKUPS = (
    truck("south-pickup", SONGKHLA, 1500, per_km=9, fixed=800, count=6),
    truck("north-pickup", CHIANG_MAI, 1500, per_km=9, fixed=800, count=6),
)


def ring(centre: Place, radius: float, n: int) -> list[Place]:
    return [
        Place(
            lat=centre.lat + radius * math.cos(2 * math.pi * k / n),
            lon=centre.lon + radius * math.sin(2 * math.pi * k / n),
            region=centre.region,
            name=f"{centre.name} village {k}",
        )
        for k in range(n)
    ]


def problem(vehicles: tuple[Vehicle, ...], hubs: tuple[Hub, ...] = HUBS) -> PlanInput:
    south, north = ring(SONGKHLA, 0.8, 8), ring(CHIANG_MAI, 0.8, 8)
    transfers = tuple(transfer(f"fish-{k}", south[k], north[(3 * k) % 8], 400) for k in range(8))
    return PlanInput(transfers=transfers, vehicles=vehicles, hubs=hubs, settings=FAST)


def test_small_loads_are_collected_flown_between_hubs_and_distributed_when_that_is_cheaper() -> None:
    with_hubs = problem((*PICKUPS, PLANE))
    result = plan(with_hubs)
    check_plan(with_hubs, result)
    assert result.strategy == "hubs"
    (flight,) = [s for s in result.shipments if s.vehicle == "south-plane"]
    assert len(flight.transfers) == 8
    assert [s.kind for s in flight.stops] == ["depot", "hub", "hub", "depot"]
    for journey in result.journeys:
        assert [leg.destination.name for leg in journey.legs][:2] == ["Songkhla", "Chiang Mai"]
        assert len(journey.legs) == 3
        assert journey.legs[1].shipment == flight.id

    without = plan(problem((*PICKUPS, PLANE), hubs=()))
    assert without.strategy == "corridors"
    assert all(s.vehicle != "south-plane" for s in without.shipments), (
        "hub-to-hub vehicles only fly line-hauls"
    )
    assert result.totals.cost < without.totals.cost


def test_hubs_that_do_not_pay_leave_the_corridor_plan() -> None:
    trucks_only = problem(PICKUPS)
    result = plan(trucks_only)
    check_plan(trucks_only, result)
    assert result.strategy == "corridors"
    assert all(len(j.legs) == 1 for j in result.journeys)


CENTRES = (SONGKHLA, CHIANG_MAI, KHON_KAEN, BANGKOK)
VILLAGES = CENTRES + tuple(p for c in CENTRES for p in ring(c, 0.5, 3))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(VILLAGES),
            st.sampled_from(VILLAGES),
            st.floats(min_value=10, max_value=2000),
            st.integers(min_value=0, max_value=4),
            st.integers(min_value=3, max_value=14),
        ),
        min_size=1,
        max_size=10,
    ),
    st.integers(min_value=1, max_value=3),
    st.booleans(),
    st.integers(min_value=0, max_value=2),
)
def test_generated_hub_plans_keep_every_invariant(raw, count, plane, seed) -> None:  # type: ignore[no-untyped-def]
    transfers = tuple(
        transfer(f"t{k}", a, b, round(kg, 1), ready=ready, days=days)
        for k, (a, b, kg, ready, days) in enumerate(raw)
    )
    vehicles = tuple(
        truck(f"{c.region}-pickup", c, 1500, per_km=9, fixed=800, count=count) for c in CENTRES
    ) + ((PLANE,) if plane else ())
    hubs = tuple(Hub(id=f"hub-{c.region}", place=c) for c in CENTRES)
    settings_ = msgspec.structs.replace(FAST, solution_limit=10, max_group_size=4, seed=seed, strategy="hubs")
    problem_ = PlanInput(transfers=transfers, vehicles=vehicles, hubs=hubs, settings=settings_)
    result = plan(problem_)
    check_plan(problem_, result)
    assert result.strategy == "hubs"
    assert result == plan(problem_)
    for journey in result.journeys:
        t = next(t for t in transfers if t.id == journey.transfer)
        if len(journey.legs) > 1:
            assert t.origin.region != t.destination.region, "only transfers between regions use hubs"
            assert journey.legs[1].origin in {h.place for h in hubs}
