"""Finishing exchanges: whole steps, balance after rounding, the smallest exchange worth proposing."""

from __future__ import annotations

from typing import Any

import pytest

from barter.matching.engine import solve
from barter.matching.exchanges import Draft, Finisher
from barter.matching.market import build_market
from tests.matching.conftest import as_dict, as_instance
from tests.matching.validator import problems


def soap_rice_fish(**settings: Any) -> dict[str, Any]:
    """A three-way swap whose balanced flow is fractional in every unit: herbal soap (37 baht a
    piece, whole pieces), sticky rice (33 baht/kg, to 0.1 kg) and dried fish (270 baht/kg, to
    0.5 kg); the fishing village needs 20.3 kg of fish's worth, 5,481 baht."""
    return {
        "settings": {"balance_tolerance": 0.1, "time_limit_s": 10, **settings},
        "communities": [
            {"id": "west", "lat": 13.5, "lon": 99.8},
            {"id": "northeast", "lat": 16.4, "lon": 102.8},
            {"id": "south", "lat": 6.6, "lon": 100.1},
        ],
        "items": [
            {"id": "herbal-soap", "category": "craft", "unit": "piece", "value": 37.0, "step": 1.0},
            {"id": "rice-sticky", "category": "rice", "unit": "kg", "value": 33.0, "step": 0.1},
            {"id": "dried-fish", "category": "fish", "unit": "kg", "value": 270.0, "step": 0.5},
        ],
        "offers": [
            {"id": "soap", "community": "west", "item": "herbal-soap", "quantity": 500},
            {"id": "rice", "community": "northeast", "item": "rice-sticky", "quantity": 2000},
            {"id": "fish", "community": "south", "item": "dried-fish", "quantity": 100},
        ],
        "needs": [
            {"id": "fish-for-west", "community": "west", "item": "dried-fish", "quantity": 20.3},
            {"id": "soap-for-northeast", "community": "northeast", "item": "herbal-soap", "quantity": 500},
            {"id": "rice-for-south", "community": "south", "item": "rice-sticky", "quantity": 1000},
        ],
    }


def run(data: dict[str, Any]) -> dict[str, Any]:
    out = as_dict(solve(as_instance(data)))
    found = problems(data, out)
    assert found == [], found
    return out


def quantities(out: dict[str, Any]) -> dict[str, float]:
    return {t["offer"]: t["quantity"] for e in out["exchanges"] for t in e["transfers"]}


def test_pieces_come_whole_and_kilograms_to_their_step_with_balance_kept() -> None:
    out = run(soap_rice_fish())
    moved = quantities(out)
    assert set(moved) == {"soap", "rice", "fish"}
    assert moved["soap"] == round(moved["soap"])  # not 148.14 pieces
    assert abs(moved["rice"] * 10 - round(moved["rice"] * 10)) < 1e-9  # tenths of a kilogram
    assert moved["fish"] * 2 == round(moved["fish"] * 2)
    assert moved["fish"] <= 20.3  # the need's 20.3 kg, rounded down to the fish's 0.5 kg: 20 kg
    values = {"soap": 37.0 * moved["soap"], "rice": 33.0 * moved["rice"], "fish": 270.0 * moved["fish"]}
    # each community gives within 10% of what it receives (the validator checks it exactly too)
    assert abs(values["soap"] - values["fish"]) <= 0.1 * values["soap"] + 1e-6
    assert abs(values["rice"] - values["soap"]) <= 0.1 * values["rice"] + 1e-6
    assert abs(values["fish"] - values["rice"]) <= 0.1 * values["fish"] + 1e-6
    # the objective is that of the rounded exchange, and the bound stays above it
    assert abs(out["objective"] - sum(values.values())) < 1e-6
    assert out["upper_bound"] >= out["objective"]


def test_no_balanced_rounding_no_exchange() -> None:
    """One piece of silk is worth 1,500 baht and the rice 33 baht a kilogram, but the rice comes
    only in 50 kg sacks (1,650 baht): no whole number of each balances within 1%."""
    data = soap_rice_fish(balance_tolerance=0.01)
    data["items"][0] |= {"id": "silk", "value": 1500.0}
    data["items"][1] |= {"step": 50.0}
    for listing in data["offers"] + data["needs"]:
        if listing.get("item") == "herbal-soap":
            listing["item"] = "silk"
    data["offers"][0]["quantity"] = 1
    data["needs"][1]["quantity"] = 1
    out = run(data)
    assert out["exchanges"] == []
    assert out["objective"] == 0.0


def test_the_smallest_exchange_worth_proposing() -> None:
    price = {"soap": 37.0, "rice": 33.0, "fish": 270.0}
    worth = min(q * price[offer] for offer, q in quantities(run(soap_rice_fish())).items())
    assert quantities(run(soap_rice_fish(min_exchange_value=worth * 0.9)))  # each transfer is worth it
    out = run(soap_rice_fish(min_exchange_value=6_000))  # more than the 20.3 kg of fish is worth
    assert out["exchanges"] == []


def test_dust_is_never_proposed() -> None:
    """0.00005 kg of fish (1.35 satang) is below the database's four decimals: no exchange."""
    data = soap_rice_fish()
    for item in data["items"]:
        item.pop("step")
    data["needs"][0]["quantity"] = 0.00005
    out = run(data)
    assert out["exchanges"] == []


def test_a_chain_that_cannot_be_rounded_whole_is_cut_short() -> None:
    """A donation of rice starts a chain: rice to the fishers, their fish (in 5 kg boxes, 1,350
    baht each) to the weavers, one piece of silk (1,700 baht) from the weavers to the town. No
    whole number of boxes is within 10% of the silk, so the chain stops at the weavers: the
    donation and the fish still go."""
    data: dict[str, Any] = {
        "settings": {"balance_tolerance": 0.1, "max_chain_length": 3, "time_limit_s": 10},
        "communities": [
            {"id": "donor", "lat": 16.4, "lon": 102.8},
            {"id": "fishers", "lat": 6.6, "lon": 100.1},
            {"id": "weavers", "lat": 15.2, "lon": 104.8},
            {"id": "town", "lat": 13.7, "lon": 100.5},
        ],
        "items": [
            {"id": "rice", "category": "rice", "unit": "kg", "value": 30.0, "step": 0.1},
            {"id": "fish", "category": "fish", "unit": "kg", "value": 270.0, "step": 5.0},
            {"id": "silk", "category": "cloth", "unit": "piece", "value": 1700.0, "step": 1.0},
        ],
        "offers": [
            {"id": "rice-gift", "community": "donor", "item": "rice", "quantity": 100, "gift": True},
            {"id": "fish", "community": "fishers", "item": "fish", "quantity": 50},
            {"id": "silk", "community": "weavers", "item": "silk", "quantity": 1},
        ],
        "needs": [
            {"id": "rice-for-fishers", "community": "fishers", "item": "rice", "quantity": 100},
            {"id": "fish-for-weavers", "community": "weavers", "item": "fish", "quantity": 50},
            {"id": "silk-for-town", "community": "town", "item": "silk", "quantity": 1},
        ],
    }
    market = build_market(as_instance(data))
    arcs = [
        next(
            a
            for a in range(market.n_arcs)
            if data["offers"][market.arc_offer[a]]["id"] == offer
            and data["needs"][market.arc_need[a]]["id"] == need
        )
        for offer, need in (
            ("rice-gift", "rice-for-fishers"),
            ("fish", "fish-for-weavers"),
            ("silk", "silk-for-town"),
        )
    ]
    # the balanced flow: 1,700 baht of silk, 1,545 of fish (6.3 kg: not a whole box), 1,405 of rice
    values = [1405 / market.scale, 1545 / market.scale, 1700 / market.scale]
    finisher = Finisher(market)
    exact = finisher.take(Draft("chain", arcs, values))
    assert exact is not None
    settled = finisher.settle(Draft("chain", arcs, values), exact)
    assert settled is not None
    draft, (rice, fish) = settled
    assert draft.arcs == arcs[:2]  # the chain, cut short at the weavers
    assert fish == 5.0
    assert abs(rice * 30 - fish * 270) <= 0.1 * fish * 270 + 1e-6
    # and the engine's answer moves no silk, and fish only in whole boxes
    out = run(data)
    for e in out["exchanges"]:
        assert "silk" not in [t["offer"] for t in e["transfers"]]
        assert all(t["quantity"] % 5 == 0 for t in e["transfers"] if t["offer"] == "fish")


def test_an_exchange_over_a_quantity_by_the_solvers_tolerance_is_scaled_to_fit() -> None:
    """A solver's answer may pass a need by its own tolerance (HiGHS: a few 1e-8): the exchange is
    kept, scaled down to the need, its balance unchanged; one over by more is left out."""
    data = soap_rice_fish()
    market = build_market(as_instance(data))

    def arc(offer: str, need: str) -> int:
        return next(
            a
            for a in range(market.n_arcs)
            if data["offers"][market.arc_offer[a]]["id"] == offer
            and data["needs"][market.arc_need[a]]["id"] == need
        )

    arcs = [arc("soap", "soap-for-northeast"), arc("rice", "rice-for-south"), arc("fish", "fish-for-west")]
    fish_worth = 20.3 * 270.0  # the whole need for fish, and as much soap and rice

    def draft(over: float) -> Draft:
        return Draft("cycle", arcs, [fish_worth * (1 + over) / market.scale] * 3)

    finisher = Finisher(market)
    exact = finisher.quantities(draft(3e-8))
    assert exact[2] > 20.3  # over the need
    assert not finisher.fits(draft(3e-8), exact)
    taken = finisher.take(draft(3e-8))
    assert taken is not None
    assert taken[2] == pytest.approx(20.3, rel=1e-12)
    assert taken[2] <= 20.3 * (1 + 1e-12)
    assert [t / x for t, x in zip(taken, exact, strict=True)] == pytest.approx(
        [taken[2] / exact[2]] * 3, rel=1e-12
    )
    assert finisher.ledger.need_used[int(market.arc_need[arcs[2]])] == taken[2]  # booked
    # over by 1e-5: not the solver's tolerance, and not taken
    assert Finisher(market).take(draft(1e-5)) is None
    assert Finisher(market).take(draft(0.0)) is not None
