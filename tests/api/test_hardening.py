"""Issue 16: four ways to a 500 and the smaller defects (each test failed before its fix)."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest
from litestar import Litestar

from barter.api.openapi import openapi_document
from tests.world import ADMIN, ANON, COORD, OWNER, World


def _problem(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body: dict[str, Any] = response.json()
    assert body["status"] == response.status_code
    assert body["code"]
    return body


def _cursor(*parts: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(parts)).encode()).decode().rstrip("=")


# --- 3. deeply nested JSON -----------------------------------------------------------------------

NESTED = b"[" * 1000 + b"]" * 1000


@pytest.mark.parametrize("persona", [OWNER, ANON])
@pytest.mark.parametrize("url", ["/v1/offers", "/v1/needs", "/v1/communities", "/v1/logistics/plans"])
async def test_deeply_nested_json_is_a_400_before_the_key_is_checked(
    world: World, url: str, persona: str
) -> None:
    for content_type in ("application/json", "text/plain", ""):
        headers = world.headers(persona, **({"Content-Type": content_type} if content_type else {}))
        for body in (NESTED, b'{"note":' + b'{"a":' * 800 + b"1" + b"}" * 801):
            response = await world.client.post(url, content=body, headers=headers)
            assert response.status_code == 400, response.text
            assert _problem(response)["code"] == "too_deeply_nested"
            assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("body", "too_deep")]


async def test_ordinary_nesting_still_passes(world: World) -> None:
    body = {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 5, "note": "[[[{{{"}
    response = await world.post(OWNER, "/v1/offers", body)
    assert response.status_code == 201, response.text


# --- 4-6. forged cursors, ids beyond 64 bits, extreme dates --------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/v1/communities", "/v1/audit", "/v1/proposals", "/v1/logistics/plans", "/v1/shipments"],
)
@pytest.mark.parametrize("forged", [2**64, -(2**64), 2**63, 10**30])
async def test_a_cursor_id_beyond_64_bits_is_422(world: World, url: str, forged: int) -> None:
    response = await world.get(ADMIN, url, cursor=_cursor("id", forged, forged))
    assert response.status_code == 422, response.text
    problem = _problem(response)
    assert [e["path"] for e in problem["errors"]] == ["cursor"]


@pytest.mark.parametrize("kind", ["offers", "needs"])
@pytest.mark.parametrize(
    ("sort", "value"),
    [
        ("-remaining", 1e308),
        ("-remaining", 5),
        ("-created_at", "0001-01-01T00:00:00+14:00"),
        ("created_at", "9999-12-31T23:59:59-14:00"),
        ("-created_at", "2026-01-01T00:00:00+00:00"),
    ],
)
async def test_forged_list_cursors_are_422(world: World, kind: str, sort: str, value: Any) -> None:
    await world.offer()
    for last in (2**64, 1) if value != "2026-01-01T00:00:00+00:00" else (2**64,):
        response = await world.get(ADMIN, f"/v1/{kind}", sort=sort, cursor=_cursor(sort, value, last))
        if sort == "-remaining" and value == 5 and last == 1:
            assert response.status_code == 200  # a cursor the service could have made
            continue
        assert response.status_code == 422, (sort, value, last, response.text)
        assert [e["path"] for e in _problem(response)["errors"]] == ["cursor"]


@pytest.mark.parametrize("value", ["9223372036854775808", "99999999999999999999"])
async def test_audit_community_id_beyond_64_bits_is_422(world: World, value: str) -> None:
    response = await world.client.get(
        "/v1/audit", params={"community_id": value}, headers=world.headers(ADMIN)
    )
    assert response.status_code == 422, response.text
    assert _problem(response)["code"] == "validation_failed"


# --- 7. quantities too small to store ------------------------------------------------------------


@pytest.mark.parametrize(("quantity", "unit"), [(1e-5, None), (1e-5, "kg"), (0.01, "g")])
async def test_a_quantity_that_rounds_to_nothing_is_422(
    world: World, quantity: float, unit: str | None
) -> None:
    body: dict[str, Any] = {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": quantity}
    if unit:
        body["unit"] = unit
    for kind in ("offers", "needs"):
        if kind == "needs":
            body["item_id"] = "rice-jasmine"
        response = await world.post(OWNER, f"/v1/{kind}", body)
        assert response.status_code == 422, response.text
        assert "quantity" in [e["path"] for e in _problem(response)["errors"]]


async def test_a_patch_to_a_quantity_too_small_to_store_is_422(world: World) -> None:
    offer = await world.offer(min_lot=0)
    response = await world.patch(OWNER, f"/v1/offers/{offer['id']}", {"quantity": 1e-5}, '"v1"')
    assert response.status_code == 422, response.text
    assert [e["path"] for e in _problem(response)["errors"]] == ["quantity"]


# --- 8. invisible names and bidirectional overrides ----------------------------------------------


@pytest.mark.parametrize("name", ["\u200b", "\ufeff", "\u200d\u200c", "\u200b \u2060", "\u00ad"])
async def test_a_name_made_only_of_invisible_characters_is_422(world: World, name: str) -> None:
    body = {"kind": "fishing", "province_code": "91", "name_th": name}
    response = await world.post(COORD, "/v1/communities", body)
    assert response.status_code == 422, response.text
    assert [e["path"] for e in _problem(response)["errors"]] == ["name_th"]


@pytest.mark.parametrize("override", ["\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u202a"])
async def test_bidirectional_overrides_are_422_with_their_path(world: World, override: str) -> None:
    body = {"kind": "fishing", "province_code": "91", "name_en": f"Libong {override}gnihsif"}
    response = await world.post(COORD, "/v1/communities", body)
    assert response.status_code == 422, response.text
    assert [e["path"] for e in _problem(response)["errors"]] == ["name_en"]
    offer = {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 1, "note": f"a{override}b"}
    response = await world.post(OWNER, "/v1/offers", offer)
    assert response.status_code == 422
    assert [e["path"] for e in _problem(response)["errors"]] == ["note"]


async def test_thai_names_with_joiners_are_still_accepted(world: World) -> None:
    body = {"kind": "fishing", "province_code": "91", "name_th": "บ้าน\u200bเกาะลิบง", "name_en": "Ko Libong"}
    response = await world.post(COORD, "/v1/communities", body)
    assert response.status_code == 201, response.text


# --- 9. Content-Type ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "image/png", "multipart/form-data; boundary=x", None],
)
async def test_a_json_body_under_another_content_type_is_415(world: World, content_type: str | None) -> None:
    body = json.dumps({"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 5}).encode()
    extra = {"Content-Type": content_type} if content_type else {}
    response = await world.client.post("/v1/offers", content=body, headers=world.headers(OWNER, **extra))
    assert response.status_code == 415, response.text
    assert _problem(response)["code"] == "unsupported_media_type"
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("Content-Type", "not_json")]
    assert await world.db.fetchval("SELECT count(*) FROM offers") == 0


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8"])
async def test_json_content_types_are_accepted(world: World, content_type: str) -> None:
    body = json.dumps({"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 5}).encode()
    response = await world.client.post(
        "/v1/offers", content=body, headers=world.headers(OWNER, **{"Content-Type": content_type})
    )
    assert response.status_code == 201, response.text


# --- 11. the OpenAPI document states the bounds and the cross-field rules ------------------------


def test_path_ids_declare_their_maximum(app: Litestar) -> None:
    document = openapi_document(app)
    checked = 0
    for path, item in document["paths"].items():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["schema"].get("type") == "integer":
                    # exact integers: a float 4.611686018427388e+18 is not the bound the service keeps
                    assert repr(parameter["schema"].get("maximum")) == repr(2**62), (path, parameter)
                    assert repr(parameter["schema"].get("minimum")) == "1", (path, parameter)
                    checked += 1
    assert checked >= 20


def test_query_ids_declare_their_maximum(app: Litestar) -> None:
    document = openapi_document(app)
    audit = document["paths"]["/v1/audit"]["get"]["parameters"]
    (community,) = [p for p in audit if p["name"] == "community_id"]
    assert repr(community["schema"]["maximum"]) == repr(2**62)


def test_cross_field_rules_are_described(app: Litestar) -> None:
    document = openapi_document(app)
    schemas = document["components"]["schemas"]
    for name in ("OfferCreate", "NeedCreate", "OfferPatch", "NeedPatch"):
        assert "`min_lot` must not exceed `quantity`" in schemas[name]["description"], name
    for path in ("/v1/offers", "/v1/needs"):
        assert "`within_km` needs `near`" in document["paths"][path]["get"]["description"]
    for path in ("/v1/stats/exchanges", "/v1/exports/proposals.csv", "/v1/exports/ledger.csv"):
        assert "`until` must not be before `since`" in document["paths"][path]["get"]["description"], path


def test_every_keyed_route_documents_429_and_every_body_415(app: Litestar) -> None:
    document = openapi_document(app)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if operation.get("security"):
                assert "429" in operation["responses"], (method, path)
            if "requestBody" in operation:
                assert "415" in operation["responses"], (method, path)
