"""The market's rules of time and transport (market.py `Acceptable`, exchanges.py `Finisher`):
goods that cannot leave in time, arrive in time or keep on the road are not matched, nor are
transfers and exchanges whose transport is not worth paying."""

from __future__ import annotations

import copy
import random
from datetime import date, timedelta
from typing import Any

import pytest

from barter.domain.transit import transit_days
from barter.matching import engine as engine_module
from barter.matching import market as market_module
from barter.matching.aggregate import aggregate_bound
from barter.matching.columns import Duals
from barter.matching.engine import Clock, build_model, solve
from barter.matching.market import acceptable, build_market
from barter.matching.relaxation import hub_bound
from barter.matching.synthetic import generate_market
from barter.reference import load_catalogue, load_provinces
from tests.matching.conftest import SettableClock, WorkingLps, as_dict, as_instance
from tests.matching.reference import reference_solution
from tests.matching.validator import _acceptable, great_circle_km, problems

TODAY = date(2026, 12, 4)
SATUN = {"id": "satun", "lat": 6.62, "lon": 100.07, "region": "south"}
KHON_KAEN = {"id": "khon-kaen", "lat": 16.44, "lon": 102.83, "region": "northeast"}
SONGKHLA = {"id": "songkhla", "lat": 7.01, "lon": 100.47, "region": "south"}
ITEMS = [
    {"id": "dried-fish", "category": "fish-seafood", "unit": "kg", "value": 260.0, "shelf_life_days": 90},
    {"id": "rice-sticky", "category": "rice", "unit": "kg", "value": 30.0, "shelf_life_days": 365},
    {"id": "morning-glory", "category": "vegetables", "unit": "kg", "value": 30.0, "shelf_life_days": 4},
    {"id": "chinese-kale", "category": "vegetables", "unit": "kg", "value": 40.0, "shelf_life_days": 5},
]


def two_way(partner: dict[str, Any], partner_gives: str, quantity: float, **settings: Any) -> dict[str, Any]:
    """Satun gives 100 kg of dried fish (26,000 baht) to `partner`, which gives back
    `quantity` of `partner_gives`: one 2-cycle, or nothing."""
    return copy.deepcopy(
        {
            "format": "barter-instance/1",
            "today": TODAY.isoformat(),
            "settings": {"max_cycle_length": 2, "max_chain_length": 0, "road_factor": 1.3, **settings},
            "communities": [SATUN, partner],
            "items": ITEMS,
            "offers": [
                {"id": "fish", "community": "satun", "item": "dried-fish", "quantity": 100},
                {"id": "back", "community": partner["id"], "item": partner_gives, "quantity": quantity},
            ],
            "needs": [
                {"id": "wants-fish", "community": partner["id"], "item": "dried-fish", "quantity": 100},
                {"id": "wants-back", "community": "satun", "item": partner_gives, "quantity": quantity},
            ],
        }
    )


def matched(data: dict[str, Any]) -> set[tuple[str, str]]:
    solution = as_dict(solve(as_instance(data)))
    assert problems(data, solution) == []
    return {(t["offer"], t["need"]) for e in solution["exchanges"] for t in e["transfers"]}


def road_km(a: dict[str, Any], b: dict[str, Any]) -> float:
    return great_circle_km(a, b) * 1.3


def test_the_distances_are_those_of_the_story() -> None:
    assert 1_400 < road_km(SATUN, KHON_KAEN) < 1_500  # 2.9 days on the road
    assert 2.8 < transit_days(road_km(SATUN, KHON_KAEN)) < 3.0
    assert road_km(SATUN, SONGKHLA) < 100


def test_an_offer_available_next_month_is_not_matched_for_a_need_due_this_week() -> None:
    data = two_way(KHON_KAEN, "rice-sticky", 860)
    data["offers"][0]["available_from"] = (TODAY + timedelta(days=30)).isoformat()
    data["needs"][0]["needed_by"] = (TODAY + timedelta(days=6)).isoformat()
    assert matched(data) == set()
    # due after the fish is available and has travelled three days: matched
    data["needs"][0]["needed_by"] = (TODAY + timedelta(days=34)).isoformat()
    assert matched(data) == {("fish", "wants-fish"), ("back", "wants-back")}
    # due one day too early for the drive
    data["needs"][0]["needed_by"] = (TODAY + timedelta(days=31)).isoformat()
    assert matched(data) == set()


def test_the_lead_time_and_the_last_day_available_count() -> None:
    data = two_way(KHON_KAEN, "rice-sticky", 860)
    # acceptance and approval take lead_days (3): due by the end of day four, the fish (2.9 days
    # on the road) arrives late on day five
    data["needs"][0]["needed_by"] = (TODAY + timedelta(days=4)).isoformat()
    assert matched(data) == set()
    data["settings"]["lead_days"] = 1.0
    assert matched(data) == {("fish", "wants-fish"), ("back", "wants-back")}
    # an offer that is no longer available when it could leave
    data["offers"][0]["available_until"] = TODAY.isoformat()
    assert matched(data) == set()
    data["offers"][0]["available_until"] = (TODAY + timedelta(days=1)).isoformat()
    assert matched(data) == {("fish", "wants-fish"), ("back", "wants-back")}


def test_a_need_already_past_its_date_is_not_met() -> None:
    data = two_way(SONGKHLA, "rice-sticky", 860)
    data["needs"][0]["needed_by"] = (TODAY - timedelta(days=1)).isoformat()
    assert matched(data) == set()


def test_dried_fish_crosses_the_country_and_fresh_vegetables_do_not() -> None:
    # dried fish (90 days) for sticky rice (365 days), Satun and Khon Kaen, 1,472 km
    assert matched(two_way(KHON_KAEN, "rice-sticky", 860)) == {("fish", "wants-fish"), ("back", "wants-back")}
    # morning glory (4 days) or Chinese kale (5 days) would spend more than half their life on
    # the road, the share the run allows
    assert matched(two_way(KHON_KAEN, "morning-glory", 860)) == set()
    assert matched(two_way(KHON_KAEN, "chinese-kale", 650)) == set()
    # from Songkhla, 80 km away, they come in a few hours
    assert matched(two_way(SONGKHLA, "morning-glory", 860)) == {
        ("fish", "wants-fish"),
        ("back", "wants-back"),
    }
    assert matched(two_way(SONGKHLA, "chinese-kale", 650)) == {("fish", "wants-fish"), ("back", "wants-back")}
    # the whole shelf life for the road: four days are enough for three days' drive
    assert matched(two_way(KHON_KAEN, "morning-glory", 860, shelf_life_share=1.0)) == {
        ("fish", "wants-fish"),
        ("back", "wants-back"),
    }


def test_without_dates_or_shelf_lives_nothing_changes() -> None:
    data = two_way(KHON_KAEN, "morning-glory", 860)
    del data["today"]
    for item in data["items"]:
        del item["shelf_life_days"]
    assert matched(data) == {("fish", "wants-fish"), ("back", "wants-back")}


def test_a_transfer_whose_transport_costs_more_than_its_share_is_not_acceptable() -> None:
    # rice, 30 baht a kg, driven 1,472 km at 0.01 baht per kg-km: 14.7 baht, 49% of its value
    data = two_way(KHON_KAEN, "rice-sticky", 860, transport_cost_per_kg_km=0.01)
    assert matched(data) == {("fish", "wants-fish"), ("back", "wants-back")}
    data["settings"]["max_transport_share"] = 0.45
    whole = acceptable(as_instance(data))
    assert [len(whole.arcs(j)[0]) for j in range(2)] == [1, 0]  # the fish still may go north
    assert matched(data) == set()


def test_an_exchange_whose_transport_and_fixed_cost_exceed_their_share_is_not_proposed() -> None:
    # 26,000 baht of fish for 25,800 of rice: 51,800 baht moved; transport at 0.002 baht per
    # kg-km some 2,800 baht, and 20,000 baht fixed cost: 22,800, 44% of the value moved
    data = two_way(
        KHON_KAEN, "rice-sticky", 860, transport_cost_per_kg_km=0.002, exchange_fixed_cost=20_000.0
    )
    solution = as_dict(solve(as_instance(data)))
    assert problems(data, solution) == []
    assert len(solution["exchanges"]) == 1
    assert 20_000 < solution["objective"] < 30_000
    data["settings"]["max_transport_share"] = 0.4
    # each transfer alone is worth its transport (at most 10%): only the exchange is not
    whole = acceptable(as_instance(data))
    assert [len(whole.arcs(j)[0]) for j in range(2)] == [1, 1]
    solution = as_dict(solve(as_instance(data)))
    assert problems(data, solution) == []
    assert solution["exchanges"] == []
    assert solution["upper_bound"] >= 0.0


def dated_market(n: int, seed: int, transport: float = 0.003) -> dict[str, Any]:
    """A synthetic market shaped like Thailand's with the catalogue's shelf lives, and dates on
    about half of its offers and needs: available from today or within two months, until some
    weeks later; needed within days to months."""
    instance = generate_market(n, provinces=load_provinces(), catalogue=load_catalogue(), seed=seed)
    data = as_dict(instance)
    shelf = {item.id: item.shelf_life_days for item in load_catalogue()}
    for item in data["items"]:
        item["shelf_life_days"] = shelf.get(item["id"])
    rng = random.Random(seed)
    data["today"] = TODAY.isoformat()
    for offer in data["offers"]:
        if rng.random() < 0.5:
            start = TODAY + timedelta(days=rng.choice([0, 0, 5, 20, 60]))
            offer["available_from"] = start.isoformat()
            offer["available_until"] = (start + timedelta(days=rng.randint(2, 40))).isoformat()
    for need in data["needs"]:
        if rng.random() < 0.5:
            need["needed_by"] = (TODAY + timedelta(days=rng.choice([2, 4, 6, 10, 30, 90]))).isoformat()
    data["settings"].update(transport_cost_per_kg_km=transport, time_limit_s=10.0)
    return data


def _validator_pairs(data: dict[str, Any]) -> set[tuple[str, str]]:
    communities = {c["id"]: c for c in data["communities"]}
    items = {i["id"]: i for i in data["items"]}
    road = data["settings"].get("road_factor", 1.0)
    return {
        (o["id"], n["id"])
        for o in data["offers"]
        for n in data["needs"]
        if o["quantity"] > 0
        and n["quantity"] > 0
        and _acceptable(o, n, items, communities, road, data["settings"], data.get("today")) is None
    }


def test_the_acceptable_arcs_are_the_validators_on_a_market_with_dates() -> None:
    """The engine's acceptable set, need by need, is exactly the pairs the independent validator
    accepts (lots set aside: all-or-nothing sides are the engine's own pruning); and the dates,
    shelf lives and transport share do cut pairs out."""
    data = dated_market(60, seed=3)
    for listing in [*data["offers"], *data["needs"]]:
        listing["min_lot"] = 0.0
    instance = as_instance(data)
    whole = acceptable(instance)
    engine_pairs = {
        (instance.offers[o].id, instance.needs[j].id)
        for j in range(len(instance.needs))
        for o in whole.arcs(j)[0]
    }
    assert engine_pairs == _validator_pairs(data)
    undated = copy.deepcopy(data)
    del undated["today"]
    for item in undated["items"]:
        item["shelf_life_days"] = None
    undated["settings"]["max_transport_share"] = 1.0
    assert len(_validator_pairs(undated)) > len(engine_pairs) * 1.1


def test_every_bound_holds_on_a_market_with_dates(
    monkeypatch: pytest.MonkeyPatch, working_lps: WorkingLps
) -> None:
    """The bounds are of the whole market under the time and transport rules: no working LP
    (pricing rounds over subsets of the acceptable arcs) exceeds the bound reported, which is at
    least what the independent reference (dates checked by the validator's rule) achieves; the
    hub relaxation and the aggregated bound hold too."""
    monkeypatch.setattr(market_module, "WHOLE_MARKET_ARCS", 0)  # priced in rounds, as a large market is
    data = dated_market(80, seed=7)
    instance = as_instance(data)
    solution = as_dict(solve(instance, now=SettableClock(1e-4)))
    assert problems(data, solution) == []
    assert solution["exchanges"]
    lps = working_lps.values
    assert lps
    assert max(lps) <= solution["upper_bound"] + 1.0
    reference = reference_solution(data, time_limit_s=20.0)
    assert problems(data, reference) == []
    tolerance = 1e-6 * max(1.0, reference["objective"])
    assert solution["upper_bound"] >= reference["objective"] - tolerance
    market = build_market(instance)
    for exact in (True, False):
        assert hub_bound(market, exact_gains=exact) >= reference["objective"] - tolerance
    clock = Clock(10.0, None)
    model = build_model(market, clock)
    lp = engine_module.relax(model, clock)
    for duals in (lp.duals, Duals.zero(model)):
        agg = aggregate_bound(model, duals)
        assert agg is not None
        assert agg.bound * market.scale >= reference["objective"] - tolerance
