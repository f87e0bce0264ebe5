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


def test_dust_is_left_out_of_the_snapshot() -> None:
    """199.9999 of 200 kg delivered leaves 0.0001 kg, less than the fish's 0.1 kg step; 40 kg of a
    listing sold in lots of 50 kg is less than a lot; half a bar of soap is less than a piece.
    None of them can be a transfer, so none enters the engine; what can stays as it was."""
    instance = build_instance(
        Settings(),
        [CommunityRow(1, 6.86, 99.72, "south"), CommunityRow(2, 16.4, 102.8, "northeast")],
        [
            ItemRow("dried-fish", "fish-seafood", "kg", 260.0, 1.0, 0.1),
            ItemRow("herbal-soap", "herbs", "piece", 40.0, 0.1, 1.0),
            ItemRow("rice-sticky", "rice", "kg", 35.0, 1.0, None),
        ],
        [
            OfferRow(1, 1, "dried-fish", 0.0001, 0.0, False),
            OfferRow(2, 1, "dried-fish", 40.0, 50.0, False),
            OfferRow(3, 1, "herbal-soap", 0.5, 0.0, False),
            OfferRow(4, 1, "dried-fish", 60.0, 50.0, False),
            OfferRow(5, 1, "rice-sticky", 0.0001, 0.0, False),
        ],
        [
            NeedRow(6, 2, "dried-fish", None, None, "kg", 0.05, 0.0, 3, None),
            NeedRow(7, 2, None, "fish-seafood", None, "kg", 30.0, 50.0, 3, None),
            NeedRow(8, 2, "herbal-soap", None, None, "piece", 3.0, 1.0, 3, None),
        ],
    )
    assert [o.id for o in instance.offers] == ["o4", "o5"]  # (no step: any amount)
    assert [(o.quantity, o.min_lot) for o in instance.offers] == [(60.0, 50.0), (0.0001, 0.0)]
    assert [n.id for n in instance.needs] == ["n8"]
