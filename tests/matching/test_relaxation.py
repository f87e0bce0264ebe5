"""The hub relaxation: a bound of the whole market that is small whatever the number of arcs."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from barter.matching import market as market_module
from barter.matching.engine import solve
from barter.matching.market import build_market
from barter.matching.relaxation import hub_bound
from tests.matching.conftest import as_dict, as_instance
from tests.matching.test_whole_market import satun_market
from tests.matching.validator import problems

ITEMS = [
    {"id": "dried-fish", "category": "fish-seafood", "unit": "kg", "value": 300.0, "kg_per_unit": 1.0},
    {"id": "sticky-rice", "category": "rice", "unit": "kg", "value": 40.0, "kg_per_unit": 1.0},
]


def swap(fish_wanted: float) -> dict[str, Any]:
    """A offers 10 kg fish (3,000 baht) and needs 75 kg rice (3,000); B the other way round,
    wanting `fish_wanted` kg of fish."""
    return copy.deepcopy(
        {
            "format": "barter-instance/1",
            "settings": {"max_cycle_length": 3, "max_chain_length": 3, "transport_cost_per_kg_km": 0.0},
            "communities": [
                {"id": "a", "lat": 6.6, "lon": 100.1, "region": "south"},
                {"id": "b", "lat": 19.9, "lon": 99.8, "region": "north"},
            ],
            "items": ITEMS,
            "offers": [
                {"id": "a-fish", "community": "a", "item": "dried-fish", "quantity": 10},
                {"id": "b-rice", "community": "b", "item": "sticky-rice", "quantity": 75},
            ],
            "needs": [
                {"id": "a-rice", "community": "a", "item": "sticky-rice", "quantity": 75},
                {"id": "b-fish", "community": "b", "item": "dried-fish", "quantity": fish_wanted},
            ],
        }
    )


@pytest.mark.parametrize("exact", [True, False])
def test_a_balanced_swap_is_bounded_by_both_sides_in_full(exact: bool) -> None:
    bound = hub_bound(build_market(as_instance(swap(10))), exact_gains=exact)
    assert bound == pytest.approx(6_000.0, rel=1e-5)


@pytest.mark.parametrize("exact", [True, False])
def test_the_balance_tolerance_caps_what_the_short_side_receives(exact: bool) -> None:
    """B wants 5 kg fish (1,500 baht), so A gives 1,500 and may receive at most 1.1 times that:
    1,500 + 1,650, not the 4,500 the quantities alone would allow."""
    bound = hub_bound(build_market(as_instance(swap(5))), exact_gains=exact)
    assert bound == pytest.approx(3_150.0, rel=1e-5)


def test_the_hub_bound_holds_the_far_satun_trade_and_is_far_below_the_listings_worth() -> None:
    data = satun_market(0.0)
    instance = as_instance(data)
    market = build_market(instance)
    solution = as_dict(solve(instance))
    assert problems(data, solution) == []
    bound = hub_bound(market)
    assert bound >= solution["objective"] - 1e-6
    # the 40 near rice offers find nobody who takes what their owners have: they add nothing
    assert bound <= 2 * 300.0 * 155 * 1.1


def test_a_large_market_reports_the_hub_bound_when_pricing_leaves_arcs_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As a large market would be (working arcs cut to the nearest): the reported bound is the
    smaller of the priced LP bound and the hub relaxation, never below the answer."""
    monkeypatch.setattr(market_module, "WHOLE_MARKET_ARCS", 0)
    monkeypatch.setattr(market_module, "K_BEST", 2)
    data = satun_market(0.002)
    instance = as_instance(data)
    solution = as_dict(solve(instance))
    assert problems(data, solution) == []
    hub = hub_bound(build_market(instance))
    assert solution["objective"] <= solution["upper_bound"] <= hub + 1e-6
    assert solution["objective"] > 0


def far_rice_beyond_a_limit() -> dict[str, Any]:
    """A (Satun) gives 10 kg fish and needs 75 kg rice from within 300 km; the only rice within
    reach is C's 5 kg (200 baht), 50 km away; B's 75 kg lies 1,400 km away, out of A's reach, and
    nobody else takes it."""
    data = swap(10)
    data["communities"].append({"id": "c", "lat": 7.0, "lon": 100.3, "region": "south"})
    data["offers"].append({"id": "c-rice", "community": "c", "item": "sticky-rice", "quantity": 5})
    data["needs"][0]["max_distance_km"] = 300
    data["needs"].append({"id": "c-fish", "community": "c", "item": "dried-fish", "quantity": 10})
    return data


def test_zones_keep_a_need_with_a_distance_limit_to_the_offers_within_its_reach() -> None:
    """Through one rice hub A would draw on B's far rice (a bound of some 6,000 baht); through the
    zones it reaches C's 200 baht of rice only, so A receives at most 200 and C, within the
    tolerance, at most 1.1 x 200."""
    data = far_rice_beyond_a_limit()
    instance = as_instance(data)
    market = build_market(instance)
    solution = as_dict(solve(instance))
    assert problems(data, solution) == []
    assert solution["objective"] > 0  # A and C swap
    plain = hub_bound(market, zones=False)
    zoned = hub_bound(market)  # a small market: zones on
    assert plain >= 6_000.0 - 1e-6
    assert solution["objective"] - 1e-6 <= zoned <= 200.0 + 1.1 * 200.0 + 1e-3
    assert zoned == pytest.approx(hub_bound(market, zones=True), rel=1e-9)


@pytest.mark.parametrize("exact", [True, False])
def test_without_distance_limits_zones_change_nothing(exact: bool) -> None:
    market = build_market(as_instance(swap(10)))
    assert hub_bound(market, exact_gains=exact, zones=True) == pytest.approx(
        hub_bound(market, exact_gains=exact, zones=False), rel=1e-9
    )
