"""What a key may read beyond the listings: aggregates, exports and webhooks (the partner API).

A partner key's grant is its `regions` (none = every region: a national partner) and its
`partner_detail` flag (row-level exports and small cells; without it, aggregates only).
Coordinators read their regions in detail, admins everything. Community keys have no grant:
they manage their own listings and nothing here.

Webhook events follow the same grant, decided in SQL when the relay fans an event out
(`fan_out_events` in queries/webhooks.sql): a partner hears of an event when every region it
concerns is granted, a coordinator when one of them is its own, an admin always. A partner with
aggregates only receives the event without the fields that name communities or carry their words
(`subscriber_data`): it learns that proposal 12 in the south was rejected, not who took part or why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from barter.domain.access import Caller
from barter.domain.errors import Forbidden

# Aggregates hide cells made of fewer communities than this (unless the reader has detail).
MIN_COMMUNITIES = 3
# Event data that identifies communities or quotes them: community ids, free-text reasons.
ROW_LEVEL_FIELDS = frozenset({"communities", "reason"})


@dataclass(frozen=True, slots=True)
class ReadScope:
    """The regions a caller may read (None = every region) and whether it sees row-level detail."""

    regions: frozenset[str] | None
    detail: bool

    def covers(self, region: str) -> bool:
        return self.regions is None or region in self.regions

    def narrowed(self, region: str | None) -> list[str] | None:
        """The regions to read for an optional `region` filter; 403 outside the grant."""
        if region is None:
            return None if self.regions is None else sorted(self.regions)
        if not self.covers(region):
            raise Forbidden(f"Your key's grant does not cover the {region} region")
        return [region]

    def shows_cell(self, communities: int) -> bool:
        """An aggregate cell is shown when it has enough communities or the reader has detail."""
        return self.detail or communities >= MIN_COMMUNITIES


def read_scope(caller: Caller) -> ReadScope:
    """The caller's grant for aggregates and exports; 403 for community keys."""
    if caller.role == "admin":
        return ReadScope(regions=None, detail=True)
    if caller.role == "coordinator":
        return ReadScope(regions=caller.regions, detail=True)
    if caller.role == "partner":
        return ReadScope(regions=caller.regions or None, detail=caller.partner_detail)
    raise Forbidden("Community keys manage their own listings; aggregates and exports need a grant")


def require_detail(scope: ReadScope) -> None:
    if not scope.detail:
        raise Forbidden("Row-level exports need a detail grant; this key reads aggregates only")


def require_subscriber(caller: Caller) -> None:
    """Webhooks are for partners, coordinators, admins and communities (about their own exchanges)."""
    if caller.role not in ("partner", "coordinator", "admin", "community"):
        raise Forbidden("This key cannot subscribe to webhooks")


def subscriber_data(data: Any, *, detail: bool) -> Any:
    """An event's data as a subscriber receives it: whole with detail (detail grants, coordinators,
    admins), without `ROW_LEVEL_FIELDS` for partners with aggregates only."""
    if detail or not isinstance(data, dict):
        return data
    return {k: v for k, v in data.items() if k not in ROW_LEVEL_FIELDS}
