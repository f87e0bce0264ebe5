"""Divisible goods: a feasible answer by repeated LP (HiGHS), rounding by pushing up or dropping.

The LP over the chosen columns ignores min lots and spreads fixed costs over the flow. After
each solve, every exchange (a cycle, or a listed chain) that carries value below one of its lots
is either pushed up to its lots (rows: every hop at least its lot), when it already carries at
least FORCE_AT of them and the least flows that meeting the lots takes still fit every offer and
need, or dropped (its columns get an upper bound of 0); exchanges worth less than their fixed
cost are dropped too. Then the LP is solved again from the previous basis. After FORCE_ROUNDS
rounds only dropping remains, among the exchanges in use, so the rounds end quickly. Any solve, less the
exchanges in trouble, keeps every rule; the best of those is the answer.

Which exchanges are pushed up decides much of the answer, and no one share is best on every
market. So, with a core to spare, a second rounding starts from the first's first solve (a copy
of its LP and basis) and pushes up at another share, in a thread; the better answer stands.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import numpy.typing as npt

from barter.matching.columns import FamilyKey, Model, arc_rows
from barter.matching.lpsolvers import HighsLp
from barter.matching.primal import PrimalResult, Selection

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

LOT_SLACK = 1e-7
FORCE_AT = 0.5  # a cycle carrying at least half its lots is pushed up to them, not dropped
FORCE_ROUNDS = 8


Group = tuple[FamilyKey, int]  # one exchange: (family, row)


def repair(
    model: Model,
    selection: Selection,
    *,
    remaining: Callable[[], float],
    max_rounds: int = 400,
    force_at: float = FORCE_AT,
    also_at: float | None = None,
) -> PrimalResult:
    """Round the LP over `selection` within `remaining()` seconds, pushing up the exchanges that
    carry at least `force_at` of their lots. With `also_at`, a second rounding goes on from the
    same first solve in a thread, pushing up those at `also_at` instead, and the better answer
    stands (on a core of its own, as the LP solves leave Python's lock)."""
    rounding = _Rounding(model, selection)
    start_left = remaining()
    if start_left <= 0 or not rounding.solve(start_left):
        return rounding.result()  # nothing in time
    if also_at is None:
        return _dive(rounding, force_at, remaining, start_left, max_rounds)
    other = rounding.fork()
    with ThreadPoolExecutor(1, thread_name_prefix="barter-rounding") as pool:
        beside = pool.submit(_dive, other, also_at, remaining, start_left, max_rounds)
        first = _dive(rounding, force_at, remaining, start_left, max_rounds)
        second = beside.result()
    return second if second.objective > first.objective else first


def _dive(
    rounding: _Rounding,
    force_at: float,
    remaining: Callable[[], float],
    start_left: float,
    max_rounds: int,
) -> PrimalResult:
    """The rounds, from the LP's first solve (already made) to an answer keeping every rule."""
    for rounds in range(1, max_rounds + 1):
        if rounds > 1:
            left = remaining()
            if left <= 0:
                break  # out of time: the last good answer stands
            if not rounding.solve(left):
                if not rounding.undo_batch():
                    break
                continue
        rounding.read()
        drop, near = rounding.in_trouble(force_at)
        rounding.keep_if_best(set(drop) | {group for _, group in near})
        # force the closest, as long as the lots already forced still fit every offer and need;
        # after FORCE_ROUNDS rounds, or with little time left, only drop, and only among the
        # exchanges in use: nothing new can come in, so the rounds end quickly
        near.sort()
        if rounds > FORCE_ROUNDS or remaining() < 0.25 * start_left:
            drop.extend(group for _, group in near)
            near = []
            rounding.freeze()
        drop.extend(rounding.force([group for _, group in near]))
        drop_chain = rounding.short_chains()
        rounding.apply(drop, drop_chain)
        if not drop and not drop_chain and not rounding.batch and not near:
            break
    return rounding.result()


class _Rounding:
    """The LP over the chosen columns (HiGHS) and what the rounding has decided so far."""

    def __init__(self, model: Model, selection: Selection) -> None:
        self.model = model
        m = self.m = model.market
        # the first solve by the interior point (with crossover, for a basis), every later one by
        # the dual simplex from the last basis: between solves the rounding only lowers upper
        # bounds and adds rows, which keep that basis dual feasible. On 1,000 synthetic
        # communities GLOP's primal simplex took 4.5 s for the first solve and 3.1-3.2 s for the
        # second (5,500-9,800 iterations, with or without its dual simplex)
        self.lp = HighsLp()
        self.solved = False
        self.x: FloatArray = np.zeros(0)
        self._row_upper: list[float] = []
        self._cost: list[float] = []
        self._upper: list[float] = []
        self._entries: list[dict[int, float]] = []
        self.offer_row: dict[int, int] = {}
        self.need_row: dict[int, int] = {}
        self.chain_row: dict[tuple[int, int], int] = {}
        self.f = model.fixed_cost
        self.groups: dict[Group, list[tuple[int, FloatArray]]] = {}
        self.chain_vars: dict[tuple[int, int], int] = {}
        self._blocks: list[tuple[list[Group], IntArray, IntArray, FloatArray]] | None = None
        self._add_cycles(selection)
        self._add_chains(selection)
        self.offer_cap = m.offer_qty * m.offer_val / m.scale
        self.need_cap = m.need_qty / m.scale
        self._undecided()

    def _undecided(self) -> None:
        """Nothing decided yet: what each rounding (and a fork) starts its rounds from."""
        m = self.m
        self.removed: set[Group] = set()
        self.removed_chain: set[tuple[int, int]] = set()
        self.forced: dict[Group, list[int]] = {}
        self.batch: list[Group] = []  # forced in the last round
        self.flows: dict[Group, FloatArray] = {}
        self.chain_flows: dict[tuple[int, int], float] = {}
        self.good: tuple[dict[Group, FloatArray], dict[tuple[int, int], float]] = ({}, {})
        self.best_worth = 0.0
        self.committed_offer = np.zeros(len(m.offer_qty))  # lots forced so far (scaled value)
        self.committed_need = np.zeros(len(m.need_qty))  # (scaled quantity)
        self.frozen = False

    # -- the LP ----------------------------------------------------------------------------------

    def _var(self, upper: float, cost: float) -> int:
        self._cost.append(cost)
        self._upper.append(upper)
        self._entries.append({})
        return len(self._cost) - 1

    def _row(self, upper: float) -> int:
        self._row_upper.append(upper)
        return len(self._row_upper) - 1

    def _use_arc(self, arc: int, var: int, amount: float) -> None:
        entries = self._entries[var]
        for term in arc_rows(self.m, arc, amount):
            rows = self.offer_row if term.kind == "offer" else self.need_row
            row = rows.get(term.index)
            if row is None:
                row = rows[term.index] = self._row(term.rhs)
            entries[row] = entries.get(row, 0.0) + term.coef

    def _hold_at_zero(self, columns: list[int]) -> None:
        """Upper bound 0 on `columns` (every change to the LP comes after its first solve)."""
        self.lp.set_upper(columns, [0.0] * len(columns))

    def _add_cycles(self, selection: Selection) -> None:
        m, model, f = self.m, self.model, self.f
        for (key, row), chosen in selection.cycles.items():
            fam = model.families[key]
            arcs = fam.arcs[row]
            caps = m.arc_cap[arcs]
            lots = m.arc_lot[arcs]
            rays = fam.row_rays(row) if not fam.fixed[row] else caps[None, :]
            fits = (lots[None, :] / rays).max(axis=1) <= (caps[None, :] / rays).min(axis=1) * (1 + 1e-9)
            if not np.any(fits):
                continue  # no pattern meets every lot within the capacities
            # keep a pattern that can meet the lots, in case the cycle must be pushed up to them
            patterns = chosen if fam.fixed[row] else sorted(set(chosen) | {int(np.argmax(fits))})
            entries = []
            if fam.fixed[row]:
                v = self._var(1.0, float(caps @ (m.arc_gain[arcs] - m.arc_pen[arcs])) - f)
                for hop, arc in enumerate(arcs):
                    self._use_arc(int(arc), v, float(caps[hop]))
                entries.append((v, caps.copy()))
            else:
                i = int(fam.istar[row])
                for p in patterns:
                    pattern = fam.pattern(row, p)
                    gain = float(pattern @ (m.arc_gain[arcs] - m.arc_pen[arcs]))
                    v = self._var(np.inf, gain - f * float(pattern[i]) / float(caps[i]))
                    for hop, arc in enumerate(arcs):
                        self._use_arc(int(arc), v, float(pattern[hop]))
                    entries.append((v, pattern))
            self.groups[(key, row)] = entries

    def _node_row(self, k: int, c: int) -> int:
        row = self.chain_row.get((k, c))
        if row is None:
            row = self.chain_row[(k, c)] = self._row(0.0)
        return row

    def _add_chains(self, selection: Selection) -> None:
        m, model, f = self.m, self.model, self.f
        depth = model.layers.depth
        for k, indexes in selection.chains.items():
            arcs_k = model.layers.arcs[k - 1]
            for i in indexes:
                arc = int(arcs_k[i])
                cap = float(m.arc_cap[arc])
                gain = float(m.arc_gain[arc] - m.arc_pen[arc])
                if k == 1 and f > 0:
                    gain -= f / cap
                var = self._var(cap, gain)
                self._use_arc(arc, var, 1.0)
                self.chain_vars[(k, arc)] = var
                # value given at position k+1 <= value received at position k
                # (as each community sees it: own terms weigh given by gamma, received by rho)
                entries = self._entries[var]
                if k >= 2:
                    entries[self._node_row(k - 1, int(m.arc_from[arc]))] = float(m.arc_gamma[arc])
                if k < depth:
                    entries[self._node_row(k, int(m.arc_to[arc]))] = -float(m.arc_rho[arc])

    def solve(self, left: float) -> bool:
        """Solve again (from the last basis); False when no answer came back."""
        if not self.solved:
            self.lp.add_rows(self._row_upper)
            self.lp.add_columns(self._cost, self._upper, self._entries)
            self._entries = []
        ok = self.lp.solve(left)
        if not self.solved:
            self.solved = True
            self.lp.warm_from_here()
        if ok:
            self.x = self.lp.column_values()
        return ok

    def fork(self) -> _Rounding:
        """A second rounding of the same columns that goes on from this one's first solve (call
        it between that solve and the first round): its own LP, the layout shared (read only)."""
        self._layout()
        other = copy.copy(self)
        other.lp = self.lp.copy()
        other.x = self.x.copy()
        other._undecided()
        return other

    # -- one round -------------------------------------------------------------------------------

    def undo_batch(self) -> bool:
        """The last lots forced together do not fit: drop them instead (False: none were forced)."""
        if not self.batch:
            return False
        m = self.m
        for group in self.batch:
            arcs = self.model.families[group[0]].arcs[group[1]]
            least = self.least_flow(group)
            self.committed_offer[m.arc_offer[arcs]] -= least
            self.committed_need[m.arc_need[arcs]] -= least / m.arc_val[arcs]
            self.drop_group(group)
        self.batch = []
        return True

    def _layout(self) -> list[tuple[list[Group], IntArray, IntArray, FloatArray]]:
        """The exchanges' columns as arrays, one block per exchange length: the exchanges, and
        per column its exchange (a row of the block), its LP column and its pattern."""
        if self._blocks is None:
            by_length: dict[int, tuple[list[Group], list[int], list[int], list[FloatArray]]] = {}
            for group, entries in self.groups.items():
                groups, rows, columns, patterns = by_length.setdefault(len(entries[0][1]), ([], [], [], []))
                for var, pattern in entries:
                    rows.append(len(groups))
                    columns.append(var)
                    patterns.append(pattern)
                groups.append(group)
            self._blocks = [
                (
                    groups,
                    np.asarray(rows, dtype=np.int64),
                    np.asarray(columns, dtype=np.int64),
                    np.stack(patterns),
                )
                for groups, rows, columns, patterns in by_length.values()
            ]
        return self._blocks

    def read(self) -> None:
        """The flows of the last solve, per exchange and per chain position."""
        self.batch = []
        x = self.x
        carried: dict[Group, FloatArray] = {}
        for groups, rows, columns, patterns in self._layout():
            # per exchange, the sum of its columns' value times their pattern, added in the
            # columns' order (np.add.at adds in index order)
            hops = np.zeros((len(groups), patterns.shape[1]))
            np.add.at(hops, rows, x[columns][:, None] * patterns)
            for i in np.nonzero(hops.max(axis=1) > 1e-9)[0].tolist():
                carried[groups[i]] = hops[i]
        # (in the exchanges' own order, as everything after reads them)
        self.flows = {
            group: carried[group] for group in self.groups if group in carried and group not in self.removed
        }
        self.chain_flows = {
            key2: float(x[var])
            for key2, var in self.chain_vars.items()
            if key2 not in self.removed_chain and x[var] > 1e-9
        }

    def in_trouble(self, force_at: float = FORCE_AT) -> tuple[list[Group], list[tuple[float, Group]]]:
        """Exchanges to drop (worth less than their fixed cost, or below `force_at` of a lot)
        and those near their lots (with how near: the least share of a lot carried)."""
        m, f = self.m, self.f
        drop: list[Group] = []
        near: list[tuple[float, Group]] = []
        for group, hops in self.flows.items():
            arcs = self.model.families[group[0]].arcs[group[1]]
            lots = m.arc_lot[arcs]
            if float(hops @ m.arc_gain[arcs]) - f <= 0 and group not in self.forced:
                drop.append(group)
                continue
            need = lots > 0
            if not np.any(hops[need] < lots[need] * (1 - LOT_SLACK)):
                continue
            closeness = float(np.min(hops[need] / lots[need]))
            if closeness >= force_at and group not in self.forced:
                near.append((-closeness, group))
            else:
                drop.append(group)
        return drop, near

    def keep_if_best(self, trouble: set[Group]) -> None:
        """What this solve gives with every exchange in trouble left out keeps every rule: the
        best such answer of any round is the fallback when time runs out."""
        m, f = self.m, self.f
        valid = {g: h for g, h in self.flows.items() if g not in trouble}
        valid_chain = {
            k: v for k, v in self.chain_flows.items() if v >= float(m.arc_lot[k[1]]) * (1 - LOT_SLACK)
        }
        worth = sum(float(h @ m.arc_gain[self.model.families[g[0]].arcs[g[1]]]) - f for g, h in valid.items())
        worth += sum(float(m.arc_gain[k[1]]) * v - (f if k[0] == 1 else 0.0) for k, v in valid_chain.items())
        if worth > self.best_worth:
            self.best_worth, self.good = worth, (valid, valid_chain)

    def freeze(self) -> None:
        """From now on only the exchanges in use may carry value."""
        if self.frozen:
            return
        self.frozen = True
        idle = [
            var
            for group, entries in self.groups.items()
            if group not in self.flows and group not in self.removed
            for var, _ in entries
        ]
        idle.extend(var for key2, var in self.chain_vars.items() if key2 not in self.chain_flows)
        self._hold_at_zero(idle)

    def force(self, near: list[Group]) -> list[Group]:
        """Push the exchanges near their lots up to them (the batch), closest first, while the
        lots forced so far fit every offer and need; returns those that do not fit."""
        m = self.m
        misfits: list[Group] = []
        for group in near:
            arcs = self.model.families[group[0]].arcs[group[1]]
            least = self.least_flow(group)  # what the exchange carries at the least, lots met
            offers_g, needs_g = m.arc_offer[arcs], m.arc_need[arcs]
            need_qty = least / m.arc_val[arcs]
            if np.any(
                self.committed_offer[offers_g] + least > self.offer_cap[offers_g] * (1 + 1e-9)
            ) or np.any(self.committed_need[needs_g] + need_qty > self.need_cap[needs_g] * (1 + 1e-9)):
                misfits.append(group)
                continue
            self.committed_offer[offers_g] += least
            self.committed_need[needs_g] += need_qty
            self.batch.append(group)
        return misfits

    def short_chains(self) -> list[tuple[int, int]]:
        m = self.m
        return [
            key2
            for key2, value in self.chain_flows.items()
            if value < float(m.arc_lot[key2[1]]) * (1 - LOT_SLACK)
        ]

    def apply(self, drop: list[Group], drop_chain: list[tuple[int, int]]) -> None:
        """Drop what is dropped, and add rows holding the batch at its lots."""
        for group in drop:
            self.drop_group(group)
        for group in self.batch:
            fam = self.model.families[group[0]]
            lots = self.m.arc_lot[fam.arcs[group[1]]]
            rows = []
            for hop in range(fam.length):
                if lots[hop] > 0:
                    entries = {var: float(pattern[hop]) for var, pattern in self.groups[group]}
                    rows.append(self.lp.add_row(float(lots[hop]), entries))
            self.forced[group] = rows
        for key2 in drop_chain:
            self.removed_chain.add(key2)
            del self.chain_flows[key2]
        self._hold_at_zero([self.chain_vars[key2] for key2 in drop_chain])

    def least_flow(self, group: Group) -> FloatArray:
        """Per hop, the value carried by the smallest flow that meets every lot (best pattern)."""
        m = self.m
        arcs = self.model.families[group[0]].arcs[group[1]]
        lots, caps = m.arc_lot[arcs], m.arc_cap[arcs]
        best: FloatArray | None = None
        for _, pattern in self.groups[group]:
            scale = float(np.max(lots / pattern))
            if scale > float(np.min(caps / pattern)) * (1 + 1e-9):
                continue
            flow = scale * pattern
            if best is None or flow.sum() < best.sum():
                best = flow
        return best if best is not None else lots

    def drop_group(self, group: Group) -> None:
        self.removed.add(group)
        self.flows.pop(group, None)
        for row in self.forced.pop(group, []):
            self.lp.set_row_lower(row, -np.inf)
        self._hold_at_zero([var for var, _ in self.groups[group]])

    def result(self) -> PrimalResult:
        """The best answer of any round that keeps every rule."""
        m, f = self.m, self.f
        flows, chain_flows = self.good
        total = 0.0
        for group, hops in flows.items():
            arcs = self.model.families[group[0]].arcs[group[1]]
            total += float(hops @ m.arc_gain[arcs]) - f
        for (k, arc), value in chain_flows.items():
            total += float(m.arc_gain[arc]) * value - (f if k == 1 else 0.0)
        return PrimalResult("feasible", total, np.inf, cycles=flows, chains=chain_flows)
