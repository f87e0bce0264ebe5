"""An independent check of a barter-solution/1 against its barter-instance/1.

Written from docs (formats.md) alone: it reads plain JSON-like dicts and imports nothing from
barter, so that a bug in the engine cannot hide in a shared helper. `problems()` returns one
line per broken rule; an empty list means the solution keeps every rule.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from typing import Any

DEFAULTS = {
    "max_cycle_length": 3,
    "max_chain_length": 3,
    "balance_tolerance": 0.1,
    "transport_cost_per_kg_km": 0.0,
    "exchange_fixed_cost": 0.0,
    "road_factor": 1.0,
    "min_exchange_value": 0.0,
    "speed_kmh": 50.0,
    "working_hours_per_day": 10.0,
    "lead_days": 3.0,
    "shelf_life_share": 0.5,
    "max_transport_share": 0.5,
}
REL = 1e-6  # numerical slack, relative


def _close_enough(a: float, b: float) -> bool:
    """a <= b up to rounding."""
    return a <= b + REL * max(1.0, abs(b))


def great_circle_km(a: dict[str, Any], b: dict[str, Any]) -> float:
    lat1, lon1 = math.radians(a.get("lat", 0.0)), math.radians(a.get("lon", 0.0))
    lat2, lon2 = math.radians(b.get("lat", 0.0)), math.radians(b.get("lon", 0.0))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(min(1.0, h)))


def problems(instance: dict[str, Any], solution: dict[str, Any]) -> list[str]:
    out: list[str] = []
    settings = {**DEFAULTS, **instance.get("settings", {})}
    communities = {c["id"]: c for c in instance["communities"]}
    items = {i["id"]: i for i in instance["items"]}
    offers = {o["id"]: o for o in instance["offers"]}
    needs = {n["id"]: n for n in instance["needs"]}
    road = settings["road_factor"]
    tolerance = settings["balance_tolerance"]
    excluded = {(x["offer"], x["need"]) for x in instance.get("excluded", [])}

    if solution.get("format") != "barter-solution/1":
        out.append(f"format is {solution.get('format')!r}")
    if solution.get("status") not in ("optimal", "feasible", "infeasible_input"):
        out.append(f"status is {solution.get('status')!r}")

    given: dict[str, list[float]] = defaultdict(list)  # offer -> transfer quantities
    taken: dict[str, list[float]] = defaultdict(list)  # need -> transfer quantities
    objective = 0.0
    for e, exchange in enumerate(solution.get("exchanges", [])):
        where = f"exchange {e}"
        kind = exchange.get("kind")
        transfers = exchange.get("transfers", [])
        if kind not in ("cycle", "chain"):
            out.append(f"{where}: kind {kind!r}")
            continue
        if not transfers:
            out.append(f"{where}: no transfers")
            continue
        hops = []  # (giver, receiver, value as the giver sees it, as the receiver sees it)
        transport = moved = 0.0  # baht; moved at the reference values
        for t, transfer in enumerate(transfers):
            offer, need = offers.get(transfer["offer"]), needs.get(transfer["need"])
            q = transfer["quantity"]
            if offer is None or need is None:
                out.append(f"{where} transfer {t}: unknown offer or need")
                continue
            if not q > 0:
                out.append(f"{where} transfer {t}: quantity {q} is not positive")
            problem = _acceptable(offer, need, items, communities, road, settings, instance.get("today"))
            if (offer["id"], need["id"]) in excluded:
                problem = f"{offer['id']} -> {need['id']} is an excluded arc"
            if problem:
                out.append(f"{where} transfer {t}: {problem}")
            item = items[offer["item"]]
            out += _whole(f"{where} transfer {t}", q, item, settings["min_exchange_value"])
            giver, receiver = offer["community"], need["community"]
            km = great_circle_km(communities[giver], communities[receiver]) * road
            objective += need.get("priority", 1.0) * q * item["value"]
            carried = settings["transport_cost_per_kg_km"] * q * item.get("kg_per_unit", 1.0) * km
            objective -= carried
            transport += carried
            moved += q * item["value"]
            given[offer["id"]].append(q)
            taken[need["id"]].append(q)
            hops.append(
                (
                    giver,
                    receiver,
                    q * own_offer_value(offer, items, tolerance),
                    q * own_need_value(need, item),
                )
            )
        objective -= settings["exchange_fixed_cost"]
        if len(hops) != len(transfers):
            continue
        if not _close_enough(
            transport + settings["exchange_fixed_cost"], settings["max_transport_share"] * moved
        ):
            out.append(f"{where}: transport and fixed cost exceed their share of the {moved:.6g} moved")
        out.extend(
            f"{where}: transfer {k} goes to {hops[k][1]}, but {hops[k + 1][0]} gives transfer {k + 1}"
            for k in range(len(hops) - 1)
            if hops[k][1] != hops[k + 1][0]
        )
        givers = [h[0] for h in hops]
        if kind == "cycle":
            if hops[-1][1] != hops[0][0]:
                out.append(f"{where}: the cycle does not close")
            if len(set(givers)) != len(givers):
                out.append(f"{where}: a community appears twice in the cycle")
            limit = settings["max_cycle_length"]
            if limit and len(hops) > limit:
                out.append(f"{where}: cycle of {len(hops)} > max_cycle_length {limit}")
            balanced = range(len(hops))
        else:
            members = [*givers, hops[-1][1]]
            if len(set(members)) != len(members):
                out.append(f"{where}: a community appears twice in the chain")
            if not offers[transfers[0]["offer"]].get("gift", False):
                out.append(f"{where}: the chain does not start with a gift")
            if len(hops) > settings["max_chain_length"]:
                out.append(f"{where}: chain of {len(hops)} > max_chain_length {settings['max_chain_length']}")
            balanced = range(1, len(hops))
        # each community by its own terms: what it gives at its offer's own value, what it
        # receives at its need's own value (the reference values where it set none)
        for k in balanced:
            received, gives = hops[k - 1][3], hops[k][2]
            if abs(received - gives) > tolerance * gives + REL * max(1.0, gives):
                out.append(f"{where}: {hops[k][0]} gives {gives:.6g} but receives {received:.6g}")

    for ident, quantities in given.items():
        out += _within(
            f"offer {ident}", quantities, offers[ident]["quantity"], offers[ident].get("min_lot", 0.0)
        )
    for ident, quantities in taken.items():
        out += _within(
            f"need {ident}", quantities, needs[ident]["quantity"], needs[ident].get("min_lot", 0.0)
        )

    reported = solution.get("objective", 0.0)
    if abs(reported - objective) > REL * max(1.0, abs(objective)):
        out.append(f"objective {reported} but the transfers are worth {objective}")
    if not _close_enough(reported, solution.get("upper_bound", math.inf)):
        out.append(f"upper_bound {solution.get('upper_bound')} below objective {reported}")
    return out


def own_offer_value(offer: dict[str, Any], items: dict[str, dict[str, Any]], tolerance: float) -> float:
    """What one unit of an offer is worth to its community: its own_value, or `ratio` units of
    the min_ratio item at that item's value over (1 - tolerance), so that balance within the
    tolerance never gives it less than the ratio (the larger when both), else the item's value."""
    own = offer.get("own_value")
    ratio = offer.get("min_ratio")
    if ratio is not None:
        by_ratio = ratio["ratio"] * items[ratio["item"]]["value"] / (1.0 - tolerance)
        own = by_ratio if own is None else max(own, by_ratio)
    return float(own if own is not None else items[offer["item"]]["value"])


def own_need_value(need: dict[str, Any], item: dict[str, Any]) -> float:
    """What one unit received is worth to the needing community."""
    own = need.get("own_value")
    return float(own if own is not None else item["value"])


def _acceptable(
    offer: dict[str, Any],
    need: dict[str, Any],
    items: dict[str, dict[str, Any]],
    communities: dict[str, dict[str, Any]],
    road: float,
    settings: dict[str, Any] | None = None,
    today: str | None = None,
) -> str | None:
    settings = {**DEFAULTS, **(settings or {})}
    if offer["community"] == need["community"]:
        return "offer and need of the same community"
    if need.get("accept_offers") is not None:
        if offer["id"] not in need["accept_offers"]:
            return f"{need['id']} does not accept {offer['id']}"
    elif need.get("item") is not None:
        if offer["item"] != need["item"]:
            return f"{need['id']} wants {need['item']}, not {offer['item']}"
    elif items[offer["item"]]["category"] != need.get("category"):
        return f"{need['id']} wants category {need.get('category')}"
    limit = need.get("max_distance_km")
    if limit is not None:
        km = great_circle_km(communities[offer["community"]], communities[need["community"]]) * road
        if km > limit * (1 + 1e-4):
            return f"{km:.1f} km is beyond {need['id']}'s {limit} km"
    return _in_time_and_worth_it(offer, need, items[offer["item"]], communities, road, settings, today)


def _in_time_and_worth_it(
    offer: dict[str, Any],
    need: dict[str, Any],
    item: dict[str, Any],
    communities: dict[str, dict[str, Any]],
    road: float,
    settings: dict[str, Any],
    today: str | None,
) -> str | None:
    """formats: the goods leave on max(today + lead_days, available_from), not after
    available_until; they drive speed_kmh for working_hours_per_day hours a day and arrive by the
    end of needed_by; the drive takes at most shelf_life_share of the shelf life; transport is at
    most max_transport_share of the value moved."""
    km = great_circle_km(communities[offer["community"]], communities[need["community"]]) * road
    days = km / (settings["speed_kmh"] * settings["working_hours_per_day"])
    leave = -math.inf
    if today is not None:
        leave = date.fromisoformat(today).toordinal() + settings["lead_days"]
    if offer.get("available_from") is not None:
        leave = max(leave, date.fromisoformat(offer["available_from"]).toordinal())
    if (
        offer.get("available_until") is not None
        and leave > date.fromisoformat(offer["available_until"]).toordinal()
    ):
        return f"{offer['id']} cannot leave before it is no longer available"
    if need.get("needed_by") is not None:
        due = date.fromisoformat(need["needed_by"]).toordinal() + 1  # the end of that day
        if leave + days > due + 1e-6:
            return f"{offer['id']} cannot reach {need['id']} by {need['needed_by']} ({days:.2f} days on the road)"
    shelf = item.get("shelf_life_days")
    if shelf is not None and days > settings["shelf_life_share"] * shelf + 1e-6:
        return f"{days:.2f} days on the road is too long for {shelf} days of shelf life"
    share = settings["transport_cost_per_kg_km"] * item.get("kg_per_unit", 1.0) * km / item["value"]
    if share > settings["max_transport_share"] + 1e-9:
        return f"transport costs {share:.0%} of the value of {offer['id']} moved to {need['id']}"
    return None


def _whole(where: str, q: float, item: dict[str, Any], least: float) -> list[str]:
    """A transfer is a whole number of its item's steps (none: any amount of at least 0.0001, the
    database's four decimals) and moves at least the run's minimum value."""
    out = []
    step = item.get("step")
    if step is not None and abs(q / step - round(q / step)) > 1e-6:
        out.append(f"{where}: {q} {item['id']} is not a whole number of steps of {step}")
    if q < 1e-4 * (1 - REL):
        out.append(f"{where}: {q} is below 0.0001")
    if q * item["value"] < least * (1 - REL):
        out.append(f"{where}: worth {q * item['value']:.6g}, below min_exchange_value {least}")
    return out


def _within(name: str, quantities: list[float], quantity: float, min_lot: float) -> list[str]:
    out = []
    total = sum(quantities)
    if not _close_enough(total, quantity):
        out.append(f"{name}: {total} drawn from {quantity}")
    small = [q for q in quantities if q < min_lot * (1 - REL)]
    # a transfer below the lot must take all that remains: only one, and nothing left after it
    if small and (len(small) > 1 or total < quantity * (1 - REL)):
        out.append(f"{name}: transfers {small} below the min_lot {min_lot}")
    return out
