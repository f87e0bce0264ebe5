"""Divisible goods: a feasible answer by repeated LP (GLOP), rounding by pushing up or dropping.

The LP over the chosen columns ignores min lots and spreads fixed costs over the flow. After
each solve, every exchange (a cycle, or a listed chain) that carries value below one of its lots
is either pushed up to its lots (rows: every hop at least its lot), when it already carries at
least FORCE_AT of them and the least flows that meeting the lots takes still fit every offer and
need, or dropped (its columns get an upper bound of 0); exchanges worth less than their fixed
cost are dropped too. Then the LP is solved again from the previous basis. After FORCE_ROUNDS
rounds only dropping remains, among the exchanges in use, so the rounds end quickly. Any solve, less the
exchanges in trouble, keeps every rule; the best of those is the answer.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from ortools.linear_solver import pywraplp

from barter.matching.columns import FamilyKey, Model
from barter.matching.primal import PrimalResult, Selection

FloatArray = npt.NDArray[np.float64]

LOT_SLACK = 1e-7
FORCE_AT = 0.5  # a cycle carrying at least half its lots is pushed up to them, not dropped
FORCE_ROUNDS = 8


def repair(
    model: Model,
    selection: Selection,
    *,
    remaining: Callable[[], float],
    max_rounds: int = 400,
) -> PrimalResult:
    m = model.market
    solver = pywraplp.Solver.CreateSolver("GLOP")
    assert solver is not None
    inf = solver.infinity()
    objective = solver.Objective()
    objective.SetMaximization()
    offer_row: dict[int, pywraplp.Constraint] = {}
    need_row: dict[int, pywraplp.Constraint] = {}
    chain_row: dict[tuple[int, int], pywraplp.Constraint] = {}
    f = model.fixed_cost

    def use_arc(arc: int, var: pywraplp.Variable, amount: float) -> None:
        o, n = int(m.arc_offer[arc]), int(m.arc_need[arc])
        row = offer_row.get(o)
        if row is None:
            row = offer_row[o] = solver.Constraint(-inf, float(m.offer_qty[o] * m.offer_val[o] / m.scale))
        row.SetCoefficient(var, row.GetCoefficient(var) + amount)
        row = need_row.get(n)
        if row is None:
            row = need_row[n] = solver.Constraint(-inf, float(m.need_qty[n] / m.scale))
        row.SetCoefficient(var, row.GetCoefficient(var) + amount / float(m.arc_val[arc]))

    groups: dict[tuple[FamilyKey, int], list[tuple[pywraplp.Variable, FloatArray]]] = {}
    for (key, row), chosen in selection.cycles.items():
        fam = model.families[key]
        arcs = fam.arcs[row]
        caps = m.arc_cap[arcs]
        lots = m.arc_lot[arcs]
        rays = fam.rays if not fam.fixed[row] else caps[None, :]
        fits = (lots[None, :] / rays).max(axis=1) <= (caps[None, :] / rays).min(axis=1) * (1 + 1e-9)
        if not np.any(fits):
            continue  # no pattern meets every lot within the capacities
        # keep a pattern that can meet the lots, in case the cycle must be pushed up to them
        patterns = chosen if fam.fixed[row] else sorted(set(chosen) | {int(np.argmax(fits))})
        entries = []
        if fam.fixed[row]:
            v = solver.NumVar(0.0, 1.0, "")
            for hop, arc in enumerate(arcs):
                use_arc(int(arc), v, float(caps[hop]))
            objective.SetCoefficient(v, float(caps @ (m.arc_gain[arcs] - m.arc_pen[arcs])) - f)
            entries.append((v, caps.copy()))
        else:
            i = int(fam.istar[row])
            for p in patterns:
                pattern = fam.rays[p]
                v = solver.NumVar(0.0, inf, "")
                for hop, arc in enumerate(arcs):
                    use_arc(int(arc), v, float(pattern[hop]))
                gain = float(pattern @ (m.arc_gain[arcs] - m.arc_pen[arcs]))
                objective.SetCoefficient(v, gain - f * float(pattern[i]) / float(caps[i]))
                entries.append((v, pattern))
        groups[(key, row)] = entries

    chain_vars: dict[tuple[int, int], pywraplp.Variable] = {}
    depth = model.layers.depth

    def node_row(k: int, c: int) -> pywraplp.Constraint:
        row = chain_row.get((k, c))
        if row is None:
            row = chain_row[(k, c)] = solver.Constraint(-inf, 0.0)
        return row

    for k, indexes in selection.chains.items():
        arcs_k = model.layers.arcs[k - 1]
        for i in indexes:
            arc = int(arcs_k[i])
            cap = float(m.arc_cap[arc])
            var = solver.NumVar(0.0, cap, "")
            use_arc(arc, var, 1.0)
            gain = float(m.arc_gain[arc] - m.arc_pen[arc])
            if k == 1 and f > 0:
                gain -= f / cap
            objective.SetCoefficient(var, gain)
            chain_vars[(k, arc)] = var
            # value given at position k+1 <= value received at position k
            if k >= 2:
                node_row(k - 1, int(m.arc_from[arc])).SetCoefficient(var, 1.0)
            if k < depth:
                node_row(k, int(m.arc_to[arc])).SetCoefficient(var, -1.0)

    removed: set[tuple[FamilyKey, int]] = set()
    removed_chain: set[tuple[int, int]] = set()
    forced: dict[tuple[FamilyKey, int], list[pywraplp.Constraint]] = {}
    batch: list[tuple[FamilyKey, int]] = []  # forced in the last round
    flows: dict[tuple[FamilyKey, int], FloatArray] = {}
    chain_flows: dict[tuple[int, int], float] = {}
    good: tuple[dict[tuple[FamilyKey, int], FloatArray], dict[tuple[int, int], float]] = ({}, {})
    best_worth = 0.0

    def least_flow(group: tuple[FamilyKey, int]) -> FloatArray:
        """Per hop, the value carried by the smallest flow that meets every lot (best pattern)."""
        arcs = model.families[group[0]].arcs[group[1]]
        lots, caps = m.arc_lot[arcs], m.arc_cap[arcs]
        best: FloatArray | None = None
        for _, pattern in groups[group]:
            scale = float(np.max(lots / pattern))
            if scale > float(np.min(caps / pattern)) * (1 + 1e-9):
                continue
            flow = scale * pattern
            if best is None or flow.sum() < best.sum():
                best = flow
        return best if best is not None else lots

    def drop_group(group: tuple[FamilyKey, int]) -> None:
        removed.add(group)
        flows.pop(group, None)
        for row in forced.pop(group, []):
            row.SetLb(-inf)
        for var, _ in groups[group]:
            var.SetUb(0.0)

    m_offer = len(m.offer_qty)
    committed_offer = np.zeros(m_offer)  # lots forced so far (scaled value)
    committed_need = np.zeros(len(m.need_qty))  # (scaled quantity)
    offer_cap = m.offer_qty * m.offer_val / m.scale
    need_cap = m.need_qty / m.scale
    start_left = remaining()
    frozen = False
    for rounds in range(1, max_rounds + 1):
        left = remaining()
        if left <= 0:
            break  # out of time: the last good answer stands
        solver.SetTimeLimit(max(50, int(left * 1000)))
        status = solver.Solve()
        if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
            if not batch:
                break
            # the last lots forced together do not fit: drop them instead
            for group in batch:
                arcs = model.families[group[0]].arcs[group[1]]
                least = least_flow(group)
                committed_offer[m.arc_offer[arcs]] -= least
                committed_need[m.arc_need[arcs]] -= least / m.arc_val[arcs]
                drop_group(group)
            batch = []
            continue
        batch = []
        flows = {}
        for group, entries in groups.items():
            if group in removed:
                continue
            hops = sum(
                (var.solution_value() * pattern for var, pattern in entries), np.zeros(len(entries[0][1]))
            )
            if hops.max() > 1e-9:
                flows[group] = hops
        chain_flows = {
            key2: var.solution_value()
            for key2, var in chain_vars.items()
            if key2 not in removed_chain and var.solution_value() > 1e-9
        }
        drop: list[tuple[FamilyKey, int]] = []
        near: list[tuple[float, tuple[FamilyKey, int]]] = []
        for group, hops in flows.items():
            arcs = model.families[group[0]].arcs[group[1]]
            lots = m.arc_lot[arcs]
            if float(hops @ m.arc_gain[arcs]) - f <= 0 and group not in forced:
                drop.append(group)
                continue
            need = lots > 0
            if not np.any(hops[need] < lots[need] * (1 - LOT_SLACK)):
                continue
            closeness = float(np.min(hops[need] / lots[need]))
            if closeness >= FORCE_AT and group not in forced:
                near.append((-closeness, group))
            else:
                drop.append(group)
        # what this solve gives with every exchange in trouble left out keeps every rule: the best
        # such answer of any round is the fallback when time runs out
        trouble = set(drop) | {group for _, group in near}
        valid = {g: h for g, h in flows.items() if g not in trouble}
        valid_chain = {k: v for k, v in chain_flows.items() if v >= float(m.arc_lot[k[1]]) * (1 - LOT_SLACK)}
        worth = sum(float(h @ m.arc_gain[model.families[g[0]].arcs[g[1]]]) - f for g, h in valid.items())
        worth += sum(float(m.arc_gain[k[1]]) * v - (f if k[0] == 1 else 0.0) for k, v in valid_chain.items())
        if worth > best_worth:
            best_worth, good = worth, (valid, valid_chain)
        # force the closest, as long as the lots already forced still fit every offer and need;
        # after FORCE_ROUNDS rounds, or with little time left, only drop, and only among the
        # exchanges in use: nothing new can come in, so the rounds end quickly
        near.sort()
        if rounds > FORCE_ROUNDS or remaining() < 0.25 * start_left:
            drop.extend(group for _, group in near)
            near = []
            if not frozen:
                frozen = True
                for group, entries in groups.items():
                    if group not in flows and group not in removed:
                        for var, _ in entries:
                            var.SetUb(0.0)
                for key2, var in chain_vars.items():
                    if key2 not in chain_flows:
                        var.SetUb(0.0)
        for _, group in near:
            arcs = model.families[group[0]].arcs[group[1]]
            least = least_flow(group)  # what the exchange carries at the least, lots met
            offers_g, needs_g = m.arc_offer[arcs], m.arc_need[arcs]
            need_qty = least / m.arc_val[arcs]
            if np.any(committed_offer[offers_g] + least > offer_cap[offers_g] * (1 + 1e-9)) or np.any(
                committed_need[needs_g] + need_qty > need_cap[needs_g] * (1 + 1e-9)
            ):
                drop.append(group)
                continue
            committed_offer[offers_g] += least
            committed_need[needs_g] += need_qty
            batch.append(group)
        drop_chain = [
            key2 for key2, value in chain_flows.items() if value < float(m.arc_lot[key2[1]]) * (1 - LOT_SLACK)
        ]
        for group in drop:
            drop_group(group)
        for group in batch:
            fam = model.families[group[0]]
            lots = m.arc_lot[fam.arcs[group[1]]]
            rows = []
            for hop in range(fam.length):
                if lots[hop] > 0:
                    row = solver.Constraint(float(lots[hop]), inf)
                    for var, pattern in groups[group]:
                        row.SetCoefficient(var, float(pattern[hop]))
                    rows.append(row)
            forced[group] = rows
        for key2 in drop_chain:
            removed_chain.add(key2)
            del chain_flows[key2]
            chain_vars[key2].SetUb(0.0)
        if not drop and not drop_chain and not batch and not near:
            break

    flows, chain_flows = good
    result = PrimalResult("feasible", 0.0, np.inf, cycles=flows, chains=chain_flows)
    total = 0.0
    for group, hops in flows.items():
        arcs = model.families[group[0]].arcs[group[1]]
        total += float(hops @ m.arc_gain[arcs]) - f
    for (k, arc), value in chain_flows.items():
        total += float(m.arc_gain[arc]) * value - (f if k == 1 else 0.0)
    result.objective = total
    return result
