"""An independent reference for the engine: a cycle model of the whole market, solved by HiGHS.

Written from formats.md alone; it shares no code with barter.matching (it reads the instance as
plain dicts and checks acceptability with the independent validator's rule). Deliberately
simple, so that it is easy to trust:
  * every acceptable (offer, need) pair of the whole market is an arc, however far;
  * every simple cycle of 2..max_cycle_length communities over those arcs is a column, moving
    the same value v on each hop (balanced exactly, so within any tolerance);
  * v is semi-continuous: 0, or between the largest min lot on its hops and the smallest
    capacity (stricter than the engine's rules, so every answer here is feasible there);
  * no chains.
Its optimum is a feasible value of the engine's problem, so the engine's bound must be at least
that, and the engine's answer should come close to it.
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from typing import Any

from ortools.math_opt.python import mathopt

from tests.matching.validator import DEFAULTS, _acceptable, great_circle_km


def reference_solution(instance: dict[str, Any], *, time_limit_s: float = 30.0) -> dict[str, Any]:
    """A barter-solution/1 dict (objective as the model computes it, status "feasible")."""
    settings = {**DEFAULTS, **instance.get("settings", {})}
    communities = {c["id"]: c for c in instance["communities"]}
    items = {i["id"]: i for i in instance["items"]}
    road = settings["road_factor"]
    tc = settings["transport_cost_per_kg_km"]
    fixed = settings["exchange_fixed_cost"]
    length = settings["max_cycle_length"] or 3

    # arcs: (offer, need, value of one unit, objective per unit of value)
    arcs: dict[tuple[str, str], list[tuple[dict[str, Any], dict[str, Any], float, float]]] = defaultdict(list)
    carried_per_value: dict[tuple[str, str], float] = {}  # transport per unit of value moved
    share = settings["max_transport_share"]
    for offer in instance["offers"]:
        if offer["quantity"] <= 0:
            continue
        for need in instance["needs"]:
            if need["quantity"] <= 0 or _acceptable(
                offer, need, items, communities, road, settings, instance.get("today")
            ):
                continue
            item = items[offer["item"]]
            km = great_circle_km(communities[offer["community"]], communities[need["community"]]) * road
            carried = tc * item.get("kg_per_unit", 1.0) * km / item["value"]
            carried_per_value[(offer["id"], need["id"])] = carried
            per_value = need.get("priority", 1.0) - carried
            arcs[(offer["community"], need["community"])].append((offer, need, item["value"], per_value))

    succ: dict[str, set[str]] = defaultdict(set)
    for u, v in arcs:
        succ[u].add(v)
    order = {c: i for i, c in enumerate(sorted(communities))}
    cycles: list[tuple[str, ...]] = []
    for s in sorted(communities, key=order.__getitem__):
        stack: list[tuple[str, ...]] = [(s,)]
        while stack:
            path = stack.pop()
            for w in sorted(succ[path[-1]]):
                if w == s and len(path) >= 2:
                    cycles.append(path)
                elif order[w] > order[s] and w not in path and len(path) < length:
                    stack.append((*path, w))

    model = mathopt.Model(name="reference")
    offer_use: dict[str, list[Any]] = defaultdict(list)
    need_use: dict[str, list[Any]] = defaultdict(list)
    columns = []
    objective = 0
    for cycle in cycles:
        hops = [arcs[(cycle[k], cycle[(k + 1) % len(cycle)])] for k in range(len(cycle))]
        for choice in itertools.product(*hops):
            cap = min(min(o["quantity"] * val, n["quantity"] * val) for o, n, val, _ in choice)
            lot = max(
                max(o.get("min_lot", 0.0) * val, n.get("min_lot", 0.0) * val) for o, n, val, _ in choice
            )
            # transport and fixed cost at most `share` of the value moved (len(choice) * v):
            # v >= fixed / (share * len(choice) - transport per value summed over the hops)
            room = share * len(choice) - sum(carried_per_value[(o["id"], n["id"])] for o, n, _, _ in choice)
            if room <= 0 and fixed > 0:
                continue
            lot = max(lot, fixed / room if fixed > 0 else 0.0)
            if lot > cap:
                continue
            gain = sum(per for *_, per in choice)
            if gain * cap - fixed <= 0:
                continue
            v = model.add_variable(lb=0.0, ub=cap)
            y = model.add_binary_variable()
            model.add_linear_constraint(v <= cap * y)
            model.add_linear_constraint(v >= lot * y)
            objective += gain * v - fixed * y
            for o, n, val, _ in choice:
                offer_use[o["id"]].append(v * (1.0 / val))
                need_use[n["id"]].append(v * (1.0 / val))
            columns.append((choice, v))
    for offer in instance["offers"]:
        if offer_use[offer["id"]]:
            model.add_linear_constraint(sum(offer_use[offer["id"]]) <= offer["quantity"])
    for need in instance["needs"]:
        if need_use[need["id"]]:
            model.add_linear_constraint(sum(need_use[need["id"]]) <= need["quantity"])
    model.maximize(objective)
    params = mathopt.SolveParameters(time_limit=_seconds(time_limit_s), relative_gap_tolerance=1e-6)
    result = mathopt.solve(model, mathopt.SolverType.HIGHS, params=params)
    exchanges = []
    worth = 0.0
    if result.has_primal_feasible_solution():
        for choice, v in columns:
            value = result.variable_values(v)
            if value <= 1e-7:
                continue
            worth += value * sum(per for *_, per in choice) - fixed
            transfers = [
                {"offer": o["id"], "need": n["id"], "quantity": value / val} for o, n, val, _ in choice
            ]
            exchanges.append({"kind": "cycle", "transfers": transfers})
    return {
        "format": "barter-solution/1",
        "status": "feasible",
        "objective": worth,
        "upper_bound": worth,
        "solve_seconds": 0.0,
        "exchanges": exchanges,
    }


def _seconds(s: float) -> datetime.timedelta:
    return datetime.timedelta(seconds=s)
