"""Supply and demand, and exchanges, per cell, with small cells suppressed for readers without a
detail grant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import asyncpg

from barter.domain.access import Caller
from barter.domain.grants import MIN_COMMUNITIES, read_scope
from barter.schemas.stats import (
    Amount,
    ApprovalTimes,
    Cell,
    EndingReason,
    Endings,
    ExchangeCell,
    ExchangeCounts,
    ExchangeGroupBy,
    ExchangeLength,
    ExchangeStats,
    ExchangeValues,
    GroupBy,
    Side,
    SupplyDemand,
)
from barter.storage.repos import stats as repo

_MEASURES = ("open", "matched", "delivered")


def _side(rows: Iterable[asyncpg.Record]) -> Side:
    amounts = {m: Amount(quantity={}, value=0.0) for m in _MEASURES}
    for row in rows:
        for measure in _MEASURES:
            amount = amounts[measure]
            quantity = row[f"{measure}_quantity"]
            if quantity:
                amount.quantity[row["unit"]] = quantity
            amount.value += row[f"{measure}_value"]
    return Side(**amounts)


async def supply_demand(
    conn: asyncpg.Connection, caller: Caller, group_by: GroupBy, region: str | None
) -> SupplyDemand:
    scope = read_scope(caller)
    regions = scope.narrowed(region)
    rows = await repo.supply_demand(conn, group_by, regions)
    cells: list[Cell] = []
    suppressed = 0
    index = 0
    while index < len(rows):
        head = rows[index]
        assert head["side"] is None, "each cell starts with its total row"
        end = index + 1
        while end < len(rows) and rows[end]["side"] is not None:
            end += 1
        parts = rows[index + 1 : end]
        index = end
        cell = Cell(key=head["key"], label_th=head["label_th"], label_en=head["label_en"], suppressed=False)
        if not scope.shows_cell(head["communities"]):
            cell.suppressed = True
            suppressed += 1
        else:
            cell.communities = head["communities"]
            cell.offered = _side(r for r in parts if r["side"] == "offered")
            cell.needed = _side(r for r in parts if r["side"] == "needed")
        cells.append(cell)
    return SupplyDemand(
        group_by=group_by,
        regions=regions,
        min_communities=MIN_COMMUNITIES,
        detail=scope.detail,
        suppressed_cells=suppressed,
        cells=cells,
    )


REASONS_PER_CELL = 20


async def exchanges(
    conn: asyncpg.Connection,
    caller: Caller,
    group_by: ExchangeGroupBy,
    region: str | None,
    since: date | None,
    until: date | None,
) -> ExchangeStats:
    scope = read_scope(caller)
    regions = scope.narrowed(region)
    rows = await repo.exchanges(
        conn, group_by, regions, since, until, reasons=REASONS_PER_CELL if scope.detail else 0
    )
    lengths: dict[str, list[ExchangeLength]] = {}
    for r in rows.lengths:
        lengths.setdefault(r["key"], []).append(
            ExchangeLength(kind=r["kind"], participants=r["participants"], proposals=r["proposals"])
        )
    reasons: dict[str, list[EndingReason]] = {}
    for r in rows.reasons:
        reasons.setdefault(r["key"], []).append(
            EndingReason(action=r["action"], reason=r["reason"], proposals=r["proposals"])
        )
    cells: list[ExchangeCell] = []
    for r in rows.cells:
        cell = ExchangeCell(key=r["key"], label_th=r["label_th"], label_en=r["label_en"], suppressed=False)
        cells.append(cell)
        if not scope.shows_cell(r["communities"]):
            cell.suppressed = True
            continue
        cell.communities = r["communities"]
        cell.proposals = ExchangeCounts(**{f: r[f] for f in ExchangeCounts.__struct_fields__})
        cell.values = ExchangeValues(
            proposed=r["proposed_value"], approved=r["approved_value"], completed=r["completed_value"]
        )
        cell.lengths = lengths.get(r["key"], [])
        cell.approval = ApprovalTimes(
            approved=r["approvals"], median_seconds=r["approval_median_s"], p90_seconds=r["approval_p90_s"]
        )
        cell.endings = Endings(
            declined=r["declined"],
            rejected=r["rejected_by_coordinator"],
            expired=r["expired"],
            cancelled=r["cancelled"],
            reasons=reasons.get(r["key"], []) if scope.detail else None,
        )
    return ExchangeStats(
        group_by=group_by,
        regions=regions,
        since=since,
        until=until,
        min_communities=MIN_COMMUNITIES,
        detail=scope.detail,
        suppressed_cells=sum(c.suppressed for c in cells),
        cells=cells,
    )
