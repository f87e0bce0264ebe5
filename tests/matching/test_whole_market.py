"""The engine over the whole market: far partners are found, and bounds hold for every arc."""

from __future__ import annotations

import copy
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from barter.matching import engine as engine_module
from barter.matching import market as market_module
from barter.matching.aggregate import aggregate_bound
from barter.matching.columns import Duals
from barter.matching.engine import Clock, build_model, price_and_relax, relax, solve
from barter.matching.market import K_BEST, acceptable, build_market
from barter.matching.pricing import price_whole
from barter.matching.relaxation import hub_bound
from barter.matching.synthetic import generate_market
from barter.reference import load_catalogue, load_provinces
from tests.matching.conftest import SettableClock, WorkingLps, as_dict, as_instance
from tests.matching.reference import reference_solution
from tests.matching.test_terms import with_terms
from tests.matching.validator import great_circle_km, problems

SATUN = {"id": "satun-fishers", "lat": 6.62, "lon": 100.07, "region": "south"}
# a rice community in the far north: 1,477 km from Satun as the crow flies
CHIANG_RAI = {"id": "chiang-rai-farmers", "lat": 19.91, "lon": 99.83, "region": "north"}
ITEMS = [
    {"id": "dried-fish", "category": "fish-seafood", "unit": "kg", "value": 300.0, "kg_per_unit": 1.0},
    {"id": "sticky-rice", "category": "rice", "unit": "kg", "value": 40.0, "kg_per_unit": 1.0},
    {"id": "basket", "category": "crafts", "unit": "piece", "value": 250.0, "kg_per_unit": 0.5},
]


def satun_market(transport: float) -> dict[str, Any]:
    """One fishing community; 40 rice offers nearer to it whose owners want baskets (which nobody
    offers); its true partner, rice for dried fish, 1,477 km away (2 kg of fish for 15 of rice)."""
    communities = [SATUN, CHIANG_RAI]
    offers = [
        {"id": "satun-fish", "community": SATUN["id"], "item": "dried-fish", "quantity": 200},
        {"id": "north-rice", "community": CHIANG_RAI["id"], "item": "sticky-rice", "quantity": 650},
    ]
    needs = [
        {"id": "satun-rice", "community": SATUN["id"], "item": "sticky-rice", "quantity": 1500},
        {"id": "north-fish", "community": CHIANG_RAI["id"], "item": "dried-fish", "quantity": 155},
    ]
    for i in range(40):
        near = {
            "id": f"near-{i:02d}",
            "lat": 6.7 + 0.12 * i,
            "lon": 100.2 + 0.03 * (i % 7),
            "region": "south",
        }
        communities.append(near)
        offers.append(
            {"id": f"near-{i:02d}-rice", "community": near["id"], "item": "sticky-rice", "quantity": 500}
        )
        needs.append(
            {"id": f"near-{i:02d}-baskets", "community": near["id"], "item": "basket", "quantity": 10}
        )
    return _instance(communities, offers, needs, transport)


def _instance(
    communities: list[dict[str, Any]],
    offers: list[dict[str, Any]],
    needs: list[dict[str, Any]],
    transport: float,
) -> dict[str, Any]:
    return copy.deepcopy(
        {
            "format": "barter-instance/1",
            "settings": {
                "max_cycle_length": 3,
                "max_chain_length": 3,
                "transport_cost_per_kg_km": transport,
                "road_factor": 1.3,
                "time_limit_s": 10.0,
            },
            "communities": communities,
            "items": ITEMS,
            "offers": offers,
            "needs": needs,
        }
    )


def test_the_satun_partner_is_far_and_the_forty_near_offers_are_nearer() -> None:
    data = satun_market(0.0)
    km = great_circle_km(SATUN, CHIANG_RAI)
    assert 1_400 < km < 1_550
    assert all(great_circle_km(SATUN, c) < km for c in data["communities"][2:])
    assert len(data["communities"]) - 2 > K_BEST


@pytest.mark.parametrize("transport", [0.0, 0.002], ids=["free-transport", "realistic-cost"])
def test_satun_trades_dried_fish_for_northern_rice(transport: float) -> None:
    data = satun_market(transport)
    solution = as_dict(solve(as_instance(data)))
    assert problems(data, solution) == []
    pairs = {(t["offer"], t["need"]) for e in solution["exchanges"] for t in e["transfers"]}
    assert pairs == {("satun-fish", "north-fish"), ("north-rice", "satun-rice")}
    assert solution["objective"] > 20_000  # most of the rice's 26,000 baht, less transport
    assert solution["upper_bound"] >= solution["objective"]


def test_the_satun_trade_is_left_alone_when_transport_eats_its_value() -> None:
    # 1.3 x 1,477 km of 650 kg of rice at 0.05 baht per kg-km is some 62,000 baht: more than it is worth
    data = satun_market(0.05)
    solution = as_dict(solve(as_instance(data)))
    assert problems(data, solution) == []
    assert solution["exchanges"] == []
    assert solution["upper_bound"] >= 0


class _NoTwoWay:
    """The two-way rule switched off: the working arcs are each need's K_BEST nearest only."""

    def __getitem__(self, key: Any) -> Any:
        import numpy as np

        return np.zeros((len(key[1]), len(key[0])), dtype=np.bool_)


def _working(data: dict[str, Any]) -> tuple[Any, Any, list[str], list[str], set[tuple[str, str]]]:
    """The instance, its market, the offer and need ids, and the working arcs as id pairs."""
    instance = as_instance(data)
    market = build_market(instance)
    offers = [o["id"] for o in data["offers"]]
    needs = [n["id"] for n in data["needs"]]
    working = {(offers[o], needs[n]) for o, n in zip(market.arc_offer, market.arc_need, strict=True)}
    return instance, market, offers, needs, working


def test_pricing_brings_in_the_far_partner_the_working_arcs_left_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With only the 8 nearest rice offers kept, the working LP has nothing to do; priced against
    the whole market, the excluded far rice can improve it, so its bound must grow, and the
    engine brings the arc in and finds the trade."""
    monkeypatch.setattr(market_module, "_takes", lambda instance, whole: _NoTwoWay())
    monkeypatch.setattr(market_module, "WHOLE_MARKET_ARCS", 0)  # as a large market would be
    data = satun_market(0.0)
    instance, market, offers, needs, working = _working(data)
    assert ("north-rice", "satun-rice") not in working
    assert market.n_excluded > 0
    clock = Clock(10.0, None)
    model = build_model(market, clock)
    lp = relax(model, clock)
    assert lp.bound * market.scale < 1.0  # over the working arcs alone: no trade at all
    priced = price_whole(model, lp.duals)
    assert priced.correction * market.scale >= 26_000 * 0.9  # the rice's worth, at least
    # priced by community pairs (aggregate.py), the far rice shows too, and names the pair
    agg = aggregate_bound(model, lp.duals)
    assert agg is not None
    assert agg.bound * market.scale >= 26_000 * 0.9
    names = [c["id"] for c in data["communities"]]
    assert {names[c] for c in agg.cycles[-1]} == {SATUN["id"], CHIANG_RAI["id"]}
    brought = {(offers[o], needs[j]) for j, os in priced.improving.items() for o in os}
    assert ("north-rice", "satun-rice") in brought
    solution = as_dict(solve(instance))
    assert problems(data, solution) == []
    pairs = {(t["offer"], t["need"]) for e in solution["exchanges"] for t in e["transfers"]}
    assert pairs == {("satun-fish", "north-fish"), ("north-rice", "satun-rice")}


def far_gift_market() -> dict[str, Any]:
    """A gift of dried fish 1,477 km away from Satun, where fish is wanted little (priority 0.2) and
    its transport costs more than that: on its own the gift loses value. But Satun pays for fish
    with rice, which its neighbour needs (priority 1): the chain gift -> Satun -> neighbour is worth
    2,500 baht. Ten nearer fish offers (for baskets nobody offers) keep the gift out of Satun's
    working arcs."""
    altruist = {**CHIANG_RAI, "id": "north-altruist"}
    neighbour = {"id": "satun-neighbour", "lat": 6.75, "lon": 100.12, "region": "south"}
    communities = [SATUN, altruist, neighbour]
    offers = [
        {"id": "north-gift", "community": altruist["id"], "item": "dried-fish", "quantity": 10, "gift": True},
        {"id": "satun-rice", "community": SATUN["id"], "item": "sticky-rice", "quantity": 1000},
    ]
    needs = [
        {"id": "satun-fish", "community": SATUN["id"], "item": "dried-fish", "quantity": 10, "priority": 0.2},
        {"id": "neighbour-rice", "community": neighbour["id"], "item": "sticky-rice", "quantity": 100},
    ]
    for i in range(10):
        near = {"id": f"near-{i}", "lat": 6.7 + 0.1 * i, "lon": 100.3, "region": "south"}
        communities.append(near)
        offers.append(
            {"id": f"near-{i}-fish", "community": near["id"], "item": "dried-fish", "quantity": 100}
        )
        needs.append({"id": f"near-{i}-baskets", "community": near["id"], "item": "basket", "quantity": 10})
    return _instance(communities, offers, needs, 0.05)


def test_a_far_gift_that_pays_only_through_the_chain_it_opens_is_brought_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The gift's own transfer loses value, so priced alone it would never come in, while the
    neighbour's transfer, a working arc, is charged in the bound at a chain position only the gift
    opens: the answer stayed empty (and the bound by community pairs, which left chains out when
    no gift was a working arc, said 0 was optimal). The chain row of that position, missing from
    the working LP, is priced by what can follow it, so the gift carries the neighbour's value and
    comes in; once nothing more improves, the bound is the LP's own."""
    monkeypatch.setattr(market_module, "WHOLE_MARKET_ARCS", 0)  # priced in rounds, as a large market is
    data = far_gift_market()
    instance, market, offers, needs, working = _working(data)
    assert ("north-gift", "satun-fish") not in working
    assert ("satun-rice", "neighbour-rice") in working
    clock = Clock(10.0, None)
    model = build_model(market, clock)
    lp = relax(model, clock)
    assert lp.value * market.scale < 1.0  # no chain without the gift
    priced = price_whole(model, lp.duals)
    brought = {(offers[o], needs[j]) for j, os in priced.improving.items() for o in os}
    assert ("north-gift", "satun-fish") in brought
    # priced by community pairs, chains by position count too when no gift is a working arc (the
    # bound by pairs said 0 here, and the engine reported it)
    agg = aggregate_bound(model, lp.duals)
    assert agg is not None
    solution = as_dict(solve(instance))
    assert problems(data, solution) == []
    assert agg.bound * market.scale >= solution["objective"]
    chains = [e for e in solution["exchanges"] if e["kind"] == "chain"]
    assert [[(t["offer"], t["need"]) for t in e["transfers"]] for e in chains] == [
        [("north-gift", "satun-fish"), ("satun-rice", "neighbour-rice")]
    ]
    assert solution["objective"] > 2_000
    assert solution["upper_bound"] <= solution["objective"] * (1 + 2 * engine_module.LP_GAP) + 1.0


def _with(instance: Any, **changes: Any) -> Any:
    return msgspec.structs.replace(instance, settings=msgspec.structs.replace(instance.settings, **changes))


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(min_value=30, max_value=100),
    seed=st.integers(min_value=0, max_value=10_000),
    transport=st.sampled_from([0.0, 0.002]),
)
def test_bound_and_answer_against_an_independent_reference(n: int, seed: int, transport: float) -> None:
    """Random markets of 30-100 communities shaped like Thailand's: the engine's bound is never
    below what the reference (a whole-market cycle model solved by HiGHS, no shared code)
    achieves, and the engine's answer reaches at least 99% of it."""
    instance = generate_market(n, provinces=load_provinces(), catalogue=load_catalogue(), seed=seed)
    instance = _with(instance, transport_cost_per_kg_km=transport, time_limit_s=10.0)
    data = as_dict(instance)
    reference = reference_solution(data, time_limit_s=20.0)
    assert problems(data, reference) == []
    solution = as_dict(solve(instance))
    assert problems(data, solution) == []
    tolerance = 1e-6 * max(1.0, reference["objective"])
    assert solution["upper_bound"] >= reference["objective"] - tolerance
    assert solution["objective"] >= 0.99 * reference["objective"] - tolerance
    # the hub relaxation (what a large market reports when pricing leaves arcs out) holds too
    market = build_market(instance)
    for exact in (True, False):
        hub = hub_bound(market, exact_gains=exact)
        assert hub >= max(reference["objective"], solution["objective"]) - tolerance
    # the aggregated Lagrangian bound (aggregate.py) holds at any prices: at the working LP's
    # duals, and at the working LP's duals with no arc priced (zero prices)
    clock = Clock(10.0, None)
    model = build_model(market, clock)
    lp = relax(model, clock)
    for duals in (lp.duals, Duals.zero(model)):
        agg = aggregate_bound(model, duals)
        assert agg is not None
        assert agg.bound * market.scale >= max(reference["objective"], solution["objective"]) - tolerance


def test_every_working_lp_stays_under_the_whole_market_bound(
    monkeypatch: pytest.MonkeyPatch, working_lps: WorkingLps
) -> None:
    """Each pricing round's LP is over a subset of the market's arcs under the run's rules, so it
    can never exceed the whole-market bound reported. Rounds that start after cycle enumeration's
    share of the limit must still keep the cycle limit: on the demo (360 communities, 10 s) round
    6 began at 3.3 s, enumerated no cycle and solved circulation flows instead (LP 3.70 M over a
    reported bound of 3.17 M), and the answer fell to the two-way trades (1.17 M)."""
    monkeypatch.setattr(market_module, "WHOLE_MARKET_ARCS", 0)  # priced in rounds, as a large market is
    instance = generate_market(80, provinces=load_provinces(), catalogue=load_catalogue(), seed=7)
    instance = _with(instance, time_limit_s=10.0)
    lps = working_lps.seen
    clock = SettableClock(1e-4)

    def progress(_: float, message: str) -> None:
        if "candidate arcs" in message:
            # the first model was built; a busy machine then jumps past enumeration's share, so
            # later rounds enumerate after it
            clock.t = max(clock.t, (engine_module.ENUMERATION_SHARE + 0.05) * 10.0)

    solution = solve(instance, progress=progress, now=clock)
    data = as_dict(instance)
    assert problems(data, as_dict(solution)) == []
    assert len(lps) >= 2  # arcs were brought in after the jump
    assert all(complete for complete, _ in lps)
    assert max(value for _, value in lps) <= solution.upper_bound + 1.0
    # and the answer is the rounding of a cycle-limited LP, not the two-way trades alone
    assert solution.objective >= 0.9 * lps[-1][1]


def test_every_working_lp_stays_under_the_whole_market_bound_with_own_terms(
    monkeypatch: pytest.MonkeyPatch, working_lps: WorkingLps
) -> None:
    """Priced in rounds as a large market is: no LP over working arcs exceeds the whole-market
    bound reported, with own terms on a third of the listings."""
    monkeypatch.setattr(market_module, "WHOLE_MARKET_ARCS", 0)
    base = generate_market(80, provinces=load_provinces(), catalogue=load_catalogue(), seed=7)
    instance = _with(with_terms(base, 7), time_limit_s=10.0)
    solution = solve(instance)
    assert problems(as_dict(instance), as_dict(solution)) == []
    lps = working_lps.values
    assert lps
    assert max(lps) <= solution.upper_bound + 1.0
    assert solution.objective > 0


def test_the_last_lp_is_solved_to_the_lp_gap_once_pricing_brings_nothing_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pricing rounds stop their LPs at a looser gap (PRICING_LP_GAP); once every excluded arc
    prices out, the LP whose bound is reported must still be solved to LP_GAP, or the bound of a
    small market stays as loose as the rounds' gap (synthetic 100 communities: 2.1% above the
    answer instead of 0.7%)."""
    monkeypatch.setattr(engine_module, "PRICING_LP_GAP", 0.5)  # so loose the difference shows
    monkeypatch.setattr(market_module, "WHOLE_MARKET_ARCS", 0)  # priced in rounds, as a large market
    instance = generate_market(40, provinces=load_provinces(), catalogue=load_catalogue(), seed=1)
    whole = acceptable(instance)
    clock = Clock(60.0, None)
    market = build_market(instance, whole=whole)
    assert market.n_excluded > 0
    model, lp, bound = price_and_relax(instance, whole, build_model(market, clock), clock)
    assert lp.converged
    # every excluded arc priced out, so the whole-market bound is the last LP's own, within LP_GAP
    value = lp.value * model.market.scale
    assert value > 0
    assert bound <= value * (1 + 2 * engine_module.LP_GAP) + model.penalty_slack + 1e-6 * value


def test_a_bound_held_from_beside_spares_the_pricing_its_correction_and_changes_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Given the hub relaxation's bound (as the process beside the LP gives it), the pricing
    rounds leave out a correction that could not come under it, and search two hops only where
    an arc could come in: the same arcs come in, the same LPs are solved, and the bound reported
    is the smaller of the two (on a counting clock, so both runs take the same path)."""
    monkeypatch.setattr(market_module, "WHOLE_MARKET_ARCS", 0)  # priced in rounds, as a large market is
    instance = _with(
        generate_market(150, provinces=load_provinces(), catalogue=load_catalogue(), seed=2),
        time_limit_s=60.0,
    )
    whole = acceptable(instance)
    hub = hub_bound(build_market(instance), exact_gains=True, time_limit_s=60.0)

    def run(known: Any) -> tuple[Any, Any, float, list[str]]:
        messages: list[str] = []
        clock = Clock(60.0, lambda _, message: messages.append(message), now=SettableClock(1e-4))
        model = build_model(build_market(instance, whole=whole), clock)
        model, lp, bound = price_and_relax(instance, whole, model, clock, known=known)
        return model, lp, bound, [m for m in messages if m.startswith("pricing round")]

    model, lp, bound, rounds = run(None)
    spared_model, spared_lp, spared_bound, spared_rounds = run(lambda: hub)
    assert any("more than" in m for m in spared_rounds)
    assert not any("more than" in m for m in rounds)
    assert len(spared_rounds) == len(rounds) >= 2
    assert spared_model.market.arc_offer.tolist() == model.market.arc_offer.tolist()
    assert spared_model.market.arc_need.tolist() == model.market.arc_need.tolist()
    assert spared_lp.value == lp.value
    assert spared_bound == pytest.approx(min(bound, hub))
