"""The instance carries each item's step and each listing's own terms as data for the engine."""

from __future__ import annotations

import msgspec

from barter.matching.model import Instance, MinRatio, Settings
from barter.matching.snapshot import CommunityRow, ItemRow, NeedRow, OfferRow, build_instance


def test_steps_and_own_terms_reach_the_instance() -> None:
    instance = build_instance(
        Settings(),
        [CommunityRow(1, 6.86, 99.72, "south"), CommunityRow(2, 16.4, 102.8, "northeast")],
        [
            ItemRow("dried-fish", "fish-seafood", "kg", 260.0, 1.0, 0.1),
            ItemRow("herbal-soap", "herbs", "piece", 40.0, 0.1, 1.0),
        ],
        [OfferRow(7, 1, "dried-fish", 100.0, 0.0, False, 300.0, "rice-sticky", 10.0)],
        [NeedRow(9, 2, "dried-fish", None, None, "kg", 50.0, 0.0, 3, None, 280.0)],
    )
    (offer,) = instance.offers
    assert (offer.own_value, offer.min_ratio) == (300.0, MinRatio(item="rice-sticky", ratio=10.0))
    assert instance.needs[0].own_value == 280.0
    assert {i.id: i.step for i in instance.items} == {"dried-fish": 0.1, "herbal-soap": 1.0}
    # the instance file format round-trips them
    again = msgspec.json.decode(msgspec.json.encode(instance), type=Instance)
    assert again == instance
