"""Supply and demand per cell, with small cells suppressed for readers without a detail grant."""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from barter.api.stats.schemas import Amount, Cell, Side, SupplyDemand
from barter.domain.access import Caller
from barter.domain.grants import MIN_COMMUNITIES, read_scope
from barter.storage.repos import stats as repo
from barter.storage.repos.stats import GroupBy

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
