"""An instance indexed for solving, and its candidate arcs (offer -> need).

Everything the solver touches is a number in a numpy array. Value flows are in *scaled value
units*: baht (or whatever `items[].value` measures) divided by `Market.scale`, so that the LPs
see numbers near 1.

Arcs. The *acceptable* arcs (`Acceptable.arcs`) are the whole market: an offer and a need of
another community, the need accepting the offer (accept_offers, else item, else category), within
the need's `max_distance_km`, with positive quantities, in time (the goods can leave while the
offer is available, arrive by the need's `needed_by`, and travel within their share of the
item's shelf life), with transport worth paying (at most `max_transport_share` of the value
moved), and not among the instance's `excluded` arcs (declined, cooling down). Distance is
otherwise a cost (transport per kg-km).

The *working* arcs are a subset, for speed only:
  * a need given by `accept_offers` keeps every offer on its list (people chose them);
  * a need given by item or category keeps its `K_BEST` offers with the highest net value per
    baht (priority minus transport cost per baht moved), nearer first; offers tied with the
    K-th on both keep their place too, so markets where every offer is alike (one-unit goods
    at one place) are not cut at all;
  * and, however far, its `K_BACK` best offers (the same order) whose owners need something its
    own community offers: partners for a two-way trade (a fishing village's rice is far away);
  * plus the arcs pricing brought in (`extra`): barter.matching.pricing prices every excluded
    acceptable arc against the LP's duals, and the engine adds those that could improve it.
No bound is reported over the working arcs alone: pricing turns the working LP's bound into a
bound of the whole market (pricing.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from barter.domain.geo import great_circle_km
from barter.domain.transit import transit_days
from barter.matching.model import Instance, Settings
from barter.matching.terms import (
    community_factors,
    need_own_values,
    offer_factors,
    receiver_factors,
    skew_bound,
)

K_BEST = 8
# partners that could give back at once, kept however far (see _working): of 1,000 synthetic
# communities at 30 s (PRICING_LP_GAP 0.05), 8 per need gave 28.9 M, 16 30.3-30.8 M, 24 30.8-31.3 M
K_BACK = 24
WHOLE_MARKET_ARCS = 6_000  # up to this many acceptable arcs, every one is a working arc
PENALTY_BUDGET = 0.25  # baht: the most preference tie-breaks may weigh in all
EPS = 1e-9
# (need, offer) pairs the hard rules are applied to at once: arrays of this many numbers stay in the
# CPU's cache and are reused, where one array over the whole market (millions of pairs) would be
# slow to allocate, and one pass per need slow in Python
BLOCK_CELLS = 32_768
EACH_NEEDS = 2_000  # needs whose arcs Acceptable.each holds at once

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
    # own terms (terms.py): the giver's own value of one unit of value moved on the arc (its
    # offer's own value over the reference value), and the receiver's (its need's own value over
    # the reference value); 1 where the listing carries no own terms
    arc_gamma: FloatArray
    arc_rho: FloatArray
    offer_gamma: FloatArray  # per offer: own value / reference value (1: none)
    need_own: FloatArray  # per need: own value of one unit received (nan: none)
    terms: bool  # some listing carries own terms
    # per community: the least gamma of its offers, the largest, the least rho of its needs,
    # the largest (terms.community_factors; 1 without own terms)
    gamma_lo: FloatArray
    gamma_hi: FloatArray
    rho_lo: FloatArray
    rho_hi: FloatArray
    skew: float  # P >= 1: every skew lies in [1 / P, P] (1 without own terms)
    penalty_bound: float  # the most the tie-break penalties can sum to, in baht
    integral: bool  # every feasible answer has an integer objective
    whole: Acceptable  # every acceptable arc, for pricing the ones left out
    n_excluded: int  # acceptable arcs not among the working ones

    @property
    def n_communities(self) -> int:
        return len(self.instance.communities)

    @property
    def n_arcs(self) -> int:
        return len(self.arc_offer)


@dataclass(frozen=True, slots=True)
class Acceptable:
    """Every acceptable arc of the whole market, generated in blocks of needs that share their
    candidate offers (never all stored: 20,000 communities have some 90 million). The hard rules
    only: the need accepts the offer
    (accept_offers, else item, else category), another community, positive quantities, within
    the need's `max_distance_km`, not an all-or-nothing side the other cannot fill, in time and
    worth its transport:

      * the goods leave on day max(today + lead_days, available_from), which must not be after
        available_until (days are counted from the start of the day; with no `today` in the
        instance the lead time is unknown and only available_from counts);
      * they arrive by the end of needed_by, travelling `transit_days` (barter.domain.transit);
      * their transit takes at most `shelf_life_share` of the item's shelf life;
      * transport (cost per kg-km x kg x road km) is at most `max_transport_share` of the value
        moved.

    Every bound of the engine (pricing.py, relaxation.py, aggregate.py) and its working arcs
    read the market from here, so they are bounds of the market under these rules."""

    instance: Instance
    road: float
    tc: float  # baht per kg-km (see cost_per_kg_km)
    transport_share: float
    days_per_km: float
    offer_leave: FloatArray  # day number (date.toordinal) the goods can leave; -inf: any day
    offer_open: BoolArray  # the goods can leave while the offer is available
    offer_shelf: FloatArray  # days the goods may travel; +inf: they keep
    offer_kg_per_value: FloatArray  # kg per baht of the offered item
    need_by: FloatArray  # day number by whose start the goods must be there; +inf: any day
    need_km: FloatArray  # max_distance_km; +inf: none
    lat: FloatArray
    lon: FloatArray
    offer_comm: IntArray
    offer_qty: FloatArray
    offer_lot: FloatArray
    need_comm: IntArray
    need_qty: FloatArray
    need_lot: FloatArray
    offer_index: dict[str, int]
    pools: dict[str, IntArray]
    category_pools: dict[str, IntArray]
    # need -> offers whose arcs are excluded (`Instance.excluded`: declined, cooling down)
    excluded: Mapping[int, IntArray] = field(default_factory=dict)

    def size_bound(self) -> int:
        """At least as many as the acceptable arcs (pools before the hard rules)."""
        total = 0
        for need in self.instance.needs:
            if need.accept_offers is not None:
                total += len(need.accept_offers)
            elif need.item is not None:
                total += len(self.pools.get(need.item, ()))
            else:
                total += len(self.category_pools.get(need.category or "", ()))
        return total

    def cost_per_kg_km(self, giver: IntArray, receiver: IntArray) -> FloatArray:
        """Transport cost (baht per kg-km) from each community in `giver` to the one in
        `receiver` (arrays broadcast together): one figure for every corridor today (the run's
        `transport_cost_per_kg_km`); a cost per corridor would be a function of the two
        communities here (and the gains that use the run's figure, market.py, pricing.py,
        relaxation.py, aggregate.py and exchanges.py, would read it from here)."""
        return np.full(np.broadcast_shapes(giver.shape, receiver.shape), self.tc)

    def arcs(self, j: int) -> tuple[IntArray, FloatArray, FloatArray]:
        """(offers, their rank in accept_offers (0 otherwise), road km) of need j's acceptable arcs."""
        _, offers, rank, dist = next(self.each([j]))
        return offers, rank, dist

    def each(
        self, needs: Sequence[int] | None = None
    ) -> Iterator[tuple[int, IntArray, FloatArray, FloatArray]]:
        """(need, offers, rank, road km) as `arcs` gives them, for each need of `needs` (None:
        every need) in that order; read in blocks (see `blocks`) of EACH_NEEDS needs at a time,
        so that only their arcs are held at once."""
        order = list(range(len(self.instance.needs)) if needs is None else needs)
        none = (np.zeros(0, dtype=np.int64), np.zeros(0), np.zeros(0))
        for lo in range(0, len(order), EACH_NEEDS):
            chunk = order[lo : lo + EACH_NEEDS]
            found: dict[int, tuple[IntArray, FloatArray, FloatArray]] = {}
            for block in self.blocks(chunk):
                for r, j in enumerate(block.needs.tolist()):
                    found[j] = block.row(r)
            for j in chunk:
                yield (j, *found.get(j, none))

    def blocks(self, needs: Sequence[int] | None = None) -> Iterator[Block]:
        """The acceptable arcs of `needs` (None: every need), in blocks of needs that share their
        candidates (one item's offers, one category's, or lists of named offers), at most about
        BLOCK_CELLS (need, offer) pairs each. A need with nothing to take is in none."""
        groups: dict[tuple[bool, str], list[int]] = {}  # (by item, item or category) -> needs
        explicit: list[int] = []
        for j in range(len(self.instance.needs)) if needs is None else needs:
            need = self.instance.needs[j]
            if need.quantity <= EPS:
                continue
            if need.accept_offers is not None:
                if need.accept_offers:
                    explicit.append(j)
            elif need.item is not None:
                if len(self.pools.get(need.item, ())):
                    groups.setdefault((True, need.item), []).append(j)
            elif len(self.category_pools.get(need.category or "", ())):
                groups.setdefault((False, need.category or ""), []).append(j)
        for (by_item, name), members in groups.items():
            pool = self.pools[name] if by_item else self.category_pools[name]
            step = max(1, BLOCK_CELLS // len(pool))
            rank = np.zeros(len(pool), dtype=np.float64)
            for lo in range(0, len(members), step):
                yield self._block(np.array(members[lo : lo + step], dtype=np.int64), pool, rank, None)
        width = max((len(self.instance.needs[j].accept_offers or ()) for j in explicit), default=1)
        step = max(1, BLOCK_CELLS // width)
        for lo in range(0, len(explicit), step):
            rows = explicit[lo : lo + step]
            offers = np.zeros((len(rows), width), dtype=np.int64)
            listed = np.zeros((len(rows), width), dtype=np.bool_)
            for r, j in enumerate(rows):
                seen: set[int] = set()
                for k, ident in enumerate(self.instance.needs[j].accept_offers or ()):
                    o = self.offer_index[ident]
                    offers[r, k] = o
                    listed[r, k] = o not in seen  # an offer listed twice counts once, at its best rank
                    seen.add(o)
            rank = np.broadcast_to(np.arange(width, dtype=np.float64), offers.shape)
            yield self._block(np.array(rows, dtype=np.int64), offers, rank, listed)

    def _block(self, js: IntArray, offers: IntArray, rank: FloatArray, listed: BoolArray | None) -> Block:
        """The hard rules (see the class docstring), once for needs `js` x `offers` (one row of
        offers shared by every need, or one row per need)."""
        c = self.need_comm[js][:, None]
        q_n, lot_n = self.need_qty[js][:, None], self.need_lot[js][:, None]
        q_o, lot_o = self.offer_qty[offers], self.offer_lot[offers]
        giver = self.offer_comm[offers]
        ok = (giver != c) & ((q_o > EPS) & self.offer_open[offers])
        if listed is not None:
            ok &= listed
        if self.excluded:
            for r, j in enumerate(js.tolist()):
                out = self.excluded.get(j)
                if out is not None:
                    ok[r] &= ~np.isin(offers if offers.ndim == 1 else offers[r], out)
        # an all-or-nothing need takes one transfer of its whole quantity (anything smaller would
        # have to be its last, taking all that remains, which is then the whole): an offer with
        # less can never serve it; likewise an all-or-nothing offer and a smaller need
        ok &= ~((lot_n >= q_n - EPS) & (q_o < q_n - EPS))
        ok &= ~((lot_o >= q_o - EPS) & (q_n < q_o - EPS))
        dist = great_circle_km(self.lat[giver], self.lon[giver], self.lat[c], self.lon[c]) * self.road
        ok &= dist <= self.need_km[js][:, None] + 1e-9
        days = dist * self.days_per_km
        ok &= self.offer_leave[offers] + days <= self.need_by[js][:, None] + 1e-9
        ok &= days <= self.offer_shelf[offers] + 1e-9
        transport = self.cost_per_kg_km(giver, c) * self.offer_kg_per_value[offers] * dist
        ok &= transport <= self.transport_share + 1e-12
        return Block(needs=js, offers=offers, rank=rank, ok=ok, dist=dist)


@dataclass(frozen=True, slots=True)
class Block:
    """Needs x candidate offers under the hard rules: row r is need `needs[r]`; `offers` is one
    row shared by every need (an item's or a category's offers) or one row per need (its
    accept_offers, padded); `rank` the offers' positions in accept_offers (0 otherwise), shaped
    like `offers`; ok[r, c]: the arc is acceptable; dist[r, c]: its road km."""

    needs: IntArray
    offers: IntArray
    rank: FloatArray
    ok: BoolArray
    dist: FloatArray

    @property
    def shared(self) -> bool:
        """Every need has the same candidates (an item's or a category's offers)."""
        return self.offers.ndim == 1

    def row(self, r: int) -> tuple[IntArray, FloatArray, FloatArray]:
        """(offers, rank, road km) of the acceptable arcs of the block's r-th need."""
        keep = self.ok[r]
        offers = self.offers if self.shared else self.offers[r]
        rank = self.rank if self.shared else self.rank[r]
        return offers[keep], rank[keep], self.dist[r][keep]

    def arcs(self, chosen: BoolArray) -> tuple[IntArray, IntArray, FloatArray]:
        """(offer, need, rank) of the cells in `chosen` (a subset of ok), need by need, each
        need's in the order of its candidates."""
        r, k = np.nonzero(chosen)
        if self.shared:
            return self.offers[k], self.needs[r], self.rank[k]
        return self.offers[r, k], self.needs[r], self.rank[r, k]


def acceptable(instance: Instance, settings: Settings | None = None) -> Acceptable:
    settings = settings or instance.settings
    comm_index = {c.id: i for i, c in enumerate(instance.communities)}
    items = {it.id: it for it in instance.items}
    offers, needs = instance.offers, instance.needs
    leave, until = _departures(instance, settings)
    by_item: dict[str, list[int]] = {}
    by_category: dict[str, list[int]] = {}
    for i, o in enumerate(offers):
        if o.quantity > EPS and leave[i] <= until[i]:  # an offer that cannot leave in time is out
            by_item.setdefault(o.item, []).append(i)
            by_category.setdefault(items[o.item].category, []).append(i)
    shelf = [items[o.item].shelf_life_days for o in offers]
    return Acceptable(
        instance=instance,
        road=settings.road_factor,
        tc=settings.transport_cost_per_kg_km,
        transport_share=settings.max_transport_share,
        days_per_km=transit_days(1.0, settings.speed_kmh, settings.working_hours_per_day),
        offer_leave=leave,
        offer_open=leave <= until,
        offer_shelf=np.array(
            [np.inf if d is None else d * settings.shelf_life_share for d in shelf], dtype=np.float64
        ),
        offer_kg_per_value=np.array(
            [items[o.item].kg_per_unit / items[o.item].value for o in offers], dtype=np.float64
        ),
        need_by=np.array(
            [np.inf if n.needed_by is None else n.needed_by.toordinal() + 1.0 for n in needs],
            dtype=np.float64,
        ),
        need_km=np.array(
            [np.inf if n.max_distance_km is None else n.max_distance_km for n in needs], dtype=np.float64
        ),
        lat=np.array([c.lat for c in instance.communities], dtype=np.float64),
        lon=np.array([c.lon for c in instance.communities], dtype=np.float64),
        offer_comm=np.array([comm_index[o.community] for o in offers], dtype=np.int64),
        offer_qty=np.array([o.quantity for o in offers], dtype=np.float64),
        offer_lot=np.array([o.min_lot for o in offers], dtype=np.float64),
        need_comm=np.array([comm_index[n.community] for n in needs], dtype=np.int64),
        need_qty=np.array([n.quantity for n in needs], dtype=np.float64),
        need_lot=np.array([n.min_lot for n in needs], dtype=np.float64),
        offer_index={o.id: i for i, o in enumerate(offers)},
        pools={key: np.array(value, dtype=np.int64) for key, value in by_item.items()},
        category_pools={key: np.array(value, dtype=np.int64) for key, value in by_category.items()},
        excluded=_excluded(instance),
    )


def _excluded(instance: Instance) -> dict[int, IntArray]:
    """need index -> the offers it may not take from (`Instance.excluded`)."""
    offer_index = {o.id: i for i, o in enumerate(instance.offers)}
    need_index = {n.id: j for j, n in enumerate(instance.needs)}
    out: dict[int, list[int]] = {}
    for arc in instance.excluded:
        if arc.offer in offer_index and arc.need in need_index:
            out.setdefault(need_index[arc.need], []).append(offer_index[arc.offer])
    return {j: np.array(sorted(offers), dtype=np.int64) for j, offers in out.items()}


def _departures(instance: Instance, settings: Settings) -> tuple[FloatArray, FloatArray]:
    """(earliest, latest) day number each offer's goods can leave (-inf / +inf: unbounded)."""
    ready = -np.inf if instance.today is None else instance.today.toordinal() + settings.lead_days
    leave = np.array(
        [
            max(ready, -np.inf if o.available_from is None else o.available_from.toordinal())
            for o in instance.offers
        ],
        dtype=np.float64,
    )
    until = np.array(
        [np.inf if o.available_until is None else o.available_until.toordinal() for o in instance.offers],
        dtype=np.float64,
    )
    return leave, until


def build_market(
    instance: Instance,
    settings: Settings | None = None,
    *,
    extra: Mapping[int, IntArray] | None = None,
    whole: Acceptable | None = None,
) -> Market:
    """Index `instance` (assumed sound: see model.problems) and choose its working arcs: each
    need's K_BEST (see the module docstring) and, from `extra` (need -> offers), the arcs that
    pricing against the whole market brought in."""
    settings = settings or instance.settings
    whole = whole or acceptable(instance, settings)
    items = {it.id: it for it in instance.items}
    offers, needs = instance.offers, instance.needs
    offer_comm = whole.offer_comm
    offer_val = np.array([items[o.item].value for o in offers], dtype=np.float64)
    offer_kg = np.array([items[o.item].kg_per_unit for o in offers], dtype=np.float64)
    offer_qty = whole.offer_qty
    offer_lot = whole.offer_lot
    offer_gift = np.array([o.gift for o in offers], dtype=np.bool_)
    need_comm = whole.need_comm
    need_qty = whole.need_qty
    need_lot = whole.need_lot
    need_priority = np.array([n.priority for n in needs], dtype=np.float64)

    tc = settings.transport_cost_per_kg_km
    chunks_offer: list[IntArray] = []
    chunks_need: list[IntArray] = []
    chunks_rank: list[FloatArray] = []
    excluded = 0
    takes = _takes(instance, whole)
    # a small market is solved whole: bringing arcs in by pricing rounds would cost more
    small = whole.size_bound() <= WHOLE_MARKET_ARCS
    for block in whole.blocks():
        chosen = block.ok
        if block.shared and not small:  # a need given by accept_offers keeps its whole list
            count = chosen.sum(axis=1)
            cut = np.nonzero(count > K_BEST)[0]
            if len(cut):
                chosen = chosen.copy()
                kept = _working(
                    block, cut, need_priority, tc * offer_kg, offer_val, offer_comm, need_comm, takes, extra
                )
                excluded += int(count[cut].sum() - kept.sum())
                chosen[cut] = kept
        offer, need, rank = block.arcs(chosen)
        chunks_offer.append(offer)
        chunks_need.append(need)
        chunks_rank.append(rank)

    empty = np.zeros(0, dtype=np.int64)
    arc_need = np.concatenate(chunks_need) if chunks_need else empty
    order = np.argsort(arc_need, kind="stable")  # need by need, as the needs are listed
    arc_need = arc_need[order]
    arc_offer = (np.concatenate(chunks_offer) if chunks_offer else empty)[order]
    arc_rank = (np.concatenate(chunks_rank) if chunks_rank else np.zeros(0))[order]
    max_rank = np.zeros(len(needs), dtype=np.float64)
    np.maximum.at(max_rank, arc_need, arc_rank)
    arc_from = offer_comm[arc_offer]
    arc_to = need_comm[arc_need]
    arc_val = offer_val[arc_offer]
    lat, lon = whole.lat, whole.lon
    arc_dist = great_circle_km(lat[arc_from], lon[arc_from], lat[arc_to], lon[arc_to]) * settings.road_factor
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
    offer_gamma = offer_factors(instance, offer_val)
    need_own = need_own_values(instance)
    arc_rho = receiver_factors(need_own[arc_need], arc_val)
    gamma_lo, gamma_hi, rho_lo, rho_hi = community_factors(
        instance, offer_comm, need_comm, offer_gamma, need_own
    )
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
        arc_gamma=offer_gamma[arc_offer],
        arc_rho=arc_rho,
        offer_gamma=offer_gamma,
        need_own=need_own,
        terms=bool(np.any(offer_gamma != 1.0) or np.any(~np.isnan(need_own))),
        gamma_lo=gamma_lo,
        gamma_hi=gamma_hi,
        rho_lo=rho_lo,
        rho_hi=rho_hi,
        skew=skew_bound(rho_lo / gamma_hi, rho_hi / gamma_lo),
        penalty_bound=PENALTY_BUDGET if weight > 0 else 0.0,
        integral=integral,
        whole=whole,
        n_excluded=excluded,
    )


def _working(
    block: Block,
    rows: IntArray,
    priority: FloatArray,
    tc_kg: FloatArray,
    offer_val: FloatArray,
    offer_comm: IntArray,
    need_comm: IntArray,
    takes: _Takes,
    extra: Mapping[int, IntArray] | None,
) -> BoolArray:
    """The working arcs among the acceptable ones of `rows` of a block of needs that share their
    candidates (see the module docstring): per need, the K_BEST offers by net value per baht
    (priority - transport per baht, `tc_kg` the transport per kg-km of one unit), nearer first,
    and the offers tied with the K-th on both; the best K_BACK (the same order, then the offers'
    order) of those whose community could give back at once; and the need's `extra` offers."""
    ok, dist, needs, offers = block.ok[rows], block.dist[rows], block.needs[rows], block.offers
    net = priority[needs][:, None] - tc_kg[offers] * dist / offer_val[offers]
    key = np.where(ok, -net, np.inf)
    few, strict, tied = _first(ok, key, dist, K_BEST)
    chosen = few | strict | tied
    # distance is no filter: partners that could give back at once (a two-way trade, however
    # far) enter too, the best K_BACK of them by the same order
    back = ok & takes[offer_comm[offers], need_comm[needs]]
    if back.any():
        few, strict, tied = _first(back, np.where(back, key, np.inf), dist, K_BACK)
        # of the offers tied with the K-th, the first in the offers' order fill the K_BACK
        room = K_BACK - strict.sum(axis=1, keepdims=True)
        chosen |= few | strict | (tied & (np.cumsum(tied, axis=1) <= room))
    if extra is not None:
        for r, j in enumerate(needs.tolist()):
            more = extra.get(j)
            if more is not None and len(more):
                chosen[r] |= ok[r] & np.isin(offers, more)
    return chosen


def _first(
    ok: BoolArray, key: FloatArray, dist: FloatArray, k: int
) -> tuple[BoolArray, BoolArray, BoolArray]:
    """Per row, the cells of `ok` in order of `key` (+inf outside `ok`), then `dist`: (those of
    the first k when the row has at most k, else none; those strictly before the k-th; those
    tied with the k-th on both)."""
    few = ok.sum(axis=1, keepdims=True) <= k
    if k >= ok.shape[1]:
        return few & ok, np.zeros_like(ok), np.zeros_like(ok)
    kth = np.partition(key, k - 1, axis=1)[:, k - 1 : k]
    before = key < kth
    level = ok & (key == kth)
    # among the cells on the k-th's key (those before it put first), the k-th's distance
    d = np.partition(np.where(before, -np.inf, np.where(level, dist, np.inf)), k - 1, axis=1)[:, k - 1 : k]
    strict = ~few & ok & (before | (level & (dist < d)))
    tied = ~few & level & (dist == d)
    return few & ok, strict, tied


def _takes(instance: Instance, whole: Acceptable) -> _Takes:
    """takes[u, v]: community u has a need that some offer of community v could fill (by item or
    category; lists of named offers count by the offers' items)."""
    items = {it.id: i for i, it in enumerate(instance.items)}
    n = len(instance.communities)
    offered = np.zeros((n, len(items)), dtype=np.bool_)
    for i, o in enumerate(instance.offers):
        if o.quantity > EPS:
            offered[whole.offer_comm[i], items[o.item]] = True
    by_category: dict[str, list[int]] = {}
    for it in instance.items:
        by_category.setdefault(it.category, []).append(items[it.id])
    wanted = np.zeros((n, len(items)), dtype=np.bool_)
    for j, need in enumerate(instance.needs):
        c = whole.need_comm[j]
        if need.item is not None:
            wanted[c, items[need.item]] = True
        elif need.category is not None:
            wanted[c, by_category.get(need.category, [])] = True
        else:
            for ident in need.accept_offers or ():
                wanted[c, items[instance.offers[whole.offer_index[ident]].item]] = True
    return _Takes(wanted, offered)


class _Takes:
    """A lazy boolean matrix: [u, v] -> whether u wants something v offers (u: communities,
    v: communities; the answer has a row per v, a column per u). Each community's items wanted
    and offered are bits of 64-bit words, so a block of pairs costs a few AND operations."""

    def __init__(self, wanted: BoolArray, offered: BoolArray) -> None:
        self.wanted = _bits(wanted)
        self.offered = _bits(offered)

    def __getitem__(self, key: tuple[IntArray, IntArray]) -> BoolArray:
        u, v = key
        out = np.zeros((len(v), len(u)), dtype=np.bool_)
        for w in range(self.wanted.shape[1]):
            out |= (self.offered[v, w][:, None] & self.wanted[u, w][None, :]) != 0
        return out


def _bits(table: BoolArray) -> npt.NDArray[np.uint64]:
    """Each row of a boolean table as bits of 64-bit words (row, word)."""
    words = max(1, -(-table.shape[1] // 64))
    padded = np.zeros((table.shape[0], words * 64), dtype=np.bool_)
    padded[:, : table.shape[1]] = table
    packed = np.packbits(padded, axis=1, bitorder="little")
    return np.ascontiguousarray(packed).view(np.uint64)


def _integral(settings: Settings, fixed: BoolArray, contributions: FloatArray, n: int) -> bool:
    """True when every answer's objective is a whole number (one-unit goods, whole values)."""
    if n == 0 or not bool(fixed.all()):
        return False
    if not float(settings.exchange_fixed_cost).is_integer():
        return False
    return bool(np.all(np.abs(contributions - np.round(contributions)) < 1e-9))
