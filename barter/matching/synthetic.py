"""Seeded synthetic markets of Thai community networks, for benchmarks, tests and `barter demo`.

Pure: the caller passes the provinces and the catalogue (for example
`barter.reference.load_provinces()` and `load_catalogue()`); the same arguments and seed give
the same market.

Each community sits near its province's centroid and has a kind drawn by where it is:
  * coastal provinces (the South, the East, and the Gulf provinces of the centre and west) are
    mostly fishing villages offering fish and seafood, with some rice farms, gardens and food
    processors;
  * the North and the Northeast are mostly rice farms, with upland growers (herbs, coffee,
    honey) and weavers (silk and indigo cloth, baskets);
  * the inland centre and west are mostly gardens (vegetables, fruit, eggs) and food processors,
    with some rice farms.
Each kind needs what it does not make (fishing villages need rice and vegetables, rice farms
need fish and processed food, ...). So fish goes north, rice goes south and to the centre,
vegetables go to the coast, and neighbours of different kinds also trade: small markets hold
cycles across regions, national ones many local cycles too. A few offers are gifts (they start
chains); some needs name a category or a short list of acceptable offers; some limit the
distance; half the listings have a smallest lot of a few per cent.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from typing import Protocol

import msgspec

from barter.domain.geo import great_circle_km
from barter.matching.model import Community, Instance, Item, Need, Offer, Settings

COASTAL_INLAND_REGIONS = {
    "Bangkok",
    "Samut Prakan",
    "Samut Sakhon",
    "Samut Songkhram",
    "Phetchaburi",
    "Prachuap Khiri Khan",
}
LANDLOCKED_SOUTH_EAST = {"Yala", "Prachin Buri", "Sa Kaeo"}

# kind -> (categories offered, categories needed), with weights
KINDS: dict[str, tuple[dict[str, float], dict[str, float]]] = {
    "fishing": (
        {"fish-seafood": 0.85, "processed-food": 0.15},
        {"rice": 0.45, "vegetables": 0.25, "herbs": 0.15, "fruit": 0.15},
    ),
    "rice": (
        {"rice": 1.0},
        {"fish-seafood": 0.4, "processed-food": 0.2, "vegetables": 0.2, "household": 0.1, "sweeteners": 0.1},
    ),
    "upland": (
        {"herbs": 0.35, "coffee-drinks": 0.35, "sweeteners": 0.15, "fruit": 0.15},
        {"rice": 0.4, "fish-seafood": 0.3, "processed-food": 0.2, "household": 0.1},
    ),
    "weaving": (
        {"crafts": 0.75, "household": 0.25},
        {"rice": 0.4, "fish-seafood": 0.3, "vegetables": 0.3},
    ),
    "garden": (
        {"vegetables": 0.5, "fruit": 0.35, "eggs": 0.15},
        {"rice": 0.4, "fish-seafood": 0.4, "crafts": 0.1, "herbs": 0.1},
    ),
    "processing": (
        {"processed-food": 0.7, "sweeteners": 0.15, "eggs": 0.15},
        {"fish-seafood": 0.3, "fruit": 0.25, "vegetables": 0.25, "rice": 0.2},
    ),
}
# The goods a synthetic market is drawn from: the shipped catalogue as it was when the benchmarks in
# docs/benchmarks.md were measured. Goods added to the catalogue since are left out, so that a new
# item changes no seed's market (each draw picks among a category's goods) and no figure measured.
GOODS = frozenset(
    {
        "rice-jasmine", "rice-white", "rice-sticky", "rice-brown", "rice-riceberry", "rice-black-sticky",
        "dried-fish", "salted-fish", "dried-anchovy", "dried-squid", "salted-squid", "dried-shrimp",
        "shrimp-paste", "fish-sauce", "fermented-fish", "chili-paste-roasted", "chili-paste-fish",
        "chili-paste-kapi", "dried-banana", "cashew-nuts", "tamarind", "turmeric", "ginger", "lemongrass",
        "galangal", "kaffir-lime-leaves", "andrographis", "herbal-compress", "morning-glory",
        "chinese-kale", "pumpkin", "bird-chili", "shallot", "garlic", "oyster-mushroom", "banana", "mango",
        "durian", "longan", "coconut", "pineapple", "coffee-roasted", "coffee-green", "honey", "cane-sugar",
        "palm-sugar", "eggs-chicken", "eggs-salted", "silk-cloth", "indigo-cloth", "bamboo-basket",
        "sticky-rice-basket", "krajood-mat", "herbal-soap", "coconut-oil",
    }
)  # fmt: skip
# region profile -> kinds of community, with weights
PROFILES: dict[str, dict[str, float]] = {
    "coastal": {"fishing": 0.6, "rice": 0.15, "garden": 0.1, "processing": 0.15},
    "upland": {"rice": 0.5, "upland": 0.25, "weaving": 0.15, "garden": 0.1},
    "central": {"garden": 0.45, "processing": 0.25, "rice": 0.25, "weaving": 0.05},
}

SYNTHETIC_SETTINGS = Settings(
    max_cycle_length=3,
    max_chain_length=3,
    balance_tolerance=0.1,
    transport_cost_per_kg_km=0.002,
    exchange_fixed_cost=100.0,
    road_factor=1.3,
    time_limit_s=30.0,
    seed=0,
)


class ProvinceLike(Protocol):
    @property
    def name_en(self) -> str: ...
    @property
    def region(self) -> str: ...
    @property
    def lat(self) -> float: ...
    @property
    def lon(self) -> float: ...


class CatalogueItemLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def category_id(self) -> str: ...
    @property
    def unit(self) -> str: ...
    @property
    def kg_per_unit(self) -> float: ...
    @property
    def reference_value(self) -> float: ...


def profile(province: ProvinceLike) -> str:
    if province.region in ("south", "east") and province.name_en not in LANDLOCKED_SOUTH_EAST:
        return "coastal"
    if province.name_en in COASTAL_INLAND_REGIONS:
        return "coastal"
    if province.region in ("north", "northeast"):
        return "upland"
    return "central"


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = sorted(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def generate_market(
    n_communities: int,
    *,
    provinces: Sequence[ProvinceLike],
    catalogue: Sequence[CatalogueItemLike],
    seed: int = 0,
    settings: Settings = SYNTHETIC_SETTINGS,
) -> Instance:
    """A market of `n_communities` communities spread over `provinces`."""
    if not provinces or not catalogue:
        raise ValueError("generate_market needs provinces and a catalogue")
    rng = random.Random(seed)  # noqa: S311 - a reproducible market, not a secret
    items = [
        Item(id=c.id, category=c.category_id, unit=c.unit, value=c.reference_value, kg_per_unit=c.kg_per_unit)
        for c in catalogue
        if c.id in GOODS
    ]
    if not items:
        raise ValueError("generate_market draws from GOODS: the catalogue holds none of them")
    by_category: dict[str, list[Item]] = {}
    for item in items:
        by_category.setdefault(item.category, []).append(item)

    ordered = sorted(provinces, key=lambda p: p.name_en)
    counts: dict[str, int] = {}
    communities: list[Community] = []
    kinds: list[str] = []
    for _ in range(n_communities):
        province = rng.choice(ordered)
        slug = _slug(province.name_en)
        counts[slug] = counts.get(slug, 0) + 1
        lat = province.lat + max(-0.3, min(0.3, rng.gauss(0.0, 0.12)))
        lon = province.lon + max(-0.3, min(0.3, rng.gauss(0.0, 0.12)))
        communities.append(
            Community(
                id=f"{slug}-{counts[slug]:02d}",
                lat=round(lat, 4),
                lon=round(lon, 4),
                region=province.region,
            )
        )
        kinds.append(_pick(rng, PROFILES[profile(province)]))

    offers: list[Offer] = []
    for community, kind in zip(communities, kinds, strict=True):
        offered, _ = KINDS[kind]
        for j in range(rng.choice((1, 1, 2, 2, 3))):
            category = _pick(rng, {c: w for c, w in offered.items() if c in by_category} or offered)
            if category not in by_category:
                continue
            item = rng.choice(by_category[category])
            quantity = _quantity(rng, item)
            offers.append(
                Offer(
                    id=f"{community.id}-o{j + 1}",
                    community=community.id,
                    item=item.id,
                    quantity=quantity,
                    min_lot=_lot(rng, quantity),
                    gift=rng.random() < 0.04,
                )
            )

    offers_by_category: dict[str, list[Offer]] = {}
    item_category = {item.id: item.category for item in items}
    for offer in offers:
        offers_by_category.setdefault(item_category[offer.item], []).append(offer)
    position = {c.id: (c.lat, c.lon) for c in communities}

    needs: list[Need] = []
    for community, kind in zip(communities, kinds, strict=True):
        _, wanted = KINDS[kind]
        for j in range(rng.choice((1, 1, 2, 2, 3))):
            category = _pick(rng, {c: w for c, w in wanted.items() if c in by_category} or wanted)
            if category not in by_category:
                continue
            item = rng.choice(by_category[category])
            staple = category in ("rice", "fish-seafood")
            priority = rng.choices(
                (1.0, 1.5, 2.0), weights=(0.6, 0.3, 0.1) if staple else (0.85, 0.12, 0.03)
            )[0]
            quantity = _quantity(rng, item)
            max_distance = round(rng.uniform(300, 900)) if rng.random() < 0.25 else None
            roll = rng.random()
            item_id: str | None = None
            category_id: str | None = None
            accept: list[str] | None = None
            if roll < 0.05 and offers_by_category.get(category):
                here = position[community.id]
                pool = [o for o in offers_by_category[category] if o.community != community.id]
                pool.sort(key=lambda o: _km(here, position[o.community]))
                accept = [o.id for o in pool[: rng.randint(2, 4)]] or None
            if accept is None and roll < 0.45:
                category_id = category
            elif accept is None:
                item_id = item.id
            needs.append(
                Need(
                    id=f"{community.id}-n{j + 1}",
                    community=community.id,
                    item=item_id,
                    category=category_id,
                    accept_offers=accept,
                    quantity=quantity,
                    min_lot=_lot(rng, quantity),
                    priority=priority,
                    max_distance_km=max_distance,
                )
            )
    return Instance(
        settings=msgspec.structs.replace(settings, seed=seed),
        communities=communities,
        items=items,
        offers=offers,
        needs=needs,
    )


def _quantity(rng: random.Random, item: Item) -> float:
    """A quantity worth roughly 3,000-100,000 baht, in whole units."""
    worth = math.exp(rng.uniform(math.log(3_000), math.log(100_000)))
    return float(max(1, round(worth / item.value)))


def _lot(rng: random.Random, quantity: float) -> float:
    """Half the listings name a smallest sensible lot: a few per cent of the quantity."""
    if rng.random() < 0.5 or quantity < 20:
        return 0.0
    return float(max(1, round(quantity * rng.uniform(0.02, 0.06))))


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    return great_circle_km(a[0], a[1], b[0], b[1])


# Where apart() puts each market: (latitude, longitude) shifts of Thailand (5.6-20.5 N,
# 97.3-105.6 E) at least 2,700 km from one another, while no two places of one copy are more
# than 1,700 km apart.
APART_SHIFTS = ((0.0, 0.0), (0.0, 40.0), (0.0, -40.0), (-40.0, 0.0), (-40.0, 40.0), (-40.0, -40.0))
APART_KM = 2_500.0  # road km: the longest distance each need of apart() accepts


def apart(markets: Sequence[Instance]) -> Instance:
    """One market of independent regional sub-markets: market r moved by APART_SHIFTS[r] (so
    regions lie far apart, like markets in different countries), its ids prefixed `r{r}-`, and
    every need limited to APART_KM road km (its own limit kept when shorter), so that no
    acceptable arc joins two of them. Items are the union (the same catalogue: the same items);
    settings are the first market's."""
    if not markets or len(markets) > len(APART_SHIFTS):
        raise ValueError(f"apart takes 1 to {len(APART_SHIFTS)} markets")
    communities: list[Community] = []
    offers: list[Offer] = []
    needs: list[Need] = []
    items: dict[str, Item] = {}
    for r, (market, (dlat, dlon)) in enumerate(zip(markets, APART_SHIFTS, strict=False)):
        p = f"r{r}-"
        communities += [
            msgspec.structs.replace(c, id=p + c.id, lat=c.lat + dlat, lon=c.lon + dlon)
            for c in market.communities
        ]
        offers += [msgspec.structs.replace(o, id=p + o.id, community=p + o.community) for o in market.offers]
        needs += [
            msgspec.structs.replace(
                n,
                id=p + n.id,
                community=p + n.community,
                accept_offers=None if n.accept_offers is None else [p + x for x in n.accept_offers],
                max_distance_km=min(APART_KM, n.max_distance_km or APART_KM),
            )
            for n in market.needs
        ]
        for item in market.items:
            items.setdefault(item.id, item)
    return msgspec.structs.replace(
        markets[0], communities=communities, items=list(items.values()), offers=offers, needs=needs
    )
