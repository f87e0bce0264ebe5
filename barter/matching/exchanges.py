"""From solver values to exchanges: cycles as they are, chains and circulations decomposed,
quantities cleaned, and every exchange checked against the rules before it is returned.

Whole units. The solver moves value continuously; people move whole pieces and kilograms to a
step. Every exchange is therefore scaled down to the largest value flow at which each hop is a
whole multiple of its item's step (`Item.step`; none: any amount of at least MIN_QUANTITY) and
every community's balance still holds; an exchange that cannot be rounded, or whose transfers
move less than the run's `min_exchange_value`, is left out. Rounding only removes answers, so
a bound of the whole market stays a bound; the objective is that of the rounded exchanges. One more rule:
an exchange's transport and fixed cost are at most `max_transport_share` of the value it moves.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from barter.matching.market import Market

FloatArray = npt.NDArray[np.float64]

FLOW_EPS = 1e-9
ROUNDING_LOSS = 1e-3  # whole units may cost an exchange at most this share of its value
MIN_QUANTITY = 1e-4  # the database keeps four decimals: no transfer is smaller, no step finer
STEP_CANDIDATES = 24  # multiples of its step below each hop's exact quantity tried as the scale
ROUNDINGS = 64  # roundings of one exchange at one scale tried at most
# a solver's answer may pass an offer's or need's quantity by its own tolerance (HiGHS's rounding
# LP on 1,000 synthetic communities: two cycles 1.5e-8 and 2.9e-8 over, 48,749 baht left out
# whole): such an exchange is scaled down to fit, by at most this share
OVER_BY = 1e-6


@dataclass(slots=True)
class Draft:
    """An exchange in arc terms: hop k moves value[k] (scaled) along arcs[k]."""

    kind: str  # cycle | chain
    arcs: list[int]
    values: list[float]


def chains_from_positions(market: Market, flows: dict[tuple[int, int], float]) -> list[Draft]:
    """Decompose position-indexed chain flows (value given at k+1 <= received at k) into paths.

    Greedy: from the heaviest gift arc, follow the heaviest remaining arc one position further,
    never revisiting a community, and never past an arc whose remaining flow is below its lot;
    the path carries its smallest arc value.
    """
    m = market
    remaining: dict[tuple[int, int], float] = dict(flows)
    by_from: dict[tuple[int, int], list[int]] = defaultdict(list)  # (k, giver) -> arcs
    for k, arc in sorted(flows):
        by_from[(k, int(m.arc_from[arc]))].append(arc)
    drafts: list[Draft] = []
    while True:
        starts = [
            (v, -arc)
            for (k, arc), v in remaining.items()
            if k == 1 and v > FLOW_EPS and v >= m.arc_lot[arc] * (1 - 1e-9)
        ]
        if not starts:
            break
        _, neg = max(starts)
        path = [-neg]
        seen = {int(m.arc_from[path[0]]), int(m.arc_to[path[0]])}
        value = remaining[(1, path[0])]  # what the gift carries
        # hop k carries value * mult[k]: 1 without own terms; with them, each community gives on
        # what it received as it sees both (rho received = gamma given)
        mult = [1.0]
        k = 1
        while True:
            c = int(m.arc_to[path[-1]])
            rho = float(m.arc_rho[path[-1]])
            options = []
            for a in by_from.get((k + 1, c), []):
                if remaining[(k + 1, a)] > FLOW_EPS and int(m.arc_to[a]) not in seen:
                    ratio = mult[-1] * rho / float(m.arc_gamma[a])
                    carried = min(remaining[(k + 1, a)] / ratio, value)
                    if carried * ratio >= m.arc_lot[a] * (1 - 1e-9):
                        options.append((remaining[(k + 1, a)], -a, carried, ratio))
            if not options:
                break
            _, neg, carried, ratio = max(options)
            path.append(-neg)
            seen.add(int(m.arc_to[-neg]))
            value = carried
            mult.append(ratio)
            k += 1
        for position, arc in enumerate(path, start=1):
            remaining[(position, arc)] -= value * mult[position - 1]
        drafts.append(Draft("chain", path, [value * x for x in mult]))
    return drafts


def cycles_from_circulation(market: Market, flows: dict[int, float]) -> list[Draft]:
    """Decompose an arc circulation (value in = value out at every community) into simple cycles."""
    remaining = {a: v for a, v in flows.items() if v > FLOW_EPS}
    out: dict[int, list[int]] = defaultdict(list)
    for a in sorted(remaining):
        out[int(market.arc_from[a])].append(a)
    drafts: list[Draft] = []
    for start_arc in sorted(remaining):
        while remaining.get(start_arc, 0.0) > FLOW_EPS:
            walk = [start_arc]
            position = {int(market.arc_from[start_arc]): 0}
            cycle: list[int] | None = None
            while True:
                c = int(market.arc_to[walk[-1]])
                if c in position:
                    cycle = walk[position[c] :]
                    break
                position[c] = len(walk)
                nxt = next((a for a in out[c] if remaining.get(a, 0.0) > FLOW_EPS), None)
                if nxt is None:
                    break
                walk.append(nxt)
            if cycle is None:
                # flow that does not close (numerical dust): drop it
                for a in walk:
                    remaining[a] = 0.0
                break
            value = min(remaining[a] for a in cycle)
            for a in cycle:
                remaining[a] -= value
            drafts.append(Draft("cycle", cycle, [value] * len(cycle)))
    return drafts


def prefer(market: Market, drafts: list[Draft]) -> list[Draft]:
    """Swap all-or-nothing hops to an offer the receiving need ranks higher, from the same
    giver, when that offer is free and moves the same value (preference breaks ties)."""
    m = market
    used_offers = {int(m.arc_offer[a]) for d in drafts for a in d.arcs}
    by_slot: dict[tuple[int, int], list[int]] = defaultdict(list)  # (giver, need) -> arcs
    for a in np.nonzero(m.arc_fixed)[0].tolist():
        by_slot[(int(m.arc_from[a]), int(m.arc_need[a]))].append(a)
    for slot in by_slot.values():
        slot.sort(key=lambda a: (m.arc_rank[a], a))
    out: list[Draft] = []
    for d in drafts:
        arcs = list(d.arcs)
        for i, a in enumerate(arcs):
            if not m.arc_fixed[a] or m.arc_rank[a] == 0:
                continue
            for b in by_slot[(int(m.arc_from[a]), int(m.arc_need[a]))]:
                if m.arc_rank[b] >= m.arc_rank[a]:
                    break
                ob = int(m.arc_offer[b])
                if ob in used_offers or m.arc_gift[b] != m.arc_gift[a]:
                    continue
                if abs(m.arc_cap[b] - m.arc_cap[a]) > 1e-12 or m.arc_gain[b] != m.arc_gain[a]:
                    continue
                if m.arc_gamma[b] != m.arc_gamma[a] or m.arc_rho[b] != m.arc_rho[a]:
                    continue  # other own terms: the exchange's balance would change
                used_offers.discard(int(m.arc_offer[a]))
                used_offers.add(ob)
                arcs[i] = b
                break
        out.append(Draft(d.kind, arcs, list(d.values)))
    return out


@dataclass(slots=True)
class Ledger:
    """What has been drawn from every offer and need so far."""

    offer_used: FloatArray
    need_used: FloatArray


def _snap(x: float) -> float:
    r = round(x)
    if r > 0 and abs(x - r) <= 1e-7 * max(1.0, abs(x)):
        return float(r)
    return float(f"{x:.12g}")


def _on_step(x: float, step: float) -> bool:
    if step <= 0:
        return True
    n = x / step
    return abs(n - round(n)) <= 1e-9 * max(1.0, n)


class Finisher:
    """Turns drafts into checked transfers (offer id, need id, quantity) and prices them."""

    def __init__(self, market: Market) -> None:
        self.market = market
        m = market
        self.ledger = Ledger(np.zeros(len(m.offer_qty)), np.zeros(len(m.need_qty)))
        s = m.settings
        self.tolerance = s.balance_tolerance
        self.offer_floor = np.minimum(m.offer_lot, m.offer_qty)
        self.need_floor = np.minimum(m.need_lot, m.need_qty)
        self.min_value = s.min_exchange_value
        # each offer's item's step, never finer than MIN_QUANTITY; 0.0: any amount
        steps = {it.id: 0.0 if it.step is None else max(it.step, MIN_QUANTITY) for it in m.instance.items}
        self.offer_step = np.array([steps[o.item] for o in m.instance.offers], dtype=np.float64)

    def quantities(self, draft: Draft) -> list[float]:
        m = self.market
        return [
            _snap(w * m.scale / float(m.arc_val[a])) for a, w in zip(draft.arcs, draft.values, strict=True)
        ]

    def fits(self, draft: Draft, qty: list[float], *, final: bool = False) -> bool:
        """Whether `qty` keeps every rule given the ledger; `final`: also the rules of what is
        returned (whole steps, at least MIN_QUANTITY, each transfer worth the run's minimum)."""
        m = self.market
        arcs = draft.arcs
        s = m.settings
        if draft.kind == "cycle" and (
            len(arcs) < 2 or (s.max_cycle_length and len(arcs) > s.max_cycle_length)
        ):
            return False
        if draft.kind == "chain" and (len(arcs) > s.max_chain_length or not m.arc_gift[arcs[0]]):
            return False
        if any(x <= 0 for x in qty):
            return False
        offers = [int(m.arc_offer[a]) for a in arcs]
        needs = [int(m.arc_need[a]) for a in arcs]
        if len(set(offers)) != len(offers) or len(set(needs)) != len(needs):
            return False
        for x, o, n in zip(qty, offers, needs, strict=True):
            slack = 1e-9 * max(1.0, x)
            if x < self.offer_floor[o] - slack or x < self.need_floor[n] - slack:
                return False
            if self.ledger.offer_used[o] + x > m.offer_qty[o] * (1 + 1e-9):
                return False
            if self.ledger.need_used[n] + x > m.need_qty[n] * (1 + 1e-9):
                return False
        # each community balances by its own view (terms.py): what it gives at its offer's own
        # value, what it receives at its need's own value (else the reference values)
        values = [x * float(m.arc_val[a]) for a, x in zip(arcs, qty, strict=True)]
        gives = [v * float(m.arc_gamma[a]) for a, v in zip(arcs, values, strict=True)]
        gets = [v * float(m.arc_rho[a]) for a, v in zip(arcs, values, strict=True)]
        if final:
            for x, o, worth in zip(qty, offers, values, strict=True):
                if x < MIN_QUANTITY * (1 - 1e-9) or not _on_step(x, float(self.offer_step[o])):
                    return False
                if worth < self.min_value * (1 - 1e-9):
                    return False
        hops = len(arcs)
        checks = range(hops) if draft.kind == "cycle" else range(1, hops)
        for k in checks:
            received, given = gets[k - 1], gives[k]
            if abs(received - given) > self.tolerance * given + 1e-9 * max(1.0, given):
                return False
        # transport worth paying: with the fixed cost, at most its share of the value moved
        cost = s.exchange_fixed_cost + sum(self._transport(a, x) for a, x in zip(arcs, qty, strict=True))
        moved = sum(values)
        return cost <= s.max_transport_share * moved + 1e-9 * max(1.0, moved)

    def _transport(self, arc: int, quantity: float) -> float:
        """Baht to carry `quantity` along `arc` at the run's cost per kg-km."""
        m = self.market
        kg = quantity * float(m.offer_kg[int(m.arc_offer[arc])])
        return m.settings.transport_cost_per_kg_km * kg * float(m.arc_dist[arc])

    def _book(self, draft: Draft, qty: list[float], sign: float) -> None:
        m = self.market
        for a, x in zip(draft.arcs, qty, strict=True):
            self.ledger.offer_used[int(m.arc_offer[a])] += sign * x
            self.ledger.need_used[int(m.arc_need[a])] += sign * x

    def take(self, draft: Draft) -> list[float] | None:
        """Checked quantities for a draft (booked in the ledger), or None when it is not valid."""
        if draft.kind == "cycle" and len(draft.arcs) < 2:
            return None
        qty = self.quantities(draft)
        if not self.fits(draft, qty):
            fitted = self._within_quantities(draft, qty)
            if fitted is None or not self.fits(draft, fitted):
                return None
            qty = fitted
        self._book(draft, qty, 1.0)
        return qty

    def _within_quantities(self, draft: Draft, qty: list[float]) -> list[float] | None:
        """`qty` scaled down (every hop alike: the balance holds) to what is left of each offer
        and need, when that takes no more than OVER_BY; None otherwise, or when nothing is over."""
        m = self.market
        scale = 1.0
        for a, x in zip(draft.arcs, qty, strict=True):
            o, n = int(m.arc_offer[a]), int(m.arc_need[a])
            left = min(m.offer_qty[o] - self.ledger.offer_used[o], m.need_qty[n] - self.ledger.need_used[n])
            if x > left:
                scale = min(scale, float(left) / x)
        if scale >= 1.0 or scale < 1.0 - OVER_BY:
            return None
        return [x * scale for x in qty]

    def steps(self, draft: Draft, qty: list[float], *, booked: bool = True) -> list[float] | None:
        """The exchange `qty` (booked, unless `booked` is False) rounded to its items' steps and
        booked, or None (and not booked) when no rounding keeps every rule.

        The value flow is scaled by t, the candidate scales being those at which a hop is a whole
        number of steps (the coarsest hops decide, so a few suffice): 1, then a step or two more
        on one hop, then down; at each scale every hop takes its step below, above or two below
        (`_roundings`: one hop may round up where its neighbour rounds down, as a flow at the
        edge of the tolerance needs). The first scale with a rounding that keeps every rule
        wins, its most valuable rounding."""
        m = self.market
        if booked:
            self._book(draft, qty, -1.0)
        steps = [float(self.offer_step[int(m.arc_offer[a])]) for a in draft.arcs]
        down: set[float] = set()
        up: set[float] = set()
        for x, s in zip(qty, steps, strict=True):
            if s > 0 and x > 0:
                top = math.floor(x / s + 1e-9)
                down.update(n * s / x for n in range(top, max(top - STEP_CANDIDATES, 0), -1))
                up.update(n * s / x for n in (top + 1, top + 2))
        # as it is; a little more, where a hop held at its lot needs the others up with it (and
        # there is room: fits checks); then less and less
        scales = [1.0, *sorted(t for t in up if t > 1), *sorted((t for t in down if t < 1), reverse=True)]
        for t in scales:
            best: tuple[float, list[float]] | None = None
            for option in self._roundings(draft, [t * x for x in qty], steps):
                if self.fits(draft, option, final=True):
                    worth = self.value(list(zip(draft.arcs, option, strict=True)))
                    if worth > 0 and (best is None or worth > best[0]):
                        best = (worth, option)
            if best is not None:
                self._book(draft, best[1], 1.0)
                return best[1]
        return None

    def settle(
        self, draft: Draft, qty: list[float], *, booked: bool = True
    ) -> tuple[Draft, list[float]] | None:
        """`steps`, and for a chain that cannot be rounded, its longest prefix that can (a chain cut
        short still starts with its donation; its last receiver gives nothing back)."""
        rounded = self.steps(draft, qty, booked=booked)
        while rounded is None and draft.kind == "chain" and len(draft.arcs) > 1:
            draft = Draft(draft.kind, draft.arcs[:-1], draft.values[:-1])
            qty = qty[:-1]
            rounded = self.steps(draft, qty, booked=False)
        return None if rounded is None else (draft, rounded)

    def _roundings(self, draft: Draft, targets: list[float], steps: list[float]) -> list[list[float]]:
        """Up to ROUNDINGS ways to put each hop on its step near `targets`, hop by hop: each hop's
        target is first brought within the tolerance of the value the hop before it moves (and,
        closing a cycle, of the first hop's), then taken to its step below, above or two below.
        Each is checked again in full by fits."""
        m = self.market
        # value of one unit of each hop as its giver sees it, and as its receiver does (own
        # terms, terms.py; the reference value without them)
        gives = [float(m.arc_val[a] * m.arc_gamma[a]) for a in draft.arcs]
        gets = [float(m.arc_val[a] * m.arc_rho[a]) for a in draft.arcs]
        hops = len(targets)
        cycle = draft.kind == "cycle"
        tol = self.tolerance

        def balanced(received: float, given: float) -> bool:
            return abs(received - given) <= tol * given + 1e-9 * max(1.0, given)

        def options(k: int, previous: float | None, first: float | None) -> list[float]:
            lo, hi = 0.0, math.inf  # the value hop k may move
            if previous is not None:  # its giver receives `previous`: |previous - v| <= tol v
                top = previous / (1 - tol) if tol < 1 else math.inf
                lo, hi = previous / (1 + tol) / gives[k], top / gives[k]
            if first is not None:  # closing the cycle, the first giver receives it
                lo, hi = max(lo, first * (1 - tol) / gets[k]), min(hi, first * (1 + tol) / gets[k])
            x = min(max(targets[k], lo), hi)
            s = steps[k]
            if s <= 0:
                return [x]
            n = math.floor(x / s + 1e-9)
            return [float(f"{j * s:.10g}") for j in (n, n + 1, n - 1) if j > 0]

        out: list[list[float]] = []
        chosen: list[float] = []

        def walk(k: int) -> None:
            if len(out) >= ROUNDINGS:
                return
            if k == hops:
                if not cycle or hops < 2 or balanced(chosen[-1] * gets[-1], chosen[0] * gives[0]):
                    out.append(list(chosen))
                return
            previous = chosen[-1] * gets[k - 1] if k > 0 else None
            first = chosen[0] * gives[0] if cycle and k == hops - 1 and k > 0 else None
            for x in options(k, previous, first):
                if previous is not None and not balanced(previous, x * gives[k]):
                    continue
                chosen.append(x)
                walk(k + 1)
                chosen.pop()

        walk(0)
        return out

    def whole(self, draft: Draft, qty: list[float]) -> list[float]:
        """The same exchange in whole units (else in tenths) when that keeps every rule and loses
        at most ROUNDING_LOSS of its value; called after every exchange is booked, so rounding
        up only uses capacity nobody else needs."""
        if all(x == round(x) for x in qty):
            return qty
        self._book(draft, qty, -1.0)
        exact = self.value(list(zip(draft.arcs, qty, strict=True)))
        floor = exact - ROUNDING_LOSS * abs(exact)
        for step in (1.0, 0.1):
            if not all(x >= step for x in qty):
                continue
            for rounded in (
                [round(x / step) * step for x in qty],
                [np.floor(x / step + 1e-9) * step for x in qty],
            ):
                option = [float(f"{x:.10g}") for x in rounded]
                if (
                    self.fits(draft, option, final=True)
                    and self.value(list(zip(draft.arcs, option, strict=True))) >= floor
                ):
                    self._book(draft, option, 1.0)
                    return option
        self._book(draft, qty, 1.0)
        return qty

    def value(self, hops: list[tuple[int, float]]) -> float:
        """Objective of one exchange in baht, fixed cost included."""
        m = self.market
        s = m.settings
        total = 0.0
        for a, x in hops:
            worth = x * float(m.arc_val[a])
            total += float(m.need_priority[int(m.arc_need[a])]) * worth
            total -= self._transport(a, x)
        return total - s.exchange_fixed_cost
