"""Own terms in the balance (barter.matching.terms): each side's terms hold at the run's tolerance."""

from __future__ import annotations

import copy
import random
from typing import Any

import msgspec
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from barter.matching.aggregate import aggregate_bound
from barter.matching.columns import Duals
from barter.matching.engine import Clock, build_model, relax, solve
from barter.matching.exchanges import Draft, Finisher, chains_from_positions
from barter.matching.graph import balance_rays, chain_rays
from barter.matching.market import build_market
from barter.matching.model import Instance, InstanceError, MinRatio, decode_instance
from barter.matching.relaxation import hub_bound
from barter.matching.synthetic import generate_market
from barter.matching.terms import row_rays, skewed_rays
from barter.reference import load_catalogue, load_provinces
from tests.matching.brute import best_objective
from tests.matching.conftest import as_dict, as_instance
from tests.matching.reference import reference_solution
from tests.matching.test_engine import OWN_FACTORS, markets
from tests.matching.validator import problems

# the catalogue's reference values (baht per kg)
ITEMS = [
    {"id": "dried-fish", "category": "fish-seafood", "unit": "kg", "value": 260.0},
    {"id": "rice-sticky", "category": "rice", "unit": "kg", "value": 30.0},
    {"id": "rice-jasmine", "category": "rice", "unit": "kg", "value": 35.0},
    {"id": "rice-white", "category": "rice", "unit": "kg", "value": 24.0},
    {"id": "herbs", "category": "herbs", "unit": "kg", "value": 100.0},
]
SATUN = {"id": "satun-fishers", "lat": 6.62, "lon": 100.07}
ROI_ET = {"id": "roi-et-farmers", "lat": 16.05, "lon": 103.65}
NAN = {"id": "nan-herbalists", "lat": 18.78, "lon": 100.78}


def market_of(
    communities: list[dict[str, Any]],
    offers: list[dict[str, Any]],
    needs: list[dict[str, Any]],
    chains: int = 0,
) -> dict[str, Any]:
    """An instance of these listings at the run's default tolerance (cycles of 3, 10 s)."""
    return copy.deepcopy(
        {
            "format": "barter-instance/1",
            "settings": {"max_cycle_length": 3, "max_chain_length": chains, "time_limit_s": 10.0},
            "communities": communities,
            "items": ITEMS,
            "offers": offers,
            "needs": needs,
        }
    )


def fish_for_rice(*, ratio: float | None = 10.0, rice_own: float | None = 300.0) -> dict[str, Any]:
    """A fishing community giving 2 kg of dried fish for at least `ratio` kg of sticky rice per
    kg, and a rice community whose need for dried fish says what a kilo is worth to it (None:
    the reference value, 260 baht)."""
    fish: dict[str, Any] = {"id": "fish", "community": SATUN["id"], "item": "dried-fish", "quantity": 2}
    if ratio is not None:
        fish["min_ratio"] = {"item": "rice-sticky", "ratio": ratio}
    wants_fish: dict[str, Any] = {"id": "roi-et-fish", "community": ROI_ET["id"], "item": "dried-fish"}
    wants_fish["quantity"] = 10
    if rice_own is not None:
        wants_fish["own_value"] = rice_own
    return market_of(
        [SATUN, ROI_ET],
        [
            fish,
            {"id": "rice", "community": ROI_ET["id"], "item": "rice-sticky", "quantity": 500},
        ],
        [
            {"id": "satun-rice", "community": SATUN["id"], "item": "rice-sticky", "quantity": 500},
            wants_fish,
        ],
    )


def rice_per_fish(solution: dict[str, Any]) -> float:
    moved = {t["offer"]: t["quantity"] for e in solution["exchanges"] for t in e["transfers"]}
    return float(moved["rice"] / moved["fish"])


def run(data: dict[str, Any]) -> dict[str, Any]:
    solution = as_dict(solve(as_instance(data)))
    assert problems(data, solution) == []
    return solution


def test_a_2_kg_fish_for_20_kg_rice_term_is_honoured_at_the_runs_tolerance() -> None:
    """At least 10 kg of sticky rice per kg of fish; the rice community says a kilo of dried fish
    is worth 300 baht to it (not the catalogue's 260): the 2 kg : 20 kg exchange balances for
    both at the default tolerance 0.1 (by reference values it would need 0.14)."""
    data = fish_for_rice()
    assert data["settings"].get("balance_tolerance") is None  # the run's default, 0.1
    solution = run(data)
    assert len(solution["exchanges"]) == 1
    moved = {t["offer"]: t["quantity"] for t in solution["exchanges"][0]["transfers"]}
    assert moved["fish"] == pytest.approx(2.0)
    # at least 10 kg per kg for the fishers, whatever the tolerance (a minimum ratio is a floor);
    # the rice community gives at most 600 / 0.9 baht of rice for fish worth 600 baht to it
    assert 10.0 - 1e-9 <= rice_per_fish(solution) <= 300 / 0.9 / 30 + 1e-9


def test_without_the_rice_communitys_consent_the_2_to_20_exchange_is_not_proposed() -> None:
    """The same fishers' term, but the rice community values dried fish at the catalogue's 260
    baht: it gives at most 520 / 0.9 baht of rice for 2 kg (9.63 kg per kg), below the fishers'
    floor of 10, so nothing is proposed, at the same tolerance."""
    assert run(fish_for_rice(rice_own=None))["exchanges"] == []
    # a lower floor the reference values can meet: 9 kg per kg, and the fishers get at least that
    lower = run(fish_for_rice(ratio=9.0, rice_own=None))
    assert 9.0 - 1e-9 <= rice_per_fish(lower) <= 260 / 0.9 / 30 + 1e-9
    # 12 kg per kg: at 300 baht a kilo of fish the rice community gives at most 11.1 kg per kg,
    # until it says dried fish is worth 360 baht a kilo to it (13.3)
    assert run(fish_for_rice(ratio=12.0, rice_own=300.0))["exchanges"] == []
    agreed = run(fish_for_rice(ratio=12.0, rice_own=360.0))
    assert rice_per_fish(agreed) >= 12.0 - 1e-9


def test_own_value_on_the_offer_reads_like_a_min_ratio() -> None:
    """A minimum of 10 kg of rice at 30 baht is an own value of 300 baht a kilo raised by the
    tolerance (so that balance never takes the fishers below it): 300 / 0.9."""
    data = fish_for_rice(ratio=None)
    data["offers"][0]["own_value"] = 300.0 / 0.9
    by_value = run(data)
    by_ratio = run(fish_for_rice())
    assert by_value["objective"] == pytest.approx(by_ratio["objective"])
    assert rice_per_fish(by_value) == pytest.approx(rice_per_fish(by_ratio))


def three_way(*, nan_own: float | None) -> dict[str, Any]:
    """Fish to Roi Et, rice to Nan, herbs to Satun; the fishers want 300 baht a kilo of fish in
    herbs, the herbalists say sticky rice is worth `nan_own` baht a kilo to them."""
    rice_need: dict[str, Any] = {
        "id": "nan-rice",
        "community": NAN["id"],
        "item": "rice-sticky",
        "quantity": 500,
    }
    if nan_own is not None:
        rice_need["own_value"] = nan_own
    return market_of(
        [SATUN, ROI_ET, NAN],
        [
            {
                "id": "fish",
                "community": SATUN["id"],
                "item": "dried-fish",
                "quantity": 2,
                "own_value": 360.0,
            },
            {"id": "rice", "community": ROI_ET["id"], "item": "rice-sticky", "quantity": 500},
            {"id": "herb", "community": NAN["id"], "item": "herbs", "quantity": 50},
        ],
        [
            {"id": "satun-herbs", "community": SATUN["id"], "item": "herbs", "quantity": 50},
            {"id": "roi-et-fish", "community": ROI_ET["id"], "item": "dried-fish", "quantity": 10},
            rice_need,
        ],
    )


def test_own_terms_hold_around_a_three_community_cycle() -> None:
    """The fishers value their fish at 360 baht a kilo (the catalogue: 260); by reference values
    nobody else gives that much back (a cycle can balance only when the skews' product is within
    (1 -+ t)^3), so nothing is proposed; when the herbalists value sticky rice at 40 baht, the
    cycle balances for all three at the run's tolerance."""
    assert run(three_way(nan_own=None))["exchanges"] == []
    solution = run(three_way(nan_own=40.0))
    assert len(solution["exchanges"]) == 1
    moved = {t["offer"]: t["quantity"] for t in solution["exchanges"][0]["transfers"]}
    assert moved["fish"] == pytest.approx(2.0)
    # the fishers receive at least 0.9 x 720 baht of herbs
    assert moved["herb"] * 100 >= 0.9 * 2 * 360 - 1e-6


def test_without_own_terms_the_skewed_rays_are_the_shared_ones() -> None:
    for length in (2, 3, 4):
        ones = np.ones(length)
        shared = balance_rays(length, 0.1)
        mine = skewed_rays("cycle", ones, 0.1)
        assert sorted(map(tuple, np.round(shared, 9))) == sorted(map(tuple, np.round(mine, 9)))
        shared_chain = chain_rays(length, 0.1)
        mine_chain = skewed_rays("chain", ones, 0.1)
        assert sorted(map(tuple, np.round(shared_chain, 9))) == sorted(map(tuple, np.round(mine_chain, 9)))


@given(
    sigma=st.lists(st.floats(min_value=0.7, max_value=1.4), min_size=2, max_size=4),
    tolerance=st.sampled_from([0.0, 0.05, 0.1, 0.2]),
    weights=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=40, max_size=40),
)
@settings(max_examples=60, deadline=None)
def test_skewed_rays_balance_and_span_the_balanced_cycles(
    sigma: list[float], tolerance: float, weights: list[float]
) -> None:
    """Every ray balances each community by its skew; any mix of rays does too (a cone)."""
    skew = np.array(sigma)
    rays = skewed_rays("cycle", skew, tolerance)
    product = float(np.prod(skew)) ** (1 / len(sigma))
    feasible = (1 - tolerance) * (1 - 1e-9) <= product <= (1 + tolerance) * (1 + 1e-9)
    assert (len(rays) > 0) == feasible
    if not len(rays):
        return
    mix = np.array(weights[: len(rays)]) @ rays if len(rays) <= 40 else rays[0]
    for w in (*rays, mix):
        if w.max() <= 0:
            continue
        received = skew * w  # community k+1 receives sigma_k w_k as it sees it ...
        given = np.roll(w, -1)  # ... and gives w_k+1
        assert np.all(np.abs(received - given) <= tolerance * given + 1e-9)


def with_terms(instance: Instance, seed: int) -> Instance:
    """A synthetic market where some listings carry own terms (own values within -20% .. +25% of
    the reference, some offers as min ratios)."""
    rng = random.Random(seed)
    values = {it.id: it.value for it in instance.items}
    offers = []
    for offer in instance.offers:
        roll = rng.random()
        if roll < 0.25:
            own = values[offer.item] * rng.uniform(0.8, 1.25)
            offers.append(msgspec.structs.replace(offer, own_value=own))
        elif roll < 0.35:
            other = rng.choice([it.id for it in instance.items if it.id != offer.item])
            ratio = values[offer.item] * rng.uniform(0.8, 1.25) / values[other]
            offers.append(msgspec.structs.replace(offer, min_ratio=MinRatio(item=other, ratio=ratio)))
        else:
            offers.append(offer)
    needs = []
    for need in instance.needs:
        if rng.random() < 0.3 and need.item is not None:
            needs.append(msgspec.structs.replace(need, own_value=values[need.item] * rng.uniform(0.8, 1.25)))
        else:
            needs.append(need)
    return msgspec.structs.replace(instance, offers=offers, needs=needs)


def _with(instance: Instance, **changes: Any) -> Instance:
    return msgspec.structs.replace(instance, settings=msgspec.structs.replace(instance.settings, **changes))


def test_the_reference_keeps_the_transport_share_where_own_terms_change_the_value_moved() -> None:
    # (an example the property test below drew: the reference had taken every hop to move v in
    # value, true only without own terms, and its answer broke the transport share)
    base = generate_market(44, provinces=load_provinces(), catalogue=load_catalogue(), seed=1279)
    data = as_dict(_with(with_terms(base, 1279), time_limit_s=10.0))
    reference = reference_solution(data, time_limit_s=20.0)
    assert reference["exchanges"]
    assert problems(data, reference) == []


# derandomized: the same three draws on every run, as each costs an independent reference solve
# of up to 20 s. A new draw each run once found a fault of the reference itself (n=44, seed=1279,
# now the test above) and failed a CI run for a reason the change under test had nothing to do
# with. To search wider, drop `derandomize` and raise `max_examples` on your own machine.
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(n=st.integers(min_value=30, max_value=70), seed=st.integers(min_value=0, max_value=10_000))
def test_bounds_hold_with_own_terms_against_the_independent_reference(n: int, seed: int) -> None:
    """Random markets with own terms: the reference (no shared code) balances each community by
    its own terms; the engine's bound, the hub relaxation and the aggregated bound are never
    below what it achieves, and the engine's answer keeps every community's terms."""
    base = generate_market(n, provinces=load_provinces(), catalogue=load_catalogue(), seed=seed)
    instance = _with(with_terms(base, seed), time_limit_s=10.0)
    data = as_dict(instance)
    reference = reference_solution(data, time_limit_s=20.0)
    assert problems(data, reference) == []
    solution = as_dict(solve(instance))
    assert problems(data, solution) == []
    best = max(reference["objective"], solution["objective"])
    tolerance = 1e-6 * max(1.0, best)
    assert solution["upper_bound"] >= best - tolerance
    market = build_market(instance)
    assert market.terms
    for exact in (True, False):
        assert hub_bound(market, exact_gains=exact) >= best - tolerance
    clock = Clock(10.0, None)
    model = build_model(market, clock)
    lp = relax(model, clock)
    assert lp.bound * market.scale + model.penalty_slack >= best - tolerance
    for duals in (lp.duals, Duals.zero(model)):
        agg = aggregate_bound(model, duals)
        assert agg is not None
        assert agg.bound * market.scale >= best - tolerance


def donation_chain(*, fish_own: float | None) -> dict[str, Any]:
    """Herbs donated by Nan to the Satun fishers, who pass dried fish on to Roi Et."""
    fish: dict[str, Any] = {"id": "fish", "community": SATUN["id"], "item": "dried-fish", "quantity": 2}
    if fish_own is not None:
        fish["own_value"] = fish_own
    return market_of(
        [SATUN, ROI_ET, NAN],
        [
            fish,
            {"id": "herb", "community": NAN["id"], "item": "herbs", "quantity": 50, "gift": True},
        ],
        [
            {"id": "satun-herbs", "community": SATUN["id"], "item": "herbs", "quantity": 50},
            {"id": "roi-et-fish", "community": ROI_ET["id"], "item": "dried-fish", "quantity": 10},
        ],
        chains=3,
    )


def test_a_chain_passes_on_by_the_middle_communitys_own_terms() -> None:
    """The fishers in the middle of a donation chain pass on 2 kg of fish they value at 300 baht a
    kilo: they must receive 540-660 baht of herbs for it (by the catalogue's 260: 468-572)."""
    for own, worth in ((300.0, 600.0), (None, 520.0)):
        solution = run(donation_chain(fish_own=own))
        # (the rest of the donation goes to the fishers alone, a chain of one transfer)
        (chain,) = [e for e in solution["exchanges"] if len(e["transfers"]) == 2]
        assert chain["kind"] == "chain"
        moved = {t["offer"]: t["quantity"] for t in chain["transfers"]}
        assert moved["fish"] == pytest.approx(2.0)
        assert 0.9 * worth - 1e-6 <= moved["herb"] * 100 <= 1.1 * worth + 1e-6


def test_chain_flows_by_position_decompose_by_own_terms() -> None:
    """Position flows that keep each community's own view (gamma given = rho received) come
    apart into chains the finisher accepts; equal reference values would break the balance."""
    market = build_market(as_instance(donation_chain(fish_own=300.0)))
    gift = int(np.nonzero(market.arc_gift)[0][0])
    fish = int(np.nonzero(~market.arc_gift)[0][0])
    herbs = 6.0 * 100 / market.scale  # 600 baht of herbs: the fishers' own value of 2 kg
    fish_value = 2.0 * 260 / market.scale
    drafts = chains_from_positions(market, {(1, gift): herbs, (2, fish): fish_value})
    assert len(drafts) == 1
    assert drafts[0].values == pytest.approx([herbs, fish_value])
    assert Finisher(market).take(drafts[0]) is not None
    assert not Finisher(market).fits(Draft("chain", drafts[0].arcs, [herbs, herbs]), [6.0, 600 / 260])


def test_no_cycle_limit_keeps_own_terms_and_a_true_bound() -> None:
    """With no cycle limit the circulation answers without the arcs that carry own terms (it
    balances reference value exactly); the first answer's two-way trade keeps both sides'
    terms, and the bound (whose rows weigh every arc as its communities see it) stays above."""
    data = fish_for_rice()
    data["settings"]["max_cycle_length"] = 0
    solution = run(data)
    assert rice_per_fish(solution) >= 10.0
    assert solution["upper_bound"] >= solution["objective"]


def test_a_min_ratio_must_name_a_known_item() -> None:
    data = fish_for_rice()
    data["offers"][0]["min_ratio"]["item"] = "caviar"
    with pytest.raises(InstanceError, match=r"\$\.offers\[0\]\.min_ratio\.item: unknown item 'caviar'"):
        decode_instance(msgspec.json.encode(data))


@given(
    sigma=st.lists(st.floats(min_value=0.5, max_value=2.0), min_size=1, max_size=4),
    tolerance=st.sampled_from([0.0, 0.1, 0.3]),
)
@settings(max_examples=60, deadline=None)
def test_chain_rays_balance_every_middle_community(sigma: list[float], tolerance: float) -> None:
    skew = np.array([*sigma[:-1], 1.0])  # the last receiver gives nothing
    rays = skewed_rays("chain", skew, tolerance)
    assert len(rays) == (2 ** (len(sigma) - 1) + 1 if tolerance > 0 and len(sigma) > 1 else 1)
    for w in rays:
        received, given = skew[:-1] * w[:-1], w[1:]
        assert np.all(np.abs(received - given) <= tolerance * given + 1e-9)


def test_rows_get_the_rays_they_would_get_alone() -> None:
    rng = np.random.default_rng(5)
    sigma = rng.uniform(0.8, 1.25, size=(50, 3))
    rays, ok = row_rays("cycle", sigma, 0.1)
    for r in range(50):
        alone = skewed_rays("cycle", sigma[r], 0.1)
        assert bool(ok[r]) == (len(alone) > 0)
        if ok[r]:
            mine = {tuple(np.round(x, 9)) for x in rays[r]}
            assert mine == {tuple(np.round(x, 9)) for x in alone}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markets(terms=True))
def test_every_answer_keeps_every_communitys_own_terms(data: dict[str, Any]) -> None:
    out = run(data)  # the validator balances each community by its own terms
    assert out["status"] in ("optimal", "feasible")
    assert out["upper_bound"] >= out["objective"] - 1e-9


@st.composite
def rings(draw: st.DrawFn) -> dict[str, Any]:
    """2-4 communities in a ring (each offers what the next needs, whole lots), a chord or two
    and maybe a donation, with own values on some listings near the reference values: own terms
    often decide which exchanges balance."""
    n = draw(st.integers(2, 4))
    communities = [{"id": f"c{k}", "lat": 13.0 + k, "lon": 100.0 + k} for k in range(n)]
    # values close enough that many rings balance, far enough that terms make and break them
    values = [draw(st.sampled_from([20.0, 22.0, 25.0])) for _ in range(n)]
    items = [{"id": f"i{k}", "category": f"k{k}", "value": v} for k, v in enumerate(values)]
    pairs = [(k, (k + 1) % n) for k in range(n)]
    pairs += draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=2))
    offers, needs = [], []
    for j, (giver, receiver) in enumerate(pairs):
        if giver == receiver:
            continue
        q = draw(st.sampled_from([2, 2, 2, 3]))
        offer: dict[str, Any] = {"id": f"o{j}", "community": f"c{giver}", "item": f"i{giver}", "quantity": q}
        offer["min_lot"] = q
        need: dict[str, Any] = {
            "id": f"n{j}",
            "community": f"c{receiver}",
            "item": f"i{giver}",
            "quantity": q,
        }
        need["min_lot"] = q
        if draw(st.booleans()):
            offer["own_value"] = values[giver] * draw(st.sampled_from(OWN_FACTORS))
        if draw(st.booleans()):
            need["own_value"] = values[giver] * draw(st.sampled_from(OWN_FACTORS))
        offers.append(offer)
        needs.append(need)
    if draw(st.integers(0, 3)) == 3:
        offers[0] = {**offers[0], "gift": True}
    return {
        "format": "barter-instance/1",
        "settings": {
            "max_cycle_length": draw(st.sampled_from([n, 4])),
            "max_chain_length": draw(st.sampled_from([0, 1, 2, 3])),
            "balance_tolerance": draw(st.sampled_from([0.0, 0.1, 0.3])),
            "time_limit_s": 10,
        },
        "communities": communities,
        "items": items,
        "offers": offers,
        "needs": needs,
    }


# a swap that balances only by both sides' own terms (by the catalogue 40 against 50 baht)
BOTH_TERMS = {
    "format": "barter-instance/1",
    "settings": {"max_cycle_length": 2, "max_chain_length": 0, "balance_tolerance": 0.1, "time_limit_s": 10},
    "communities": [{"id": "c0", "lat": 13.0, "lon": 100.0}, {"id": "c1", "lat": 14.0, "lon": 101.0}],
    "items": [{"id": "i0", "category": "k0", "value": 20.0}, {"id": "i1", "category": "k1", "value": 25.0}],
    "offers": [
        {"id": "o0", "community": "c0", "item": "i0", "quantity": 2, "min_lot": 2, "own_value": 26.0},
        {"id": "o1", "community": "c1", "item": "i1", "quantity": 2, "min_lot": 2},
    ],
    "needs": [
        {"id": "n0", "community": "c1", "item": "i0", "quantity": 2, "min_lot": 2, "own_value": 26.0},
        {"id": "n1", "community": "c0", "item": "i1", "quantity": 2, "min_lot": 2},
    ],
}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(rings(), markets(all_or_nothing=True, terms=True)))
@example(copy.deepcopy(BOTH_TERMS))
def test_all_or_nothing_markets_with_own_terms_are_solved_to_optimality(data: dict[str, Any]) -> None:
    """Against the brute force (every exchange the rules allow, each community balancing by its
    own terms): the same optimum, and a bound never below it."""
    if data["settings"]["max_cycle_length"] == 0:
        data["settings"]["max_cycle_length"] = 5  # the brute force enumerates bounded cycles
    out = run(data)
    best = best_objective(data)
    slack = 1e-6 * max(1.0, best)
    assert out["upper_bound"] >= best - slack
    assert abs(out["objective"] - best) <= slack, (out, best)
    assert out["status"] == "optimal"
    # the bounds a large market would report hold here too: the hub relaxation, and the
    # aggregated one at the LP's prices and at zero prices
    market = build_market(as_instance(data))
    for exact in (True, False):
        assert hub_bound(market, exact_gains=exact) >= best - slack
    clock = Clock(10.0, None)
    model = build_model(market, clock)
    lp = relax(model, clock)
    for duals in (lp.duals, Duals.zero(model)):
        agg = aggregate_bound(model, duals)
        if agg is not None:
            assert agg.bound * market.scale >= best - slack
