"""An independent reference for the engine: a cycle model of the whole market, solved by HiGHS.

Written from formats.md alone; it shares no code with barter.matching (it reads the instance as
plain dicts and checks acceptability with the independent validator's rule). Deliberately
simple, so that it is easy to trust:
  * every acceptable (offer, need) pair of the whole market is an arc, however far;
  * every simple cycle of 2..max_cycle_length communities over those arcs is a column, moving
    the same value v on each hop (balanced exactly, so within any tolerance); with own terms,
    every community receiving the same share r of what it gives as it sees them (r = 1 where
    no listing has terms), kept when r is within the tolerance;
  * v is semi-continuous: 0, or between the largest min lot on its hops and the smallest
    capacity (stricter than the engine's rules, so every answer here is feasible there);
  * no chains.
Its optimum is a feasible value of the engine's problem, so the engine's bound must be at least
that, and the engine's answer should come close to it.
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections import defaultdict
from typing import Any

from ortools.math_opt.python import mathopt

from tests.matching.validator import DEFAULTS, _acceptable, great_circle_km, own_need_value, own_offer_value


def reference_solution(instance: dict[str, Any], *, time_limit_s: float = 30.0) -> dict[str, Any]:
    """A barter-solution/1 dict (objective as the model computes it, status "feasible")."""
    settings = {**DEFAULTS, **instance.get("settings", {})}
    communities = {c["id"]: c for c in instance["communities"]}
    items = {i["id"]: i for i in instance["items"]}
    road = settings["road_factor"]
    tc = settings["transport_cost_per_kg_km"]
    fixed = settings["exchange_fixed_cost"]
    length = settings["max_cycle_length"] or 3
    tolerance = settings["balance_tolerance"]

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
            per_v = _quantities(choice, items, tolerance)
            if per_v is None:
                continue
            cap = min(
                min(o["quantity"], n["quantity"]) / c for (o, n, _, _), c in zip(choice, per_v, strict=True)
            )
            lot = max(
                max(o.get("min_lot", 0.0), n.get("min_lot", 0.0)) / c
                for (o, n, _, _), c in zip(choice, per_v, strict=True)
            )
            # transport and fixed cost at most `share` of the value moved, at the items' values
            # (hop k moves v * c * value: v on every hop only without own terms):
            # v >= fixed / (share * moved per v - transport per v)
            moved = [val * c for (_, _, val, _), c in zip(choice, per_v, strict=True)]
            room = share * sum(moved) - sum(
                carried_per_value[(o["id"], n["id"])] * w
                for (o, n, _, _), w in zip(choice, moved, strict=True)
            )
            if room <= 0 and fixed > 0:
                continue
            lot = max(lot, fixed / room if fixed > 0 else 0.0)
            if lot > cap:
                continue
            gain = sum(per * val * c for (_, _, val, per), c in zip(choice, per_v, strict=True))
            if gain * cap - fixed <= 0:
                continue
            v = model.add_variable(lb=0.0, ub=cap)
            y = model.add_binary_variable()
            model.add_linear_constraint(v <= cap * y)
            model.add_linear_constraint(v >= lot * y)
            objective += gain * v - fixed * y
            for (o, n, _, _), c in zip(choice, per_v, strict=True):
                offer_use[o["id"]].append(v * c)
                need_use[n["id"]].append(v * c)
            columns.append((choice, per_v, gain, v, y))
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
        for choice, per_v, gain, v, y in columns:
            value = result.variable_values(v)
            if value <= 1e-7 or result.variable_values(y) < 0.5:
                continue  # (a column HiGHS left on within its integrality tolerance is off)
            worth += value * gain - fixed
            transfers = [
                {"offer": o["id"], "need": n["id"], "quantity": value * c}
                for (o, n, _, _), c in zip(choice, per_v, strict=True)
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


def _quantities(
    choice: tuple[tuple[dict[str, Any], dict[str, Any], float, float], ...],
    items: dict[str, dict[str, Any]],
    tolerance: float,
) -> list[float] | None:
    """Quantity moved on each hop per unit of v (v: the value on the first hop), every community
    receiving the same share r of what it gives, each as it sees them (own terms, else the
    reference values); None when that share is outside the tolerance. Without own terms r = 1
    and every hop moves v in value."""
    gives = [own_offer_value(o, items, tolerance) for o, *_ in choice]
    gets = [own_need_value(n, items[o["item"]]) for o, n, *_ in choice]
    ratio = math.prod(gets) / math.prod(gives)
    r = ratio ** (1.0 / len(choice))
    if not (1 - tolerance) * (1 - 1e-12) <= r <= (1 + tolerance) * (1 + 1e-12):
        return None
    out = [1.0 / choice[0][2]]
    for k in range(len(choice) - 1):
        # community k+1 receives r times what it gives, as it sees both
        out.append(out[k] * gets[k] / (r * gives[k + 1]))
    return out
