"""The demo market: 2020's Community Barter Trade, replayed.

Sixty communities in every region, each in a real sub-district: fishing villages in the South
with dried fish, salted squid and shrimp paste; rice farmers in the North and Northeast; vegetable,
fruit and chili-paste groups in the Central region; fruit and fish-sauce makers in the East;
vegetables, sugar and crafts in the West. Each posts a few offers and needs, sized so that
swaps between regions balance by reference value (about 2 kg of dried fish for 15 kg of rice).
Deterministic for its seed.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from barter.reference import DIR as REFERENCE_DIR
from barter.reference import load_catalogue, load_provinces

PER_REGION = 60

# region -> [(kind, Thai prefix, English prefix, weight, offers, needs)]
Profile = tuple[str, str, str, float, tuple[str, ...], tuple[str, ...]]
PROFILES: dict[str, list[Profile]] = {
    "south": [
        (
            "fishing",
            "กลุ่มประมงพื้นบ้าน",
            "Small-scale fishers of",
            0.6,
            (
                "dried-fish",
                "salted-fish",
                "salted-squid",
                "dried-squid",
                "shrimp-paste",
                "dried-shrimp",
                "fish-sauce",
            ),
            ("rice-jasmine", "rice-sticky", "rice-white", "shallot", "garlic"),
        ),
        (
            "farming",
            "วิสาหกิจชุมชนสวนผลไม้",
            "Orchard enterprise of",
            0.4,
            ("durian", "coconut", "palm-sugar", "cashew-nuts", "coconut-oil"),
            ("rice-jasmine", "rice-sticky", "chili-paste-roasted", "herbal-soap"),
        ),
    ],
    "northeast": [
        (
            "farming",
            "กลุ่มเกษตรกรนาข้าว",
            "Rice farmers of",
            0.7,
            ("rice-jasmine", "rice-sticky", "rice-riceberry", "rice-brown"),
            (
                "dried-fish",
                "salted-fish",
                "salted-squid",
                "shrimp-paste",
                "fish-sauce",
                "fermented-fish",
                "pumpkin",
            ),
        ),
        (
            "mixed",
            "กลุ่มทอผ้าไหม",
            "Silk weavers of",
            0.3,
            ("silk-cloth", "sticky-rice-basket", "rice-sticky"),
            ("dried-fish", "shrimp-paste", "coconut-oil", "palm-sugar"),
        ),
    ],
    "north": [
        (
            "farming",
            "กลุ่มเกษตรกรบนพื้นที่สูง",
            "Highland farmers of",
            0.5,
            ("coffee-green", "coffee-roasted", "ginger", "turmeric", "rice-black-sticky", "longan"),
            ("dried-fish", "dried-shrimp", "shrimp-paste", "salted-fish", "coconut-oil"),
        ),
        (
            "mixed",
            "กลุ่มย้อมครามและสมุนไพร",
            "Indigo and herb group of",
            0.5,
            ("indigo-cloth", "andrographis", "herbal-compress", "honey", "rice-jasmine"),
            ("salted-squid", "fish-sauce", "dried-anchovy", "cashew-nuts"),
        ),
    ],
    "central": [
        (
            "farming",
            "กลุ่มผักปลอดสารพิษ",
            "Safe-vegetable growers of",
            0.5,
            ("morning-glory", "chinese-kale", "bird-chili", "oyster-mushroom", "banana", "eggs-chicken"),
            ("dried-fish", "rice-riceberry", "honey", "turmeric"),
        ),
        (
            "urban",
            "กลุ่มแม่บ้านแปรรูปอาหาร",
            "Food processors of",
            0.5,
            ("chili-paste-roasted", "chili-paste-fish", "dried-banana", "eggs-salted", "tamarind"),
            ("dried-shrimp", "rice-jasmine", "coffee-roasted", "ginger", "galangal"),
        ),
    ],
    "east": [
        (
            "farming",
            "วิสาหกิจชุมชนผลไม้",
            "Fruit growers of",
            0.6,
            ("durian", "mango", "pineapple", "dried-anchovy", "fish-sauce"),
            ("rice-jasmine", "rice-sticky", "ginger", "lemongrass"),
        ),
        (
            "fishing",
            "กลุ่มประมงชายฝั่ง",
            "Coastal fishers of",
            0.4,
            ("dried-anchovy", "dried-shrimp", "shrimp-paste", "salted-fish"),
            ("rice-jasmine", "chinese-kale", "garlic", "herbal-soap"),
        ),
    ],
    "west": [
        (
            "farming",
            "กลุ่มเกษตรกร",
            "Farmers of",
            0.6,
            ("pineapple", "cane-sugar", "pumpkin", "galangal", "lemongrass", "kaffir-lime-leaves"),
            ("dried-fish", "rice-jasmine", "shrimp-paste", "salted-squid"),
        ),
        (
            "mixed",
            "กลุ่มหัตถกรรม",
            "Craft makers of",
            0.4,
            ("bamboo-basket", "krajood-mat", "herbal-soap", "garlic"),
            ("rice-sticky", "dried-squid", "coffee-green"),
        ),
    ],
}


@dataclass(frozen=True, slots=True)
class DemoCommunity:
    key: str
    name_th: str
    name_en: str
    kind: str
    province_code: str
    subdistrict_code: str
    lat: float
    lon: float
    region: str


@dataclass(frozen=True, slots=True)
class DemoListing:
    community: str
    item_id: str
    quantity: float
    min_lot: float
    gift: bool = False


@dataclass
class DemoMarket:
    communities: list[DemoCommunity] = field(default_factory=list)
    offers: list[DemoListing] = field(default_factory=list)
    needs: list[DemoListing] = field(default_factory=list)


def _subdistricts() -> dict[str, list[dict[str, str]]]:
    by_province: dict[str, list[dict[str, str]]] = {}
    with (REFERENCE_DIR / "subdistricts.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["lat"]:
                by_province.setdefault(row["province_code"], []).append(row)
    return by_province


def _amount(rng: random.Random, value_per_unit: float, unit: str) -> tuple[float, float]:
    """A quantity worth 5,000 to 40,000 baht, rounded as people would, and a sensible lot."""
    target = rng.choice([5_000, 8_000, 12_000, 16_000, 20_000, 26_000, 32_000, 40_000])
    quantity = target / value_per_unit
    step = 1 if unit == "piece" and quantity < 200 else 5 if quantity < 200 else 50
    quantity = max(step, round(quantity / step) * step)
    lot = 0.0 if rng.random() < 0.5 else float(max(1, round(quantity * 0.1 / step) * step))
    return float(quantity), min(lot, quantity)


def build_market(seed: int = 2020, per_region: int = PER_REGION) -> DemoMarket:
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    catalogue = {item.id: item for item in load_catalogue()}
    subdistricts = _subdistricts()
    market = DemoMarket()
    provinces = load_provinces()
    for region, profiles in PROFILES.items():
        in_region = [p for p in provinces if p.region == region]
        for n in range(per_region):
            kind, prefix_th, prefix_en, _, offers, needs = rng.choices(
                profiles, weights=[p[3] for p in profiles]
            )[0]
            province = in_region[n % len(in_region)]
            place = rng.choice(subdistricts[province.code])
            key = f"{region}-{n:02d}"
            market.communities.append(
                DemoCommunity(
                    key=key,
                    name_th=f"{prefix_th}ตำบล{place['name_th']}",
                    name_en=f"{prefix_en} {place['name_en']}",
                    kind=kind,
                    province_code=province.code,
                    subdistrict_code=place["code"],
                    lat=float(place["lat"]),
                    lon=float(place["lon"]),
                    region=region,
                )
            )
            for item_id in rng.sample(offers, k=min(len(offers), rng.choice([1, 2, 2, 3]))):
                item = catalogue[item_id]
                quantity, lot = _amount(rng, item.reference_value, item.unit)
                market.offers.append(DemoListing(key, item_id, quantity, lot, gift=rng.random() < 0.03))
            for item_id in rng.sample(needs, k=min(len(needs), rng.choice([1, 1, 2]))):
                if item_id not in catalogue:
                    continue
                item = catalogue[item_id]
                quantity, lot = _amount(rng, item.reference_value, item.unit)
                market.needs.append(DemoListing(key, item_id, quantity, lot))
    return market


def regions_of(communities: Sequence[DemoCommunity]) -> set[str]:
    return {c.region for c in communities}
