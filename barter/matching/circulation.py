"""Unlimited cycles of one-unit goods: a min-cost circulation (OR-Tools SimpleMinCostFlow).

When every candidate arc is all-or-nothing with the same capacity and the same item value (the
TradeMaximizer case), the best cycles of any length are a min-cost circulation on the network
community -> offer -> need -> community, solved exactly in integers: the cost of an arc is
-(its objective) * W + (its rank on the need's accept_offers list), with W larger than every
rank sum, so preference breaks ties and never changes the objective.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from barter.matching.graph import unique
from barter.matching.market import Market

IntArray = npt.NDArray[np.int64]


def unit_circulation_applies(market: Market, arcs: IntArray) -> bool:
    if len(arcs) == 0 or not market.integral or market.terms:
        return False
    caps = market.arc_cap[arcs]
    vals = market.arc_val[arcs]
    return bool(
        market.arc_fixed[arcs].all() and np.ptp(caps) <= 1e-12 * caps[0] and np.ptp(vals) <= 1e-12 * vals[0]
    )


def solve_unit_circulation(market: Market, arcs: IntArray) -> tuple[dict[int, float], float]:
    """Flows (arc -> scaled value) of the best circulation, and its objective in baht."""
    from ortools.graph.python import min_cost_flow

    m = market
    unit = float(m.arc_cap[arcs[0]])  # scaled value of one transfer
    n_comm = m.n_communities
    offers = unique(m.arc_offer[arcs])
    needs = unique(m.arc_need[arcs])
    offer_node = {int(o): n_comm + i for i, o in enumerate(offers)}
    need_node = {int(n): n_comm + len(offers) + i for i, n in enumerate(needs)}
    flow = min_cost_flow.SimpleMinCostFlow()
    for o, node in offer_node.items():
        times = int(np.floor(m.offer_qty[o] * m.offer_val[o] / m.scale / unit + 1e-9))
        flow.add_arc_with_capacity_and_unit_cost(int(m.offer_comm[o]), node, times, 0)
    for n, node in need_node.items():
        # one transfer moves unit * scale / value of the item
        times = int(np.floor(m.need_qty[n] * m.arc_val[arcs[0]] / (unit * m.scale) + 1e-9))
        flow.add_arc_with_capacity_and_unit_cost(node, int(m.need_comm[n]), times, 0)
    gains = np.round(m.arc_gain[arcs] * unit * m.scale).astype(np.int64)
    ranks = m.arc_rank[arcs].astype(np.int64)
    weight = int(ranks.sum()) + 1
    first = flow.num_arcs()
    for a, gain, rank in zip(arcs.tolist(), gains.tolist(), ranks.tolist(), strict=True):
        flow.add_arc_with_capacity_and_unit_cost(
            offer_node[int(m.arc_offer[a])], need_node[int(m.arc_need[a])], 1, -gain * weight + rank
        )
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost circulation failed: {status}")
    flows: dict[int, float] = {}
    total = 0.0
    for i, a in enumerate(arcs.tolist()):
        if flow.flow(first + i) > 0:
            flows[a] = unit
            total += float(gains[i])
    return flows, total
