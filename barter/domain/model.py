"""Names the whole service shares."""

from __future__ import annotations

from typing import Literal

# The six regions are reference figures (regions.json): barter.reference names them, below the
# domain, which reads its catalogue (barter.domain.units), so that the two never import each other.
from barter.reference import REGIONS, Region

__all__ = ["REGIONS", "CommunityKind", "Region", "Unit"]

CommunityKind = Literal["fishing", "farming", "urban", "mixed", "other"]
Unit = Literal["kg", "litre", "piece", "pack"]
