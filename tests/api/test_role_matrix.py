"""Every route x every persona (reliability.md "Role matrix"), generated from the route table.

Objects belong to community A (south). A new route fails `test_the_matrix_covers_every_route`
until its row is added here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from tests.polling import poll
from tests.world import (
    ADMIN,
    ANON,
    COORD,
    COORD_ELSEWHERE,
    OTHER,
    OWNER,
    PARTNER,
    PERSONAS,
    World,
    make_proposal,
)

Call = Callable[[World, str], Awaitable[Any]]


@dataclass(frozen=True)
class Row:
    call: Call
    expect: dict[str, int]


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(PERSONAS, status)


def any_key(status: int = 200) -> dict[str, int]:
    return {**everyone(status), ANON: 401}


def acting_for_a(status: int) -> dict[str, int]:
    return {
        OWNER: status,
        COORD: status,
        ADMIN: status,
        OTHER: 404,
        COORD_ELSEWHERE: 404,
        PARTNER: 403,
        ANON: 401,
    }


def roles(status: int, *allowed: str) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, 403), **dict.fromkeys(allowed, status), ANON: 401}


def get(path: str) -> Call:
    async def call(w: World, p: str) -> Any:
        return await w.get(p, path.format(a=w.a["id"]))

    return call


async def post_community(w: World, p: str) -> Any:
    return await w.post(p, "/v1/communities", {"kind": "fishing", "province_code": "91", "name_en": "Libong"})


async def patch_community(w: World, p: str) -> Any:
    url = f"/v1/communities/{w.a['id']}"
    return await w.patch(p, url, {"contact": "โทร 1"}, (await w.get(ADMIN, url)).headers["etag"])


async def patch_added_item(w: World, p: str) -> Any:
    body = {
        "name_th": f"มันสำปะหลัง {p}",
        "category_id": "vegetables",
        "unit": "kg",
        "reference_value": 5,
        "shelf_life_days": 30,
        "name_en": f"Cassava {p}",
    }
    added = await w.post(ADMIN, "/v1/items", body)
    assert added.status_code == 201, added.text
    return await w.patch(p, added.headers["location"], {"shelf_life_days": 20}, added.headers["etag"])


async def post_offer(w: World, p: str) -> Any:
    return await w.post(p, "/v1/offers", {"community_id": w.a["id"], "item_id": "dried-fish", "quantity": 9})


async def post_need(w: World, p: str) -> Any:
    return await w.post(p, "/v1/needs", {"community_id": w.a["id"], "item_id": "rice-white", "quantity": 9})


def on_listing(kind: str, verb: str) -> Call:
    async def call(w: World, p: str) -> Any:
        listing = await (w.offer(ADMIN) if kind == "offers" else w.need(ADMIN))
        url = f"/v1/{kind}/{listing['id']}"
        if verb == "get":
            return await w.get(p, url)
        if verb == "patch":
            return await w.patch(p, url, {"quantity": 300}, '"v1"')
        return await w.delete(p, url, '"v1"')

    return call


async def post_key(w: World, p: str) -> Any:
    return await w.post(p, "/v1/keys", {"role": "partner", "name": "NGO"})


async def revoke_key(w: World, p: str) -> Any:
    key_id = (await post_key(w, ADMIN)).json()["id"]
    return await w.client.post(f"/v1/keys/{key_id}/revoke", headers=w.headers(p))


async def put_key_phone(w: World, p: str) -> Any:
    """The south coordinator's key: itself and admins set it, another coordinator finds no such
    key; community and partner keys never touch (nor read) a coordinator's number."""
    url = f"/v1/keys/{w.key_ids[COORD]}/phone"
    return await w.client.put(url, json={"phone": "081-555-0101"}, headers=w.headers(p))


async def put_my_phone(w: World, p: str) -> Any:
    """Every caller's own key: only a coordinator's carries a number (an admin's is 422)."""
    return await w.client.put("/v1/keys/me/phone", json={"phone": "081-555-0101"}, headers=w.headers(p))


async def post_run(w: World, p: str) -> Any:
    response = await w.post(p, "/v1/matching/runs", {"time_limit_s": 5})
    if response.status_code == 202:  # let it finish, so the next persona is not refused for a running one

        async def read() -> Any:
            return (await w.get(ADMIN, f"/v1/matching/runs/{response.json()['id']}")).json()

        await poll(read, lambda run: run["status"] in ("succeeded", "failed"))
    return response


ACROSS = {"regions": ["south", "north"], "time_limit_s": 1}


async def ask_across(w: World, p: str) -> Any:
    return await w.post(p, "/v1/matching/run-requests", ACROSS)


def on_run_request(action: str) -> Call:
    """A request of the south coordinator for a run over the south and the north."""

    async def call(w: World, p: str) -> Any:
        request_id = (await ask_across(w, COORD)).json()["id"]
        url = f"/v1/matching/run-requests/{request_id}"
        if action == "get":
            return await w.get(p, url)
        return await w.post(p, f"{url}/answer", {"answer": "decline", "reason": "not now"})

    return call


async def get_run(w: World, p: str) -> Any:
    run_id = await w.db.fetchval(
        "INSERT INTO matching_runs (regions, settings, status) VALUES ('{south}', jsonb_build_object('seed', 0), 'succeeded') "
        "RETURNING id"
    )
    return await w.get(p, f"/v1/matching/runs/{run_id}")


def on_proposal(action: str, status: str = "proposed", body: Any = None) -> Call:
    async def call(w: World, p: str) -> Any:
        proposal_id = await make_proposal(w, status)
        if action == "get":
            return await w.get(p, f"/v1/proposals/{proposal_id}")
        return await w.client.post(f"/v1/proposals/{proposal_id}/{action}", json=body, headers=w.headers(p))

    return call


def on_dispute(action: str) -> Call:
    """A south swap completed with 140 of the 148 kg of rice received: a dispute of the south."""

    async def call(w: World, p: str) -> Any:
        proposal_id = await make_proposal(w, "in_transit")
        receipt = {"position": 1, "quantity": 140, "condition": "short"}
        done = await w.post(ADMIN, f"/v1/proposals/{proposal_id}/complete", {"receipts": [receipt]})
        assert done.json()["status"] == "completed", done.text
        dispute_id = await w.db.fetchval("SELECT id FROM disputes WHERE proposal_id = $1", proposal_id)
        if action == "get":
            return await w.get(p, f"/v1/disputes/{dispute_id}")
        return await w.post(p, f"/v1/disputes/{dispute_id}/resolve", {"resolution": "accept"})

    return call


def get_south(path: str) -> Call:
    async def call(w: World, p: str) -> Any:
        return await w.get(p, path, region="south")

    return call


async def post_plan(w: World, p: str) -> Any:
    await make_proposal(w, "approved")  # a fresh approved swap in the south for every persona
    return await w.post(p, "/v1/logistics/plans", {"time_limit_s": 5})


async def _south_plan(w: World) -> dict[str, Any]:
    await make_proposal(w, "approved")
    response = await w.post(ADMIN, "/v1/logistics/plans", {"regions": ["south"]})
    assert response.status_code == 201, response.text
    plan: dict[str, Any] = response.json()
    assert plan["shipments"], "the swap travels on a shipment"
    return plan


async def get_plan(w: World, p: str) -> Any:
    plan = await _south_plan(w)
    as_json = await w.get(p, f"/v1/logistics/plans/{plan['id']}")
    as_map = await w.get(p, f"/v1/logistics/plans/{plan['id']}.geojson")
    assert as_map.status_code == as_json.status_code
    return as_map


async def cancel_plan(w: World, p: str) -> Any:
    plan = await _south_plan(w)
    return await w.client.post(f"/v1/logistics/plans/{plan['id']}/cancel", headers=w.headers(p))


def on_shipment(action: str) -> Call:
    async def call(w: World, p: str) -> Any:
        shipment_id = (await _south_plan(w))["shipments"][0]["id"]
        if action == "get":
            return await w.get(p, f"/v1/shipments/{shipment_id}")
        return await w.client.post(f"/v1/shipments/{shipment_id}/{action}", headers=w.headers(p))

    return call


MEMBER = {OWNER: 200, COORD: 200, ADMIN: 200, OTHER: 404, COORD_ELSEWHERE: 404, PARTNER: 403, ANON: 401}
PLANNER = {**MEMBER, OWNER: 403, OTHER: 403}
DECIDER = {**MEMBER, OWNER: 403}
# A public address given literally: accepted without DNS (the matrix app refuses private targets).
PUBLIC_HOOK = {"url": "https://93.184.215.14/barter", "events": ["proposal.approved"]}


async def post_webhook(w: World, p: str) -> Any:
    return await w.post(p, "/v1/webhooks", PUBLIC_HOOK)


def on_partners_webhook(verb: str) -> Call:
    async def call(w: World, p: str) -> Any:
        hook = (await post_webhook(w, PARTNER)).json()
        url = f"/v1/webhooks/{hook['id']}"
        return await (w.delete(p, url) if verb == "delete" else w.get(p, f"{url}/deliveries"))

    return call


def LINKER(status: int) -> dict[str, int]:  # noqa: N802 (reads like the other persona tables)
    """LINE codes and links of community A: admins and coordinators of its region."""
    return {**roles(status, ADMIN, COORD), COORD_ELSEWHERE: 404}


async def post_line_webhook(w: World, p: str) -> Any:
    return await w.client.post(
        "/line/webhook", content=b'{"destination":"U","events":[]}', headers=w.headers(p)
    )


async def put_sms(w: World, p: str) -> Any:
    return await w.client.put(
        f"/v1/communities/{w.a['id']}/sms",
        json={"consent": True, "number": "081-234-5678"},
        headers=w.headers(p),
    )


async def post_line_code(w: World, p: str) -> Any:
    return await w.post(p, f"/v1/communities/{w.a['id']}/line-codes", {})


async def revoke_line_code(w: World, p: str) -> Any:
    code = (await post_line_code(w, ADMIN)).json()
    return await w.delete(p, f"/v1/line-codes/{code['id']}")


async def revoke_line_link(w: World, p: str) -> Any:
    from datetime import UTC, datetime

    from barter.services import line as line_service
    from tests.conftest import TEST_SECRET

    code = (await post_line_code(w, ADMIN)).json()["code"]
    _, link = await line_service.redeem_code(
        w.db, TEST_SECRET, code, chat_id=f"C{code}", chat_type="group", user_id=None, now=datetime.now(UTC)
    )
    assert link is not None
    return await w.post(p, f"/v1/line-links/{link.id}/revoke", {})


async def dry_run_import(w: World, p: str) -> Any:
    """A one-row sheet for community A, dry run: elsewhere, the row itself is refused (not found)."""
    body = f"kind,community_id,item,quantity\noffer,{w.a['id']},dried-fish,5\n".encode()
    headers = w.headers(p, **{"Content-Type": "text/csv"})
    return await w.client.post("/v1/imports", content=body, params={"dry_run": "true"}, headers=headers)


# Every export route: offers and needs, proposals (one row per transfer) and the ledger.
EXPORTS = [
    f"{kind}.{fmt}" for kind in ("offers", "needs", "proposals", "ledger") for fmt in ("csv", "geojson")
]


def reading_south(status: int, *, partner: int) -> dict[str, int]:
    """Aggregates and exports: coordinators of the region, admins, partners by grant; no communities."""
    return {
        OWNER: 403,
        OTHER: 403,
        COORD: status,
        COORD_ELSEWHERE: 403,
        PARTNER: partner,
        ADMIN: status,
        ANON: 401,
    }


def partners_webhook(status: int) -> dict[str, int]:
    return {
        OWNER: 404,
        OTHER: 404,
        COORD: 404,
        COORD_ELSEWHERE: 404,
        PARTNER: status,
        ADMIN: status,
        ANON: 401,
    }


MATRIX: dict[tuple[str, str], Row] = {
    ("GET", "/health"): Row(get("/health"), everyone(200)),
    ("GET", "/v1/regions"): Row(get("/v1/regions"), everyone(200)),
    ("GET", "/v1/provinces"): Row(get("/v1/provinces"), everyone(200)),
    ("GET", "/v1/categories"): Row(get("/v1/categories"), everyone(200)),
    ("GET", "/v1/items"): Row(get("/v1/items"), everyone(200)),
    ("POST", "/v1/items"): Row(
        lambda w, p: w.post(
            p,
            "/v1/items",
            {
                "name_th": f"ข้าวโพด {p}",
                "category_id": "vegetables",
                "unit": "kg",
                "reference_value": 15,
                "shelf_life_days": 7,
            },
        ),
        roles(201, ADMIN, COORD, COORD_ELSEWHERE),  # the catalogue is the whole network's, not a region's
    ),
    ("GET", "/v1/items/{item_id:str}"): Row(get("/v1/items/dried-fish"), everyone(200)),
    ("PATCH", "/v1/items/{item_id:str}"): Row(patch_added_item, roles(200, ADMIN, COORD, COORD_ELSEWHERE)),
    ("GET", "/v1/communities"): Row(get("/v1/communities"), any_key()),
    ("POST", "/v1/communities"): Row(post_community, roles(201, ADMIN, COORD)),
    ("GET", "/v1/communities/{community_id:int}"): Row(get("/v1/communities/{a}"), any_key()),
    ("PATCH", "/v1/communities/{community_id:int}"): Row(patch_community, acting_for_a(200)),
    ("GET", "/v1/offers"): Row(get("/v1/offers"), any_key()),
    ("POST", "/v1/offers"): Row(post_offer, acting_for_a(201)),
    ("GET", "/v1/offers/{offer_id:int}"): Row(on_listing("offers", "get"), any_key()),
    ("PATCH", "/v1/offers/{offer_id:int}"): Row(on_listing("offers", "patch"), acting_for_a(200)),
    ("DELETE", "/v1/offers/{offer_id:int}"): Row(on_listing("offers", "delete"), acting_for_a(200)),
    ("GET", "/v1/needs"): Row(get("/v1/needs"), any_key()),
    ("POST", "/v1/needs"): Row(post_need, acting_for_a(201)),
    ("GET", "/v1/needs/{need_id:int}"): Row(on_listing("needs", "get"), any_key()),
    ("PATCH", "/v1/needs/{need_id:int}"): Row(on_listing("needs", "patch"), acting_for_a(200)),
    ("DELETE", "/v1/needs/{need_id:int}"): Row(on_listing("needs", "delete"), acting_for_a(200)),
    ("GET", "/v1/keys"): Row(get("/v1/keys"), roles(200, ADMIN)),
    ("POST", "/v1/keys"): Row(post_key, roles(201, ADMIN)),
    ("POST", "/v1/keys/{key_id:int}/revoke"): Row(revoke_key, roles(200, ADMIN)),
    ("PUT", "/v1/keys/{key_id:int}/phone"): Row(
        put_key_phone, {**roles(200, ADMIN, COORD), COORD_ELSEWHERE: 404}
    ),
    ("PUT", "/v1/keys/me/phone"): Row(put_my_phone, {**roles(200, COORD, COORD_ELSEWHERE), ADMIN: 422}),
    ("GET", "/v1/audit"): Row(get("/v1/audit"), roles(200, ADMIN, COORD, COORD_ELSEWHERE)),
    ("GET", "/v1/communities/{community_id:int}/account"): Row(get("/v1/communities/{a}/account"), MEMBER),
    ("POST", "/v1/matching/runs"): Row(post_run, roles(202, ADMIN, COORD, COORD_ELSEWHERE)),
    ("GET", "/v1/matching/runs"): Row(get("/v1/matching/runs"), roles(200, ADMIN, COORD, COORD_ELSEWHERE)),
    ("POST", "/v1/matching/run-requests"): Row(ask_across, roles(201, COORD, COORD_ELSEWHERE)),
    ("POST", "/v1/matching/run-requests/{request_id:int}/answer"): Row(
        on_run_request("answer"), {**roles(200, ADMIN, COORD_ELSEWHERE), COORD: 409}
    ),
    ("GET", "/v1/matching/run-requests/{request_id:int}"): Row(
        on_run_request("get"), roles(200, ADMIN, COORD, COORD_ELSEWHERE)
    ),
    ("GET", "/v1/matching/runs/{run_id:int}"): Row(
        get_run, {**roles(200, ADMIN, COORD), COORD_ELSEWHERE: 404}
    ),
    # PARTNER reads aggregates only: who traded with whom needs a detail grant.
    ("GET", "/v1/proposals"): Row(get("/v1/proposals"), {**any_key(), PARTNER: 403}),
    ("GET", "/v1/proposals/{proposal_id:int}"): Row(
        on_proposal("get"), {**any_key(), OTHER: 404, COORD_ELSEWHERE: 404, PARTNER: 403}
    ),
    ("POST", "/v1/proposals/{proposal_id:int}/accept"): Row(on_proposal("accept"), MEMBER),
    ("POST", "/v1/proposals/{proposal_id:int}/decline"): Row(
        on_proposal("decline", body={"reason": "no boat"}), MEMBER
    ),
    ("POST", "/v1/proposals/{proposal_id:int}/approve"): Row(on_proposal("approve"), DECIDER),
    ("POST", "/v1/proposals/{proposal_id:int}/reject"): Row(
        on_proposal("reject", body={"reason": "too far"}), DECIDER
    ),
    ("POST", "/v1/proposals/{proposal_id:int}/dispatch"): Row(on_proposal("dispatch", "approved"), MEMBER),
    ("POST", "/v1/proposals/{proposal_id:int}/complete"): Row(on_proposal("complete", "in_transit"), MEMBER),
    ("POST", "/v1/proposals/{proposal_id:int}/cancel"): Row(on_proposal("cancel", "approved"), DECIDER),
    ("GET", "/v1/disputes"): Row(get("/v1/disputes"), any_key()),
    ("GET", "/v1/disputes/{dispute_id:int}"): Row(
        on_dispute("get"), {**any_key(), OTHER: 404, COORD_ELSEWHERE: 404, PARTNER: 404}
    ),
    ("POST", "/v1/disputes/{dispute_id:int}/resolve"): Row(
        on_dispute("resolve"), {**roles(200, ADMIN, COORD), OTHER: 404, COORD_ELSEWHERE: 404}
    ),
    ("GET", "/v1/items/{item_id:str}/values"): Row(get("/v1/items/dried-fish/values"), any_key()),
    ("POST", "/v1/items/{item_id:str}/values"): Row(
        lambda w, p: w.post(p, "/v1/items/dried-fish/values", {"value": 270}), roles(200, ADMIN)
    ),
    # The partner API (more personas in test_partner_matrix.py). PARTNER reads aggregates only.
    **{
        ("GET", f"/v1/stats/{name}"): Row(get_south(f"/v1/stats/{name}"), reading_south(200, partner=200))
        for name in ("supply-demand", "exchanges")
    },
    **{
        ("GET", f"/v1/exports/{name}"): Row(get_south(f"/v1/exports/{name}"), reading_south(200, partner=403))
        for name in EXPORTS
    },
    # Community keys subscribe too: they hear about the exchanges their own community is part of.
    ("POST", "/v1/webhooks"): Row(post_webhook, any_key(201)),
    ("GET", "/v1/webhooks"): Row(get("/v1/webhooks"), any_key(200)),
    ("DELETE", "/v1/webhooks/{webhook_id:int}"): Row(on_partners_webhook("delete"), partners_webhook(204)),
    ("GET", "/v1/webhooks/{webhook_id:int}/deliveries"): Row(
        on_partners_webhook("deliveries"), partners_webhook(200)
    ),
    # The north's coordinator has nothing approved to plan in its region.
    ("POST", "/v1/logistics/plans"): Row(post_plan, {**roles(201, ADMIN, COORD), COORD_ELSEWHERE: 409}),
    ("GET", "/v1/logistics/plans"): Row(
        get("/v1/logistics/plans"), roles(200, ADMIN, COORD, COORD_ELSEWHERE, PARTNER)
    ),
    # Who gives what to whom: PARTNER (aggregates only) gets 403 as on /v1/proposals (issue 16).
    ("GET", "/v1/logistics/plans/{plan:str}"): Row(get_plan, PLANNER),
    ("POST", "/v1/logistics/plans/{plan_id:int}/cancel"): Row(cancel_plan, PLANNER),
    ("GET", "/v1/shipments"): Row(get("/v1/shipments"), {**any_key(), PARTNER: 403}),
    ("GET", "/v1/shipments/{shipment_id:int}"): Row(on_shipment("get"), MEMBER),
    ("POST", "/v1/shipments/{shipment_id:int}/loading"): Row(on_shipment("loading"), PLANNER),
    ("POST", "/v1/shipments/{shipment_id:int}/depart"): Row(on_shipment("depart"), PLANNER),
    # The LINE channel: off in this app (no channel settings), so its webhook is not there at all.
    ("POST", "/line/webhook"): Row(post_line_webhook, everyone(404)),
    ("POST", "/v1/communities/{community_id:int}/line-codes"): Row(post_line_code, LINKER(201)),
    ("DELETE", "/v1/line-codes/{code_id:int}"): Row(revoke_line_code, LINKER(204)),
    ("GET", "/v1/communities/{community_id:int}/line-links"): Row(
        get("/v1/communities/{a}/line-links"), LINKER(200)
    ),
    ("POST", "/v1/line-links/{link_id:int}/revoke"): Row(revoke_line_link, LINKER(200)),
    ("POST", "/v1/imports"): Row(dry_run_import, roles(200, ADMIN, COORD, COORD_ELSEWHERE)),
    ("GET", "/v1/imports/template.csv"): Row(get("/v1/imports/template.csv"), everyone(200)),
    ("GET", "/v1/imports/template.xlsx"): Row(get("/v1/imports/template.xlsx"), everyone(200)),
    ("GET", "/v1/notifications"): Row(get("/v1/notifications"), roles(200, ADMIN, COORD, COORD_ELSEWHERE)),
    # Goods communities named that the catalogue lacks: those who add goods (coordinators their
    # regions', admins all; the personas in tests/api/test_unknown_goods.py).
    ("GET", "/v1/unknown-goods"): Row(get("/v1/unknown-goods"), roles(200, ADMIN, COORD, COORD_ELSEWHERE)),
    # SMS consent and the number: the community itself and those who act for it, nobody else.
    ("GET", "/v1/communities/{community_id:int}/sms"): Row(get("/v1/communities/{a}/sms"), acting_for_a(200)),
    ("PUT", "/v1/communities/{community_id:int}/sms"): Row(put_sms, acting_for_a(200)),
}


def app_routes(app: Litestar) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for route in app.routes:
        # The console's pages (and its front-door redirect and files) have their own persona
        # tests in tests/console/test_pages.py.
        if route.path == "/" or route.path.startswith(("/console", "/static")):
            continue
        if isinstance(route, HTTPRoute) and not route.path.startswith("/schema"):
            found |= {(method, route.path) for method in route.methods if method not in ("OPTIONS", "HEAD")}
    return found


def test_the_matrix_covers_every_route(app: Litestar) -> None:
    assert app_routes(app) == set(MATRIX)


@pytest.mark.parametrize("route", list(MATRIX), ids=[f"{m} {p}" for m, p in MATRIX])
async def test_route_for_every_persona(world: World, route: tuple[str, str]) -> None:
    row = MATRIX[route]
    got = {}
    for persona in PERSONAS:
        response = await row.call(world, persona)
        got[persona] = response.status_code
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
    assert got == row.expect
