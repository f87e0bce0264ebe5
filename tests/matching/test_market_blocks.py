"""The market read in blocks of needs (market.py `Acceptable.blocks`, `build_market`) is the
market read need by need: a plain per-need reference written here (every candidate offer tried
in turn, the working arcs chosen by sorting) gives the same acceptable arcs, the same working
arcs in the same order and the same per-arc arrays, on synthetic markets with dates, shelf lives,
transport costs, distance limits, lots, all-or-nothing sides, lists of named offers (with an
offer named twice), own terms, declined arcs, empty listings, offers alike, and arcs brought in
by pricing."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

from barter.domain.geo import great_circle_km
from barter.domain.transit import transit_days
from barter.matching import market as market_module
from barter.matching.market import PENALTY_BUDGET, acceptable, build_market
from barter.matching.model import Instance
from barter.matching.synthetic import generate_market
from barter.reference import load_catalogue, load_provinces
from tests.matching.conftest import as_dict, as_instance
from tests.matching.test_market_time_and_transport import dated_market

EPS = 1e-9
Arcs = tuple[list[int], list[float], list[float]]  # offers, ranks, road km of one need


def reference_acceptable(instance: Instance) -> list[Arcs]:
    """Each need's acceptable arcs, offer by offer, in the order of its candidates."""
    s = instance.settings
    items = {it.id: it for it in instance.items}
    place = {c.id: (c.lat, c.lon) for c in instance.communities}
    declined = {(a.offer, a.need) for a in instance.excluded}
    ready = -np.inf if instance.today is None else instance.today.toordinal() + s.lead_days
    per_km = transit_days(1.0, s.speed_kmh, s.working_hours_per_day)
    out: list[Arcs] = []
    for need in instance.needs:
        found: Arcs = ([], [], [])
        if need.accept_offers is not None:
            candidates = [
                (i, float(r))
                for r, x in enumerate(need.accept_offers)
                for i, o in enumerate(instance.offers)
                if o.id == x
            ]
        else:
            candidates = [
                (i, 0.0)
                for i, o in enumerate(instance.offers)
                if (o.item == need.item if need.item is not None else items[o.item].category == need.category)
            ]
        seen: set[int] = set()
        for i, rank in candidates:
            o = instance.offers[i]
            first = i not in seen
            seen.add(i)
            leave = max(ready, -np.inf if o.available_from is None else o.available_from.toordinal())
            until = np.inf if o.available_until is None else o.available_until.toordinal()
            if not first or need.quantity <= EPS or o.quantity <= EPS or leave > until:
                continue
            if o.community == need.community or (o.id, need.id) in declined:
                continue
            if need.min_lot >= need.quantity - EPS and o.quantity < need.quantity - EPS:
                continue
            if o.min_lot >= o.quantity - EPS and need.quantity < o.quantity - EPS:
                continue
            (lat1, lon1), (lat2, lon2) = place[o.community], place[need.community]
            km = great_circle_km(np.array([lat1]), np.array([lon1]), lat2, lon2)[0] * s.road_factor
            if need.max_distance_km is not None and km > need.max_distance_km + 1e-9:
                continue
            days = km * per_km
            by = np.inf if need.needed_by is None else need.needed_by.toordinal() + 1.0
            shelf = items[o.item].shelf_life_days
            item = items[o.item]
            if leave + days > by + 1e-9 or (shelf is not None and days > shelf * s.shelf_life_share + 1e-9):
                continue
            if (
                s.transport_cost_per_kg_km * (item.kg_per_unit / item.value) * km
                > s.max_transport_share + 1e-12
            ):
                continue
            found[0].append(i)
            found[1].append(rank)
            found[2].append(float(km))
        out.append(found)
    return out


def reference_working(
    instance: Instance, extra: dict[int, list[int]], whole_market: bool
) -> tuple[list[tuple[int, int, float]], int]:
    """The working arcs (offer, need, rank), need by need, and how many acceptable arcs are left
    out: a need by item or category keeps its K_BEST best by (net value, distance, offer), those
    tied with the K-th on both, the K_BACK best of the offers whose community wants something its
    own community offers, and its `extra` offers."""
    k = market_module.K_BEST
    k_back = market_module.K_BACK
    tc = instance.settings.transport_cost_per_kg_km
    items = {it.id: it for it in instance.items}
    wants: dict[str, set[str]] = {}
    offers_of: dict[str, set[str]] = {}
    for o in instance.offers:
        if o.quantity > EPS:
            offers_of.setdefault(o.community, set()).add(o.item)
    by_id = {o.id: o for o in instance.offers}
    for need in instance.needs:
        if need.item is not None:
            accepted = {need.item}
        elif need.category is not None:
            accepted = {it.id for it in instance.items if it.category == need.category}
        else:
            accepted = {by_id[x].item for x in need.accept_offers or ()}
        wants.setdefault(need.community, set()).update(accepted)
    arcs: list[tuple[int, int, float]] = []
    left_out = 0
    for j, (need, (offers, ranks, kms)) in enumerate(
        zip(instance.needs, reference_acceptable(instance), strict=True)
    ):
        keep = list(range(len(offers)))
        if need.accept_offers is None and len(offers) > k and not whole_market:
            keys = []
            for x in keep:
                item = items[instance.offers[offers[x]].item]
                net = need.priority - tc * item.kg_per_unit * kms[x] / item.value
                keys.append((-net, kms[x], offers[x]))
            ordered = sorted(keep, key=keys.__getitem__)
            kth = keys[ordered[k - 1]][:2]
            chosen = {x for x in keep if keys[x][:2] <= kth}
            mine = offers_of.get(need.community, set())
            back = [x for x in ordered if wants.get(instance.offers[offers[x]].community, set()) & mine]
            chosen |= set(back[:k_back])
            chosen |= {x for x in keep if offers[x] in extra.get(j, [])}
            left_out += len(offers) - len(chosen)
            keep = sorted(chosen)
        arcs += [(offers[x], j, ranks[x]) for x in keep]
    return arcs, left_out


def varied(n: int, seed: int) -> Instance:
    """A dated synthetic market with more of everything the rules read."""
    data = dated_market(n, seed=seed, transport=0.004)
    rng = random.Random(seed)
    offers, needs = data["offers"], data["needs"]
    for offer in offers:
        roll = rng.random()
        if roll < 0.05:
            offer["min_lot"] = offer["quantity"]  # all or nothing
        elif roll < 0.08:
            offer["quantity"] = 0.0
        elif roll < 0.12:
            offer["own_value"] = round(rng.uniform(5, 300), 1)
    for need in needs:
        roll = rng.random()
        if roll < 0.05:
            need["min_lot"] = need["quantity"]
        elif roll < 0.07:
            need["quantity"] = 0.0
        elif roll < 0.12:
            need["own_value"] = round(rng.uniform(5, 300), 1)
        if need.get("accept_offers"):
            need["accept_offers"] = need["accept_offers"] + need["accept_offers"][:1]  # named twice
    # offers alike: a few communities share one place, so distances tie exactly
    communities = data["communities"]
    for c in communities[1:6]:
        c["lat"], c["lon"] = communities[0]["lat"], communities[0]["lon"]
    data["excluded"] = [
        {"offer": rng.choice(offers)["id"], "need": need["id"]} for need in rng.sample(needs, len(needs) // 5)
    ]
    return as_instance(data)


def synthetic(n: int, seed: int, transport: float) -> Instance:
    data = as_dict(generate_market(n, provinces=load_provinces(), catalogue=load_catalogue(), seed=seed))
    data["settings"]["transport_cost_per_kg_km"] = transport
    return as_instance(data)


MARKETS = [
    pytest.param(lambda: varied(150, seed=5), id="dated-lots-terms-declined"),
    pytest.param(lambda: varied(250, seed=8), id="dated-larger"),
    pytest.param(lambda: synthetic(300, seed=2, transport=0.0), id="no-transport-cost"),
    pytest.param(lambda: synthetic(300, seed=3, transport=0.002), id="transport-cost"),
]


@pytest.mark.parametrize("make", MARKETS)
@pytest.mark.parametrize("cells", [market_module.BLOCK_CELLS, 97])
def test_the_market_read_in_blocks_is_the_market_read_need_by_need(
    make: Any, cells: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(market_module, "BLOCK_CELLS", cells)  # 97: blocks of a need or a few
    monkeypatch.setattr(market_module, "EACH_NEEDS", 50 if cells < 1000 else market_module.EACH_NEEDS)
    instance = make()
    expected = reference_acceptable(instance)
    whole = acceptable(instance)
    every = list(whole.each())
    assert [j for j, _, _, _ in every] == list(range(len(instance.needs)))
    backwards = list(whole.each(list(reversed(range(len(instance.needs))))))
    assert [j for j, _, _, _ in backwards] == list(reversed(range(len(instance.needs))))
    for j, (offers, ranks, kms) in enumerate(expected):
        for got in (whole.arcs(j), every[j][1:], backwards[-1 - j][1:]):
            assert got[0].tolist() == offers
            assert got[1].tolist() == ranks
            np.testing.assert_allclose(got[2], kms, rtol=1e-12)
    assert sum(len(e[0]) for e in expected) > 3 * len(instance.needs)  # the rules left a market

    for whole_market in (True, False):
        monkeypatch.setattr(market_module, "WHOLE_MARKET_ARCS", 10**9 if whole_market else 0)
        rng = random.Random(len(instance.needs))
        extra = {
            j: sorted(rng.sample(offers, min(3, len(offers))))
            for j, (offers, _, _) in enumerate(expected)
            if offers and rng.random() < 0.2
        }
        m = build_market(instance, extra={j: np.array(v, dtype=np.int64) for j, v in extra.items()})
        arcs, left_out = reference_working(instance, extra, whole_market)
        assert list(zip(m.arc_offer.tolist(), m.arc_need.tolist(), m.arc_rank.tolist(), strict=True)) == arcs
        assert m.n_excluded == left_out
        assert (left_out == 0) == whole_market
        # the per-arc arrays, from the reference's arcs
        offer = np.array([a[0] for a in arcs], dtype=np.int64)
        need = np.array([a[1] for a in arcs], dtype=np.int64)
        rank = np.array([a[2] for a in arcs])
        assert np.array_equal(m.arc_from, m.offer_comm[offer])
        assert np.array_equal(m.arc_to, m.need_comm[need])
        lat, lon = m.whole.lat, m.whole.lon
        km = great_circle_km(lat[m.arc_from], lon[m.arc_from], lat[m.arc_to], lon[m.arc_to])
        assert np.array_equal(m.arc_dist, km * instance.settings.road_factor)
        max_rank = np.zeros(len(instance.needs))
        for a in arcs:
            max_rank[a[1]] = max(max_rank[a[1]], a[2])
        weight = float(np.sum(m.need_qty * max_rank))
        delta = PENALTY_BUDGET / weight if weight > 0 else 0.0
        assert np.array_equal(m.arc_pen, delta * rank / m.arc_val)
        tc = instance.settings.transport_cost_per_kg_km
        gain = m.need_priority[need] - tc * m.offer_kg[offer] * m.arc_dist / m.arc_val
        assert np.array_equal(m.arc_gain, gain)
