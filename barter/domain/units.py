"""Units as people write them (English or Thai), converted to the catalogue's units on input.

The one table of units and their factors (`FACTORS`): the API, the console and imports take the
INPUT_UNITS by their codes and ALIASES (`normalise_unit`); the LINE bot reads Thai as spoken
(`SPOKEN`, thai_text.UNITS), which names a few more (ขีด, ตัน, a tray of eggs) by the same table.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from barter.domain.model import Unit
from barter.reference import CatalogueItem, load_catalogue

# Every unit barter reads, by its code -> (catalogue unit, factor to multiply the quantity by).
FACTORS: dict[str, tuple[Unit, float]] = {
    "kg": ("kg", 1.0),
    "g": ("kg", 0.001),
    "hg": ("kg", 0.1),  # ขีด: 100 grams, as markets weigh
    "t": ("kg", 1000.0),  # ตัน
    "litre": ("litre", 1.0),
    "l": ("litre", 1.0),
    "ml": ("litre", 0.001),
    "piece": ("piece", 1.0),
    "pack": ("pack", 1.0),
    "egg_tray": ("piece", 30.0),  # a tray (ถาด, แผง) of eggs holds 30
}
# The units the API and imports take (a unit given -> catalogue unit and factor).
INPUT_UNITS: tuple[str, ...] = ("kg", "g", "litre", "l", "ml", "piece", "pack")
CONVERSIONS: dict[str, tuple[Unit, float]] = {unit: FACTORS[unit] for unit in INPUT_UNITS}


class UnitName(NamedTuple):
    """A catalogue unit as written in Thai (which has no plural) and in English, one and many."""

    th: str
    en: str
    en_plural: str


# How Thai people write the catalogue's units, and the English beside them: the one table the
# console, the explanations, errors and LINE say units from. A symbol (kg) has no plural.
UNIT_NAMES: dict[str, UnitName] = {
    "kg": UnitName("กก.", "kg", "kg"),
    "litre": UnitName("ลิตร", "litre", "litres"),
    "piece": UnitName("ชิ้น", "piece", "pieces"),
    "pack": UnitName("แพ็ก", "pack", "packs"),
}


def _named(unit: str) -> UnitName:
    return UNIT_NAMES.get(unit) or UnitName(unit, unit, unit)


def thai_unit(unit: str) -> str:
    return _named(unit).th


# The goods barter knows, as barter.domain says their amounts (counting words, `thai_unit_for`):
# the shipped catalogue (barter/reference/catalogue.json) until the live one is read, then the
# live one, the shipped goods and those the network added (ปลาช่อน, ไก่ย่าง counted ตัว).
# barter.services.catalogue.current, which every reader of goods' names calls (the LINE webhook,
# the import, the console's goods list, a matching run before it writes its proposals, the relay before it
# sends notices, adding goods), hands each catalogue it reads to `goods_known`, and the server
# reads it once when it starts, so that a fresh process knows the goods added before it. The
# domain does no I/O: this is what it was told. Its limit: with several server processes, goods
# another process added are said in ชิ้น by a console page of this one (a listing, today's supply)
# until this process next reads the catalogue (a LINE message, an import, an offer form, a run, a
# notice) or starts again; what is stored (a proposal's explanation) was written by a process that
# had read it.
_KNOWN: list[Sequence[CatalogueItem] | None] = [None]
_WORDS: list[tuple[Sequence[CatalogueItem] | None, dict[str, str]]] = [(None, {})]


def goods_known(catalogue: Sequence[CatalogueItem] | None) -> None:
    """The live catalogue, as barter.services.catalogue.current read it: what the goods are said in
    (None: the shipped catalogue, as before any was read)."""
    _KNOWN[0] = catalogue


def known_goods() -> Sequence[CatalogueItem]:
    """The goods last read (`goods_known`), else the shipped catalogue."""
    return _KNOWN[0] or load_catalogue()


def counting_words() -> dict[str, str]:
    """Item id -> the counting word (ลักษณนาม) Thai counts it in, for the piece items that have one
    (eggs-chicken -> ฟอง, an added ไก่ย่าง -> ตัว): `counted_th` of the goods known, worked out once
    per catalogue read."""
    goods = known_goods()
    if _WORDS[0][0] is not goods:
        _WORDS[0] = (goods, {item.id: item.counted_th for item in goods if item.counted_th})
    return _WORDS[0][1]


def thai_unit_for(unit: str, item_id: str | None) -> str:
    """How Thai says an amount of the item in `unit`: a piece item by its counting word, as the goods
    known name it, shipped or added (ไข่ไก่ 300 ฟอง, มะพร้าว 100 ลูก, ผ้าไหม 20 ผืน, an added ไก่ย่าง 5
    ตัว), else the unit's word (กก., ลิตร; ชิ้น for a piece item with none, or when the item is not
    known). English says "pieces" for all."""
    if unit == "piece" and item_id is not None:
        word = counting_words().get(item_id)
        if word is not None:
            return word
    return thai_unit(unit)


def thai_unit_of_all(unit: str, item_ids: Iterable[str]) -> str:
    """How Thai says an amount in `unit` summed over several items (the goods of a category counted
    in it): the counting word they all share (ไข่ไก่ and ไข่เค็ม: ฟอง), else the unit's word (ชิ้น
    where their words differ, as cloth's ผืน and a basket's ใบ, where one has none, or where no
    item is named). `item_ids`: the items counted in `unit` only."""
    words = {thai_unit_for(unit, item_id) for item_id in item_ids}
    return words.pop() if len(words) == 1 else thai_unit(unit)


def english_unit(unit: str, quantity: float | None = None) -> str:
    """The unit in English for `quantity` of it: 1 piece, 2 pieces, 0.5 packs, 200 kg; with no
    quantity, the plural a heading or a label takes ("How much in all (pieces)")."""
    named = _named(unit)
    return named.en if quantity == 1 else named.en_plural


# The word a chat question names each catalogue unit by ("ขวดละกี่ลิตร?"); SPOKEN reads it back.
SIZE_WORDS: dict[str, str] = {"kg": "กิโล", "litre": "ลิตร", "piece": "ชิ้น"}


# How people write units, in Thai and in English, -> one of INPUT_UNITS. A tray (ถาด) and a bag
# (ถุง) are counted as packs; eggs, coconuts, cloth, baskets and soap are counted in pieces (ฟอง,
# ลูก, ผืน, ใบ, ก้อน: the counting words the catalogue says them in, `thai_unit_for`).
ALIASES: dict[str, str] = {
    "กก.": "kg",
    "กก": "kg",
    "ก.ก.": "kg",
    "กิโล": "kg",
    "กิโลฯ": "kg",
    "กิโลกรัม": "kg",
    "kgs": "kg",
    "kilo": "kg",
    "kilos": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "กรัม": "g",
    "ก.": "g",
    "gram": "g",
    "grams": "g",
    "ลิตร": "litre",
    "ล.": "litre",
    "liter": "litre",
    "liters": "litre",
    "litres": "litre",
    "มล.": "ml",
    "มล": "ml",
    "มิลลิลิตร": "ml",
    "ซีซี": "ml",
    "ซี.ซี.": "ml",
    "cc": "ml",
    "ชิ้น": "piece",
    "อัน": "piece",
    "ฟอง": "piece",
    "ลูก": "piece",
    "ผืน": "piece",
    "ก้อน": "piece",
    "ใบ": "piece",  # a basket, a bottle; only after a number (ใบมะกรูด is an item: kaffir lime leaves)
    "pieces": "piece",
    "pcs": "piece",
    "ถุง": "pack",
    "แพ็ค": "pack",
    "แพ็ก": "pack",
    "แพค": "pack",
    "ถาด": "pack",
    "packs": "pack",
    "bag": "pack",
    "bags": "pack",
    "tray": "pack",
    "trays": "pack",
}


# Thai as spoken in a chat (the LINE bot's free text) -> a code of FACTORS: the API's words, but
# for packs (a bag, a pack or a tray of no fixed size is asked about there: "ถุงละกี่กิโล?"), and
# the words of markets and villages the API does not take.
SPOKEN: dict[str, str] = {
    **{word: code for word, code in ALIASES.items() if FACTORS[code][0] != "pack"},
    **{code: code for code in INPUT_UNITS if FACTORS[code][0] != "pack"},
    "โล": "kg",
    "ขีด": "hg",
    "ตัน": "t",
    "เกวียน": "t",  # the rice trade's measure: a price "เกวียนละ 9,000" is per 1,000 kg
    "ถาด": "egg_tray",
    "แผง": "egg_tray",
}


def normalise_unit(given: str) -> str | None:
    """One of INPUT_UNITS for a unit as written ("กก.", "กิโล", " KG "), or None when unknown."""
    text = unicodedata.normalize("NFC", given).strip().lower()
    if text in CONVERSIONS:
        return text
    return ALIASES.get(text) or ALIASES.get(text.replace(" ", ""))


def to_catalogue_unit(quantity: float, given: str, expected: Unit) -> float | None:
    """The quantity in `expected` units, or None when `given` does not convert to it."""
    unit = normalise_unit(given)
    target = None if unit is None else CONVERSIONS[unit]
    if target is None or target[0] != expected:
        return None
    return round(quantity * target[1], 4)


def canonical_unit(given: str) -> Unit | None:
    unit = normalise_unit(given)
    return None if unit is None else CONVERSIONS[unit][0]


def off_step(quantity: float, step: float) -> bool:
    """True when `quantity` is not a whole number of `step`s (to the 4 stored decimals)."""
    steps = quantity / step
    return abs(steps - round(steps)) * step > 5e-5 and not math.isclose(steps, round(steps), abs_tol=1e-6)
