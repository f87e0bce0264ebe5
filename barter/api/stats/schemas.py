from __future__ import annotations

import msgspec


class Amount(msgspec.Struct):
    quantity: dict[str, float]
    """By unit (kg, litre, piece, pack): quantities of different units are never added."""
    value: float
    """Quantity x the item's current reference value, summed over units."""


class Side(msgspec.Struct):
    open: Amount
    """What is still available (offers) or still wanted (needs): the remaining of open listings."""
    matched: Amount
    """Held by proposed or approved exchanges."""
    delivered: Amount


class Cell(msgspec.Struct, kw_only=True):
    key: str
    label_th: str
    label_en: str
    suppressed: bool
    """True when the cell has fewer than `min_communities` communities and the key has no detail
    grant: its figures are withheld (null)."""
    communities: int | None = None
    offered: Side | None = None
    needed: Side | None = None


class SupplyDemand(msgspec.Struct, kw_only=True):
    group_by: str
    regions: list[str] | None
    """The regions counted (your grant, narrowed by `region`); null means every region."""
    min_communities: int
    detail: bool
    """Whether small cells are shown to this key (detail grant, coordinator or admin)."""
    suppressed_cells: int
    cells: list[Cell]
