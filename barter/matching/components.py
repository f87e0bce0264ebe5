"""Independent sub-markets: the market split where no acceptable arc joins its parts.

Communities are joined when any acceptable arc (offer -> need, gifts included; market.py
`Acceptable`) runs between them. Two communities in different weakly connected components of
that graph can never be in one cycle or chain, so the whole market's optimum, and every true
bound of it, is the sum over the components. Each component becomes an instance of its own
(`split`): its communities, offers, needs and the items they use, the same settings and `today`,
its own excluded arcs; a need's `accept_offers` keeps the offers of its component only (an offer
of another component can never serve it: that arc would have joined them). A community with no
acceptable arc is in no component: it can trade with nobody (objective and bound 0).

Solving the parts (engine.solve): they run in a process pool when the split pays (`plan`): the
parts of POOL_MIN_ARCS arcs or more in at most P batches of nearly equal size (`batches`: the
largest first, each to the lightest batch), one per worker process, the small ones in the calling
process meanwhile. Time: every batch ends by one deadline, the run's start plus its limit less
MERGE_S, on the system's monotonic clock (shared by processes), so a worker's start-up is spent
from its own batch. In a batch each part has the time left times its size over the sizes of the
parts not yet solved (`solve_batch`): a batch of one part has the whole limit; with more parts
than processes, a part of size s in a batch of total size B has about limit * s / B, and since
the batches are nearly equal (B about S / P for parts of total size S), about limit * P * s / S,
its share of the P processes' time; a part that ends early leaves its time to the next. So the
wall time stays within the limit however many parts there are. `merge` puts the answers together
in component order, so the result does not depend on which finished first.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import msgspec
import numpy as np
import numpy.typing as npt

from barter.matching.market import Acceptable
from barter.matching.model import Exchange, Instance, Solution

IntArray = npt.NDArray[np.int64]

# A part is worth a process of its own from this many acceptable arcs. Measured (synthetic
# markets, 10 s limit, load 2.5, nice 19): 60 communities (717 arcs) solve in 0.35 s, less than a
# worker takes to start (SPAWN_S); 120 communities (3,000 arcs) use 6.3 s of the limit. Smaller
# parts are solved by the calling process while the workers run.
POOL_MIN_ARCS = 2_000
# Seconds from asking for a spawned worker to its being able to solve (engine and OR-Tools
# imported): measured 0.63-1.21 s for one or two at once at load 0.9-2.5 (bench.components).
# It is spent from the worker's own time (the deadline is on the system's clock), not added.
SPAWN_S = 1.5
POOL_MIN_LIMIT = 3 * SPAWN_S  # below this limit the time lost to starting processes outweighs them
MERGE_S = 0.25  # seconds kept back from the deadline for returning and merging the answers
# Pool arcs (Acceptable.size_bound) the split reads per second: measured 1.9-2.3 million
# (1,800 and 5,000 communities, nice 19, loaded); half that, to be safe. The split reads every
# acceptable arc, so it is tried only when that takes at most SPLIT_SHARE of the limit (a
# 1,000-community market at 30 s: 0.1 s; 5,000 communities at 30 s: not tried).
SPLIT_RATE = 1_000_000
SPLIT_SHARE = 0.05


@dataclass(frozen=True, slots=True)
class Part:
    """One independent sub-market and its size, or one piece of a market (pieces.deal) and its
    size. Sizes share time and batches only among parts of one kind: a sub-market's is its
    acceptable arcs (POOL_MIN_ARCS reads them so), a piece's its offers and needs (its arcs are
    never counted: a market is dealt when it is too large to read them all)."""

    instance: Instance
    arcs: int  # the size above: acceptable arcs of a sub-market, offers and needs of a piece


def community_components(whole: Acceptable) -> tuple[IntArray, IntArray]:
    """(component of each community, -1 for one with no acceptable arc; acceptable arcs of each
    component). Components are numbered in the order of their first community."""
    n = len(whole.instance.communities)
    a_parts: list[IntArray] = []
    b_parts: list[IntArray] = []
    arcs_per_need = np.zeros(len(whole.instance.needs), dtype=np.int64)
    for j, offers, _, _ in whole.each():
        if len(offers) == 0:
            continue
        arcs_per_need[j] = len(offers)
        givers = np.unique(whole.offer_comm[offers])
        a_parts.append(np.full(len(givers), whole.need_comm[j], dtype=np.int64))
        b_parts.append(givers)
    if not a_parts:
        return np.full(n, -1, dtype=np.int64), np.zeros(0, dtype=np.int64)
    a, b = np.concatenate(a_parts), np.concatenate(b_parts)
    # label propagation with pointer jumping: every community ends with the smallest index of
    # its component (vectorised; iterations grow with the components' diameter, a few here)
    label = np.arange(n, dtype=np.int64)
    while True:
        low = np.minimum(label[a], label[b])
        new = label.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, label):
            break
        label = new
    touched = np.zeros(n, dtype=np.bool_)
    touched[a] = True
    touched[b] = True
    roots = np.unique(label[touched])  # sorted: the order of each component's first community
    number = np.full(n, -1, dtype=np.int64)
    number[roots] = np.arange(len(roots))
    comp = np.where(touched, number[label], -1)
    has = arcs_per_need > 0
    sizes = np.bincount(comp[whole.need_comm[has]], weights=arcs_per_need[has], minlength=len(roots))
    return comp, sizes.astype(np.int64)


def split(whole: Acceptable) -> list[Part]:
    """The market's independent sub-markets, in the order of their first community (see the
    module docstring); communities with no acceptable arc are left out."""
    comp, sizes = community_components(whole)
    return [
        Part(sub, int(size)) for sub, size in zip(sub_markets(whole, comp, len(sizes)), sizes, strict=True)
    ]


def sub_markets(whole: Acceptable, comp: IntArray, k: int) -> list[Instance]:
    """The market cut into `k` markets by the community's group in `comp` (0 to k - 1; -1: in
    none): each keeps its communities, their offers and needs, the items they use, the excluded
    arcs inside it, and of a need's `accept_offers` the offers of its own group."""
    instance = whole.instance
    communities: list[list[int]] = [[] for _ in range(k)]
    for i, c in enumerate(comp.tolist()):
        if c >= 0:
            communities[c].append(i)
    offer_part = comp[whole.offer_comm]
    need_part = comp[whole.need_comm]
    offers: list[list[int]] = [[] for _ in range(k)]
    needs: list[list[int]] = [[] for _ in range(k)]
    for i, c in enumerate(offer_part.tolist()):
        if c >= 0:
            offers[c].append(i)
    for j, c in enumerate(need_part.tolist()):
        if c >= 0:
            needs[c].append(j)
    offer_of = {o.id: int(offer_part[i]) for i, o in enumerate(instance.offers)}
    need_of = {n.id: int(need_part[j]) for j, n in enumerate(instance.needs)}
    subs: list[Instance] = []
    for c in range(k):
        sub_offers = [instance.offers[i] for i in offers[c]]
        sub_needs = []
        for j in needs[c]:
            need = instance.needs[j]
            if need.accept_offers is not None:
                kept = [x for x in need.accept_offers if offer_of.get(x) == c]
                need = msgspec.structs.replace(need, accept_offers=kept)
            sub_needs.append(need)
        used = {o.item for o in sub_offers}
        used.update(o.min_ratio.item for o in sub_offers if o.min_ratio is not None)
        used.update(n.item for n in sub_needs if n.item is not None)
        subs.append(
            msgspec.structs.replace(
                instance,
                communities=[instance.communities[i] for i in communities[c]],
                items=[it for it in instance.items if it.id in used],
                offers=sub_offers,
                needs=sub_needs,
                excluded=[
                    x for x in instance.excluded if offer_of.get(x.offer) == c and need_of.get(x.need) == c
                ],
            )
        )
    return subs


def independent(whole: Acceptable) -> list[Part]:
    """The sub-markets worth solving apart: all of them when at least two have POOL_MIN_ARCS
    acceptable arcs or more, else none (the market is solved whole, as one). Markets too large
    to read every arc in SPLIT_SHARE of the limit are not split."""
    limit = whole.instance.settings.time_limit_s
    if whole.size_bound() > SPLIT_RATE * SPLIT_SHARE * limit:
        return []
    parts = split(whole)
    if sum(p.arcs >= POOL_MIN_ARCS for p in parts) < 2:
        return []
    return parts


def batches(sizes: Sequence[int], n: int) -> list[list[int]]:
    """The parts (by index) in at most `n` batches of nearly equal total size: the largest part
    first, each to the lightest batch so far (LPT); in each batch, in index order. Empty batches
    are left out."""
    load = [0] * n
    out: list[list[int]] = [[] for _ in range(n)]
    for i in sorted(range(len(sizes)), key=lambda i: (-sizes[i], i)):
        b = min(range(n), key=lambda b: (load[b], b))
        load[b] += sizes[i]
        out[b].append(i)
    return [sorted(b) for b in out if b]


def plan(sizes: Sequence[int], processes: int, limit: float) -> tuple[list[list[int]], list[int]] | None:
    """How parts of these sizes share `processes` worker processes under a time `limit`:
    (batches of the parts with POOL_MIN_ARCS arcs or more, one per process; the small parts,
    solved by the calling process meanwhile), or None when processes do not pay: one process
    allowed, fewer than two large parts, or a limit too short to start them (POOL_MIN_LIMIT)."""
    large = [i for i, size in enumerate(sizes) if size >= POOL_MIN_ARCS]
    if processes < 2 or len(large) < 2 or limit < POOL_MIN_LIMIT:
        return None
    groups = batches([sizes[i] for i in large], min(processes, len(large)))
    small = [i for i, size in enumerate(sizes) if size < POOL_MIN_ARCS]
    return [[large[k] for k in g] for g in groups], small


SolveOne = Callable[[Instance, int | None, Callable[[], float]], Solution]
"""(a part with its own time limit, CP-SAT workers or None for all cores, clock) -> its answer"""

MIN_PART_S = 0.05  # the least time limit a part is given (the engine's own MIN_CALL)


def solve_batch(
    solve_one: SolveOne,
    instances: Sequence[Instance],
    sizes: Sequence[int],
    deadline: float,
    sat_workers: int | None,
    now: Callable[[], float] = time.monotonic,
    done: Callable[[int, Solution], None] | None = None,
) -> list[Solution]:
    """Solve parts one after another before `deadline` (on `now`): each part has the time left
    in proportion to its size among the parts not yet solved, so a part that finishes early
    leaves its time to the next, and the last ends by the deadline. In a worker process `now` is
    time.monotonic, the system's monotonic clock, shared with the parent on Linux: the deadline
    it set counts the worker's own start."""
    out: list[Solution] = []
    for k, instance in enumerate(instances):
        rest = sum(sizes[k:])
        share = (deadline - now()) * sizes[k] / rest if rest > 0 else 0.0
        limit = min(instance.settings.time_limit_s, max(MIN_PART_S, share))
        settings = msgspec.structs.replace(instance.settings, time_limit_s=limit)
        solution = solve_one(msgspec.structs.replace(instance, settings=settings), sat_workers, now)
        out.append(solution)
        if done is not None:
            done(k, solution)
    return out


def merge(solutions: Sequence[Solution], seconds: float) -> Solution:
    """One answer from the parts' answers, in part order: the exchanges one after another
    (an exchange is known by its place in the list, so places stay deterministic), objective and
    bound the sums (every part's bound is a bound of its part, so their sum is one of the
    market), optimal only when every part is."""
    exchanges: list[Exchange] = []
    for s in solutions:
        exchanges += s.exchanges
    return Solution(
        status="optimal" if all(s.status == "optimal" for s in solutions) else "feasible",
        objective=rounded(sum(s.objective for s in solutions)),
        upper_bound=rounded(sum(s.upper_bound for s in solutions)),
        solve_seconds=round(seconds, 3),
        exchanges=exchanges,
    )


def rounded(x: float) -> float:
    """A figure of an answer, to 12 significant digits."""
    return float(f"{x:.12g}")
