"""Pricing the whole market: from a bound over the working arcs to a bound over every arc.

The LP (lp.py) runs over the working arcs (market.py); its Lagrangian bound holds for every
column made of working arcs. The whole market has more columns: cycles, chains and flows through
acceptable arcs left out. This module prices them against the same duals and turns the LP's
bound into a bound of the whole market, and names the excluded arcs worth bringing in.

The argument (a dual repair). Let y be the LP's row prices. For any column j of the whole
market, its reduced cost is at most

    sum over its hops k of q_k * g_k,   g_k = gain - offer price - need price / value
                                              + what the share rows can give back

(tail rows, fixed costs and tie-break penalties only lower it). Take an excluded arc e in j and
divide by the value q_e it carries: the other hops carry between q_e / rho and rho * q_e (rho:
how far the balance tolerance lets hop values drift within one cycle or chain), so

    rc_j / q_e <= R_e = g_e + max over the ways to close j of  sum of w(hop),
                        w = rho * g  where g > 0,  g / rho  where g <= 0.

For cycles of up to three communities R_e is computed exactly over the community graph of
best arcs (`W`), one and two hops back; for longer cycles, chains and large markets it is bounded
through each community's best arc in and out, which is looser but still an upper bound. Chains
by position and circulation flows are single arcs: their reduced cost is exact.

Own terms (terms.py) keep this argument: rho grows to cover the larger drift they allow
(drift), and chain and balance rows price each arc by the factors its communities weigh it with
(gamma given, rho received), exactly as the LP does.

So every column j through excluded arcs has rc_j <= R_e * (value j moves on e) for each of its
excluded arcs e. In the Lagrangian relaxation keep, besides the dualised rows, the constraints
every answer meets anyway: an arc carries at most min(offer, need) worth, and an offer's arcs
together at most its value. Assigning each such column to one of its excluded arcs,

    sum of rc_j * x_j  <=  max over flows f of  sum over arcs e of max(0, R_e) * f_e

with those capacities: a fractional knapsack per offer (best R_e first), or per need, whichever
is smaller. The Lagrangian bound of the whole market is the working LP's bound plus that. When
no excluded arc prices positive it is the LP bound itself, and at LP convergence the LP optimum
of the whole market. Working arcs that sit in whole-market columns the working LP lacks (a chain
position, or a flow between two of its components) are priced the same way. A chain row the
working LP lacks (a community reached at that position only through an excluded arc) touches no
working column, so its price is ours to choose: it is priced at what can follow it
(_continue_chains), which moves the charge onto the excluded arcs that reach it.

Work that cannot pay. The correction serves the bound only where the working LP's bound plus it
comes below a bound the caller already holds (on large markets, the hub relaxation's). The
knapsacks over every arc's best single item give a floor of it without the two-hop search or a
sort; when that floor already exceeds what could be of use (`beat`), the correction is left out
and the two-hop search runs only for the arcs that could still be among those brought in
(_could_lead), which are then the same arcs the whole search names.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from barter.matching.columns import Duals, Model
from barter.matching.graph import balance_rays, chain_rays
from barter.matching.terms import receiver_factors

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

DENSE_MAX = 6_000  # communities: up to this, the best-arc graph is a dense matrix (float32)
TWO_HOP_BLOCK = 4_000_000  # entries per vectorised block of the two-hop search
TWO_HOP_RUNS_PER_THREAD = 500  # a thread of the two-hop search only for this many rows of W
PER_NEED = 30  # improving excluded arcs brought in per need and round, at most
EPS = 1e-9
NEG = -np.inf


@dataclass(slots=True)
class WholePricing:
    correction: float  # scaled objective units to add to the working LP's Lagrangian bound
    improving: dict[int, IntArray] = field(default_factory=dict)  # need -> offers, best first
    n_improving: int = 0  # excluded arcs whose columns may improve the LP
    exact: bool = True  # cycles priced exactly (False: through per-community bounds)
    # False: the correction was not worked out, as it could not be below `beat` (price_whole);
    # `correction` is then inf and `n_improving` counts the arcs known to improve, at least
    bounded: bool = True
    closed: int = 0  # excluded arcs whose way back in two hops was searched


def drift(model: Model) -> float:
    """rho: within one cycle or chain, no hop carries more than rho times another hop."""
    s = model.market.settings
    t = s.balance_tolerance
    longest = max(s.max_cycle_length, s.max_chain_length, 2)
    rho = (1.0 / (1.0 - t)) ** (longest - 1)  # all-or-nothing columns: capacity ratios
    for length in range(2, max(2, s.max_cycle_length) + 1):
        rho = max(rho, 1.0 / float(balance_rays(length, t).min()))
    for length in range(1, s.max_chain_length + 1):
        rho = max(rho, 1.0 / float(chain_rays(length, t).min()))
    p = model.market.skew
    if p > 1.0:
        # own terms (terms.py): a community with skew sigma passes on between sigma / (1 + t) and
        # sigma / (1 - t) of what it receives, sigma in [1 / P, P]; so one hop to the next moves
        # at most P / (1 - t) times more or less, and any two hops of a cycle or chain are at
        # most longest - 1 such steps apart
        rho = max(rho, (p / (1.0 - t)) ** (longest - 1))
    return rho


class _Arcs:
    """The excluded arcs of each need (computed once per market, reused across rounds)."""

    def __init__(self, model: Model) -> None:
        m = model.market
        n_needs = len(m.need_qty)
        start = np.searchsorted(m.arc_need, np.arange(n_needs), side="left")
        stop = np.searchsorted(m.arc_need, np.arange(n_needs), side="right")
        offers, needs, gains = [], [], []
        tc = m.settings.transport_cost_per_kg_km
        # a list people chose is always whole among the working arcs
        chosen = [j for j, need in enumerate(m.instance.needs) if need.accept_offers is None]
        for j, cand, _, dist in m.whole.each(chosen):
            if len(cand) <= stop[j] - start[j]:
                continue
            out = cand[~np.isin(cand, m.arc_offer[start[j] : stop[j]])]
            if len(out) == 0:
                continue
            keep = np.isin(cand, out)
            offers.append(out)
            needs.append(np.full(len(out), j, dtype=np.int64))
            gains.append(m.need_priority[j] - tc * m.offer_kg[out] * dist[keep] / m.offer_val[out])
        empty = np.zeros(0, dtype=np.int64)
        self.offer = np.concatenate(offers) if offers else empty
        self.need = np.concatenate(needs) if needs else empty
        self.gain = np.concatenate(gains) if gains else np.zeros(0)


def excluded_arcs(model: Model) -> tuple[IntArray, IntArray, FloatArray]:
    """(offer, need, gain per unit of value) of every acceptable arc not among the working ones."""
    arcs = _Arcs(model)
    return arcs.offer, arcs.need, arcs.gain


def _reduced(model: Model, d: Duals, offer: IntArray, need: IntArray, gain: FloatArray) -> FloatArray:
    """The optimistic reduced cost g per unit of value (see the module docstring)."""
    m = model.market
    val = m.offer_val[offer]
    return (
        gain
        - d.offer[offer]
        - d.need[need] / val
        + model.offer_share[offer] * d.share_offer[offer]
        + model.need_share[need] * d.share_need[need] / val
    )


def _chain_dual(d: Duals, k: int, comms: IntArray) -> FloatArray:
    """Price of chain row (community, k) (0 where there is none), k = 1..K-1."""
    if 1 <= k <= len(d.chain):
        return d.chain[k - 1][comms]
    return np.zeros(len(comms))


def price_whole(
    model: Model,
    duals: Duals,
    excluded: tuple[IntArray, IntArray, FloatArray] | None = None,
    *,
    budget: int = 10_000,
    threads: int = 1,
    beat: float = np.inf,
) -> WholePricing:
    """Price every column of the whole market that the working LP does not hold (see above).
    `threads`: how many the two-hop search may use (numpy works outside the GIL there).

    `beat` (scaled): a correction at least this large is of no use to the caller (the bound it
    gives is no better than one it holds). When a floor of the correction, worked out without the
    two-hop search or the knapsacks' sorts, already exceeds it, the correction is not worked out
    (`bounded` False), and the two-hop search runs only where an arc could still be among the
    `budget` best: the arcs brought in are the same, found for less (5,000 synthetic
    communities: the correction could never beat the hub relaxation's bound there)."""
    m = model.market
    if m.n_excluded == 0 and not model.layers.depth and not model.flow_arcs.size:
        return WholePricing(0.0)
    s = m.settings
    t = s.balance_tolerance
    n = m.n_communities
    ex_offer, ex_need, ex_gain = excluded if excluded is not None else excluded_arcs(model)
    ex_from, ex_to = m.offer_comm[ex_offer], m.need_comm[ex_need]
    ex_gift = m.offer_gift[ex_offer]
    # own terms (terms.py): chain and balance rows weigh an arc by gamma (given) and rho (received)
    ex_gamma = m.offer_gamma[ex_offer]
    ex_rho = receiver_factors(m.need_own[ex_need], m.offer_val[ex_offer])
    g_ex = _reduced(model, duals, ex_offer, ex_need, ex_gain)
    g_work = _reduced(model, duals, m.arc_offer, m.arc_need, m.arc_gain)
    rho = drift(model)

    def weight(g: FloatArray) -> FloatArray:
        return np.where(g > 0, rho * g, g / rho)

    # the best arc between each pair of communities (ordinary arcs: gifts never close a cycle)
    ordinary_w = ~m.arc_gift
    ordinary_x = ~ex_gift
    w_work, w_ex = weight(g_work[ordinary_w]), weight(g_ex[ordinary_x])
    src = np.concatenate([m.arc_from[ordinary_w], ex_from[ordinary_x]])
    dst = np.concatenate([m.arc_to[ordinary_w], ex_to[ordinary_x]])
    wts = np.concatenate([w_work, w_ex])
    out_best = np.full(n, NEG)
    in_best = np.full(n, NEG)
    np.maximum.at(out_best, src, wts)
    np.maximum.at(in_best, dst, wts)
    top = max(0.0, float(wts.max())) if len(wts) else 0.0
    dense = n <= DENSE_MAX
    w_pair: npt.NDArray[np.float32] | None = None
    if dense:
        w_pair = np.full(n * n, NEG, dtype=np.float32)
        np.maximum.at(w_pair, src * n + dst, wts.astype(np.float32))
        w_pair = w_pair.reshape(n, n)

    r_ex = np.full(len(ex_offer), NEG)
    exact = True
    length = s.max_cycle_length
    families = [key for key in model.families if key[0] == "cycle"]
    closing: _Closing | None = None
    if length >= 2 or families:
        r_cyc, closing = _cycle_parts(
            g_ex, ex_from, ex_to, ordinary_x, length, out_best, in_best, top, w_pair, threads
        )
        exact = dense and 2 <= length <= 3
        r_ex = np.maximum(r_ex, r_cyc)

    # circulation flows (no cycle limit, or the relaxation of an incomplete enumeration): every
    # arc is a column of its own
    corr_work = np.zeros(m.n_arcs)  # per working arc: the best reduced cost of a column it lacks
    if model.flow_arcs.size or length == 0:
        bh, bl = duals.balance_hi, duals.balance_lo

        def flow_rc(
            g: FloatArray, frm: IntArray, to: IntArray, gamma: FloatArray, rho: FloatArray
        ) -> FloatArray:
            return g - rho * bh[to] + (1 + t) * gamma * bh[frm] + rho * bl[to] - (1 - t) * gamma * bl[frm]

        r_ex = np.maximum(r_ex, np.where(ordinary_x, flow_rc(g_ex, ex_from, ex_to, ex_gamma, ex_rho), NEG))
        # working arcs that join two components are flow columns of the whole market only
        inner = np.zeros(m.n_arcs, dtype=np.bool_)
        inner[model.flow_arcs] = True
        other = np.nonzero(ordinary_w & ~inner)[0]
        rc = flow_rc(g_work[other], m.arc_from[other], m.arc_to[other], m.arc_gamma[other], m.arc_rho[other])
        np.maximum.at(corr_work, other, np.maximum(rc, 0.0))

    has_gifts = bool(m.arc_gift.any() or ex_gift.any())
    if s.max_chain_length > 0 and has_gifts:
        chain_families = any(key[0] == "chain" for key in model.families)
        if chain_families:
            r_ex = np.maximum(
                r_ex,
                _chain_walk_bound(
                    model, g_ex, ex_from, ex_to, ex_gift, g_work, weight, out_best, in_best, top, w_pair
                ),
            )
            exact = exact and dense
        else:
            reach = _reach(model, ex_from, ex_to, ex_gift)
            # the chain rows only the whole market has, priced by what could follow them
            d_pos = _continue_chains(
                model, duals, g_work, g_ex, ex_from, ex_to, ex_gift, ex_gamma, ex_rho, reach
            )
            r_ex = np.maximum(
                r_ex, _position_bound(model, d_pos, g_ex, ex_from, ex_to, ex_gift, reach, ex_gamma, ex_rho)
            )
            _position_working(model, d_pos, g_work, corr_work, reach)

    # r_ex is exact but for the arcs whose way back in two hops is still to search (closing):
    # there it is a floor, and closing.upper a ceiling
    work = np.nonzero(corr_work > EPS)[0]

    def knapsacks(rates: FloatArray, solve: Callable[..., float]) -> float:
        """What the columns through arcs pricing positive can add, offer by offer or need by
        need, whichever is smaller (`solve`: the knapsack, or its floor)."""
        pos = np.nonzero(rates > EPS)[0]
        arc_o = np.concatenate([ex_offer[pos], m.arc_offer[work]])
        arc_n = np.concatenate([ex_need[pos], m.arc_need[work]])
        rate = np.concatenate([rates[pos], corr_work[work]])
        val = m.offer_val[arc_o]
        cap = np.minimum(m.offer_qty[arc_o], m.need_qty[arc_n]) * val / m.scale
        on_offers = solve(arc_o, rate, cap, m.offer_qty * m.offer_val / m.scale)
        on_needs = solve(arc_n, rate * val, cap / val, m.need_qty / m.scale)
        return min(on_offers, on_needs)

    bounded = True
    if np.isfinite(beat):
        floor = knapsacks(r_ex, _knapsack_floor)
        bounded = not (floor > beat and floor > EPS)
    if closing is not None:
        closing.close(r_ex, closing.todo if bounded else _could_lead(r_ex, closing, budget))
    result = WholePricing(knapsacks(r_ex, _knapsack) if bounded else np.inf, exact=exact, bounded=bounded)
    result.closed = closing.closed if closing is not None else 0
    positive = r_ex > EPS
    idx = np.nonzero(positive)[0]
    result.n_improving = len(idx)
    if len(idx) > budget:
        idx = idx[np.argsort(-r_ex[idx], kind="stable")[:budget]]
    if len(idx):
        order = idx[np.lexsort((ex_offer[idx], -r_ex[idx], ex_need[idx]))]
        for j, group in itertools.groupby(order.tolist(), key=lambda i: int(ex_need[i])):
            chosen = list(itertools.islice(group, PER_NEED))
            result.improving[j] = ex_offer[chosen]
    return result


def _could_lead(r: FloatArray, closing: _Closing, budget: int) -> IntArray:
    """The arcs of `closing.todo` whose search could put them among the `budget` best by R_e;
    the others stay at their floor in `r` (a value below every one of the `budget` best).

    The 2 * budget arcs with the highest ceilings are searched first; then the `budget`-th best
    of `r` (exact there, a floor elsewhere) is at most the true `budget`-th best T, and an arc
    whose ceiling is below it has R_e < T: it could not be among them. Those at or above it are
    searched too. So the `budget` best are found exactly, ties at T included (and ties the
    two-hop search's float32 sums could break, through a margin)."""
    todo, upper = closing.todo, np.maximum(r[closing.todo], closing.upper)
    first_k = min(len(todo), 2 * budget)
    if first_k == len(todo):
        return todo
    first = np.argpartition(-upper, first_k - 1)[:first_k]
    closing.close(r, todo[first])
    searched = np.zeros(len(todo), dtype=np.bool_)
    searched[first] = True
    known = r[r > EPS]
    if len(known) >= budget:
        at_least = float(np.partition(known, len(known) - budget)[len(known) - budget])
        return todo[~searched & (upper >= at_least - 1e-6 * max(1.0, abs(at_least)))]
    return todo[~searched]


def _knapsack(group: IntArray, rate: FloatArray, cap: FloatArray, budget: FloatArray) -> float:
    """max sum(rate * x) with 0 <= x <= cap and sum of x per group <= budget[group]: per group,
    the best rates first (a fractional knapsack)."""
    if len(group) == 0:
        return 0.0
    # by group, the best rates first (ties in input order): two stable sorts, which on 3.5 million
    # arcs (5,000 synthetic communities) take 1.5 s where one lexsort took 2.4 s
    order = np.argsort(-rate, kind="stable")
    order = order[np.argsort(group[order], kind="stable")]
    g, r, c = group[order], rate[order], cap[order]
    before = np.cumsum(c) - c
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    first = np.repeat(before[starts], np.diff(np.r_[starts, len(g)]))
    used_before = before - first
    take = np.clip(budget[g] - used_before, 0.0, c)
    return float(r @ take)


def _knapsack_floor(group: IntArray, rate: FloatArray, cap: FloatArray, budget: FloatArray) -> float:
    """At most _knapsack(group, rate, cap, budget), with no sort: per group, its best single item
    (as much of it as fits)."""
    best = np.zeros(len(budget))
    np.maximum.at(best, group, rate * np.minimum(cap, budget[group]))
    return float(best.sum())


@dataclass(slots=True)
class _Closing:
    """The part of R_e still to work out for three-cycles over the dense best-arc graph: the best
    way back in two hops (v -> x -> u), for the arcs `todo` whose ceiling `upper` (one hop out of
    v at its best, one into u at its best) is positive."""

    g: FloatArray
    frm: IntArray
    to: IntArray
    w_pair: npt.NDArray[np.float32]
    threads: int
    todo: IntArray
    upper: FloatArray
    closed: int = 0

    def close(self, r: FloatArray, idx: IntArray) -> None:
        """Raise r[idx] to R_e by the way back in two hops."""
        if len(idx) == 0:
            return
        self.closed += len(idx)
        v, u = self.to[idx], self.frm[idx]
        # the distinct (v, u) pairs, sorted, and each arc's place among them, through a mark
        # per pair of communities (n * n bytes) and, for a moment, its running count (4 n * n
        # bytes, as much as W): 5,000 synthetic communities, 2.9 million pairs, in 0.1 s where
        # np.unique and searchsorted took 5 s (peak memory of the 120 s solve 1,507 MB, was
        # 1,420 MB)
        n = self.w_pair.shape[0]
        keys = v * n + u
        mark = np.zeros(n * n, dtype=np.bool_)
        mark[keys] = True
        pairs = np.flatnonzero(mark)
        where = (np.cumsum(mark, dtype=np.int32) - 1)[keys]
        del mark
        two = _two_hop(self.w_pair, pairs // n, pairs % n, self.threads)
        r[idx] = np.maximum(r[idx], self.g[idx] + two[where])


def _cycle_parts(
    g_ex: FloatArray,
    ex_from: IntArray,
    ex_to: IntArray,
    ordinary: npt.NDArray[np.bool_],
    length: int,
    out_best: FloatArray,
    in_best: FloatArray,
    top: float,
    w_pair: npt.NDArray[np.float32] | None,
    threads: int = 1,
) -> tuple[FloatArray, _Closing | None]:
    """R_e for cycles through each excluded arc e = (u -> v): back from v to u in 1..L-1 hops;
    for three-cycles over the dense graph, a floor (one hop back) and what is left to search
    (_Closing) where the ceiling is positive (where it is not, R_e <= 0 already)."""
    u, v = ex_from, ex_to
    back = out_best[v].copy() if length == 2 else out_best[v] + np.maximum(0.0, in_best[u])
    if length > 3:
        back = out_best[v] + np.maximum(0.0, in_best[u]) + (length - 3) * top
    if length == 2 and w_pair is not None:
        back = w_pair[v, u].astype(np.float64)
    bound = np.where(ordinary, g_ex + back, NEG)
    if length == 3 and w_pair is not None:
        # exact: one hop back, or two through any third community x (max over x of W[v,x]+W[x,u])
        bound = np.where(ordinary, g_ex + np.maximum(w_pair[v, u], NEG), NEG)
        loose = np.where(ordinary, g_ex + out_best[v] + np.maximum(0.0, in_best[u]), NEG)
        todo = np.nonzero(loose > EPS)[0]
        return bound, _Closing(g_ex, ex_from, ex_to, w_pair, threads, todo, loose[todo])
    return bound, None


def _two_hop(w_pair: npt.NDArray[np.float32], a: IntArray, b: IntArray, threads: int = 1) -> FloatArray:
    """max over x of W[a, x] + W[x, b], for each pair (a, b) (sorted by a); the runs of equal a
    shared among `threads` threads (the gathers and maxima release the GIL). Each block gathers
    only the entries it adds, W[b, x] for the x that a reaches, not whole rows of W: on a dump of
    this function's arguments from a pricing round of the bench's 5,000 synthetic communities
    (2.2 million pairs), 4.2-4.5 s on two threads and 8.0 s on one, where whole rows took 5.5-5.6
    s and 9.2 s, with the same values."""
    out = np.full(len(a), NEG)
    w_t = np.ascontiguousarray(w_pair.T)  # w_t[b] = column b: W[x, b] for every x
    starts = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
    stops = np.r_[starts[1:], len(a)]
    runs = list(zip(starts.tolist(), stops.tolist(), strict=True))

    def search(part: list[tuple[int, int]]) -> None:
        for lo, hi in part:  # each run writes its own slice of out
            row = w_pair[a[lo]]
            xs = np.flatnonzero(row > NEG)
            if len(xs) == 0:
                continue
            rx = row[xs]
            block = max(1, TWO_HOP_BLOCK // max(1, len(xs)))
            for s0 in range(lo, hi, block):
                bs = b[s0 : min(hi, s0 + block)]
                out[s0 : s0 + len(bs)] = (w_t[np.ix_(bs, xs)] + rx[None, :]).max(axis=1)

    k = max(1, min(threads, len(runs) // TWO_HOP_RUNS_PER_THREAD))
    if k == 1:
        search(runs)
    else:
        with ThreadPoolExecutor(k, thread_name_prefix="two-hop") as pool:
            for done in [pool.submit(search, runs[i::k]) for i in range(k)]:
                done.result()
    return out


def _reach(
    model: Model, ex_from: IntArray, ex_to: IntArray, ex_gift: npt.NDArray[np.bool_]
) -> list[npt.NDArray[np.bool_]]:
    """reach[k-1][c]: the whole market has a chain whose k-th transfer ends at community c."""
    m = model.market
    n = m.n_communities
    frm = np.concatenate([m.arc_from[~m.arc_gift], ex_from[~ex_gift]])
    to = np.concatenate([m.arc_to[~m.arc_gift], ex_to[~ex_gift]])
    first = np.zeros(n, dtype=np.bool_)
    first[m.arc_to[m.arc_gift]] = True
    first[ex_to[ex_gift]] = True
    reach = [first]
    for _ in range(1, m.settings.max_chain_length):
        nxt = np.zeros(n, dtype=np.bool_)
        nxt[to[reach[-1][frm]]] = True
        reach.append(nxt)
    return reach


def _continue_chains(
    model: Model,
    d: Duals,
    g_work: FloatArray,
    g_ex: FloatArray,
    ex_from: IntArray,
    ex_to: IntArray,
    ex_gift: npt.NDArray[np.bool_],
    ex_gamma: FloatArray,
    ex_rho: FloatArray,
    reach: list[npt.NDArray[np.bool_]],
) -> Duals:
    """`d` with prices for the chain rows (community c, position k) that only the whole market
    has: c reached at position k through excluded arcs alone, so no column of the working LP
    touches the row, and any price >= 0 keeps the Lagrangian bound true.

    Priced at 0 (a row that is not there), every arc out of c at position k + 1 is charged in full
    however little can reach c, and an excluded arc reaching c is priced as if nothing could
    follow it: on 1,000 synthetic communities that charge stayed at 18 M (half the LP) once no
    excluded arc improved, and arc generation had no reason to bring in the arcs that open such
    positions. Priced instead at the most an arc out of c at position k + 1 earns per unit of the
    row (from the last position back), the arcs out of c price at most 0 and the arcs reaching c
    carry what could follow, so they price positive and come in."""
    m = model.market
    depth = m.settings.max_chain_length
    n = m.n_communities
    if depth < 2:
        return d
    chain = [d.chain[k].copy() if k < len(d.chain) else np.zeros(n) for k in range(depth - 1)]
    working = [np.zeros(n, dtype=np.bool_) for _ in range(depth)]
    for k in range(min(depth, model.layers.depth)):
        working[k][m.arc_to[model.layers.arcs[k]]] = True
    ordinary = np.nonzero(~m.arc_gift & (m.arc_cap > 0))[0]
    others = np.nonzero(~ex_gift)[0]
    frm = np.concatenate([m.arc_from[ordinary], ex_from[others]])
    to = np.concatenate([m.arc_to[ordinary], ex_to[others]])
    g = np.concatenate([g_work[ordinary], g_ex[others]])
    gamma = np.maximum(np.concatenate([m.arc_gamma[ordinary], ex_gamma[others]]), EPS)
    rho = np.concatenate([m.arc_rho[ordinary], ex_rho[others]])
    for k in range(depth - 1, 0, -1):  # the row (c, k) holds the arcs out of c at position k + 1
        only = reach[k - 1] & ~working[k - 1]
        if not only.any():
            continue
        out = only[frm]
        earn = g[out] + (model.kappa * rho[out] * chain[k][to[out]] if k < depth - 1 else 0.0)
        best = np.zeros(n)
        np.maximum.at(best, frm[out], earn / gamma[out])
        chain[k - 1][only] = best[only]
    return dataclasses.replace(d, chain=chain)


def _position_bound(
    model: Model,
    d: Duals,
    g_ex: FloatArray,
    ex_from: IntArray,
    ex_to: IntArray,
    ex_gift: npt.NDArray[np.bool_],
    reach: list[npt.NDArray[np.bool_]],
    ex_gamma: FloatArray,
    ex_rho: FloatArray,
) -> FloatArray:
    """Excluded arcs as chain arcs by position: exact reduced costs, best position."""
    depth = model.market.settings.max_chain_length
    kappa = model.kappa
    best = np.where(ex_gift, g_ex + kappa * ex_rho * _chain_dual(d, 1, ex_to), NEG)
    for k in range(2, depth + 1):
        rc = g_ex - ex_gamma * _chain_dual(d, k - 1, ex_from) + kappa * ex_rho * _chain_dual(d, k, ex_to)
        best = np.maximum(best, np.where(ex_gift | ~reach[k - 2][ex_from], NEG, rc))
    return best


def _position_working(
    model: Model, d: Duals, g_work: FloatArray, corr: FloatArray, reach: list[npt.NDArray[np.bool_]]
) -> None:
    """Working arcs at chain positions the working LP does not offer them (a community reached
    only through an excluded arc): raise their offers' prices too."""
    m = model.market
    depth = m.settings.max_chain_length
    kappa = model.kappa
    ordinary = np.nonzero(~m.arc_gift & (m.arc_cap > 0))[0]
    for k in range(2, depth + 1):
        in_layer = np.zeros(m.n_arcs, dtype=np.bool_)
        if k <= model.layers.depth:
            in_layer[model.layers.arcs[k - 1]] = True
        arcs = ordinary[~in_layer[ordinary] & reach[k - 2][m.arc_from[ordinary]]]
        if len(arcs) == 0:
            continue
        rc = g_work[arcs] - m.arc_gamma[arcs] * _chain_dual(d, k - 1, m.arc_from[arcs])
        rc += kappa * m.arc_rho[arcs] * _chain_dual(d, k, m.arc_to[arcs])
        np.maximum.at(corr, arcs, np.maximum(rc, 0.0))
    gifts = np.nonzero(m.arc_gift & (m.arc_cap > 0))[0]
    if model.layers.depth == 0 and len(gifts):
        rc = g_work[gifts] + kappa * m.arc_rho[gifts] * _chain_dual(d, 1, m.arc_to[gifts])
        np.maximum.at(corr, gifts, np.maximum(rc, 0.0))


def _chain_walk_bound(
    model: Model,
    g_ex: FloatArray,
    ex_from: IntArray,
    ex_to: IntArray,
    ex_gift: npt.NDArray[np.bool_],
    g_work: FloatArray,
    weight: Callable[[FloatArray], FloatArray],
    out_best: FloatArray,
    in_best: FloatArray,
    top: float,
    w_pair: npt.NDArray[np.float32] | None,
) -> FloatArray:
    """Chains listed as columns: R_e through the best walk from a gift to e and on from e."""
    m = model.market
    depth = m.settings.max_chain_length
    n = m.n_communities
    gift_in = np.full(n, NEG)
    gifts = np.nonzero(m.arc_gift)[0]
    np.maximum.at(gift_in, m.arc_to[gifts], weight(g_work[gifts]))
    if ex_gift.any():
        np.maximum.at(gift_in, ex_to[ex_gift], weight(g_ex[ex_gift]))
    # prefix[k][c]: best walk of k hops from a gift ending at c; suffix[j][c]: best of <= j hops on
    prefix = [np.full(n, NEG), gift_in]
    suffix = [np.zeros(n)]
    for _ in range(2, depth + 1):
        if w_pair is not None:
            prev = prefix[-1].astype(np.float32)
            nxt = np.full(n, NEG)
            alive = np.flatnonzero(prev > NEG)
            if len(alive):
                nxt = (prev[alive, None] + w_pair[alive]).max(axis=0).astype(np.float64)
        else:
            nxt = float(prefix[-1].max()) + in_best
        prefix.append(nxt)
    for _ in range(1, depth):
        if w_pair is not None:
            cont = (w_pair + suffix[-1][None, :].astype(np.float32)).max(axis=1).astype(np.float64)
        else:
            cont = out_best + float(suffix[-1].max())
        suffix.append(np.maximum(0.0, np.maximum(suffix[-1], cont)))
    best = np.where(ex_gift, g_ex + suffix[depth - 1][ex_to], NEG)
    for k in range(2, depth + 1):
        through = g_ex + prefix[k - 1][ex_from] + suffix[depth - k][ex_to]
        best = np.maximum(best, np.where(ex_gift, NEG, through))
    del top
    return best
