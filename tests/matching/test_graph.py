"""Graph pieces against brute force on small random graphs."""

from __future__ import annotations

import itertools
import random

import numpy as np

from barter.matching.graph import (
    balance_rays,
    chain_rays,
    community_cycles,
    positioned_chains,
    strongly_connected_components,
)


def random_graph(seed: int, n: int, p: float) -> list[set[int]]:
    rng = random.Random(seed)
    return [{v for v in range(n) if v != u and rng.random() < p} for u in range(n)]


def brute_cycles(succ: list[set[int]], max_len: int) -> set[tuple[int, ...]]:
    n = len(succ)
    out = set()
    for length in range(2, max_len + 1):
        for nodes in itertools.permutations(range(n), length):
            if nodes[0] != min(nodes):
                continue
            if all(nodes[(i + 1) % length] in succ[nodes[i]] for i in range(length)):
                out.add(nodes)
    return out


def test_cycles_are_found_once_each() -> None:
    for seed in range(6):
        succ = random_graph(seed, 7, 0.35)
        for max_len in (2, 3, 4, 5):
            found, complete = community_cycles(len(succ), succ, max_len, limit=10**6)
            assert complete
            assert len(found) == len(set(found))
            assert set(found) == brute_cycles(succ, max_len)


def test_enumeration_stops_at_its_limit_and_says_so() -> None:
    succ = random_graph(1, 9, 0.6)
    found, complete = community_cycles(len(succ), succ, 4, limit=5)
    assert not complete
    assert len(found) == 5


def test_strongly_connected_components() -> None:
    succ = [[1], [2], [0], [4], [3], []]
    comp = strongly_connected_components(6, succ)
    assert comp[0] == comp[1] == comp[2]
    assert comp[3] == comp[4]
    assert len({comp[0], comp[3], comp[5]}) == 3


def balanced(w: np.ndarray, tolerance: float, closed: bool) -> bool:
    hops = range(len(w)) if closed else range(1, len(w))
    return all(abs(w[k - 1] - w[k]) <= tolerance * w[k] + 1e-9 for k in hops)


def test_value_patterns_balance_and_include_the_exact_one() -> None:
    for length in range(2, 6):
        for tolerance in (0.0, 0.1, 0.25):
            rays = balance_rays(length, tolerance)
            assert np.allclose(rays[0], 1.0)
            assert all(balanced(r, tolerance, closed=True) for r in rays)
            if tolerance > 0:
                assert len(rays) > 1, "the tolerance must be usable"
            chains = chain_rays(length, tolerance)
            assert all(balanced(r, tolerance, closed=False) for r in chains)


def test_chains_start_at_gifts_and_never_revisit() -> None:
    # arcs: 0: g->a (gift), 1: a->b, 2: b->a, 3: b->c
    arc_from = np.array([9, 0, 1, 1])
    arc_to = np.array([0, 1, 0, 2])
    allowed = [np.array([0]), np.array([1, 2]), np.array([2, 3])]
    chains = positioned_chains(allowed, arc_from, arc_to, limit=100)
    paths = {tuple(row) for rows in chains.values() for row in rows.tolist()}
    assert paths == {(0,), (0, 1), (0, 1, 3)}
    limited = positioned_chains(allowed, arc_from, arc_to, limit=2)
    assert sum(len(rows) for rows in limited.values()) == 2
