"""A whole-market bound that keeps the cycle limit: aggregated pricing by community pairs.

The LP (lp.py) runs over the working arcs and gives row prices y >= 0 (the duals). Any y gives
the Lagrangian bound of the whole market

    L(y) = y . b + max { sum over columns j of rc_j * x_j : x >= 0 in X }

where rc_j is column j's reduced cost and X holds constraints every answer meets and that we
choose to keep. We keep the offer rows: columns together move at most V, the total value offered.

Reduced cost of a hop offer o -> need j (per unit of value moved, tail rows, fixed costs and
tie-break penalties left out: they only lower it) is at most

    g = priority_j - transport - y_offer[o] + share_o - (y_need[j] - share_j) / value(o)

Transport is at least tau(item) * road km, with tau the cheapest per-value rate of the item and
road km the great-circle distance times the road factor; distance limits, lots and named-offer
lists are dropped (a larger arc set, so still a bound). So the best hop from community u to v is

    h(u, v) = max over items c of  A[u, c] + B[c, v] - tau_c * D[u, v]

A[u, c] the best offer term of u in item c, B[c, v] the best need term of v accepting c: one
pass over the items, every pair of communities at once (numpy).

Cycles. Within a column no hop moves more than rho times another (pricing.drift), so with
q the smallest hop value, rc_j <= q * sum over hops of w(h), w(h) = rho * h if h > 0 else h.
Let W be the best such sum over closed walks of 2..L hops through distinct communities (L <= 3:
exact over h). A cycle moves at least 2q through offer rows, so its columns add at most
max(0, W) / 2 per unit of value offered. Chains listed as columns: a walk from a gift of at most
K hops, at least q through offer rows: max(0, best walk). Chain arcs by position are single
arcs with chain-row prices: max(0, best h_k(u, v) + chain terms) per unit. Hence

    L(y) <= y . b + max(0, W / 2, chains) * V,

a bound at any iteration. When the oracle finds nothing positive it is y . b, the LP's value
at convergence: the whole-market LP optimum. The cycles attaining W name concrete arcs
(the argmax offers and needs), which the engine can bring into the working set.

Own terms (terms.py): rho (pricing.drift) covers the larger drift between hops they allow, and
chain rows weigh an arc by at least its giver's least gamma and at most its receiver's largest
rho, so every bound above still holds.

Circulation models (no cycle limit, or flows relaxing an incomplete enumeration) and markets
above DENSE_MAX communities are left to the other bounds (None).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from barter.domain.geo import great_circle_km
from barter.matching.columns import Duals, Model, need_tail, offer_tail
from barter.matching.pricing import _two_hop, drift

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

DENSE_MAX = 1_500  # communities: dense pair matrices; 1,000 take 1.3 s, 5,000 took 54 s (load 7)
NEG = -np.inf
SAFETY = 1e-9


@dataclass(slots=True)
class Aggregate:
    bound: float  # scaled objective units: a bound of the whole market's objective (no penalties)
    rate: float  # the best reduced cost per unit of value offered (0: nothing improves)
    cycles: list[tuple[int, ...]] = field(default_factory=list)  # best community cycles found


def _served(model: Model) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """(offers, needs) with at least one acceptable arc in the whole market (the others can move
    nothing, whatever their prices), computed once per market."""
    m = model.market
    cached = _SERVED.get(id(m))
    if cached is not None and cached[0] is m:
        return cached[1], cached[2]
    offers = np.zeros(len(m.offer_qty), dtype=np.bool_)
    needs = np.zeros(len(m.need_qty), dtype=np.bool_)
    for j, cand, _, _ in m.whole.each():
        if len(cand):
            offers[cand] = True
            needs[j] = True
    offers &= m.offer_qty > 0
    _SERVED.clear()
    _SERVED[id(m)] = (m, offers, needs)
    return offers, needs


_SERVED: dict[int, tuple[object, npt.NDArray[np.bool_], npt.NDArray[np.bool_]]] = {}


@dataclass(slots=True)
class Special:
    """A need only some communities can serve (named offers, or a distance limit)."""

    community: int
    item: int
    term: float
    sources: IntArray  # the communities that may serve it


Terms = tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray, list[Special]]


def _terms(model: Model, d: Duals) -> Terms:
    """(A ordinary, A gift, B, tau, D, specials): offer terms per (community, item), need terms
    per (item, community) of the needs any community may serve, transport per value and km per
    item, road km per community pair, and the needs only some communities may serve."""
    m = model.market
    inst = m.instance
    n, n_items = m.n_communities, len(inst.items)
    items = {it.id: k for k, it in enumerate(inst.items)}
    by_category: dict[str, list[int]] = {}
    for it in inst.items:
        by_category.setdefault(it.category, []).append(items[it.id])
    offer_item = np.array([items[o.item] for o in inst.offers], dtype=np.int64)
    live = _served(model)[0]
    a_off = -d.offer + model.offer_share * d.share_offer
    a_ord = np.full((n, n_items), NEG)
    a_gift = np.full((n, n_items), NEG)
    for target, mask in ((a_ord, live & ~m.offer_gift), (a_gift, live & m.offer_gift)):
        o = np.nonzero(mask)[0]
        np.maximum.at(target, (m.offer_comm[o], offer_item[o]), a_off[o])
    item_val = np.array([it.value for it in inst.items], dtype=np.float64)
    tc = m.settings.transport_cost_per_kg_km
    tau = np.full(n_items, np.inf)
    if len(offer_item):
        np.minimum.at(tau, offer_item, tc * m.offer_kg / m.offer_val)
    tau[~np.isfinite(tau)] = 0.0
    tau = np.maximum(tau, 0.0)
    w = m.whole
    dist = great_circle_km(w.lat[:, None], w.lon[:, None], w.lat[None, :], w.lon[None, :]) * w.road
    dist = np.maximum(dist * (1.0 - 1e-9) - 1e-9, 0.0)  # never above the market's own road km
    need_rows, need_items = [], []
    specials: list[Special] = []
    takes = _served(model)[1]
    for j, need in enumerate(inst.needs):
        if m.need_qty[j] <= 0 or not takes[j]:
            continue
        v = int(m.need_comm[j])
        if need.accept_offers is not None or need.max_distance_km is not None:
            # only some communities can serve it: the named offers' or those near enough
            if need.accept_offers is not None:
                listed = [w.offer_index[x] for x in need.accept_offers]
                pairs = {(int(m.offer_comm[o]), int(offer_item[o])) for o in listed}
            else:
                if need.item is not None:
                    cats = [items[need.item]] if need.item in items else []
                else:
                    cats = by_category.get(need.category or "", [])
                pairs = {(-1, k) for k in cats}
            near = np.ones(n, dtype=np.bool_)
            if need.max_distance_km is not None:
                near = dist[:, v] <= need.max_distance_km + 1e-6
            own = float(d.need[j] - model.need_share[j] * d.share_need[j])
            for k in sorted({k for _, k in pairs}):
                ok = near.copy()
                if need.accept_offers is not None:
                    allowed = np.zeros(n, dtype=np.bool_)
                    allowed[[u for u, kk in pairs if kk == k]] = True
                    ok &= allowed
                ok[v] = False
                us = np.flatnonzero(ok)
                if len(us):
                    term = float(m.need_priority[j]) - own / float(item_val[k])
                    specials.append(Special(v, k, term, us))
            continue
        if need.item is not None:
            ks = [items[need.item]] if need.item in items else []
        else:
            ks = by_category.get(need.category or "", [])
        need_rows.extend([j] * len(ks))
        need_items.extend(ks)
    b = np.full((n_items, n), NEG)
    if need_rows:
        j_arr = np.array(need_rows, dtype=np.int64)
        k_arr = np.array(need_items, dtype=np.int64)
        price = d.need[j_arr] - model.need_share[j_arr] * d.share_need[j_arr]
        terms = m.need_priority[j_arr] - price / item_val[k_arr]
        np.maximum.at(b, (k_arr, m.need_comm[j_arr]), terms)
    return a_ord, a_gift, b, tau, dist, specials


def _pairs(
    a: FloatArray, b: FloatArray, tau: FloatArray, dist: FloatArray, specials: list[Special]
) -> FloatArray:
    """h(u, v) = max over items c of a[u, c] + b[c, v] - tau_c * dist[u, v]; -inf on u == v;
    the special needs only from their sources."""
    n = a.shape[0]
    h = np.full((n, n), NEG)
    for c in range(a.shape[1]):
        us = np.flatnonzero(a[:, c] > NEG)
        vs = np.flatnonzero(b[c] > NEG)
        if len(us) == 0 or len(vs) == 0:
            continue
        block = a[us, c][:, None] + b[c, vs][None, :]
        if tau[c] > 0:
            block -= tau[c] * dist[np.ix_(us, vs)]
        h[np.ix_(us, vs)] = np.maximum(h[np.ix_(us, vs)], block)
    for sp in specials:
        us, c, v = sp.sources, sp.item, sp.community
        h[us, v] = np.maximum(h[us, v], a[us, c] + sp.term - tau[c] * dist[us, v])
    np.fill_diagonal(h, NEG)
    return h


def aggregate_bound(model: Model, d: Duals) -> Aggregate | None:
    """The Lagrangian bound of the whole market at prices `d` (see the module docstring)."""
    m = model.market
    s = m.settings
    n = m.n_communities
    length = s.max_cycle_length
    if model.flow_arcs.size or length == 0 or length > 3 or not model.complete or n > DENSE_MAX:
        return None
    rho = drift(model)
    a_ord, a_gift, b, tau, dist, specials = _terms(model, d)
    h = _pairs(a_ord, b, tau, dist, specials)
    w = np.where(h > 0, rho * h, h)
    best = 0.0  # per unit of value offered
    cycles: list[tuple[int, ...]] = []
    if length >= 2:
        two = w + w.T
        u, v = np.unravel_index(int(np.argmax(two)), two.shape)
        if two[u, v] > 0:
            best = max(best, float(two[u, v]) / 2)
            cycles.append((int(u), int(v)))
    if length >= 3:
        out_best, in_best = w.max(axis=1), w.max(axis=0)
        # a 3-cycle u -> v -> x -> u: w[u, v] + w[v, x] + w[x, u] <= w[u, v] + out[v] + in[u]
        loose = w + out_best[None, :] + in_best[:, None]
        cand = np.flatnonzero(loose.ravel() > 2 * best)
        if len(cand):
            cand = cand[np.argsort(-loose.ravel()[cand], kind="stable")]
            w32 = w.astype(np.float32)
            w3 = 2 * best
            chunk = 4096
            for start in range(0, len(cand), chunk):
                part = cand[start : start + chunk]
                if loose.ravel()[part[0]] <= w3:
                    break
                us, vs = part // n, part % n
                order = np.argsort(vs, kind="stable")
                back = np.empty(len(part))
                back[order] = _two_hop(w32, vs[order], us[order])
                total = w[us, vs] + back
                i = int(np.argmax(total))
                if total[i] > w3:
                    w3 = float(total[i])
                    cycles.append((int(us[i]), int(vs[i])))
            best = max(best, w3 / 2)
    chains = walked = 0.0
    depth = s.max_chain_length
    if depth > 0 and bool(m.offer_gift.any()):
        h_gift = _pairs(a_gift, b, tau, dist, specials)
        listed = _chains_listed(model)
        # chains by position, the whole market's unless the working model lists them as columns:
        # also when no gift is among the working arcs (no layers), or a gift left out that only
        # pays through the chain it opens was left out of the bound too (it answered 0 below an
        # answer worth 2,889 baht: tests/matching/test_whole_market.py)
        if model.layers.depth or not listed:
            chain = _chain_prices(model, d)
            kappa = model.kappa
            # own terms: an arc u -> v weighs gamma >= gamma_lo[u] in u's row and rho <=
            # rho_hi[v] in v's (prices >= 0), so these stay above every arc's reduced cost
            gamma_lo, rho_hi = m.gamma_lo, m.rho_hi
            chains = float((h_gift + kappa * rho_hi[None, :] * chain(1)[None, :]).max())
            for k in range(2, depth + 1):
                rc = (
                    h
                    - gamma_lo[:, None] * chain(k - 1)[:, None]
                    + kappa * rho_hi[None, :] * chain(k)[None, :]
                )
                chains = max(chains, float(rc.max()))
        if listed:
            walk = np.where(h_gift > 0, rho * h_gift, h_gift).max(axis=0)
            walked = float(walk.max())
            for _ in range(2, depth + 1):
                walk = (walk[:, None] + w).max(axis=0)
                walked = max(walked, float(walk.max()))
            chains = max(chains, walked)
    rate = max(best, chains, 0.0)
    live = _served(model)[0]
    cap = np.where(live, m.offer_qty * m.offer_val / m.scale, 0.0)
    value = float(cap.sum())
    per_offer = _per_offer(model, d, b, tau, dist, specials, h, rho, walked)
    excess = min(rate * value, float(cap @ per_offer))
    rhs = float(
        d.offer @ (m.offer_qty * m.offer_val / m.scale)
        + d.need @ (m.need_qty / m.scale)
        + d.tail_offer @ offer_tail(m)
        + d.tail_need @ need_tail(m)
    )
    bound = (rhs + excess) * (1.0 + SAFETY) + SAFETY
    return Aggregate(bound=bound, rate=rate, cycles=cycles)


CLOSE_EXACT = 400  # communities: up to this, two-hop closures are exact (n**3 work: 1,000 take 6 s)


def _chains_listed(model: Model) -> bool:
    """The working model lists chains as columns (families "chain"), not by position."""
    return any(key[0] == "chain" for key in model.families)


def _chain_prices(model: Model, d: Duals) -> Callable[[int], FloatArray]:
    """k -> the prices of the chain rows (community, k), 0 where the model has no such row."""
    rows = len(model.chain_rows)
    n = model.market.n_communities

    def chain(k: int) -> FloatArray:
        return d.chain[k - 1] if 1 <= k <= rows else np.zeros(n)

    return chain


def _closure(h: FloatArray, rho: float, length: int) -> FloatArray:
    """close[v, u]: the best way back from v to u in 1..length-1 hops, each hop weighted as
    seen from another hop of the same column (rho * g where g > 0, g / rho otherwise)."""
    w = np.where(h > 0, rho * h, h / rho)
    close = w.copy() if length >= 2 else np.full(h.shape, NEG)
    if length >= 3:
        n = h.shape[0]
        if n <= CLOSE_EXACT:
            w32 = w.astype(np.float32)
            block = max(1, 8_000_000 // max(1, n * n))
            for lo in range(0, n, block):
                hi = min(n, lo + block)
                two = (w32[lo:hi, :, None] + w32[None, :, :]).max(axis=1)
                close[lo:hi] = np.maximum(close[lo:hi], two.astype(np.float64))
        else:
            close = np.maximum(close, w.max(axis=1)[:, None] + w.max(axis=0)[None, :])
    return close


def _through(
    b: FloatArray, tau: FloatArray, dist: FloatArray, after: FloatArray, specials: list[Special]
) -> FloatArray:
    """t[u, c] = max over v of b[c, v] - tau_c * dist[u, v] + after[v, u]  (u != v), the
    special needs only from their sources."""
    n, n_items = dist.shape[0], b.shape[0]
    out = np.full((n, n_items), NEG)
    after_t = np.ascontiguousarray(after.T)  # after_t[u, v] = after[v, u]
    np.fill_diagonal(after_t, NEG)
    for c in range(n_items):
        vs = np.flatnonzero(b[c] > NEG)
        if len(vs) == 0:
            continue
        block = b[c, vs][None, :] + after_t[:, vs]
        if tau[c] > 0:
            block -= tau[c] * dist[:, vs]
        out[:, c] = block.max(axis=1)
    for sp in specials:
        us, c, v = sp.sources, sp.item, sp.community
        out[us, c] = np.maximum(out[us, c], sp.term - tau[c] * dist[us, v] + after[v, us])
    return out


def _per_offer(
    model: Model,
    d: Duals,
    b: FloatArray,
    tau: FloatArray,
    dist: FloatArray,
    specials: list[Special],
    h: FloatArray,
    rho: float,
    walked: float,
) -> FloatArray:
    """Per offer, what one unit of its value can add through any column (>= 0).

    A column j through hop e of offer o has rc_j <= q_e * R_o: R_o is o's own term, its best
    need community v, and the best way back (cycles) or on (chains by position). A cycle has at
    least two hops and rc_j <= min over its hops, so at most half of sum over hops of q_e * R_o:
    cycles count R_o / 2 per unit of value their hops take from o. Chain columns listed as
    families count the best walk (`walked`, per unit of their smallest hop, so per unit at o).
    """
    m = model.market
    s = m.settings
    inst = m.instance
    n = m.n_communities
    items = {it.id: k for k, it in enumerate(inst.items)}
    offer_item = np.array([items[o.item] for o in inst.offers], dtype=np.int64)
    a_off = -d.offer + model.offer_share * d.share_offer
    u, c = m.offer_comm, offer_item
    rate = np.zeros(len(m.offer_qty))
    ordinary = ~m.offer_gift
    length = s.max_cycle_length
    if length >= 2:
        cyc = _through(b, tau, dist, _closure(h, rho, length), specials)
        r = a_off + cyc[u, c]
        rate = np.where(ordinary, np.maximum(rate, r / 2), rate)
    depth = s.max_chain_length
    if depth > 0 and bool(m.offer_gift.any()):
        listed = _chains_listed(model)
        if model.layers.depth or not listed:  # chains by position (see aggregate_bound)
            chain = _chain_prices(model, d)
            zero = np.zeros((n, n))
            rho_hi = m.rho_hi  # own terms: see aggregate_bound
            first = _through(b, tau, dist, zero + model.kappa * (rho_hi * chain(1))[:, None], specials)
            rate = np.where(~ordinary, np.maximum(rate, a_off + first[u, c]), rate)
            for k in range(2, depth + 1):
                at_k = _through(b, tau, dist, zero + model.kappa * (rho_hi * chain(k))[:, None], specials)
                r = a_off + at_k[u, c] - m.offer_gamma * chain(k - 1)[u]
                rate = np.where(ordinary, np.maximum(rate, r), rate)
        if listed:
            rate = np.maximum(rate, walked)
    return np.maximum(rate, 0.0)
