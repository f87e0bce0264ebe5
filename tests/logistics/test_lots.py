from __future__ import annotations

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from barter.logistics import PlanInput, plan
from barter.logistics.lots import split_heavy, split_into_lots
from tests.logistics.builders import CHIANG_MAI, FAST, SATUN, SONGKHLA, transfer, truck
from tests.logistics.invariants import check_plan


def test_77_tonnes_of_rice_become_six_lots_of_at_most_15_tonnes_that_all_get_planned() -> None:
    rice = transfer("rice", CHIANG_MAI, SATUN, 77_000, days=14)
    lots = split_into_lots(rice, 15_000)
    assert [lot.id for lot in lots] == [f"rice/{k}" for k in range(1, 7)]
    assert sum(lot.quantity for lot in lots) == 77_000
    assert max(lot.weight_kg for lot in lots) <= 15_000
    assert max(lot.quantity for lot in lots) - min(lot.quantity for lot in lots) <= 1
    assert {(lot.origin, lot.destination, lot.ready, lot.needed_by) for lot in lots} == {
        (rice.origin, rice.destination, rice.ready, rice.needed_by)
    }
    problem = PlanInput(
        transfers=lots, vehicles=(truck("south-ten-wheel", SONGKHLA, 15_000, count=3),), settings=FAST
    )
    result = plan(problem)
    check_plan(problem, result)
    assert result.totals.routed == 6
    assert result.totals.weight_kg == pytest.approx(77_000)


def test_light_transfers_and_indivisible_units_stay_whole() -> None:
    fish = transfer("fish", SATUN, CHIANG_MAI, 300)
    assert split_into_lots(fish, 1000) == (fish,)
    boat = msgspec.structs.replace(transfer("boat", SATUN, CHIANG_MAI, 1), kg_per_unit=2000.0)
    assert split_into_lots(boat, 1500) == (boat,)
    assert split_heavy([fish, boat], 1500) == (fish, boat)


@given(
    st.floats(min_value=0.5, max_value=100_000),
    st.sampled_from([0.06, 1.0, 1.2, 25.0]),
    st.sampled_from([1500.0, 15_000.0]),
)
def test_lots_keep_the_quantity_and_each_fits(quantity: float, kg_per_unit: float, max_kg: float) -> None:
    t = msgspec.structs.replace(
        transfer("t", SATUN, CHIANG_MAI, 1), quantity=quantity, kg_per_unit=kg_per_unit
    )
    lots = split_into_lots(t, max_kg)
    assert sum(lot.quantity for lot in lots) == pytest.approx(quantity)
    if t.weight_kg <= max_kg or kg_per_unit > max_kg:
        assert lots == (t,)
    else:
        assert len(lots) == -(-quantity // (max_kg // kg_per_unit))  # the fewest lots
        assert all(0 < lot.weight_kg <= max_kg + 1e-9 for lot in lots)
