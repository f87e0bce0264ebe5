"""Candidate arcs: acceptability, distance, and the sparsification rule."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from barter.matching.market import K_BACK, K_BEST, build_market
from tests.matching.conftest import as_instance, three_regions


def arcs(data: dict[str, Any]) -> set[tuple[str, str]]:
    instance = as_instance(data)
    m = build_market(instance)
    return {
        (instance.offers[o].id, instance.needs[n].id) for o, n in zip(m.arc_offer, m.arc_need, strict=True)
    }


def test_needs_meet_offers_by_list_item_or_category_never_their_own() -> None:
    data = three_regions()
    data["offers"].append({"id": "own-veg", "community": "satun-01", "item": "morning-glory", "quantity": 5})
    found = arcs(data)
    assert found == {("fish", "surin-fish"), ("rice", "np-rice"), ("veg", "satun-veg")}
    data["needs"][0] = {**data["needs"][0], "category": None, "accept_offers": ["rice", "veg"]}
    assert ("rice", "satun-veg") in arcs(data)


def test_max_distance_cuts_arcs() -> None:
    data = three_regions()
    data["needs"][1]["max_distance_km"] = 500  # satun to surin is about 1,000 km
    assert ("fish", "surin-fish") not in arcs(data)


def line_market(n_offers: int, transport: float) -> dict[str, Any]:
    communities = [{"id": "buyer", "lat": 15.0, "lon": 100.0}] + [
        {"id": f"s{i}", "lat": 15.0 + 0.1 * (i + 1), "lon": 100.0} for i in range(n_offers)
    ]
    return {
        "format": "barter-instance/1",
        "settings": {"transport_cost_per_kg_km": transport},
        "communities": communities,
        "items": [{"id": "rice", "category": "rice", "value": 35.0}],
        "offers": [
            {"id": f"o{i}", "community": f"s{i}", "item": "rice", "quantity": 10} for i in range(n_offers)
        ],
        "needs": [{"id": "n", "community": "buyer", "item": "rice", "quantity": 10}],
    }


def test_each_need_keeps_its_k_best_offers_nearest_first(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("barter.matching.market.WHOLE_MARKET_ARCS", 0)  # as in a large market
    kept = arcs(line_market(K_BEST + 5, transport=0.01))
    assert kept == {(f"o{i}", "n") for i in range(K_BEST)}


def with_fish_back(data: dict[str, Any], suppliers: range) -> dict[str, Any]:
    """The buyer offers dried fish, and `suppliers` need it: they could trade two ways with it."""
    data["items"].append({"id": "fish", "category": "fish", "value": 300.0})
    data["offers"].append({"id": "fish", "community": "buyer", "item": "fish", "quantity": 100})
    data["needs"] += [
        {"id": f"fish{i}", "community": f"s{i}", "item": "fish", "quantity": 1} for i in suppliers
    ]
    return data


def test_partners_that_could_give_back_are_kept_however_far(monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond each need's K_BEST nearest offers, its K_BACK nearest offers whose owners need
    something it has: the rice of a fishing village's real partners is often far away."""
    monkeypatch.setattr("barter.matching.market.WHOLE_MARKET_ARCS", 0)  # as in a large market
    n = K_BEST + K_BACK + 10
    far = range(K_BEST + 5, n)  # the nearest K_BEST + 5 suppliers want nothing the buyer has
    kept = {arc for arc in arcs(with_fish_back(line_market(n, transport=0.01), far)) if arc[1] == "n"}
    nearest = {(f"o{i}", "n") for i in range(K_BEST)}
    back = {(f"o{i}", "n") for i in far[:K_BACK]}
    assert kept == nearest | back


def test_fewer_offers_than_k_back_are_all_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("barter.matching.market.WHOLE_MARKET_ARCS", 0)
    n = K_BEST + 3
    assert n < K_BACK
    data = with_fish_back(line_market(n, transport=0.01), range(n))
    assert {arc for arc in arcs(data) if arc[1] == "n"} == {(f"o{i}", "n") for i in range(n)}


def test_offers_alike_are_all_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("barter.matching.market.WHOLE_MARKET_ARCS", 0)
    data = line_market(K_BEST + 5, transport=0.0)
    for community in data["communities"]:
        community["lat"], community["lon"] = 15.0, 100.0  # all in one place: every offer ties
    assert len(arcs(data)) == K_BEST + 5


def test_values_are_scaled_and_all_or_nothing_arcs_marked() -> None:
    data = three_regions()
    data["needs"][1].update(quantity=100, min_lot=100)  # surin takes exactly 100 kg of fish
    m = build_market(as_instance(data))
    assert np.isclose(np.median(m.arc_cap * m.scale), np.median(m.arc_cap) * m.scale)
    fixed = {bool(f) for f in m.arc_fixed}
    assert fixed == {True, False}
    assert not m.integral
