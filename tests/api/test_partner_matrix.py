"""The partner API x the personas of grants (issue 7): the webhook's owner, another partner, a
partner without a grant for the region, the region's coordinator, a community, an admin, nobody.

The data concern the south; the owner and the other partner hold national detail grants, the
partner without a grant is granted the north only, with aggregates only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from litestar import Litestar

from tests.api.test_role_matrix import EXPORTS, PUBLIC_HOOK, app_routes
from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OWNER, World, make_proposal

OWNER_PARTNER = "owner_partner"
OTHER_PARTNER = "other_partner"
NO_GRANT = "partner_without_grant"
COMMUNITY = OWNER  # community A's key
PERSONAS = (OWNER_PARTNER, OTHER_PARTNER, NO_GRANT, COORD, COMMUNITY, ADMIN, ANON)
PARTNER_KEYS: dict[str, dict[str, Any]] = {
    OWNER_PARTNER: {"role": "partner", "partner_detail": True, "name": "University"},
    OTHER_PARTNER: {"role": "partner", "partner_detail": True, "name": "NGO"},
    NO_GRANT: {"role": "partner", "regions": ["north"], "name": "Northern agency"},
}

Call = Callable[[World, str], Awaitable[Any]]


def south(path: str) -> Call:
    async def call(w: World, p: str) -> Any:
        return await w.get(p, path, region="south")

    return call


async def subscribe(w: World, p: str) -> Any:
    return await w.post(p, "/v1/webhooks", PUBLIC_HOOK)


def owners_webhook(verb: str) -> Call:
    async def call(w: World, p: str) -> Any:
        hook = (await subscribe(w, OWNER_PARTNER)).json()
        url = f"/v1/webhooks/{hook['id']}"
        return await (w.delete(p, url) if verb == "delete" else w.get(p, f"{url}/deliveries"))

    return call


def expect(**statuses: int) -> dict[str, int]:
    names = {
        "owner": OWNER_PARTNER,
        "other": OTHER_PARTNER,
        "no_grant": NO_GRANT,
        "coordinator": COORD,
        "community": COMMUNITY,
        "admin": ADMIN,
    }
    return {**{names[k]: v for k, v in statuses.items()}, ANON: 401}


EXPORT = expect(owner=200, other=200, no_grant=403, coordinator=200, community=403, admin=200)
MATRIX: dict[tuple[str, str], tuple[Call, dict[str, int]]] = {
    ("GET", "/v1/stats/supply-demand"): (south("/v1/stats/supply-demand"), EXPORT),
    ("GET", "/v1/stats/exchanges"): (south("/v1/stats/exchanges"), EXPORT),
    **{("GET", f"/v1/exports/{n}"): (south(f"/v1/exports/{n}"), EXPORT) for n in EXPORTS},
    ("POST", "/v1/webhooks"): (
        subscribe,
        expect(owner=201, other=201, no_grant=201, coordinator=201, community=201, admin=201),
    ),
    ("GET", "/v1/webhooks"): (
        lambda w, p: w.get(p, "/v1/webhooks"),
        expect(owner=200, other=200, no_grant=200, coordinator=200, community=200, admin=200),
    ),
    ("DELETE", "/v1/webhooks/{webhook_id:int}"): (
        owners_webhook("delete"),
        expect(owner=204, other=404, no_grant=404, coordinator=404, community=404, admin=204),
    ),
    ("GET", "/v1/webhooks/{webhook_id:int}/deliveries"): (
        owners_webhook("deliveries"),
        expect(owner=200, other=404, no_grant=404, coordinator=404, community=404, admin=200),
    ),
}


async def _south_plan(w: World) -> dict[str, Any]:
    await make_proposal(w, "approved")
    response = await w.post(ADMIN, "/v1/logistics/plans", {"regions": ["south"]})
    assert response.status_code == 201, response.text
    plan: dict[str, Any] = response.json()
    return plan


def plan_read(suffix: str) -> Call:
    async def call(w: World, p: str) -> Any:
        return await w.get(p, f"/v1/logistics/plans/{(await _south_plan(w))['id']}{suffix}")

    return call


def shipment_read(one: bool) -> Call:
    async def call(w: World, p: str) -> Any:
        shipment = (await _south_plan(w))["shipments"][0]["id"]
        return await w.get(p, f"/v1/shipments/{shipment}" if one else "/v1/shipments")

    return call


# Logistics reads (issue 16): row-level, so partners need a detail grant (NO_GRANT has none, and
# is granted the north only); a coordinator of another region is COORD_ELSEWHERE in the role matrix.
LOGISTICS: dict[str, tuple[Call, dict[str, int]]] = {
    "GET /v1/logistics/plans/{id}": (
        plan_read(""),
        expect(owner=200, other=200, no_grant=403, coordinator=200, community=403, admin=200),
    ),
    "GET /v1/logistics/plans/{id}.geojson": (
        plan_read(".geojson"),
        expect(owner=200, other=200, no_grant=403, coordinator=200, community=403, admin=200),
    ),
    "GET /v1/shipments": (
        shipment_read(False),
        expect(owner=200, other=200, no_grant=403, coordinator=200, community=200, admin=200),
    ),
    "GET /v1/shipments/{id}": (
        shipment_read(True),
        expect(owner=200, other=200, no_grant=403, coordinator=200, community=200, admin=200),
    ),
}


@pytest.mark.parametrize("route", list(LOGISTICS))
async def test_logistics_reads_for_every_persona(world: World, route: str) -> None:
    for persona, spec in PARTNER_KEYS.items():
        world.keys[persona] = await world.new_key(**spec)
    world.keys["south_partner_without_detail"] = await world.new_key(
        role="partner", regions=["south"], name="x"
    )
    call, expected = LOGISTICS[route]
    got = {}
    for persona in (*PERSONAS, "south_partner_without_detail", COORD_ELSEWHERE):
        response = await call(world, persona)
        got[persona] = response.status_code
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
    elsewhere = 200 if route == "GET /v1/shipments" else 404  # an empty list, or not there for it
    assert got == {**expected, "south_partner_without_detail": 403, COORD_ELSEWHERE: elsewhere}


def test_every_partner_route_has_a_row(app: Litestar) -> None:
    partner_routes = {
        (m, p) for m, p in app_routes(app) if p.startswith(("/v1/stats", "/v1/exports", "/v1/webhooks"))
    }
    assert partner_routes == set(MATRIX)


@pytest.mark.parametrize("route", list(MATRIX), ids=[f"{m} {p}" for m, p in MATRIX])
async def test_partner_route_for_every_persona(world: World, route: tuple[str, str]) -> None:
    for persona, spec in PARTNER_KEYS.items():
        world.keys[persona] = await world.new_key(**spec)
    call, expected = MATRIX[route]
    got = {}
    for persona in PERSONAS:
        response = await call(world, persona)
        got[persona] = response.status_code
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
    assert got == expected
