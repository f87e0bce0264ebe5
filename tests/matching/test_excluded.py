"""Excluded arcs (declined, cooling down): strict in the file, left out of the whole market."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from barter.matching.engine import solve
from barter.matching.market import acceptable, build_market
from barter.matching.model import InstanceError, decode_instance, encode
from barter.matching.snapshot import CommunityRow, ItemRow, NeedRow, OfferRow, build_instance
from tests.matching.conftest import as_dict, as_instance
from tests.matching.validator import problems

SATUN = {"id": "a", "lat": 6.86, "lon": 99.72}
CHIANG_RAI = {"id": "b", "lat": 19.9, "lon": 99.83}
SURIN = {"id": "d", "lat": 14.88, "lon": 103.49}


def fish_for_rice() -> dict[str, Any]:
    """A's 100 kg of fish (all or nothing) for rice: B and D both want the fish and offer rice;
    B's need is the more urgent, so without exclusions A trades with B."""
    return copy.deepcopy(
        {
            "format": "barter-instance/1",
            "settings": {"max_cycle_length": 3, "max_chain_length": 0},
            "communities": [SATUN, CHIANG_RAI, SURIN],
            "items": [
                {"id": "dried-fish", "category": "fish:kg", "unit": "kg", "value": 260},
                {"id": "rice", "category": "rice:kg", "unit": "kg", "value": 35},
            ],
            "offers": [
                {"id": "fish", "community": "a", "item": "dried-fish", "quantity": 100, "min_lot": 100},
                {"id": "rice-b", "community": "b", "item": "rice", "quantity": 750},
                {"id": "rice-d", "community": "d", "item": "rice", "quantity": 750},
            ],
            "needs": [
                {"id": "a-rice", "community": "a", "item": "rice", "quantity": 750},
                {"id": "b-fish", "community": "b", "item": "dried-fish", "quantity": 100, "priority": 2},
                {"id": "d-fish", "community": "d", "item": "dried-fish", "quantity": 100},
            ],
        }
    )


def partners(out: dict[str, Any]) -> set[tuple[str, str]]:
    return {(t["offer"], t["need"]) for e in out["exchanges"] for t in e["transfers"]}


def solved(data: dict[str, Any]) -> dict[str, Any]:
    out = as_dict(solve(as_instance(data)))
    assert problems(data, out) == []
    return out


def test_without_exclusions_the_urgent_need_wins() -> None:
    out = solved(fish_for_rice())
    assert partners(out) == {("fish", "b-fish"), ("rice-b", "a-rice")}


def test_a_declined_exchange_falls_back_to_the_other_partner() -> None:
    data = fish_for_rice()
    # B declined: the arcs where B gives or receives cool down
    data["excluded"] = [{"offer": "fish", "need": "b-fish"}, {"offer": "rice-b", "need": "a-rice"}]
    out = solved(data)
    assert out["status"] == "optimal"
    assert partners(out) == {("fish", "d-fish"), ("rice-d", "a-rice")}


def test_the_bound_is_of_the_market_without_the_excluded_arcs() -> None:
    """With every arc A could use excluded, nothing can be proposed and the bound says so: the
    exclusion is applied to the whole market, not only to the working arcs."""
    data = fish_for_rice()
    data["excluded"] = [
        {"offer": "fish", "need": "b-fish"},
        {"offer": "fish", "need": "d-fish"},
    ]
    out = solved(data)
    assert out["exchanges"] == []
    assert out["objective"] == 0.0
    assert out["upper_bound"] == pytest.approx(0.0, abs=1e-6)
    without = solved(fish_for_rice())
    assert without["upper_bound"] > 0


def test_acceptable_leaves_out_excluded_arcs_only() -> None:
    data = fish_for_rice()
    data["excluded"] = [{"offer": "rice-b", "need": "a-rice"}]
    instance = as_instance(data)
    whole = acceptable(instance)
    j = [n.id for n in instance.needs].index("a-rice")
    offers, _, _ = whole.arcs(j)
    assert [instance.offers[o].id for o in offers] == ["rice-d"]
    m = build_market(instance, whole=whole)
    kept = {
        (instance.offers[o].id, instance.needs[n].id) for o, n in zip(m.arc_offer, m.arc_need, strict=True)
    }
    assert ("rice-b", "a-rice") not in kept
    assert ("fish", "b-fish") in kept


def test_excluded_arcs_decode_strictly() -> None:
    data = fish_for_rice()
    data["excluded"] = [{"offer": "fish", "need": "b-fish"}]
    assert decode_instance(encode(as_instance(data))).excluded[0].need == "b-fish"
    bad = fish_for_rice()
    bad["excluded"] = [{"offer": "fish", "need": "b-fish", "until": "2027-01-01"}]
    with pytest.raises(InstanceError, match="until"):
        decode_instance(encode_raw(bad))
    unknown = fish_for_rice()
    unknown["excluded"] = [{"offer": "fish", "need": "nobody"}]
    with pytest.raises(InstanceError, match=r"\$\.excluded\[0\]\.need: unknown need 'nobody'"):
        decode_instance(encode_raw(unknown))


def encode_raw(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()


def test_the_snapshot_passes_only_arcs_of_its_own_listings() -> None:
    instance = build_instance(
        as_instance(fish_for_rice()).settings,
        [CommunityRow(1, 6.86, 99.72, "south"), CommunityRow(2, 19.9, 99.83, "north")],
        [ItemRow("dried-fish", "fish", "kg", 260, 1.0), ItemRow("rice", "rice", "kg", 35, 1.0)],
        [OfferRow(10, 1, "dried-fish", 100, 0, False), OfferRow(20, 2, "rice", 750, 0, False)],
        [
            NeedRow(11, 1, "rice", None, None, "kg", 750, 0, 3, None),
            NeedRow(21, 2, "dried-fish", None, None, "kg", 100, 0, 3, None),
        ],
        excluded=[(10, 21), (10, 21), (99, 21), (20, 98)],
    )
    assert [(x.offer, x.need) for x in instance.excluded] == [("o10", "n21")]
    assert solve(instance).exchanges == []
