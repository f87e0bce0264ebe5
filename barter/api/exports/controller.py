from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.datastructures import State
from litestar.params import QueryParameter
from litestar.response import Stream

from barter.api.auth import SECURITY, CallerDep
from barter.api.exports import service
from barter.api.exports.service import Format
from barter.api.listings.controller import FILTER_DEPENDENCIES, ListingFilterDep
from barter.api.openapi import problems
from barter.domain.access import Caller
from barter.storage.repos.listings import Kind, ListingFilter

CSV = "text/csv"  # Litestar adds "; charset=utf-8" to text types
GEOJSON = "application/geo+json"
_WHO = (
    "Filters as in the list; every match, oldest first. Admins export everything, coordinators "
    "their regions, partners with a detail grant their granted regions; partners with aggregates "
    "only and community keys get 403. Withdrawn and closed listings only for whoever may see them "
    "in the list (admins, coordinators of their region)."
)
Bom = Annotated[
    bool, QueryParameter(description="Start with a UTF-8 byte-order mark, for spreadsheet programs")
]


def _export(
    state: State, caller: Caller, kind: Kind, fmt: Format, flt: ListingFilter, bom: bool = False
) -> Stream:
    regions = service.check_access(caller, flt)
    extension = "csv" if fmt == "csv" else "geojson"
    return Stream(
        service.stream(state.export_pool, caller, kind, fmt, flt, regions, bom=bom),
        media_type=CSV if fmt == "csv" else GEOJSON,
        headers={
            "Content-Disposition": f'attachment; filename="{kind}s.{extension}"',
            "Cache-Control": "no-store",
        },
    )


class ExportController(Controller):
    path = "/v1/exports"
    tags = ["exports"]
    security = SECURITY
    dependencies = FILTER_DEPENDENCIES

    @get(
        "/offers.csv",
        summary="Offers as CSV (streamed)",
        description=_WHO,
        media_type=CSV,
        responses=problems(400, 401, 403, 422),
    )
    async def offers_csv(
        self, state: State, caller: CallerDep, listing_filter: ListingFilterDep, bom: Bom = False
    ) -> Stream:
        return _export(state, caller, "offer", "csv", listing_filter, bom)

    @get(
        "/offers.geojson",
        summary="Offers as GeoJSON points (streamed)",
        description=_WHO,
        media_type=GEOJSON,
        responses=problems(400, 401, 403, 422),
    )
    async def offers_geojson(
        self, state: State, caller: CallerDep, listing_filter: ListingFilterDep
    ) -> Stream:
        return _export(state, caller, "offer", "geojson", listing_filter)

    @get(
        "/needs.csv",
        summary="Needs as CSV (streamed)",
        description=_WHO,
        media_type=CSV,
        responses=problems(400, 401, 403, 422),
    )
    async def needs_csv(
        self, state: State, caller: CallerDep, listing_filter: ListingFilterDep, bom: Bom = False
    ) -> Stream:
        return _export(state, caller, "need", "csv", listing_filter, bom)

    @get(
        "/needs.geojson",
        summary="Needs as GeoJSON points (streamed)",
        description=_WHO,
        media_type=GEOJSON,
        responses=problems(400, 401, 403, 422),
    )
    async def needs_geojson(
        self, state: State, caller: CallerDep, listing_filter: ListingFilterDep
    ) -> Stream:
        return _export(state, caller, "need", "geojson", listing_filter)
