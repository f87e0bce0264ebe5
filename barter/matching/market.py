"""An instance indexed for solving, and its candidate arcs (offer -> need).

Everything the solver touches is a number in a numpy array. Value flows are in *scaled value
units*: baht (or whatever `items[].value` measures) divided by `Market.scale`, so that the LPs
see numbers near 1.

Candidate arcs (the sparsification rule, see `K_BEST`):
  * an arc joins an offer to a need of another community when the need accepts the offer
    (accept_offers, else item, else category), within `max_distance_km`, with positive quantities;
  * a need given by `accept_offers` keeps every offer on its list (people chose them);
  * a need given by item or category keeps its `K_BEST` offers with the highest net value per
    baht (priority minus transport cost per baht moved), nearer first; offers tied with the
    K-th on both keep their place too, so markets where every offer is alike (one-unit goods
    at one place) are not cut at all.
The proved bound is a bound over these candidate arcs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from barter.matching.model import Instance, Settings

K_BEST = 8
PENALTY_BUDGET = 0.25  # baht: the most preference tie-breaks may weigh in all
EARTH_RADIUS_KM = 6371.0088
EPS = 1e-9

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Market:
    instance: Instance
    settings: Settings
    scale: float
    # offers
    offer_comm: IntArray
    offer_val: FloatArray  # value of one unit of the offered item
    offer_kg: FloatArray
    offer_qty: FloatArray
    offer_lot: FloatArray
    offer_gift: BoolArray
    # needs
    need_comm: IntArray
    need_qty: FloatArray
    need_lot: FloatArray
    need_priority: FloatArray
    # arcs
    arc_offer: IntArray
    arc_need: IntArray
    arc_from: IntArray  # giving community
    arc_to: IntArray  # receiving community
    arc_val: FloatArray  # value of one unit moved on the arc
    arc_dist: FloatArray  # km, road factor included
    arc_gain: FloatArray  # objective per unit of value moved (priority - transport per baht)
    arc_pen: FloatArray  # tie-break penalty per unit of value moved (accept_offers rank)
    arc_rank: FloatArray  # position of the offer in the need's accept_offers (0 otherwise)
    arc_cap: FloatArray  # scaled value: the most the arc can carry
    arc_lot: FloatArray  # scaled value: the least a transfer may carry (model's own rule)
    arc_fixed: BoolArray  # all-or-nothing: a transfer carries exactly arc_cap
    arc_gift: BoolArray
    penalty_bound: float  # the most the tie-break penalties can sum to, in baht
    integral: bool  # every feasible answer has an integer objective

    @property
    def n_communities(self) -> int:
        return len(self.instance.communities)

    @property
    def n_arcs(self) -> int:
        return len(self.arc_offer)


def haversine_km(lat1: FloatArray, lon1: FloatArray, lat2: FloatArray, lon2: FloatArray) -> FloatArray:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(lon2 - lon1)
    h = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    out: FloatArray = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return out


def build_market(instance: Instance, settings: Settings | None = None) -> Market:
    """Index `instance` (assumed sound: see model.problems) and choose its candidate arcs."""
    settings = settings or instance.settings
    comm_index = {c.id: i for i, c in enumerate(instance.communities)}
    lat = np.array([c.lat for c in instance.communities], dtype=np.float64)
    lon = np.array([c.lon for c in instance.communities], dtype=np.float64)
    items = {it.id: it for it in instance.items}
    offers, needs = instance.offers, instance.needs

    offer_comm = np.array([comm_index[o.community] for o in offers], dtype=np.int64)
    offer_val = np.array([items[o.item].value for o in offers], dtype=np.float64)
    offer_kg = np.array([items[o.item].kg_per_unit for o in offers], dtype=np.float64)
    offer_qty = np.array([o.quantity for o in offers], dtype=np.float64)
    offer_lot = np.array([o.min_lot for o in offers], dtype=np.float64)
    offer_gift = np.array([o.gift for o in offers], dtype=np.bool_)
    need_comm = np.array([comm_index[n.community] for n in needs], dtype=np.int64)
    need_qty = np.array([n.quantity for n in needs], dtype=np.float64)
    need_lot = np.array([n.min_lot for n in needs], dtype=np.float64)
    need_priority = np.array([n.priority for n in needs], dtype=np.float64)

    offer_index = {o.id: i for i, o in enumerate(offers)}
    by_item: dict[str, list[int]] = {}
    by_category: dict[str, list[int]] = {}
    for i, o in enumerate(offers):
        if o.quantity > EPS:
            by_item.setdefault(o.item, []).append(i)
            by_category.setdefault(items[o.item].category, []).append(i)
    pools = {key: np.array(value, dtype=np.int64) for key, value in by_item.items()}
    category_pools = {key: np.array(value, dtype=np.int64) for key, value in by_category.items()}

    tc = settings.transport_cost_per_kg_km
    road = settings.road_factor
    chunks_offer: list[IntArray] = []
    chunks_need: list[IntArray] = []
    chunks_rank: list[FloatArray] = []
    max_rank = np.zeros(len(needs), dtype=np.float64)
    empty = np.zeros(0, dtype=np.int64)
    for j, need in enumerate(needs):
        if need.quantity <= EPS:
            continue
        c = need_comm[j]
        explicit = need.accept_offers is not None
        if explicit:
            listed = [offer_index[x] for x in need.accept_offers or ()]
            cand = np.array(listed, dtype=np.int64) if listed else empty
            rank = np.arange(len(cand), dtype=np.float64)
        elif need.item is not None:
            cand = pools.get(need.item, empty)
            rank = np.zeros(len(cand), dtype=np.float64)
        else:
            cand = category_pools.get(need.category or "", empty)
            rank = np.zeros(len(cand), dtype=np.float64)
        if len(cand) == 0:
            continue
        keep = (offer_comm[cand] != c) & (offer_qty[cand] > EPS)
        if explicit:
            # an offer listed twice counts once, at its best rank
            _, first = np.unique(cand, return_index=True)
            once = np.zeros(len(cand), dtype=np.bool_)
            once[first] = True
            keep &= once
        cand, rank = cand[keep], rank[keep]
        if len(cand) == 0:
            continue
        dist = haversine_km(lat[offer_comm[cand]], lon[offer_comm[cand]], lat[c], lon[c]) * road
        if need.max_distance_km is not None:
            near = dist <= need.max_distance_km + 1e-9
            cand, rank, dist = cand[near], rank[near], dist[near]
        if not explicit and len(cand) > K_BEST:
            net = need.priority - tc * offer_kg[cand] * dist / offer_val[cand]
            order = np.lexsort((cand, dist, -net))
            kth = order[K_BEST - 1]
            tied = (net == net[kth]) & (dist == dist[kth])
            chosen = np.zeros(len(cand), dtype=np.bool_)
            chosen[order[:K_BEST]] = True
            chosen |= tied
            cand, rank = cand[chosen], rank[chosen]
        if len(cand) == 0:
            continue
        chunks_offer.append(cand)
        chunks_need.append(np.full(len(cand), j, dtype=np.int64))
        chunks_rank.append(rank)
        max_rank[j] = float(rank.max()) if len(rank) else 0.0

    arc_offer = np.concatenate(chunks_offer) if chunks_offer else empty
    arc_need = np.concatenate(chunks_need) if chunks_need else empty
    arc_rank = np.concatenate(chunks_rank) if chunks_rank else np.zeros(0)

    # an all-or-nothing need takes one transfer of its whole quantity (anything smaller would
    # have to be its last, taking all that remains, which is then the whole): an offer with less
    # can never serve it; likewise an all-or-nothing offer and a smaller need
    q_o, q_n = offer_qty[arc_offer], need_qty[arc_need]
    possible = ~((need_lot[arc_need] >= q_n - EPS) & (q_o < q_n - EPS))
    possible &= ~((offer_lot[arc_offer] >= q_o - EPS) & (q_n < q_o - EPS))
    arc_offer, arc_need, arc_rank = arc_offer[possible], arc_need[possible], arc_rank[possible]
    arc_from = offer_comm[arc_offer]
    arc_to = need_comm[arc_need]
    arc_val = offer_val[arc_offer]
    arc_dist = haversine_km(lat[arc_from], lon[arc_from], lat[arc_to], lon[arc_to]) * road
    q_o, q_n = offer_qty[arc_offer], need_qty[arc_need]
    cap_qty = np.minimum(q_o, q_n)
    lot_qty = np.maximum(np.minimum(offer_lot[arc_offer], q_o), np.minimum(need_lot[arc_need], q_n))
    need_aon = need_lot[arc_need] >= q_n - EPS
    offer_aon = offer_lot[arc_offer] >= q_o - EPS
    fixed = (need_aon & (q_n <= q_o + EPS)) | (offer_aon & (q_o <= q_n + EPS))

    values = arc_val * cap_qty
    scale = float(np.median(values)) if len(values) else 1.0
    scale = scale if scale > 0 else 1.0
    # tie-break: at most PENALTY_BUDGET objective units in all, so integer objectives stay
    # integer and the LP bound, which must allow for it, stays tight
    weight = float(np.sum(need_qty * max_rank))
    delta = PENALTY_BUDGET / weight if weight > 0 else 0.0
    gain = need_priority[arc_need] - tc * offer_kg[arc_offer] * arc_dist / arc_val

    integral = _integral(settings, fixed, gain * values, len(arc_offer))
    return Market(
        instance=instance,
        settings=settings,
        scale=scale,
        offer_comm=offer_comm,
        offer_val=offer_val,
        offer_kg=offer_kg,
        offer_qty=offer_qty,
        offer_lot=offer_lot,
        offer_gift=offer_gift,
        need_comm=need_comm,
        need_qty=need_qty,
        need_lot=need_lot,
        need_priority=need_priority,
        arc_offer=arc_offer,
        arc_need=arc_need,
        arc_from=arc_from,
        arc_to=arc_to,
        arc_val=arc_val,
        arc_dist=arc_dist,
        arc_gain=gain,
        arc_pen=delta * arc_rank / arc_val,
        arc_rank=arc_rank,
        arc_cap=values / scale,
        arc_lot=lot_qty * arc_val / scale,
        arc_fixed=fixed,
        arc_gift=offer_gift[arc_offer],
        penalty_bound=PENALTY_BUDGET if weight > 0 else 0.0,
        integral=integral,
    )


def _integral(settings: Settings, fixed: BoolArray, contributions: FloatArray, n: int) -> bool:
    """True when every answer's objective is a whole number (one-unit goods, whole values)."""
    if n == 0 or not bool(fixed.all()):
        return False
    if not float(settings.exchange_fixed_cost).is_integer():
        return False
    return bool(np.all(np.abs(contributions - np.round(contributions)) < 1e-9))
