"""Names the whole service shares."""

from __future__ import annotations

from typing import Literal

Region = Literal["north", "northeast", "central", "east", "west", "south"]
REGIONS: tuple[Region, ...] = ("north", "northeast", "central", "east", "west", "south")
CommunityKind = Literal["fishing", "farming", "urban", "mixed", "other"]
Unit = Literal["kg", "litre", "piece", "pack"]
