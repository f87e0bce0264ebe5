"""The whole-market pricing's inner searches (pricing.py) against plain loops written here."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from barter.matching import pricing
from barter.matching.columns import Duals, Model
from barter.matching.engine import Clock, build_model
from barter.matching.lp import Master
from barter.matching.market import acceptable, build_market
from barter.matching.pricing import NEG, _cycle_parts, _knapsack, _knapsack_floor, _two_hop, price_whole
from barter.matching.synthetic import generate_market
from barter.reference import load_catalogue, load_provinces


def best_arc_graph(n: int, density: float, seed: int) -> npt.NDArray[np.float32]:
    """W[u, v]: the best weight of an arc u -> v, NEG where there is none (no loops)."""
    rng = np.random.default_rng(seed)
    w = rng.normal(0.0, 1.0, (n, n)).astype(np.float32)
    w[rng.random((n, n)) > density] = NEG
    np.fill_diagonal(w, NEG)
    return w


def two_hop_by_loop(w: npt.NDArray[np.float32], a: list[int], b: list[int]) -> list[float]:
    n = w.shape[0]
    return [max(float(w[x, y]) + float(w[y, z]) for y in range(n)) for x, z in zip(a, b, strict=True)]


@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize("seed", [1, 2])
def test_two_hop_is_the_best_path_of_two_arcs_on_any_number_of_threads(
    threads: int, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a thread for every handful of rows, so that these small graphs use them all
    monkeypatch.setattr(pricing, "TWO_HOP_RUNS_PER_THREAD", 2)
    w = best_arc_graph(40, 0.3, seed)
    rng = np.random.default_rng(seed)
    keys = np.unique(rng.integers(0, 40 * 40, 600))
    a, b = keys // 40, keys % 40
    got = _two_hop(w, a, b, threads)
    want = two_hop_by_loop(w, a.tolist(), b.tolist())
    assert got.tolist() == pytest.approx(want, abs=1e-5)  # W is float32
    # both kinds of pair are asked: with a way back in two hops, and without
    assert np.isneginf(got).any()
    assert np.isfinite(got).any()


def test_two_hop_of_a_row_with_no_arc_out_is_neg() -> None:
    w = best_arc_graph(6, 1.0, 3)
    w[2, :] = NEG
    got = _two_hop(w, np.array([2, 2, 4]), np.array([0, 5, 1]), threads=2)
    assert np.isneginf(got[:2]).all()
    assert got[2] == pytest.approx(two_hop_by_loop(w, [4], [1])[0])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_knapsack_fills_each_group_best_rate_first(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, groups = 300, 25
    group = rng.integers(0, groups, m)
    rate = rng.integers(0, 6, m).astype(np.float64)  # many ties
    cap = rng.random(m)
    budget = rng.random(groups) * 3
    want = 0.0
    for g in range(groups):
        left = float(budget[g])
        for i in sorted(np.flatnonzero(group == g).tolist(), key=lambda i: -rate[i]):
            take = min(left, float(cap[i]))
            want += float(rate[i]) * take
            left -= take
    assert _knapsack(group, rate, cap, budget) == pytest.approx(want)


def test_knapsack_of_nothing_is_zero() -> None:
    empty = np.zeros(0, dtype=np.int64)
    assert _knapsack(empty, np.zeros(0), np.zeros(0), np.ones(3)) == 0.0


@pytest.mark.parametrize("threads", [1, 2])
def test_three_cycle_bound_is_exact_for_every_excluded_arc(
    threads: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """R_e = g_e + the best way back from v to u in one hop or two, over arcs that repeat pairs
    and arcs that cannot close any cycle."""
    monkeypatch.setattr(pricing, "TWO_HOP_RUNS_PER_THREAD", 2)
    n = 30
    w = best_arc_graph(n, 0.25, 7)
    rng = np.random.default_rng(7)
    m = 500
    ex_from = rng.integers(0, n, m)
    ex_to = (ex_from + rng.integers(1, n, m)) % n
    ex_from[:50], ex_to[:50] = ex_from[50:100], ex_to[50:100]  # pairs met twice
    g_ex = rng.normal(0.0, 1.0, m)
    ordinary = rng.random(m) > 0.1
    out_best, in_best = w.max(axis=1).astype(np.float64), w.max(axis=0).astype(np.float64)
    top = float(w.max())
    got, closing = _cycle_parts(g_ex, ex_from, ex_to, ordinary, 3, out_best, in_best, top, w, threads)
    assert closing is not None
    closing.close(got, closing.todo)  # the whole search, as price_whole runs it with no `beat`
    for e in range(m):
        u, v = int(ex_from[e]), int(ex_to[e])
        if not ordinary[e]:
            assert got[e] == NEG
            continue
        back = max(float(w[v, u]), two_hop_by_loop(w, [v], [u])[0])
        loose = g_ex[e] + out_best[v] + max(0.0, in_best[u])
        if loose > pricing.EPS:  # where the loose bound already rules an arc out, it is kept
            assert got[e] == pytest.approx(g_ex[e] + back, abs=1e-5)  # W is float32
        else:
            assert got[e] <= loose


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_knapsack_floor_is_at_most_the_knapsack_and_at_least_each_groups_best_item(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m, groups = 400, 30
    group = rng.integers(0, groups, m)
    rate = rng.random(m) * 3
    cap = rng.random(m)
    budget = rng.random(groups) * 2
    floor = _knapsack_floor(group, rate, cap, budget)
    assert floor <= _knapsack(group, rate, cap, budget) + 1e-9
    best = [
        max(
            (float(rate[i]) * min(float(cap[i]), float(budget[g])) for i in np.flatnonzero(group == g)),
            default=0.0,
        )
        for g in range(groups)
    ]
    assert floor == pytest.approx(sum(best))


@pytest.fixture(scope="module")
def priced_market() -> tuple[Model, Duals]:
    """A 300-community market priced in rounds, and its first LP's prices."""
    instance = generate_market(300, provinces=load_provinces(), catalogue=load_catalogue(), seed=2)
    market = build_market(instance, whole=acceptable(instance))
    assert market.n_excluded > 0
    model = build_model(market, Clock(60.0, None))
    lp = Master(model, instance.settings.balance_tolerance).run(deadline=lambda: 30.0)
    return model, lp.duals


@pytest.mark.parametrize("budget", [50, 400])
def test_a_correction_of_no_use_is_not_worked_out_and_the_same_arcs_come_in(
    priced_market: tuple[Model, Duals], budget: int
) -> None:
    """Told that no correction above `beat` is of use, and shown one that must be, the pricing
    leaves it out and searches the way back in two hops only where an arc could be among the
    `budget` best: the arcs it names are exactly those of the whole search."""
    model, duals = priced_market
    whole = price_whole(model, duals, budget=budget)
    assert whole.bounded
    assert whole.n_improving > 2 * budget  # more improving arcs than the budget: a cut to make
    cut = price_whole(model, duals, budget=budget, beat=0.0)
    assert not cut.bounded
    assert cut.correction == np.inf
    assert 0 < cut.closed < whole.closed
    assert 0 < cut.n_improving <= whole.n_improving
    assert cut.improving.keys() == whole.improving.keys()
    for j, offers in whole.improving.items():
        assert cut.improving[j].tolist() == offers.tolist()


def test_a_correction_that_could_be_of_use_is_worked_out(priced_market: tuple[Model, Duals]) -> None:
    model, duals = priced_market
    whole = price_whole(model, duals, budget=400)
    assert whole.correction > 0
    # the floor can reach no further than the correction itself: below it, it is worked out
    kept = price_whole(model, duals, budget=400, beat=whole.correction)
    assert kept.bounded
    assert kept.correction == whole.correction
    assert kept.closed == whole.closed
