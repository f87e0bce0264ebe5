"""Units as people write them (English or Thai), converted to the catalogue's units on input.

The one table of unit aliases: the API, the console and LINE all read it (`normalise_unit`).
"""

from __future__ import annotations

import math
import unicodedata

from barter.domain.model import Unit

# unit given -> (catalogue unit, factor to multiply the quantity by)
CONVERSIONS: dict[str, tuple[Unit, float]] = {
    "kg": ("kg", 1.0),
    "g": ("kg", 0.001),
    "litre": ("litre", 1.0),
    "l": ("litre", 1.0),
    "ml": ("litre", 0.001),
    "piece": ("piece", 1.0),
    "pack": ("pack", 1.0),
}
INPUT_UNITS: tuple[str, ...] = tuple(CONVERSIONS)

# How people write units, in Thai and in English, -> one of INPUT_UNITS. A tray (ถาด) and a bag
# (ถุง) are counted as packs; eggs, coconuts and cloth are counted in pieces (ฟอง, ลูก, ผืน).
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
    "มิลลิลิตร": "ml",
    "ชิ้น": "piece",
    "อัน": "piece",
    "ฟอง": "piece",
    "ลูก": "piece",
    "ผืน": "piece",
    "ก้อน": "piece",
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
