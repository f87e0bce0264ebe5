"""/v1/offers and /v1/needs: the same verbs, filters and rules for both kinds of listing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from litestar import Controller, Response, delete, get, patch, post
from litestar.datastructures import State
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery, JSONBody, QueryParameter

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn
from barter.api.http import (
    Cursor,
    IdempotencyDep,
    IdPath,
    IfMatch,
    Limit,
    ShowCalendar,
    decode_cursor,
    encode_cursor,
    etag,
    expected_version,
    json_response,
    shown_in,
)
from barter.api.openapi import CHANGE, CREATE, READ, READ_ONE
from barter.api.schemas import Page
from barter.api.validation import parameter_error
from barter.domain.access import Caller
from barter.domain.errors import FieldError, ValidationFailed
from barter.domain.formats import CATALOGUE_ID, POINT, PROVINCE_CODE
from barter.domain.model import Region
from barter.schemas.listings import (
    Kind,
    ListingFilter,
    NeedCreate,
    NeedOut,
    NeedPatch,
    OfferCreate,
    OfferOut,
    OfferPatch,
)
from barter.services import listings as service
from barter.services import read

Sort = Literal["-created_at", "created_at", "-remaining", "remaining", "distance"]
Status = Literal["open", "withdrawn", "closed"]
LIST_RULES = (
    "Filters combine (all must hold). `within_km` needs `near` (422 at `within_km` without it); "
    "`sort=distance` orders by the distance from `near`. Distances (`distance_km`, `within_km`) are "
    "measured to the community's own point where the key may know it (as `GET /v1/communities/{id}` "
    "gives it), else to its province's centre. `cursor` is the `next_cursor` of the page "
    "before, with the same sort; anything else is 422 at `cursor`."
)


def _near(near: str | None, within_km: float | None) -> tuple[float | None, float | None]:
    errors: list[FieldError] = []
    lat = lon = None
    if near is not None:
        try:
            lat_text, lon_text = near.split(",")
            lat, lon = float(lat_text), float(lon_text)
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError
        except ValueError:
            errors.append(parameter_error("near", "bad_point"))
    if within_km is not None and near is None:
        errors.append(parameter_error("within_km", "needs_near"))
    if errors:
        raise ValidationFailed(errors)
    return lat, lon


@dataclass(frozen=True)
class ListingQuery:
    """The filters, sort and page both lists take."""

    filter: ListingFilter
    sort: str
    cursor: str | None
    limit: int
    calendar: str = "gregorian"

    async def page(self, conn: Conn, caller: Caller, kind: Kind) -> Page[Any]:
        value_type = read.SORT_VALUE_TYPES[self.sort]
        after = decode_cursor(self.cursor, self.sort, value_type) if self.cursor else None
        rows = await read.listing_page(
            conn, caller, kind, self.filter, sort=self.sort, after=after, limit=self.limit + 1
        )
        data = [shown_in(self.calendar, out) for out, _ in rows[: self.limit]]
        next_cursor = None
        if len(rows) > self.limit:
            last, value = rows[self.limit - 1]
            next_cursor = encode_cursor(self.sort, value, last.id)
        return Page(data=data, next_cursor=next_cursor)


def provide_listing_filter(
    caller: CallerDep,
    region: FromQuery[Region | None] = None,
    province_code: Annotated[str | None, QueryParameter(pattern=PROVINCE_CODE)] = None,
    category_id: Annotated[str | None, QueryParameter(pattern=CATALOGUE_ID)] = None,
    item_id: Annotated[str | None, QueryParameter(pattern=CATALOGUE_ID)] = None,
    community_id: Annotated[int | None, QueryParameter(ge=1, le=2**62)] = None,
    status: FromQuery[Status] = "open",
    q: Annotated[str | None, QueryParameter(max_length=100, description="Item or community name")] = None,
    near: Annotated[str | None, QueryParameter(max_length=60, pattern=POINT, description="lat,lon")] = None,
    within_km: Annotated[float | None, QueryParameter(gt=0, le=5000)] = None,
) -> ListingFilter:
    """The filters of the lists (and of the exports, which stream every match).

    It takes the caller so that it runs after authentication, alone in its dependency batch: a
    401 comes before a 422, and a 422 raised here does not leak the request's connection
    (Litestar 2.25 does not clean up generator dependencies, such as the connection, when another
    dependency of the same parallel batch raises; the generator lingers until garbage collection).
    """
    lat, lon = _near(near, within_km)
    return ListingFilter(
        region=region,
        province_code=province_code,
        category_id=category_id,
        item_id=item_id,
        community_id=community_id,
        status=status,
        q=q,
        near_lat=lat,
        near_lon=lon,
        within_km=within_km,
    )


ListingFilterDep = NamedDependency[ListingFilter]


def provide_listing_query(
    listing_filter: ListingFilterDep,
    sort: FromQuery[Sort] = "-created_at",
    cursor: Cursor = None,
    limit: Limit = 50,
    calendar: ShowCalendar = "gregorian",
) -> ListingQuery:
    if sort == "distance" and listing_filter.near_lat is None:
        raise ValidationFailed([parameter_error("sort", "needs_near")])
    return ListingQuery(filter=listing_filter, sort=sort, cursor=cursor, limit=limit, calendar=calendar)


ListingQueryDep = NamedDependency[ListingQuery]
FILTER_DEPENDENCIES = {"listing_filter": Provide(provide_listing_filter, sync_to_thread=False)}
LISTING_DEPENDENCIES = {
    **FILTER_DEPENDENCIES,
    "listing": Provide(provide_listing_query, sync_to_thread=False),
}


class OfferController(Controller):
    path = "/v1/offers"
    tags = ["offers"]
    security = SECURITY
    dependencies = LISTING_DEPENDENCIES

    @post("/", summary="Post an offer (what a community has)", responses=CREATE)
    async def create(
        self,
        data: JSONBody[OfferCreate],
        conn: Conn,
        caller: CallerDep,
        idempotency: IdempotencyDep,
        state: State,
    ) -> Response[OfferOut]:
        out = await service.create_offer(conn, caller, data, state.clock)
        return await idempotency.respond(
            out, 201, {"ETag": etag(out.version), "Location": f"/v1/offers/{out.id}"}
        )

    @get("/", summary="List and search offers", description=LIST_RULES, responses=READ)
    async def list_offers(self, conn: Conn, caller: CallerDep, listing: ListingQueryDep) -> Page[OfferOut]:
        return await listing.page(conn, caller, "offer")

    @get("/{offer_id:int}", summary="One offer (ETag for If-Match)", responses=READ_ONE)
    async def get_one(
        self, conn: Conn, caller: CallerDep, offer_id: IdPath, calendar: ShowCalendar = "gregorian"
    ) -> Response[OfferOut]:
        out = await service.get(conn, caller, "offer", offer_id)
        return json_response(shown_in(calendar, out), headers={"ETag": etag(out.version)})

    @patch("/{offer_id:int}", summary="Edit an offer (If-Match required)", responses=CHANGE)
    async def update(
        self,
        if_match: IfMatch,
        data: JSONBody[OfferPatch],
        conn: Conn,
        caller: CallerDep,
        offer_id: IdPath,
        state: State,
    ) -> Response[OfferOut]:
        out = await service.update_offer(
            conn, caller, offer_id, expected_version(if_match), data, state.clock
        )
        return json_response(out, headers={"ETag": etag(out.version)})

    @delete(
        "/{offer_id:int}",
        status_code=200,
        summary="Withdraw an offer (If-Match required; the row is kept)",
        responses=CHANGE,
    )
    async def withdraw(
        self, if_match: IfMatch, conn: Conn, caller: CallerDep, offer_id: IdPath
    ) -> Response[OfferOut]:
        out = await service.withdraw(conn, caller, "offer", offer_id, expected_version(if_match))
        return json_response(out, headers={"ETag": etag(out.version)})


class NeedController(Controller):
    path = "/v1/needs"
    tags = ["needs"]
    security = SECURITY
    dependencies = LISTING_DEPENDENCIES

    @post(
        "/",
        summary="Post a need (an item, a whole category, or a list of acceptable offers)",
        responses=CREATE,
    )
    async def create(
        self,
        data: JSONBody[NeedCreate],
        conn: Conn,
        caller: CallerDep,
        idempotency: IdempotencyDep,
        state: State,
    ) -> Response[NeedOut]:
        out = await service.create_need(conn, caller, data, state.clock)
        return await idempotency.respond(
            out, 201, {"ETag": etag(out.version), "Location": f"/v1/needs/{out.id}"}
        )

    @get("/", summary="List and search needs", description=LIST_RULES, responses=READ)
    async def list_needs(self, conn: Conn, caller: CallerDep, listing: ListingQueryDep) -> Page[NeedOut]:
        return await listing.page(conn, caller, "need")

    @get("/{need_id:int}", summary="One need (ETag for If-Match)", responses=READ_ONE)
    async def get_one(
        self, conn: Conn, caller: CallerDep, need_id: IdPath, calendar: ShowCalendar = "gregorian"
    ) -> Response[NeedOut]:
        out = await service.get(conn, caller, "need", need_id)
        return json_response(shown_in(calendar, out), headers={"ETag": etag(out.version)})

    @patch("/{need_id:int}", summary="Edit a need (If-Match required)", responses=CHANGE)
    async def update(
        self,
        if_match: IfMatch,
        data: JSONBody[NeedPatch],
        conn: Conn,
        caller: CallerDep,
        need_id: IdPath,
        state: State,
    ) -> Response[NeedOut]:
        out = await service.update_need(conn, caller, need_id, expected_version(if_match), data, state.clock)
        return json_response(out, headers={"ETag": etag(out.version)})

    @delete(
        "/{need_id:int}",
        status_code=200,
        summary="Withdraw a need (If-Match required; the row is kept)",
        responses=CHANGE,
    )
    async def withdraw(
        self, if_match: IfMatch, conn: Conn, caller: CallerDep, need_id: IdPath
    ) -> Response[NeedOut]:
        out = await service.withdraw(conn, caller, "need", need_id, expected_version(if_match))
        return json_response(out, headers={"ETag": etag(out.version)})
