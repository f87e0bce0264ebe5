"""The candidate columns of the matching model and their reduced costs.

A *cycle column* is an arc cycle with a value pattern: hop k carries `v * pattern[k]` (scaled
value), `v >= 0`. A cycle whose arcs are all all-or-nothing has one pattern, its arc capacities,
and `v` in [0, 1]. Other cycles take the balance rays of their length (see graph.balance_rays),
so that any balanced flow on the cycle is a sum of columns.

A *chain column* is an arc at a chain position k (1 = the gift). A *flow column* (unlimited
cycles) is an arc carrying any value, with balance kept per community by rows.

Rows: every offer (value given <= its quantity's value), every need (quantity received <= its
quantity), chain rows per (community, position) (value given at k+1 <= kappa * value received
at k), and for unlimited cycles two balance rows per community. With own terms (terms.py) the
chain and balance rows weigh each arc as its community sees it (gamma given, rho received), and
cycles and chains touching such listings get rays of their own (families_for).

Tail rows make the bound honest about min lots without ignoring them altogether. A transfer
below an offer's lot is allowed only when it takes all that remains of the offer, so each offer
has at most one such "tail", worth less than its lot, and only when the offer is used up. A hop
that can never reach the lot (its cycle's capacities, through the balance tolerance, keep it
below) can only ever carry tails, so per offer: tails <= lot, and tails <= lot/quantity times
all the offer gives (true when the offer is used up; with no tail, trivially). Needs likewise.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from barter.matching import graph
from barter.matching.graph import ChainLayers
from barter.matching.market import Market
from barter.matching.terms import hop_skews, row_rays

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


# ("cycle" | "chain", number of hops); with own terms ("cycle" | "chain", -number of hops)
FamilyKey = tuple[str, int]


@dataclass(slots=True)
class Family:
    """The arc cycles (or enumerated chains) of one length, and how each may carry value."""

    kind: str  # cycle | chain
    length: int
    arcs: IntArray  # (n, L)
    fixed: BoolArray  # (n,): all arcs all-or-nothing: one pattern, the capacities
    # (R, L) patterns of the flexible cycles, shared; or (n, R, L), each row its own (own terms)
    rays: FloatArray
    istar: IntArray  # (n,): the hop with the smallest capacity (fixed-cost accounting)
    short_offer: BoolArray  # (n, L): the hop can only carry a tail of its offer
    short_need: BoolArray  # (n, L): the hop can only carry a tail of its need
    in_master: BoolArray = field(init=False)  # (n, R) flexible; column 0 also marks fixed ones
    # (n, R): each column's upper bound (cycle_reduced), computed once: it depends on the arcs'
    # capacities and the patterns only, never on prices (half of a pricing's time recomputed it)
    upper: FloatArray | None = field(init=False, default=None, repr=False)

    def __post_init__(self) -> None:
        self.in_master = np.zeros((len(self.arcs), self.n_rays), dtype=np.bool_)

    @property
    def n(self) -> int:
        return len(self.arcs)

    @property
    def n_rays(self) -> int:
        return int(self.rays.shape[-2])

    def pattern(self, row: int, p: int) -> FloatArray:
        """Pattern p of row `row`."""
        out: FloatArray = self.rays[p] if self.rays.ndim == 2 else self.rays[row, p]
        return out

    def row_rays(self, row: int) -> FloatArray:
        """(R, L): the patterns of one row."""
        out: FloatArray = self.rays if self.rays.ndim == 2 else self.rays[row]
        return out


@dataclass(slots=True)
class Model:
    """Everything the LP and the MIP are built from."""

    market: Market
    families: dict[FamilyKey, Family]
    layers: ChainLayers
    chain_in_master: list[BoolArray]
    flow_arcs: IntArray  # unlimited cycles: the arcs that may carry circulation
    kappa: float  # chain rows: value given at k+1 <= kappa * value received at k
    fixed_cost: float  # per exchange, scaled
    offer_rows: IntArray  # offer ids that have rows
    need_rows: IntArray
    chain_rows: list[IntArray]  # chain_rows[k-1]: communities with a row at position k (k < K)
    balance_rows: IntArray  # unlimited cycles: communities with balance rows
    arc_short_offer: BoolArray  # the arc alone can never reach its offer's lot
    arc_short_need: BoolArray
    tail_offers: IntArray  # offers with a short hop somewhere: they get tail rows
    tail_needs: IntArray
    offer_share: FloatArray  # per offer: lot / quantity
    need_share: FloatArray
    complete: bool = True  # every bounded cycle was enumerated
    # the LP's objective includes the tie-break: besides breaking ties it perturbs the LP away
    # from degenerate optima, so one-unit markets often come out whole (False: leave it out)
    penalized: bool = True
    _arc_objective: FloatArray | None = None

    def arc_objective(self) -> FloatArray:
        """The LP's objective per unit of value on each arc."""
        if self._arc_objective is None:
            m = self.market
            self._arc_objective = m.arc_gain - m.arc_pen if self.penalized else m.arc_gain.copy()
        return self._arc_objective

    @property
    def penalty_slack(self) -> float:
        """What the LP's bound must add to bound the objective itself (baht)."""
        return self.market.penalty_bound if self.penalized else 0.0


@dataclass(frozen=True, slots=True)
class RowTerm:
    """One coefficient an arc puts in a capacity row: row (kind, index) <= rhs."""

    kind: str  # offer | need
    index: int  # the offer's or the need's number
    coef: float
    rhs: float


def arc_rows(market: Market, arc: int, amount: float) -> tuple[RowTerm, RowTerm]:
    """The rule every model of the market shares (the LP, the integer model, the rounding): an
    arc carrying `amount` (scaled value) adds `amount` to its offer's row (value given <= the
    offer's value) and `amount / value` to its need's row (quantity received <= the need's)."""
    m = market
    o, n = int(m.arc_offer[arc]), int(m.arc_need[arc])
    return (
        RowTerm("offer", o, amount, float(m.offer_qty[o] * m.offer_val[o] / m.scale)),
        RowTerm("need", n, amount / float(m.arc_val[arc]), float(m.need_qty[n] / m.scale)),
    )


def offer_tail(market: Market) -> FloatArray:
    """Per offer, the value (scaled) a transfer below its lot must stay under."""
    m = market
    return np.minimum(m.offer_lot, m.offer_qty) * m.offer_val / m.scale


def offer_tail_share(market: Market) -> FloatArray:
    m = market
    return np.minimum(m.offer_lot, m.offer_qty) / np.maximum(m.offer_qty, 1e-300)


def need_tail_share(market: Market) -> FloatArray:
    m = market
    return np.minimum(m.need_lot, m.need_qty) / np.maximum(m.need_qty, 1e-300)


def need_tail(market: Market) -> FloatArray:
    """Per need, the quantity (scaled, as in need rows) a transfer below its lot stays under."""
    m = market
    return np.minimum(m.need_lot, m.need_qty) / m.scale


def reachable(caps: FloatArray, kind: str, tolerance: float) -> FloatArray:
    """(n, L): the most each hop can carry in a balanced cycle (or chain) within all capacities.

    Along a cycle hop k+1 carries between 1/(1+t) and 1/(1-t) times hop k, so hop i carries at
    most cap_j * min((1/(1-t))^d, (1+t)^(L-d)) for every other hop j, d steps before it."""
    length = caps.shape[1]
    out = caps.copy()
    up, down = 1.0 / (1.0 - tolerance), 1.0 + tolerance
    for i in range(length):
        for j in range(length):
            if i == j:
                continue
            if kind == "cycle":
                d = (i - j) % length
                ratio = min(up**d, down ** (length - d))
            else:
                ratio = up ** (i - j) if i > j else down ** (j - i)
            out[:, i] = np.minimum(out[:, i], caps[:, j] * ratio)
    return out


def make_family(
    market: Market,
    kind: str,
    length: int,
    arcs: IntArray,
    rays: FloatArray,
    tolerance: float,
    skew: FloatArray | None = None,
) -> Family:
    """The family of `arcs` (n, L) with value patterns `rays` ((R, L) shared, or (n, R, L)).
    `skew` ((n, L) or (L,)): the rows' skews (terms.py; None: all 1, the shared rays)."""
    m = market
    caps = m.arc_cap[arcs]
    fixed: BoolArray = np.asarray(m.arc_fixed[arcs].all(axis=1), dtype=np.bool_)
    if fixed.any() and length > 1:
        # an all-or-nothing cycle or chain must already be balanced (by its own terms)
        received = np.roll(caps, 1, axis=1)  # the community giving hop k received hop k-1
        if skew is not None:
            received = received * np.roll(np.atleast_2d(skew), 1, axis=1)
        ok = np.abs(received - caps) <= tolerance * caps + 1e-9
        if kind == "chain":
            ok[:, 0] = True  # the gift's giver receives nothing
        keep = ~fixed | ok.all(axis=1)
        arcs, caps, fixed = arcs[keep], caps[keep], fixed[keep]
        if rays.ndim == 3:
            rays = rays[keep]
            skew = None if skew is None or skew.ndim == 1 else skew[keep]
    istar = np.argmin(caps, axis=1) if len(arcs) else np.zeros(0, dtype=np.int64)
    if skew is None and len(arcs):
        top = np.where(fixed[:, None], caps, reachable(caps, kind, tolerance))
    else:
        # own terms: only the capacities themselves (a hop marked short can only carry tails;
        # marking fewer hops short only loosens the tail rows, so the LP stays a relaxation)
        top = caps
    short_offer = top < offer_tail(m)[m.arc_offer[arcs]] * (1 - 1e-9)
    short_need = top / m.arc_val[arcs] < need_tail(m)[m.arc_need[arcs]] * (1 - 1e-9)
    return Family(
        kind=kind,
        length=length,
        arcs=arcs,
        fixed=fixed,
        rays=rays,
        istar=istar.astype(np.int64),
        short_offer=short_offer,
        short_need=short_need,
    )


def families_for(
    market: Market, kind: str, length: int, arcs: IntArray, tolerance: float
) -> dict[FamilyKey, Family]:
    """The families of the cycles (or chains) `arcs` of one length: those whose every skew is 1
    share the rays of their length, key (kind, length); the others, touching listings with own
    terms, each have rays of their own (terms.row_rays), key (kind, -length). Rows no flow can
    balance are left out."""
    m = market
    base = graph.balance_rays(length, tolerance) if kind == "cycle" else graph.chain_rays(length, tolerance)
    if not m.terms or len(arcs) == 0:
        return {(kind, length): make_family(m, kind, length, arcs, base, tolerance)}
    sigma = hop_skews(m.arc_gamma, m.arc_rho, arcs, kind)
    plain = np.all(sigma == 1.0, axis=1)
    out: dict[FamilyKey, Family] = {}
    if plain.any():
        out[(kind, length)] = make_family(m, kind, length, arcs[plain], base, tolerance)
    if not plain.all():
        rays, ok = row_rays(kind, sigma[~plain], tolerance)
        rows = np.nonzero(ok)[0]
        if len(rows):
            skew = sigma[~plain][rows]
            out[(kind, -length)] = make_family(
                m, kind, length, arcs[~plain][rows], rays[rows], tolerance, skew
            )
    return out


@dataclass(slots=True)
class Duals:
    offer: FloatArray  # per offer id (0 where no row)
    need: FloatArray  # per need id
    chain: list[FloatArray]  # chain[k-1][c]: row (c, k), k = 1..K-1
    balance_hi: FloatArray  # unlimited cycles: in - (1+t) out <= 0, per community
    balance_lo: FloatArray  # (1-t) out - in <= 0
    tail_offer: FloatArray  # per offer id: tails <= lot
    tail_need: FloatArray  # per need id
    share_offer: FloatArray  # per offer id: tails - share * all <= 0
    share_need: FloatArray

    @staticmethod
    def zero(model: Model) -> Duals:
        m = model.market
        n_c = m.n_communities
        return Duals(
            offer=np.zeros(len(m.offer_qty)),
            need=np.zeros(len(m.need_qty)),
            chain=[np.zeros(n_c) for _ in model.chain_rows],
            balance_hi=np.zeros(n_c),
            balance_lo=np.zeros(n_c),
            tail_offer=np.zeros(len(m.offer_qty)),
            tail_need=np.zeros(len(m.need_qty)),
            share_offer=np.zeros(len(m.offer_qty)),
            share_need=np.zeros(len(m.need_qty)),
        )

    def blend(self, other: Duals, weight: float) -> Duals:
        """weight * self + (1 - weight) * other, field by field."""

        def mix(a: FloatArray, b: FloatArray) -> FloatArray:
            return weight * a + (1 - weight) * b

        return Duals(
            offer=mix(self.offer, other.offer),
            need=mix(self.need, other.need),
            chain=[mix(a, b) for a, b in zip(self.chain, other.chain, strict=True)],
            balance_hi=mix(self.balance_hi, other.balance_hi),
            balance_lo=mix(self.balance_lo, other.balance_lo),
            tail_offer=mix(self.tail_offer, other.tail_offer),
            tail_need=mix(self.tail_need, other.tail_need),
            share_offer=mix(self.share_offer, other.share_offer),
            share_need=mix(self.share_need, other.share_need),
        )


def arc_reduced(model: Model, duals: Duals, *, penalties: bool = True) -> FloatArray:
    """Objective minus capacity prices, per unit of value on each arc (tail rows not included);
    without `penalties`, the objective leaves out the tie-break by preference."""
    m = model.market
    objective = model.arc_objective() if penalties else m.arc_gain
    return objective - duals.offer[m.arc_offer] - duals.need[m.arc_need] / m.arc_val


def tail_price(
    model: Model, duals: Duals, arcs: IntArray, short_offer: BoolArray, short_need: BoolArray
) -> FloatArray:
    """Tail-row prices per unit of value on hops that can only carry tails (same shape as arcs)."""
    m = model.market
    o, n = m.arc_offer[arcs], m.arc_need[arcs]
    price = np.where(short_offer, duals.tail_offer[o] + duals.share_offer[o], 0.0)
    price -= model.offer_share[o] * duals.share_offer[o]
    need_price = np.where(short_need, duals.tail_need[n] + duals.share_need[n], 0.0)
    need_price -= model.need_share[n] * duals.share_need[n]
    return price + need_price / m.arc_val[arcs]


def cycle_reduced(model: Model, fam: Family, g: FloatArray, duals: Duals) -> tuple[FloatArray, FloatArray]:
    """Reduced costs and upper bounds (column_upper's, shared) of every column of a family:
    arrays (n, R).

    Fixed cycles use column 0 (their capacity pattern, v <= 1); their other columns are -inf.
    """
    m = model.market
    caps = m.arc_cap[fam.arcs]
    ga = g[fam.arcs] - tail_price(model, duals, fam.arcs, fam.short_offer, fam.short_need)
    f = model.fixed_cost
    own = fam.rays.ndim == 3  # own terms: every row its own rays
    rc = np.einsum("nl,nrl->nr", ga, fam.rays) if own else ga @ fam.rays.T  # (n, R)
    cap_min = caps[np.arange(fam.n), fam.istar]
    if f > 0:
        at_istar = fam.rays[np.arange(fam.n), :, fam.istar] if own else fam.rays.T[fam.istar]
        rc -= f * at_istar / cap_min[:, None]
    if fam.fixed.any():
        rows = np.nonzero(fam.fixed)[0]
        rc[rows] = -np.inf
        rc[rows, 0] = (ga[rows] * caps[rows]).sum(axis=1) - f
    return rc, column_upper(model, fam)


def column_upper(model: Model, fam: Family) -> FloatArray:
    """(n, R): each column's upper bound, the most its pattern carries within every hop's
    capacity (fixed cycles: 1 on column 0). Computed once and kept on the family, read-only."""
    if fam.upper is not None:
        return fam.upper
    caps = model.market.arc_cap[fam.arcs]
    own = fam.rays.ndim == 3
    ub = np.full((fam.n, fam.n_rays), np.inf)
    chunk = max(1, 2_000_000 // max(1, fam.length * fam.n_rays))
    for start in range(0, fam.n, chunk):
        stop = min(fam.n, start + chunk)
        ratio = caps[start:stop, None, :] / (fam.rays[start:stop] if own else fam.rays[None, :, :])
        ub[start:stop] = ratio.min(axis=2)
    if fam.fixed.any():
        rows = np.nonzero(fam.fixed)[0]
        ub[rows] = 0.0
        ub[rows, 0] = 1.0
    ub.setflags(write=False)  # shared by every pricing from now on
    fam.upper = ub
    return ub


def cycle_column(model: Model, fam: Family, row: int, p: int) -> tuple[FloatArray, float, float]:
    """(value pattern per hop, objective per unit, upper bound) of one cycle column."""
    m = model.market
    arcs = fam.arcs[row]
    caps = m.arc_cap[arcs]
    obj_arc = model.arc_objective()[arcs]
    if fam.fixed[row]:
        pattern = caps.copy()
        return pattern, float(pattern @ obj_arc) - model.fixed_cost, 1.0
    pattern = fam.pattern(row, p).copy()
    i = fam.istar[row]
    obj = float(pattern @ obj_arc) - model.fixed_cost * pattern[i] / caps[i]
    return pattern, obj, float(column_upper(model, fam)[row, p])


def chain_reduced(model: Model, k: int, g: FloatArray, duals: Duals) -> FloatArray:
    """Reduced cost per unit of value of the arcs at chain position k (1-based)."""
    m = model.market
    arcs = model.layers.arcs[k - 1]
    rc = g[arcs] - tail_price(model, duals, arcs, model.arc_short_offer[arcs], model.arc_short_need[arcs])
    if k == 1 and model.fixed_cost > 0:
        rc -= model.fixed_cost / m.arc_cap[arcs]
    if k >= 2:
        rc -= m.arc_gamma[arcs] * duals.chain[k - 2][m.arc_from[arcs]]
    if k <= len(model.chain_rows):
        rc += model.kappa * m.arc_rho[arcs] * duals.chain[k - 1][m.arc_to[arcs]]
    return rc


def chain_objective(model: Model, k: int) -> FloatArray:
    m = model.market
    arcs = model.layers.arcs[k - 1]
    obj = model.arc_objective()[arcs].copy()
    if k == 1 and model.fixed_cost > 0:
        obj -= model.fixed_cost / m.arc_cap[arcs]
    return obj


def flow_reduced(model: Model, g: FloatArray, duals: Duals, tolerance: float) -> FloatArray:
    m = model.market
    arcs = model.flow_arcs
    to, frm = m.arc_to[arcs], m.arc_from[arcs]
    rho, gamma = m.arc_rho[arcs], m.arc_gamma[arcs]
    return (
        g[arcs]
        - tail_price(model, duals, arcs, model.arc_short_offer[arcs], model.arc_short_need[arcs])
        - rho * duals.balance_hi[to]
        + (1 + tolerance) * gamma * duals.balance_hi[frm]
        + rho * duals.balance_lo[to]
        - (1 - tolerance) * gamma * duals.balance_lo[frm]
    )
