"""Exhaustive search for tiny all-or-nothing markets (every min_lot equals its quantity).

Independent of the engine: it enumerates every exchange the rules in formats.md allow (gift
offers start chains, and only start them; each community balances by its own terms) and every
set of exchanges drawing on each offer and need at most once, and returns the best objective.
"""

from __future__ import annotations

from typing import Any

from tests.matching.validator import DEFAULTS, _acceptable, great_circle_km, own_need_value, own_offer_value


def best_objective(instance: dict[str, Any]) -> float:
    settings = {**DEFAULTS, **instance.get("settings", {})}
    communities = {c["id"]: c for c in instance["communities"]}
    items = {i["id"]: i for i in instance["items"]}
    offers = instance["offers"]
    needs = instance["needs"]
    road: float = settings["road_factor"]
    tolerance: float = settings["balance_tolerance"]
    for listing in [*offers, *needs]:
        assert listing.get("min_lot", 0) >= listing["quantity"], "brute force needs all-or-nothing listings"

    # every possible transfer: (offer, need, giver, receiver, value as its giver sees it, objective
    # part, gift, value as its receiver sees it, transport, reference value moved)
    transfers = []
    for o in offers:
        for n in needs:
            if o["quantity"] != n["quantity"] or o["quantity"] <= 0:
                continue
            if _acceptable(o, n, items, communities, road, settings, instance.get("today")) is not None:
                continue
            item = items[o["item"]]
            q = o["quantity"]
            km = great_circle_km(communities[o["community"]], communities[n["community"]]) * road
            worth = n.get("priority", 1.0) * q * item["value"]
            carried = settings["transport_cost_per_kg_km"] * q * item.get("kg_per_unit", 1.0) * km
            transfers.append(
                (
                    o["id"],
                    n["id"],
                    o["community"],
                    n["community"],
                    q * own_offer_value(o, items, tolerance),  # [4] as the giver sees it (own terms)
                    worth - carried,
                    o.get("gift", False),
                    q * own_need_value(n, item),  # [7] as the receiver sees it
                    carried,
                    q * item["value"],  # [9] the reference value moved
                )
            )

    def balanced(received: float, gives: float) -> bool:
        return abs(received - gives) <= tolerance * gives + 1e-9 * max(1.0, gives)

    exchanges: list[tuple[frozenset[str], frozenset[str], float]] = []
    max_cycle = settings["max_cycle_length"] or len(communities)
    max_chain = settings["max_chain_length"]

    def worth_its_transport(path: list[tuple[Any, ...]]) -> bool:
        cost: float = settings["exchange_fixed_cost"] + sum(t[8] for t in path)
        moved: float = sum(t[9] for t in path)
        share: float = settings["max_transport_share"]
        return cost <= share * moved + 1e-9 * max(1.0, moved)

    def extend(path: list[tuple[Any, ...]], kind: str) -> None:
        last = path[-1]
        members = [t[2] for t in path] + [last[3]]
        worth = sum(t[5] for t in path) - settings["exchange_fixed_cost"]
        offers_used = frozenset(t[0] for t in path)
        needs_used = frozenset(t[1] for t in path)
        if kind == "chain" and worth_its_transport(path):
            exchanges.append((offers_used, needs_used, worth))
        for t in transfers:
            if t[6] or t[2] != last[3]:
                continue
            if not balanced(last[7], t[4]):
                continue
            if kind == "cycle" and t[3] == path[0][2]:
                if (
                    len(path) + 1 <= max_cycle
                    and balanced(t[7], path[0][4])
                    and min(members) == path[0][2]
                    and worth_its_transport([*path, t])
                ):
                    exchanges.append((offers_used | {t[0]}, needs_used | {t[1]}, worth + t[5]))
                continue
            if t[3] in members:
                continue
            limit = max_cycle if kind == "cycle" else max_chain
            if len(path) + 1 <= limit:
                extend([*path, t], kind)

    for t in transfers:
        if t[6]:
            if max_chain >= 1:
                extend([t], "chain")
        elif settings["max_cycle_length"] != 1:
            extend([t], "cycle")

    exchanges.sort(key=lambda e: -e[2])
    best = 0.0

    def search(i: int, used_o: frozenset[str], used_n: frozenset[str], total: float) -> None:
        nonlocal best
        best = max(best, total)
        for j in range(i, len(exchanges)):
            o, n, w = exchanges[j]
            if w > 0 and not (o & used_o) and not (n & used_n):
                search(j + 1, used_o | o, used_n | n, total + w)

    search(0, frozenset(), frozenset(), 0.0)
    return best
