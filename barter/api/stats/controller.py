from __future__ import annotations

from litestar import Controller, get
from litestar.params import FromQuery

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn
from barter.api.openapi import problems
from barter.api.period import Since, Until, check_period
from barter.domain.model import Region
from barter.schemas.stats import ExchangeGroupBy, ExchangeStats, GroupBy, SupplyDemand
from barter.services import stats as service


class StatsController(Controller):
    path = "/v1/stats"
    tags = ["stats"]
    security = SECURITY

    @get(
        "/supply-demand",
        summary="Open, matched and delivered quantities and values offered and needed, per cell",
        description=(
            "Partners read the regions they are granted (all, for a national grant), coordinators "
            "their regions, admins everything; `region` narrows that (403 outside it). Quantities are "
            "per unit, values are quantity x the item's current reference value. Months are the month "
            "a listing was posted (Thai time). A cell with fewer than 3 distinct communities is "
            "suppressed (figures null, `suppressed: true`) unless the key has a detail grant or is a "
            "coordinator or admin. Community keys: 403."
        ),
        responses=problems(400, 401, 403, 422),
    )
    async def supply_demand(
        self,
        conn: Conn,
        caller: CallerDep,
        group_by: FromQuery[GroupBy] = "region",
        region: FromQuery[Region | None] = None,
    ) -> SupplyDemand:
        return await service.supply_demand(conn, caller, group_by, region)

    @get(
        "/exchanges",
        summary="Proposals by state, values exchanged, cycle lengths, approval times and endings, per cell",
        description=(
            "Proposals created in the period (`since`, `until`: Thai dates, both included; `until` must not "
            "be before `since`), in one cell "
            "(`group_by=all`), per region or per month of creation. Grants as for supply-demand: partners "
            "read the regions they are granted, coordinators theirs, admins everything; `region` narrows "
            "that (403 outside it). A proposal counts in every region it touches (and in the totals of "
            "the regions read); its values and communities count where each community is: `values` are "
            "what the cell's communities give, at the reference values the proposal used. A cell with "
            "fewer than 3 distinct communities is suppressed (figures null, `suppressed: true`) unless "
            "the key has a detail grant or is a coordinator or admin; the verbatim reasons for declining, "
            "rejecting and cancelling are shown only to those (null otherwise). Community keys: 403."
        ),
        responses=problems(400, 401, 403, 422),
    )
    async def exchanges(
        self,
        conn: Conn,
        caller: CallerDep,
        group_by: FromQuery[ExchangeGroupBy] = "all",
        region: FromQuery[Region | None] = None,
        since: Since = None,
        until: Until = None,
    ) -> ExchangeStats:
        check_period(since, until)
        return await service.exchanges(conn, caller, group_by, region, since, until)
