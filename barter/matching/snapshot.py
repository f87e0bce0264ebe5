"""A market snapshot, as the database holds it, turned into the engine's instance (formats.md).

Pure: rows in, `Instance` out. Ids become `c12`, `o345`, `n678`. Categories are qualified by unit
(`fish-seafood:kg`), so a need for 10 kg of seafood is never met by litres of fish sauce. A need
priority of 1 to 5 (5 = most urgent) becomes an objective weight of priority / 3 (default 1.0).
Each item's quantity step passes through (the engine rounds every transfer to it), and so do each
listing's own terms (own value, minimum ratio) as data. A listing whose remaining quantity is below
its own min lot or one step of its item is dust: no transfer could both keep its lot and take no
more than remains, so it is left out of the snapshot (its listing closes on delivery, see
deliver_offer in workflow.sql).
Dates pass through and the engine decides by them: the snapshot's day (`today`), offers' available
from/until, needs' needed by, items' shelf life.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from barter.matching.model import Community, Excluded, Instance, Item, MinRatio, Need, Offer, Settings


@dataclass(frozen=True, slots=True)
class CommunityRow:
    id: int
    lat: float
    lon: float
    region: str


@dataclass(frozen=True, slots=True)
class ItemRow:
    id: str
    category_id: str
    unit: str
    value: float
    kg_per_unit: float
    quantity_step: float | None = None
    shelf_life_days: int | None = None


@dataclass(frozen=True, slots=True)
class OfferRow:
    id: int
    community_id: int
    item_id: str
    remaining: float
    min_lot: float
    gift: bool
    own_value: float | None = None
    min_ratio_item_id: str | None = None
    min_ratio: float | None = None
    available_from: date | None = None
    available_until: date | None = None


@dataclass(frozen=True, slots=True)
class NeedRow:
    id: int
    community_id: int
    item_id: str | None
    category_id: str | None
    accept_offer_ids: Sequence[int] | None
    unit: str
    remaining: float
    min_lot: float
    priority: int
    max_distance_km: float | None
    own_value: float | None = None
    needed_by: date | None = None


def community_key(community_id: int) -> str:
    return f"c{community_id}"


def offer_key(offer_id: int) -> str:
    return f"o{offer_id}"


def need_key(need_id: int) -> str:
    return f"n{need_id}"


def parse_key(key: str) -> int:
    return int(key[1:])


def priority_weight(priority: int) -> float:
    return priority / 3.0


def is_dust(remaining: float, min_lot: float, step: float | None) -> bool:
    """Nothing a transfer could take: none left, less than the min lot, or less than one step."""
    return remaining <= 0 or remaining < min_lot or (step is not None and remaining < step)


def build_instance(
    settings: Settings,
    communities: Sequence[CommunityRow],
    items: Sequence[ItemRow],
    offers: Sequence[OfferRow],
    needs: Sequence[NeedRow],
    today: date | None = None,
    *,
    excluded: Sequence[tuple[int, int]] = (),
) -> Instance:
    """`excluded`: (offer id, need id) arcs no exchange may use (declined, cooling down); those
    whose offer or need is not in the instance are left out."""
    steps = {i.id: i.quantity_step for i in items}
    offers = [o for o in offers if not is_dust(o.remaining, o.min_lot, steps.get(o.item_id))]
    needs = [
        n
        for n in needs
        if not is_dust(n.remaining, n.min_lot, steps.get(n.item_id) if n.item_id is not None else None)
    ]
    offer_ids = {o.id for o in offers if o.remaining > 0}
    engine_offers = [
        Offer(
            id=offer_key(o.id),
            community=community_key(o.community_id),
            item=o.item_id,
            quantity=o.remaining,
            min_lot=min(o.min_lot, o.remaining),
            gift=o.gift,
            own_value=o.own_value,
            min_ratio=None
            if o.min_ratio is None
            else MinRatio(item=o.min_ratio_item_id or "", ratio=o.min_ratio),
            available_from=o.available_from,
            available_until=o.available_until,
        )
        for o in offers
        if o.remaining > 0
    ]
    engine_needs = []
    for n in needs:
        if n.remaining <= 0:
            continue
        accept = None
        if n.accept_offer_ids is not None:
            accept = [offer_key(x) for x in n.accept_offer_ids if x in offer_ids]
            if not accept:
                continue  # none of the offers it accepts is on the market now
        engine_needs.append(
            Need(
                id=need_key(n.id),
                community=community_key(n.community_id),
                item=n.item_id,
                category=f"{n.category_id}:{n.unit}" if n.category_id is not None else None,
                accept_offers=accept,
                quantity=n.remaining,
                min_lot=min(n.min_lot, n.remaining),
                priority=priority_weight(n.priority),
                max_distance_km=n.max_distance_km,
                own_value=n.own_value,
                needed_by=n.needed_by,
            )
        )
    used = {o.community for o in engine_offers} | {n.community for n in engine_needs}
    need_ids = {n.id for n in engine_needs}
    return Instance(
        today=today,
        settings=settings,
        communities=[
            Community(id=community_key(c.id), lat=c.lat, lon=c.lon, region=c.region)
            for c in communities
            if community_key(c.id) in used
        ],
        items=[
            Item(
                id=i.id,
                category=f"{i.category_id}:{i.unit}",
                unit=i.unit,
                value=i.value,
                kg_per_unit=i.kg_per_unit,
                step=i.quantity_step,
                shelf_life_days=i.shelf_life_days,
            )
            for i in items
        ],
        offers=engine_offers,
        needs=engine_needs,
        excluded=[
            Excluded(offer=offer_key(o), need=need_key(n))
            for o, n in sorted(set(excluded))
            if o in offer_ids and need_key(n) in need_ids
        ],
    )
