"""A bound of the whole market from a small relaxation: value flows through one hub per item.

Every answer the engine may give is a set of cycles and gift chains of transfers offer -> need.
Forget which offer serves which need, the cycle lengths, the lots and the fixed costs, and
keep only what every answer meets anyway:

  * an offer gives at most its quantity, a need receives at most its quantity (in units of the
    item it receives);
  * a community in a cycle or in the middle of a chain receives within the balance tolerance
    of what it gives: summed over its exchanges, (1 - t) * gives <= receives <= (1 + t) * gives,
    where "gives" leaves out gifts;
  * what communities receive beyond that is the end of a chain, and a chain of L transfers ends
    with at most (1 / (1 - t)) ** (L - 1) times the gift that started it.
  * with own terms (terms.py) a community balances as it sees values: both rules widen by the
    most its own values can differ from the reference values (see the rows below), so every
    answer under the run's rules still maps onto a flow of this network.

Route every transfer of item i through a hub node for i: offer -> hub(i) -> need, gaining per
baht moved the best net value any acceptable offer of item i has for that need (its priority
less the cheapest transport; for a need given by a list of named offers, the best of them).
Every answer maps onto a flow of this network with at least its objective, so the flow LP's
optimum is an upper bound of the whole market. It has one variable per offer and one per
(need, item accepted), some tens of thousands at 20,000 communities, however many acceptable
arcs there are.

Zones (up to ZONE_LISTINGS listings): a need that may take only some of item i's offers (a
distance limit, a list of named offers, dates) would still draw on all of them through hub(i).
So the offers of item i first meet in a hub per zone (the ZONE_DEG cell of latitude and longitude
holding the offering community), zone(i, z) -> hub(i); such a need draws from the zone hubs of
its acceptable offers only, at the best gain among them in each zone, and every other need
from hub(i). A transfer offer -> need still maps onto a path of the network (through the offer's
zone, which the need reaches because the arc is acceptable), so the bound stays true; it is
tighter where distance limits bind (1,000 synthetic communities: 36.0 M against 37.0 M, the
whole-market LP 34.75 M) and costs more to solve where they barely do (5,000: 0.2% for a solve
three times as long, so left out there).

It is loose where the market's value comes from what it forgets (cycle length, lots, distance
limits within a zone); the engine reports the smaller of this bound and the priced LP bound
(pricing.py), both true.
"""

from __future__ import annotations

import numpy as np
from ortools.linear_solver import pywraplp

from barter.matching.market import IntArray, Market
from barter.matching.wall import wall_seconds

SAFETY = 1e-6  # relative, and baht
ZONE_DEG = 0.1  # a zone's side in degrees, about 11 km (1,000 synthetic communities: 36.00 M at
# 0.1, 36.06 M at 0.25, 36.33 M at 1, 36.00 M at 0.01)
ZONE_LISTINGS = 6_000  # offers and needs up to which zones are kept (1,000 synthetic communities
# have 3,648: 1.7 s against 0.3 s; 1,500 5,412; 5,000 18,036: at 1 degree 14 s against 4 s)


def hub_bound(
    m: Market, *, exact_gains: bool = True, time_limit_s: float = 60.0, zones: bool | None = None
) -> float:
    """The optimum of the hub relaxation (baht), or +inf when the LP does not finish in time.

    `exact_gains`: take each (need, item) gain from the need's acceptable arcs (cheapest
    transport, distance limits and every hard rule applied); otherwise from the need's rules
    alone, at its full priority (no transport, no distance limit): looser, and no arc is listed.
    `zones`: route the needs that may take only some offers of an item through zone hubs (see
    the module docstring); None: up to ZONE_LISTINGS listings. Only with `exact_gains`.
    """
    inst = m.instance
    s = m.settings
    t = s.balance_tolerance
    scale = m.scale
    items = {it.id: k for k, it in enumerate(inst.items)}
    by_category: dict[str, list[int]] = {}
    for it in inst.items:
        by_category.setdefault(it.category, []).append(items[it.id])
    offer_item = np.array([items[o.item] for o in inst.offers], dtype=np.int64)
    item_val = np.array([it.value for it in inst.items], dtype=np.float64)
    live = m.offer_qty > 0
    n_live = np.bincount(offer_item[live], minlength=len(inst.items))  # offers of each item

    solver = pywraplp.Solver.CreateSolver("HIGHS")
    if solver is None:  # an OR-Tools build without HiGHS: no bound from here
        return float("inf")
    inf = solver.infinity()
    n = m.n_communities
    gives: list[list[pywraplp.Variable]] = [[] for _ in range(n)]
    receives: list[list[pywraplp.Variable]] = [[] for _ in range(n)]
    hub_in: list[list[pywraplp.Variable]] = [[] for _ in range(len(inst.items))]
    hub_out: list[list[pywraplp.Variable]] = [[] for _ in range(len(inst.items))]
    gift_vars: list[pywraplp.Variable] = []
    objective = solver.Objective()
    objective.SetMaximization()
    if zones is None:
        zones = zones_pay(m)
    zones = zones and exact_gains
    offer_zone = _zones(m) if zones else np.zeros(len(m.offer_qty), dtype=np.int64)
    zone_out: dict[tuple[int, int], list[pywraplp.Variable]] = {}  # (item, zone) -> to needs
    tc = s.transport_cost_per_kg_km
    # the needs whose gains come from their arcs, read in blocks, in the order they are met below
    by_arcs = m.whole.each(
        [
            j
            for j, need in enumerate(inst.needs)
            if m.need_qty[j] > 0 and (need.accept_offers is not None or exact_gains)
        ]
    )
    for j, need in enumerate(inst.needs):
        if m.need_qty[j] <= 0:
            continue
        c = int(m.need_comm[j])
        row = solver.Constraint(-inf, float(m.need_qty[j] / scale))
        # (item, zone or -1 for the item's hub, gain per baht)
        pairs: list[tuple[int, int, float]]
        if need.accept_offers is not None or exact_gains:
            _, cand, _, dist = next(by_arcs)
            if len(cand) == 0:
                continue
            gain = m.need_priority[j] - tc * m.offer_kg[cand] * dist / m.offer_val[cand]
            kinds = offer_item[cand]
            best = np.full(len(inst.items), -np.inf)
            np.maximum.at(best, kinds, gain)
            some = np.zeros(len(inst.items), dtype=np.bool_)
            if zones:
                some = np.bincount(kinds[live[cand]], minlength=len(inst.items)) < n_live
            pairs = [(k, -1, float(best[k])) for k in np.nonzero((best > -np.inf) & ~some)[0].tolist()]
            for k in np.nonzero((best > -np.inf) & some)[0].tolist():
                mine = (kinds == k) & live[cand]
                found, at = np.unique(offer_zone[cand[mine]], return_inverse=True)
                zone_best = np.full(len(found), -np.inf)
                np.maximum.at(zone_best, at, gain[mine])
                pairs.extend((k, z, g) for z, g in zip(found.tolist(), zone_best.tolist(), strict=True))
        else:
            ks = [items[need.item]] if need.item is not None else by_category.get(need.category or "", [])
            pairs = [(k, -1, float(m.need_priority[j])) for k in ks if n_live[k] > 0]
        for k, z, g in pairs:
            if g <= 0:
                continue
            x = solver.NumVar(0.0, inf, "")
            row.SetCoefficient(x, 1.0 / float(item_val[k]))
            objective.SetCoefficient(x, g * scale)
            receives[c].append(x)
            (hub_out[k] if z < 0 else zone_out.setdefault((k, z), [])).append(x)
    zone_in: dict[tuple[int, int], list[pywraplp.Variable]] = {key: [] for key in zone_out}
    for o in np.nonzero(live)[0].tolist():
        cap = float(m.offer_qty[o] * m.offer_val[o] / scale)
        x = solver.NumVar(0.0, cap, "")
        k = int(offer_item[o])
        zone_in.get((k, int(offer_zone[o])), hub_in[k]).append(x)
        (gift_vars if m.offer_gift[o] else gives[int(m.offer_comm[o])]).append(x)
    for (k, z), into in zone_in.items():
        # what enters a zone's hub goes to its needs or on to the item's hub
        up = solver.NumVar(0.0, inf, "")
        hub_in[k].append(up)
        balance = solver.Constraint(0.0, 0.0)
        for x in into:
            balance.SetCoefficient(x, 1.0)
        for x in [*zone_out[(k, z)], up]:
            balance.SetCoefficient(x, -1.0)
    for k in range(len(inst.items)):
        # what enters a hub leaves it (none of an item no need takes)
        balance = solver.Constraint(0.0, 0.0)
        for x in hub_in[k]:
            balance.SetCoefficient(x, 1.0)
        for x in hub_out[k]:
            balance.SetCoefficient(x, -1.0)
    chains = s.max_chain_length > 0
    ends: list[pywraplp.Variable] = []
    for c in range(n):
        if not receives[c]:
            continue
        end = solver.NumVar(0.0, inf if chains else 0.0, "")
        ends.append(end)
        hi = solver.Constraint(-inf, 0.0)  # receives - end <= (1 + t) * gives
        lo = solver.Constraint(-inf, 0.0)  # (1 - t) * gives <= receives - end
        for x in receives[c]:
            hi.SetCoefficient(x, 1.0)
            lo.SetCoefficient(x, -1.0)
        # own terms (terms.py): c balances rho * received against gamma * given, so in reference
        # value it receives within [(1 - t) * gamma_lo / rho_hi, (1 + t) * gamma_hi / rho_lo]
        # times what it gives (exactly [1 - t, 1 + t] without own terms)
        up = (1.0 + t) * float(m.gamma_hi[c] / m.rho_lo[c])
        down = (1.0 - t) * float(m.gamma_lo[c] / m.rho_hi[c])
        for x in gives[c]:
            hi.SetCoefficient(x, -up)
            lo.SetCoefficient(x, down)
        hi.SetCoefficient(end, -1.0)
        lo.SetCoefficient(end, 1.0)
    if chains and ends:
        # a community in a chain passes on at most rho_hi / gamma_lo / (1 - t) of what it received
        step = max(1.0, float(np.max(m.rho_hi / m.gamma_lo)))
        growth = (step / (1.0 - t)) ** max(0, s.max_chain_length - 1)
        row = solver.Constraint(-inf, 0.0)
        for e in ends:
            row.SetCoefficient(e, 1.0)
        for x in gift_vars:
            row.SetCoefficient(x, -growth)
    solver.SetTimeLimit(int(wall_seconds(time_limit_s) * 1000))
    # interior point with crossover: some ten times faster than simplex on this LP (5,000
    # communities: 9 s against 35 s, measured)
    solver.SetSolverSpecificParametersAsString("solver=ipm\noutput_flag=false")
    status = solver.Solve()
    if status != pywraplp.Solver.OPTIMAL:
        return float("inf")
    # the solver's feasibility tolerances: a margin so that the bound stays above the optimum
    return float(objective.Value()) * (1.0 + SAFETY) + SAFETY


def zones_pay(m: Market) -> bool:
    """Whether zones are kept by default: up to ZONE_LISTINGS offers and needs."""
    return len(m.offer_qty) + len(m.need_qty) <= ZONE_LISTINGS


def _zones(m: Market) -> IntArray:
    """Each offer's zone: the ZONE_DEG cell of its community's latitude and longitude."""
    lat = np.floor(m.whole.lat[m.offer_comm] / ZONE_DEG).astype(np.int64)
    lon = np.floor(m.whole.lon[m.offer_comm] / ZONE_DEG).astype(np.int64)
    _, zone = np.unique(np.stack([lat, lon]), axis=1, return_inverse=True)
    return zone.reshape(-1).astype(np.int64)
