"""Units as people type them, converted to the catalogue's units on input."""

from __future__ import annotations

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


def to_catalogue_unit(quantity: float, given: str, expected: Unit) -> float | None:
    """The quantity in `expected` units, or None when `given` does not convert to it."""
    target = CONVERSIONS.get(given)
    if target is None or target[0] != expected:
        return None
    return round(quantity * target[1], 4)


def canonical_unit(given: str) -> Unit | None:
    target = CONVERSIONS.get(given)
    return None if target is None else target[0]
