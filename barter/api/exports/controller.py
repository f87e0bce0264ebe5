"""/v1/exports/{offers,needs,proposals,ledger}.{csv,geojson}: two routes per kind, made by one factory.

Each kind brings its filter dependency (`export_filter`): the lists' filters for offers and needs,
`ExchangeFilter` for proposals and the ledger. The filter provider takes the caller, so that it runs
after authentication, alone in its dependency batch (see `provide_listing_filter`).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from litestar import Controller, get
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromQuery, QueryParameter
from litestar.response import Stream

from barter.api.auth import SECURITY, CallerDep
from barter.api.listings.controller import provide_listing_filter
from barter.api.openapi import problems
from barter.api.period import Since, Until, check_period
from barter.domain.access import Caller
from barter.domain.model import Region
from barter.schemas.exports import ExchangeFilter
from barter.services import exports as service
from barter.services.exports import EXPORTS, Format, Name

CSV = "text/csv"  # Litestar adds "; charset=utf-8" to text types
GEOJSON = "application/geo+json"
Bom = Annotated[
    bool, QueryParameter(description="Start with a UTF-8 byte-order mark, for spreadsheet programs")
]
Id = Annotated[int | None, QueryParameter(ge=1, le=2**62)]
ProposalStatus = Literal[
    "proposed", "approved", "in_transit", "completed", "rejected", "expired", "cancelled"
]
ExportFilterDep = NamedDependency[Any]

_WHO = (
    "Admins export everything, coordinators their regions, partners with a detail grant their "
    "granted regions (`region` narrows that; 403 outside it); partners with aggregates only and "
    "community keys get 403."
)
_LISTINGS = (
    "Filters as in the list; every match, oldest first. Withdrawn and closed listings only for "
    "whoever may see them in the list (admins, coordinators of their region). GeoJSON: a Point "
    "at the community. "
)
_ABOUT: dict[Name, tuple[str, str]] = {
    "offers": ("Offers", _LISTINGS),
    "needs": ("Needs", _LISTINGS),
    "proposals": (
        "Proposal transfers",
        "One row per transfer (offer -> need, giver -> receiver), with its proposal's state, run, "
        "participants and dates repeated on each row; transfers of one proposal follow each other in "
        "their cycle or chain order, proposals oldest first. A proposal touching a region you read is "
        "exported whole, as the proposal list shows it. `region`: proposals touching it; "
        "`community_id`: proposals it takes part in; `since`/`until`: created on those dates "
        "(`until` must not be before `since`). GeoJSON: "
        "a LineString from the giver to the receiver, feature id `<proposal>-<position>`. ",
    ),
    "ledger": (
        "Ledger entries",
        "What each community gave and received in completed exchanges, one row per entry "
        "(an exchange's transfer is two entries: gave, received), oldest first. `region`, "
        "`community_id`: the entry's community; `since`/`until`: booked on those dates "
        "(`until` must not be before `since`). GeoJSON: a "
        "Point at the community. ",
    ),
}


def provide_proposal_filter(
    caller: CallerDep,
    region: FromQuery[Region | None] = None,
    status: FromQuery[ProposalStatus | None] = None,
    run_id: Id = None,
    community_id: Id = None,
    since: Since = None,
    until: Until = None,
) -> ExchangeFilter:
    check_period(since, until)
    return ExchangeFilter(
        region=region, status=status, run_id=run_id, community_id=community_id, since=since, until=until
    )


def provide_ledger_filter(
    caller: CallerDep,
    region: FromQuery[Region | None] = None,
    direction: FromQuery[Literal["gave", "received"] | None] = None,
    run_id: Id = None,
    community_id: Id = None,
    since: Since = None,
    until: Until = None,
) -> ExchangeFilter:
    check_period(since, until)
    return ExchangeFilter(
        region=region, direction=direction, run_id=run_id, community_id=community_id, since=since, until=until
    )


_FILTERS: dict[Name, Any] = {
    "offers": provide_listing_filter,
    "needs": provide_listing_filter,
    "proposals": provide_proposal_filter,
    "ledger": provide_ledger_filter,
}


def _export(state: State, caller: Caller, name: Name, fmt: Format, flt: Any, bom: bool = False) -> Stream:
    kind = EXPORTS[name]
    regions = service.check_access(caller, flt.region)
    extension = "csv" if fmt == "csv" else "geojson"
    return Stream(
        service.stream(state.export_pool, kind, fmt, kind.statement(caller, flt, regions), bom=bom),
        media_type=CSV if fmt == "csv" else GEOJSON,
        headers={
            "Content-Disposition": f'attachment; filename="{name}.{extension}"',
            "Cache-Control": "no-store",
        },
    )


def export_route(name: Name, fmt: Format) -> HTTPRouteHandler:
    """The route handler of one export (a controller method: it takes `self`)."""
    title, about = _ABOUT[name]
    options: dict[str, Any] = {
        "summary": f"{title} as {'CSV' if fmt == 'csv' else 'GeoJSON'} (streamed)",
        "description": about + _WHO,
        "media_type": CSV if fmt == "csv" else GEOJSON,
        "responses": problems(400, 401, 403, 422),
        "dependencies": {"export_filter": Provide(_FILTERS[name], sync_to_thread=False)},
    }
    if fmt == "csv":

        async def as_csv(
            self: Any, state: State, caller: CallerDep, export_filter: ExportFilterDep, bom: Bom = False
        ) -> Stream:
            return _export(state, caller, name, "csv", export_filter, bom)

        as_csv.__name__ = f"{name}_csv"
        return get(f"/{name}.csv", **options)(as_csv)

    async def as_geojson(
        self: Any, state: State, caller: CallerDep, export_filter: ExportFilterDep
    ) -> Stream:
        return _export(state, caller, name, "geojson", export_filter)

    as_geojson.__name__ = f"{name}_geojson"
    return get(f"/{name}.geojson", **options)(as_geojson)


class ExportController(Controller):
    path = "/v1/exports"
    tags = ["exports"]
    security = SECURITY

    offers_csv = export_route("offers", "csv")
    offers_geojson = export_route("offers", "geojson")
    needs_csv = export_route("needs", "csv")
    needs_geojson = export_route("needs", "geojson")
    proposals_csv = export_route("proposals", "csv")
    proposals_geojson = export_route("proposals", "geojson")
    ledger_csv = export_route("ledger", "csv")
    ledger_geojson = export_route("ledger", "geojson")
