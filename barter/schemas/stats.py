from __future__ import annotations

from datetime import date
from typing import Literal

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


class CellHead(msgspec.Struct, kw_only=True):
    """What every aggregate cell starts with; the figures that follow are null when suppressed."""

    key: str
    label_th: str
    label_en: str
    suppressed: bool
    """True when the cell has fewer than `min_communities` communities and the key has no detail
    grant: its figures are withheld (null)."""
    communities: int | None = None
    """Distinct communities counted in the cell (for exchanges: those of the cell's regions taking
    part in its proposals)."""


class Cell(CellHead, kw_only=True):
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


class ExchangeCounts(msgspec.Struct, kw_only=True):
    """Proposals by their current state."""

    total: int
    proposed: int
    approved: int
    in_transit: int
    completed: int
    rejected: int
    """Declined by a participant or rejected by a coordinator (`endings` tells which)."""
    expired: int
    cancelled: int


class ExchangeValues(msgspec.Struct, kw_only=True):
    """Reference value of what the cell's communities give (quantity x the value the proposal used)."""

    proposed: float
    """In every proposal, whatever became of it."""
    approved: float
    """In proposals that reached approval (approved, in transit, completed, or cancelled after)."""
    completed: float
    """In completed exchanges: delivered and in the ledger."""


class ExchangeLength(msgspec.Struct, kw_only=True):
    kind: Literal["cycle", "chain"]
    participants: int
    """Communities taking part (a cycle of n communities has n transfers; a chain one fewer)."""
    proposals: int


class ApprovalTimes(msgspec.Struct, kw_only=True):
    """From a proposal's creation to its approval (every participant and region agreed)."""

    approved: int
    """Proposals that reached approval; the times are over these."""
    median_seconds: float | None
    p90_seconds: float | None


class EndingReason(msgspec.Struct, kw_only=True):
    action: Literal["decline", "reject", "cancel"]
    reason: str
    """Free text, as written (trimmed); identical texts are counted together."""
    proposals: int


class Endings(msgspec.Struct, kw_only=True):
    """How proposals ended without an exchange."""

    declined: int
    """By a participant community (or its coordinator answering for it)."""
    rejected: int
    """By a coordinator of an involved region."""
    expired: int
    """Their hold ran out before everyone agreed."""
    cancelled: int
    """After approval, by a coordinator."""
    reasons: list[EndingReason] | None = None
    """The most frequent reasons given (up to 20 per cell), verbatim: only for detail grants,
    coordinators and admins (null otherwise)."""


class ExchangeCell(CellHead, kw_only=True):
    proposals: ExchangeCounts | None = None
    values: ExchangeValues | None = None
    lengths: list[ExchangeLength] | None = None
    approval: ApprovalTimes | None = None
    endings: Endings | None = None


class ExchangeStats(msgspec.Struct, kw_only=True):
    group_by: str
    regions: list[str] | None
    """The regions counted (your grant, narrowed by `region`); null means every region."""
    since: date | None
    until: date | None
    min_communities: int
    detail: bool
    """Whether small cells and verbatim reasons are shown to this key (detail grant, coordinator or
    admin)."""
    suppressed_cells: int
    cells: list[ExchangeCell]


GroupBy = Literal["region", "province", "category", "item", "month"]
ExchangeGroupBy = Literal["all", "region", "month"]
