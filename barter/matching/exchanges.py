"""From solver values to exchanges: cycles as they are, chains and circulations decomposed,
quantities cleaned, and every exchange checked against the rules before it is returned (one of
them: its transport and fixed cost at most `max_transport_share` of the value it moves).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from barter.matching.market import Market

FloatArray = npt.NDArray[np.float64]

FLOW_EPS = 1e-9
ROUNDING_LOSS = 1e-3  # whole units may cost an exchange at most this share of its value


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
        value = remaining[(1, path[0])]
        k = 1
        while True:
            c = int(m.arc_to[path[-1]])
            options = [
                (remaining[(k + 1, a)], -a)
                for a in by_from.get((k + 1, c), [])
                if remaining[(k + 1, a)] > FLOW_EPS and int(m.arc_to[a]) not in seen
            ]
            options = [(v, neg) for v, neg in options if min(v, value) >= m.arc_lot[-neg] * (1 - 1e-9)]
            if not options:
                break
            v, neg = max(options)
            path.append(-neg)
            seen.add(int(m.arc_to[-neg]))
            value = min(value, v)
            k += 1
        for position, arc in enumerate(path, start=1):
            remaining[(position, arc)] -= value
        drafts.append(Draft("chain", path, [value] * len(path)))
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

    def quantities(self, draft: Draft) -> list[float]:
        m = self.market
        return [
            _snap(w * m.scale / float(m.arc_val[a])) for a, w in zip(draft.arcs, draft.values, strict=True)
        ]

    def fits(self, draft: Draft, qty: list[float]) -> bool:
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
        values = [x * float(m.arc_val[a]) for a, x in zip(arcs, qty, strict=True)]
        hops = len(arcs)
        checks = range(hops) if draft.kind == "cycle" else range(1, hops)
        for k in checks:
            received, given = values[k - 1], values[k]
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
            return None
        self._book(draft, qty, 1.0)
        return qty

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
                    self.fits(draft, option)
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
