"""Bad input gets a clear problem+json, never a 500."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Annotated

import httpx
import pytest

from tests.world import ADMIN, ANON, COORD, COORD_ELSEWHERE, OTHER, OWNER, PARTNER, World

# A message that starts in Thai (the project's words for a refused parameter, English after it).
THAI = re.compile(r"^[\u0e00-\u0e7f]")


def _problem(response: httpx.Response) -> dict[str, object]:
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert {"type", "title", "status", "detail", "code"} <= body.keys()
    assert body["status"] == response.status_code
    return body


@pytest.mark.parametrize("raw", [b"{", b"not json", b"[1,2", b"\xff\xfe"])
async def test_malformed_json_is_400(world: World, raw: bytes) -> None:
    response = await world.client.post(
        "/v1/offers", content=raw, headers=world.headers(OWNER, **{"Content-Type": "application/json"})
    )
    assert response.status_code == 400
    assert _problem(response)["code"] == "malformed_request"


async def test_empty_body_is_400(world: World) -> None:
    response = await world.client.post("/v1/offers", content=b"", headers=world.headers(OWNER))
    assert response.status_code == 400


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"42", b"null"])
async def test_body_that_is_not_an_object_is_422(world: World, raw: bytes) -> None:
    headers = world.headers(OWNER, **{"Content-Type": "application/json"})
    response = await world.client.post("/v1/offers", content=raw, headers=headers)
    assert response.status_code == 422
    assert _problem(response)["code"] == "validation_failed"


async def test_over_one_mebibyte_is_413(world: World) -> None:
    note = "ก" * (400 * 1024)  # three bytes each in UTF-8
    body = {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 1, "note": note}
    response = await world.client.post("/v1/offers", json=body, headers=world.headers(OWNER))
    assert response.status_code == 413
    assert _problem(response)["code"] == "payload_too_large"


async def test_validation_lists_every_bad_field_by_path(world: World) -> None:
    body = {"community_id": "one", "item_id": 7, "quantity": -1, "min_lot": "x", "gift": 3, "extra": True}
    response = await world.client.post("/v1/offers", json=body, headers=world.headers(OWNER))
    problem = _problem(response)
    assert response.status_code == 422
    errors = problem["errors"]
    assert isinstance(errors, list)
    assert {e["path"] for e in errors} == {"community_id", "item_id", "quantity", "min_lot", "gift", "extra"}
    assert all(e["message"] for e in errors)


async def test_nested_paths_are_reported(world: World) -> None:
    body = {"community_id": world.a["id"], "quantity": 5, "accept_offer_ids": [1, "two", -3]}
    response = await world.client.post("/v1/needs", json=body, headers=world.headers(OWNER))
    assert response.status_code == 422
    paths = {e["path"] for e in response.json()["errors"]}
    assert paths == {"accept_offer_ids[1]", "accept_offer_ids[2]"}


async def test_huge_numbers_and_odd_values_never_500(world: World) -> None:
    odd_bodies = [
        {"community_id": 2**70, "item_id": "dried-fish", "quantity": 1},
        {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 1e308},
        {
            "community_id": world.a["id"],
            "item_id": "dried-fish",
            "quantity": 1,
            "available_from": "2026-02-30",
        },
        {"community_id": world.a["id"], "item_id": "x" * 5000, "quantity": 1},
        {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 1, "note": "\u0000"},
    ]
    results = await asyncio.gather(
        *(world.client.post("/v1/offers", json=b, headers=world.headers(OWNER)) for b in odd_bodies)
    )
    assert all(400 <= r.status_code < 500 for r in results), [(r.status_code, r.text) for r in results]


async def test_odd_query_parameters_never_500(world: World) -> None:
    for params in (
        {"limit": "0"},
        {"limit": "100000"},
        {"near": "abc"},
        {"near": "91,181"},
        {"status": "lost"},
        {"sort": "price"},
        {"community_id": "-1"},
        {"q": "%_\\"},
        {"cursor": "%%%"},
        {"q": "ปลา\x00"},
    ):
        response = await world.client.get("/v1/offers", params=params, headers=world.headers(OWNER))
        assert response.status_code in (200, 422), (params, response.status_code, response.text)


async def test_nul_characters_are_refused_not_crashing(world: World) -> None:
    body = {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 1, "note": "a\u0000b"}
    response = await world.client.post("/v1/offers", json=body, headers=world.headers(OWNER))
    assert response.status_code == 422


async def test_refused_requests_give_their_connection_back(world: World) -> None:
    """Requests refused while dependencies resolve (bad key, bad body, a reused Idempotency-Key)
    must not keep a pooled connection: after more of them than the pool holds, the API still answers."""
    first = await world.post(
        OWNER,
        "/v1/offers",
        {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 1},
        **{"Idempotency-Key": "reused"},
    )
    assert first.status_code == 201
    for n in range(30):
        kind = n % 3
        if kind == 0:
            r = await world.client.post("/v1/offers", json={"quantity": -1}, headers=world.headers(OWNER))
        elif kind == 1:
            r = await world.client.get("/v1/offers", headers={"Authorization": "Bearer btr_nope"})
        else:
            r = await world.post(
                OWNER,
                "/v1/offers",
                {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 2},
                **{"Idempotency-Key": "reused"},
            )
        assert r.status_code in (401, 422)
    answer = await asyncio.wait_for(world.client.get("/v1/offers", headers=world.headers(OWNER)), timeout=10)
    assert answer.status_code == 200
    pool = world.client.app.state.pool
    assert pool.get_idle_size() == pool.get_size()


@pytest.mark.parametrize(
    ("accept", "title"),
    [
        ("th", "ไม่พบข้อมูล"),
        ("th-TH,th;q=0.9,en;q=0.5", "ไม่พบข้อมูล"),
        ("en;q=1, th;q=0.4", "Not found"),
        (None, "Not found"),
    ],
)
async def test_errors_speak_thai_when_asked(world: World, accept: str | None, title: str) -> None:
    extra = {"Accept-Language": accept} if accept else {}
    response = await world.client.get("/v1/offers/999999", headers=world.headers(OWNER, **extra))
    assert response.status_code == 404
    body = _problem(response)
    assert body["title"] == title
    assert body["code"] == "not_found"  # the stable code never changes with the language
    assert (response.headers.get("content-language") == "th") == (title == "ไม่พบข้อมูล")


async def test_thai_details_where_a_thai_text_exists(world: World) -> None:
    thai = {"Accept-Language": "th"}
    missing = await world.client.get("/v1/offers/999999", headers=world.headers(OWNER, **thai))
    assert _problem(missing)["detail"] == "ไม่พบรายการของที่มีตามรหัสนี้"
    no_route = await world.client.get("/v1/nowhere", headers=world.headers(OWNER, **thai))
    assert _problem(no_route)["detail"] == "ไม่มีที่อยู่นี้ในระบบ"
    partner = await world.client.post(
        "/v1/offers",
        json={"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 2},
        headers=world.headers(PARTNER, **thai),
    )
    assert partner.status_code == 403
    assert _problem(partner)["detail"] == "รหัสของหน่วยงานภาคีใช้อ่านได้อย่างเดียว"
    invalid = await world.client.post(
        "/v1/offers",
        json={"community_id": world.a["id"], "item_id": "nothing-such", "quantity": 2},
        headers=world.headers(OWNER, **thai),
    )
    assert invalid.status_code == 422
    assert _problem(invalid)["detail"] == "ข้อมูลไม่ถูกต้อง 1 ช่อง: item_id: เลือกจากรายการ"
    english = await world.client.get("/v1/offers/999999", headers=world.headers(OWNER))
    assert _problem(english)["detail"] == "No offer with that id"


async def test_a_refused_body_is_said_in_thai_by_its_codes_and_in_english_as_before(world: World) -> None:
    """The Thai detail words each field's problem (barter.domain.refusals), with no msgspec English
    inside it; the English detail and errors[] are what API clients always read."""
    body = {
        "community_id": world.a["id"],
        "item_id": "dried-fish",
        "quantity": -1,
        "min_lot": "x",
        "note": "น" * 1001,
    }
    english = await world.client.post("/v1/offers", json=body, headers=world.headers(OWNER))
    thai = await world.client.post(
        "/v1/offers", json=body, headers=world.headers(OWNER, **{"Accept-Language": "th"})
    )
    assert thai.status_code == english.status_code == 422
    assert _problem(english)["detail"] == (
        "3 invalid field(s): quantity: Expected `float` > 0.0; min_lot: Expected `float`, got `str`;"
        " note: Expected `str` of length <= 1000"
    )
    assert english.json()["errors"] == [
        {"path": "quantity", "message": "Expected `float` > 0.0", "code": "gt"},
        {"path": "min_lot", "message": "Expected `float`, got `str`", "code": "not_a_number"},
        {"path": "note", "message": "Expected `str` of length <= 1000", "code": "too_long"},
    ]
    assert thai.json()["errors"] == english.json()["errors"]
    assert _problem(thai)["detail"] == (
        "ข้อมูลไม่ถูกต้อง 3 ช่อง: quantity: ต้องมากกว่า 0; min_lot: ต้องเป็นตัวเลข; note: ยาวเกินไป (ไม่เกิน 1,000 ตัวอักษร)"
    )


# --- parameters Litestar refuses ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "path", "code", "limit"),
    [
        ("/v1/communities", {"limit": "abc"}, "limit", "not_a_number", None),
        ("/v1/communities", {"limit": "2.5"}, "limit", "whole_number", None),  # never read as 2
        ("/v1/offers", {"limit": "0"}, "limit", "ge", 1),  # a parameter of the listings' filter
        ("/v1/needs", {"limit": "201"}, "limit", "le", 200),
        ("/v1/communities", {"region": "mars"}, "region", "unknown", None),
        ("/v1/stats/supply-demand", {"group_by": "planet"}, "group_by", "unknown", None),
        ("/v1/stats/exchanges", {"since": "yesterday"}, "since", "bad_date", None),
        ("/v1/offers", {"near": "6.6,100", "within_km": "far"}, "within_km", "not_a_number", None),
        ("/v1/webhooks/1/deliveries", {"state": "lost"}, "state", "unknown", None),  # by its query name
    ],
)
async def test_a_refused_query_parameter_is_a_field_error_with_its_code(
    world: World, url: str, params: dict[str, str], path: str, code: str, limit: int | None
) -> None:
    response = await world.client.get(url, params=params, headers=world.headers(ADMIN))
    assert response.status_code == 422, response.text
    body = _problem(response)
    assert body["code"] == "validation_failed"
    [error] = response.json()["errors"]
    assert (error["path"], error["code"]) == (path, code)
    # the project's words for the code, Thai first, never Litestar's English about types
    assert THAI.match(error["message"]), error["message"]
    assert " / " in error["message"]
    assert "Expected" not in error["message"]
    assert response.json().get("errors") == [error]
    if limit is not None:
        assert f"{limit}" in error["message"]


async def test_a_fraction_for_a_whole_number_is_said_in_the_projects_words_not_litestars(
    world: World,
) -> None:
    """`?limit=2.5` was refused with Litestar's "Expected `int`, got `str`": a client never sent a
    type, and nobody reading the answer could say it to the person who typed 2.5."""
    response = await world.client.get("/v1/offers", params={"limit": "2.5"}, headers=world.headers(OWNER))
    assert response.json()["errors"] == [
        {"path": "limit", "message": "ต้องเป็นจำนวนเต็ม / must be a whole number", "code": "whole_number"}
    ]
    assert response.json()["detail"] == "1 invalid field(s): limit: ต้องเป็นจำนวนเต็ม / must be a whole number"


@pytest.mark.parametrize(
    ("method", "url", "params", "headers", "path", "message"),
    [
        ("GET", "/v1/offers", {"limit": "500"}, {}, "limit", "ต้องไม่เกิน 200 / must be at most 200"),
        ("GET", "/v1/offers/0", {}, {}, "offer_id", "ต้องไม่น้อยกว่า 1 / must be at least 1"),
        ("GET", "/v1/offers", {"region": "mars"}, {}, "region", "เลือกจากรายการ / choose one from the list"),
        (
            "GET",
            "/v1/offers",
            {"cursor": "zz"},
            {},
            "cursor",
            "ตัวชี้หน้านี้ไม่ใช่ของรายการและการเรียงนี้ ให้เริ่มใหม่โดยไม่ใส่"
            " / not a cursor of this list and sort; start again without it",
        ),
        (
            "GET",
            "/v1/offers",
            {"near": "91,200"},
            {},
            "near",
            "เขียนเป็น ละติจูด,ลองจิจูด เช่น 6.62,100.07 / write lat,lon in degrees, e.g. 6.62,100.07",
        ),
        (
            "GET",
            "/v1/offers",
            {"within_km": "5"},
            {},
            "within_km",
            "ต้องระบุจุด near=ละติจูด,ลองจิจูด ด้วย / needs near=lat,lon",
        ),
        (
            "GET",
            "/v1/offers",
            {"sort": "distance"},
            {},
            "sort",
            "ต้องระบุจุด near=ละติจูด,ลองจิจูด ด้วย / needs near=lat,lon",
        ),
        ("GET", "/v1/offers", {"q": "ปลา\x00"}, {}, "q", None),
        (
            "GET",
            "/v1/stats/exchanges",
            {"since": "2027-02-01", "until": "2027-01-01"},
            {},
            "until",
            "ต้องไม่ก่อนวันเริ่ม / must not be before the first day",
        ),
        ("GET", "/v1/communities", {"province_code": "x"}, {}, "province_code", None),
        ("PATCH", "/v1/offers/1", {}, {"If-Match": "v1"}, "If-Match", None),
        ("POST", "/v1/offers", {}, {"Idempotency-Key": "a b"}, "Idempotency-Key", None),
        ("POST", "/v1/offers", {}, {"Content-Type": "text/plain"}, "Content-Type", None),
    ],
)
async def test_every_refused_parameter_is_said_thai_first_with_the_english_beside(
    world: World,
    method: str,
    url: str,
    params: dict[str, str],
    headers: dict[str, str],
    path: str,
    message: str | None,
) -> None:
    """A query parameter, a part of the path or a header: each refusal's message is its code in
    the words of barter.domain.refusals, Thai, then the English, in one line."""
    body = (
        {"note": "x"}
        if method == "PATCH"
        else {"community_id": world.a["id"], "item_id": "dried-fish", "quantity": 1}
    )
    response = await world.client.request(
        method,
        url,
        params=params,
        content=json.dumps(body).encode() if method != "GET" else None,
        headers=world.headers(ADMIN, **{"Content-Type": "application/json", **headers}),
    )
    assert 400 <= response.status_code < 500, response.text
    [error] = response.json()["errors"]
    assert error["path"] == path
    if message is not None:
        assert error["message"] == message
    assert " / " in error["message"]
    assert THAI.match(error["message"]), error["message"]
    assert "Expected" not in error["message"]


async def test_a_refused_query_parameter_is_said_in_thai_by_its_code(world: World) -> None:
    response = await world.client.get(
        "/v1/communities", params={"limit": "2.5"}, headers=world.headers(OWNER, **{"Accept-Language": "th"})
    )
    assert response.status_code == 422
    assert _problem(response)["detail"] == "ข้อมูลไม่ถูกต้อง 1 ช่อง: limit: ต้องเป็นจำนวนเต็ม"
    assert response.headers["content-language"] == "th"


@pytest.mark.parametrize("persona", [OWNER, OTHER, COORD, COORD_ELSEWHERE, PARTNER, ADMIN, ANON])
async def test_every_key_reads_the_same_refusal_of_a_parameter_and_no_key_is_401(
    world: World, persona: str
) -> None:
    """A bad parameter says nothing about anyone's data: the same 422 for every key; without a
    key the request is refused as such."""
    listed = await world.client.get("/v1/offers", params={"limit": "abc"}, headers=world.headers(persona))
    if persona == ANON:
        assert listed.status_code == 401, listed.text
        assert _problem(listed)["code"] == "unauthorized"
        return
    assert listed.status_code == 422, listed.text
    assert [(e["path"], e["code"]) for e in listed.json()["errors"]] == [("limit", "not_a_number")]


async def test_a_missing_parameter_and_a_bad_header_have_their_codes_too() -> None:
    """No route of the API has a required query parameter today; one that did would answer
    `required` at its name, through the same handlers (a throwaway app, the API's own mapping)."""
    from litestar import get
    from litestar.params import FromQuery, HeaderParameter
    from litestar.testing import create_test_client

    from barter.api.problems import EXCEPTION_HANDLERS

    @get("/needs-n", sync_to_thread=False)
    def needs_n(
        n: FromQuery[int], token: Annotated[str, HeaderParameter(name="X-Token", pattern="^t[0-9]$")]
    ) -> int:
        return n

    with create_test_client([needs_n], exception_handlers=EXCEPTION_HANDLERS) as client:
        missing = client.get("/needs-n", headers={"X-Token": "t1"})
        assert missing.status_code == 422, missing.text
        assert missing.json()["code"] == "validation_failed"
        assert missing.json()["errors"] == [
            {"path": "n", "message": "กรุณากรอกช่องนี้ / fill this in", "code": "required"}
        ]
        header = client.get("/needs-n", params={"n": "3"}, headers={"X-Token": "nope"})
        # a pattern of no known shape: bad_format all the same, said as text of the wrong form
        assert [(e["path"], e["code"]) for e in header.json()["errors"]] == [("X-Token", "bad_format")]
        half = client.get("/needs-n", params={"n": "3.5"}, headers={"X-Token": "t1"})
        assert [(e["path"], e["code"]) for e in half.json()["errors"]] == [("n", "whole_number")]
        assert client.get("/needs-n", params={"n": "3"}, headers={"X-Token": "t1"}).json() == 3


# --- text a pattern refuses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "params", "body", "path", "code"),
    [
        (
            "POST",
            "/v1/communities",
            {},
            {"kind": "fishing", "province_code": "9"},
            "province_code",
            "bad_format",
        ),
        ("GET", "/v1/communities", {"province_code": "x"}, None, "province_code", "bad_format"),
        ("GET", "/v1/offers", {"province_code": "910"}, None, "province_code", "bad_format"),
        ("GET", "/v1/needs", {"item_id": "Rice Sticky"}, None, "item_id", "bad_format"),
        ("GET", "/v1/offers", {"category_id": "-rice"}, None, "category_id", "bad_format"),
        ("GET", "/v1/offers", {"near": "six,hundred"}, None, "near", "bad_point"),
        ("GET", "/v1/logistics/plans/seven", {}, None, "plan", "bad_format"),
        (
            "POST",
            "/v1/communities",
            {},
            {"kind": "fishing", "province_code": "91", "name_th": "บ้าน", "subdistrict_code": "9101"},
            "subdistrict_code",
            "bad_format",
        ),
        (
            "POST",
            "/v1/offers",
            {},
            {"item_id": "dried-fish", "quantity": 1, "unit": "ton"},
            "unit",
            "bad_format",
        ),
        ("POST", "/v1/offers", {}, {"item_id": "Dried Fish", "quantity": 1}, "item_id", "bad_format"),
        (
            "POST",
            "/v1/offers",
            {},
            {"item_id": "dried-fish", "quantity": 1, "available_from": "1/2/2570"},
            "available_from",
            "bad_date",
        ),
    ],
)
async def test_text_a_pattern_refuses_is_bad_format_at_its_path(
    world: World,
    method: str,
    url: str,
    params: dict[str, str],
    body: dict[str, object] | None,
    path: str,
    code: str,
) -> None:
    """A value of the wrong shape has a code of its own, not `invalid` (a point and a date have
    theirs), in a body, a query parameter or a path alike."""
    if body is not None and "item_id" in body:
        body = {"community_id": world.a["id"], **body}
    response = await world.client.request(method, url, params=params, json=body, headers=world.headers(ADMIN))
    assert response.status_code == 422, response.text
    assert _problem(response)["code"] == "validation_failed"
    assert (path, code) in [(e["path"], e["code"]) for e in response.json()["errors"]]


@pytest.mark.parametrize(
    ("etag", "code"),
    [
        ("v1", "bad_format"),
        ("'v1'", "bad_format"),
        ('"1"', "bad_format"),
        ('"v' + "9" * 40 + '"', "too_long"),
    ],
)
async def test_an_if_match_that_is_no_etag_is_refused_at_the_header(
    world: World, etag: str, code: str
) -> None:
    offer = await world.offer()
    response = await world.patch(OWNER, f"/v1/offers/{offer['id']}", {"note": "x"}, etag=etag)
    assert response.status_code == 422, response.text
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [("If-Match", code)]
    assert (await world.get(OWNER, f"/v1/offers/{offer['id']}")).json()["note"] is None


async def test_a_refused_shape_is_said_by_what_to_write_not_by_its_pattern(world: World) -> None:
    thai = {"Accept-Language": "th"}
    province = await world.client.get(
        "/v1/communities", params={"province_code": "x"}, headers=world.headers(ADMIN, **thai)
    )
    assert _problem(province)["detail"] == "ข้อมูลไม่ถูกต้อง 1 ช่อง: province_code: ต้องเป็นรหัสจังหวัด 2 หลัก เช่น 91"
    offer = await world.offer()
    thai_etag = await world.client.patch(
        f"/v1/offers/{offer['id']}",
        json={"note": "x"},
        headers=world.headers(OWNER, **thai, **{"If-Match": "v1"}),
    )
    assert _problem(thai_etag)["detail"] == (
        'ข้อมูลไม่ถูกต้อง 1 ช่อง: If-Match: ต้องเป็น ETag ที่อ่านมา อยู่ในเครื่องหมายคำพูด เช่น "v3" (หรือ *)'
    )
    assert "[" not in str(_problem(thai_etag)["detail"])  # no regular expression in the Thai


def test_every_pattern_of_the_api_has_a_shape_with_words() -> None:
    """Every pattern a body field or a parameter of the API is checked by (the OpenAPI document's)
    is one of barter.domain.formats', whose shape barter.domain.refusals words (or that has a code
    of its own): no refusal of a pattern is said as a regular expression or as `invalid`."""
    from pathlib import Path

    from barter.api.app import create_app
    from barter.api.openapi import openapi_document
    from barter.domain import formats, refusals
    from barter.domain.field_types import shape_refusal
    from barter.settings import Settings
    from tests.conftest import TEST_SECRET

    app = create_app(
        Settings(database_url="postgresql://unused/", data_dir=Path("/nonexistent"), secret=TEST_SECRET)
    )
    patterns: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("pattern"), str):
                patterns.add(node["pattern"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(openapi_document(app))
    assert formats.ETAG in patterns
    assert formats.PROVINCE_CODE in patterns
    for pattern in patterns:
        assert pattern in formats.SHAPES, pattern
        code, params = shape_refusal(pattern)
        assert code in ("bad_point", "bad_date") or params["shape"] in refusals.SHAPES, pattern


# --- whole numbers written with a point -----------------------------------------------------------


def test_a_whole_float_is_read_as_an_int_only_where_the_type_takes_no_fraction() -> None:
    """`whole_numbers` walks a body with its type: 2.0 becomes 2 in an int field (optional, in a
    list, in a nested struct), never in a float field nor where any value goes, and a fraction or
    an infinity stays as sent, for the field's refusal to name."""
    from barter.api.proposals.controller import Receive
    from barter.api.validation import collect_errors, whole_numbers
    from barter.schemas.listings import NeedCreate
    from barter.schemas.logistics import PlanCreate
    from barter.schemas.runs import RunRequest

    need = whole_numbers(
        {"community_id": 7.0, "quantity": 2.0, "priority": 2.0, "accept_offer_ids": [1.0, 2.5], "x": 1.0},
        NeedCreate,
    )
    assert need == {"community_id": 7, "quantity": 2.0, "priority": 2, "accept_offer_ids": [1, 2.5], "x": 1.0}
    assert type(need["community_id"]) is int
    assert type(need["quantity"]) is float
    receive = whole_numbers({"community_id": 3.0, "receipts": [{"position": 1.0, "quantity": 4.0}]}, Receive)
    assert receive == {"community_id": 3, "receipts": [{"position": 1, "quantity": 4.0}]}
    assert type(receive["receipts"][0]["quantity"]) is float
    plan = whole_numbers({"seed": 3.0, "horizon_days": 30.0, "time_limit_s": 2.0}, PlanCreate)
    assert plan == {"seed": 3, "horizon_days": 30, "time_limit_s": 2.0}
    run = whole_numbers({"max_cycle_length": 4.0, "lead_days": 3.0, "seed": float("inf")}, RunRequest)
    assert run["max_cycle_length"] == 4
    assert type(run["lead_days"]) is float
    assert run["seed"] == float("inf")
    assert [(e.path, e.code) for e in collect_errors(run, RunRequest)] == [("seed", "lt")]
    assert whole_numbers([1.0, {"a": 2.0}], list[int]) == [1, {"a": 2.0}]  # junk stays junk


# --- what an audit of every route's parameters and bodies found -----------------------------------


@pytest.mark.parametrize(
    ("url", "params", "path", "code"),
    [
        # numbers Python's float() reads but Litestar does not: said `not_a_number`, not `invalid`
        ("/v1/offers", {"limit": "\u0e51"}, "limit", "not_a_number"),  # a Thai digit
        ("/v1/offers", {"limit": "+1"}, "limit", "not_a_number"),
        ("/v1/offers", {"limit": "00001"}, "limit", "not_a_number"),
        ("/v1/offers", {"limit": "1_0"}, "limit", "not_a_number"),
        ("/v1/offers", {"limit": " 1"}, "limit", "not_a_number"),
        ("/v1/offers", {"near": "6.6,100.1", "within_km": ".5"}, "within_km", "not_a_number"),
        # no number at all (was whole_number), and numbers past every bound (was whole_number)
        ("/v1/offers", {"limit": "nan"}, "limit", "not_a_number"),
        ("/v1/offers", {"near": "6.6,100.1", "within_km": "nan"}, "within_km", "not_a_number"),
        ("/v1/offers", {"limit": "1e400"}, "limit", "le"),
        ("/v1/offers", {"limit": "-inf"}, "limit", "ge"),
        ("/v1/offers", {"near": "6.6,100.1", "within_km": "Infinity"}, "within_km", "le"),
        # booleans (were invalid)
        ("/v1/exports/offers.csv", {"bom": "maybe"}, "bom", "not_a_boolean"),
        ("/v1/logistics/plans", {"preview": ""}, "preview", "not_a_boolean"),
        # a date in the API's form, not a form's day/month/year
        ("/v1/stats/exchanges", {"since": "15/1/2570"}, "since", "bad_date"),
    ],
)
async def test_odd_parameters_are_named_by_what_is_wrong(
    world: World, url: str, params: dict[str, str], path: str, code: str
) -> None:
    response = await world.client.get(url, params=params, headers=world.headers(ADMIN))
    assert response.status_code == 422, response.text
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [(path, code)]


async def test_a_refused_api_date_says_year_month_day(world: World) -> None:
    """The API takes dates as 2027-01-15; its refusals said "write the date as day/month/year,
    e.g. 15/1/2570", the console's form, in a query parameter's message and a body's Thai."""
    query = await world.client.get(
        "/v1/stats/exchanges", params={"since": "15/1/2570"}, headers=world.headers(ADMIN)
    )
    assert query.json()["errors"][0]["message"] == (
        "เขียนวันที่เป็น ปี-เดือน-วัน เช่น 2027-01-15 / write the date as year-month-day, e.g. 2027-01-15"
    )
    body = {
        "community_id": world.a["id"],
        "item_id": "dried-fish",
        "quantity": 1,
        "available_until": "15/1/2570",
    }
    english = await world.post(OWNER, "/v1/offers", body)
    assert english.json()["errors"] == [
        {
            "path": "available_until",
            "message": "write the date as year-month-day, e.g. 2027-01-15",
            "code": "bad_date",
        }
    ]
    thai = await world.post(OWNER, "/v1/offers", body, **{"Accept-Language": "th"})
    assert thai.json()["detail"] == "ข้อมูลไม่ถูกต้อง 1 ช่อง: available_until: เขียนวันที่เป็น ปี-เดือน-วัน เช่น 2027-01-15"


@pytest.mark.parametrize(
    ("url", "body", "path", "code"),
    [
        ("/v1/communities", {"kind": "fishing", "province_code": 91}, "province_code", "not_a_string"),
        (
            "/v1/communities",
            {"kind": "fishing", "province_code": "91", "name_th": ["x"]},
            "name_th",
            "not_a_string",
        ),
        ("/v1/keys", {"role": "coordinator", "regions": "south"}, "regions", "not_a_list"),
        ("/v1/keys", {"role": "partner", "partner_detail": "yes"}, "partner_detail", "not_a_boolean"),
        ("/v1/logistics/plans", {"split_lots": 1}, "split_lots", "not_a_boolean"),
        (
            "/v1/webhooks",
            {"url": "https://127.0.0.1/h", "events": "proposal.created"},
            "events",
            "not_a_list",
        ),
        ("/v1/offers", [], "body", "not_an_object"),
        ("/v1/offers", "offer", "body", "not_an_object"),
    ],
)
async def test_a_value_of_the_wrong_json_type_is_said_so(
    world: World, url: str, body: object, path: str, code: str
) -> None:
    """A number for a name, text for a list, a number for true or false: each its own code (was
    `invalid`), with msgspec's English for API clients."""
    response = await world.post(ADMIN, url, body)
    assert response.status_code == 422, response.text
    assert (path, code) in [(e["path"], e["code"]) for e in response.json()["errors"]]
    assert all(e["code"] != "invalid" for e in response.json()["errors"])


async def test_receipts_that_are_not_objects_are_said_so_at_each_place(world: World) -> None:
    body = {"receipts": [1, "x", {"position": 0, "quantity": 1, "condition": 5}]}
    response = await world.post(ADMIN, "/v1/proposals/1/complete", body)
    assert response.status_code == 422, response.text
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [
        ("receipts[0]", "not_an_object"),
        ("receipts[1]", "not_an_object"),
        ("receipts[2].condition", "unknown"),
    ]


async def test_a_bodys_pattern_is_said_by_its_shape_in_english_too(world: World) -> None:
    """A body's field keeps msgspec's English, except where that English is a regular
    expression: the shape's words instead."""
    response = await world.post(ADMIN, "/v1/communities", {"kind": "fishing", "province_code": "9"})
    assert response.json()["errors"] == [
        {
            "path": "province_code",
            "message": "must be a two-digit province code, e.g. 91",
            "code": "bad_format",
        }
    ]


# --- a body msgspec cannot read whole: a number past any float -----------------------


@pytest.mark.parametrize(
    ("url", "raw", "path", "code", "limit"),
    [
        ("/v1/offers", b'"quantity": 1e400', "quantity", "le", 1e9),
        ("/v1/needs", b'"quantity": 1e400', "quantity", "le", 1e9),
        ("/v1/offers", b'"quantity": -1e400', "quantity", "gt", 0),
        ("/v1/offers", b'"quantity": 1, "min_lot": 2E+999', "min_lot", "le", 1e9),
    ],
)
async def test_a_number_past_any_float_is_refused_at_its_field_by_the_bound_it_breaks(
    world: World, url: str, raw: bytes, path: str, code: str, limit: float
) -> None:
    """msgspec will not read 1e400 (no float holds it) and says only "Number out of range" at an
    unnamed key; the body read again as the standard library reads it (1e400 is infinity) names
    the field, refused by the bound it breaks as 1e400 in a query parameter is."""
    body = b'{"community_id": %d, "item_id": "dried-fish", %s}' % (world.a["id"], raw)
    headers = world.headers(OWNER, **{"Content-Type": "application/json", "Accept-Language": "th"})
    response = await world.client.post(url, content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert _problem(response)["code"] == "validation_failed"
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [(path, code)]
    words = "ต้องไม่เกิน 1,000,000,000" if code == "le" else "ต้องมากกว่า 0"
    assert response.json()["detail"] == f"ข้อมูลไม่ถูกต้อง 1 ช่อง: {path}: {words}"
    assert await world.db.fetchval("SELECT count(*) FROM offers") == 0


async def test_a_number_past_any_float_in_a_body_that_is_no_json_is_still_malformed(world: World) -> None:
    """Read again only to name the field: a body broken after the number stays malformed."""
    headers = world.headers(OWNER, **{"Content-Type": "application/json"})
    for raw in (b'{"quantity": 1e400, "note": NaN}', b'{"quantity": 1e400,', b'{"quantity": 1e400} x'):
        response = await world.client.post("/v1/offers", content=raw, headers=headers)
        assert response.status_code == 400, (raw, response.text)
        assert _problem(response)["code"] == "malformed_request"


async def test_an_empty_key_is_an_unknown_field_named_as_the_empty_key(world: World) -> None:
    body = {"": 1, "community_id": world.a["id"], "item_id": "dried-fish", "quantity": 1}
    """A key no dot can show (was said at `body`, as if the whole body were wrong): unknown, as
    any key the request does not take, at `[""]`."""
    response = await world.post(OWNER, "/v1/offers", body, **{"Accept-Language": "th"})
    assert response.status_code == 422, response.text
    assert [(e["path"], e["code"]) for e in response.json()["errors"]] == [('[""]', "unknown_field")]
    assert response.json()["detail"] == 'ข้อมูลไม่ถูกต้อง 1 ช่อง: [""]: ไม่มีช่องนี้ ให้ลบออก'
    nested = {"receipts": [{"position": 0, "quantity": 1, "": 2}]}
    response = await world.post(ADMIN, "/v1/proposals/1/complete", nested)
    assert ('receipts[0][""]', "unknown_field") in [(e["path"], e["code"]) for e in response.json()["errors"]]


def test_a_number_past_any_float_is_named_even_where_no_bound_refuses_it() -> None:
    """A field that takes any float (or a key the body may not have) still names the number,
    `not_a_number` where nothing else says it; a body msgspec reads has nothing to name."""
    import msgspec

    from barter.api.validation import numbers_past_float

    class Loose(msgspec.Struct, forbid_unknown_fields=True):
        amount: float
        amounts: list[float] = []

    raw = b'{"amount": 1e400, "amounts": [1, -1e400], "extra": [2e400]}'
    assert [(e.path, e.code) for e in numbers_past_float(raw, Loose)] == [
        ("extra", "unknown_field"),
        ("amount", "not_a_number"),
        ("amounts[1]", "not_a_number"),
    ]
    assert numbers_past_float(b'{"amount": 1e300}', Loose) == []
    assert numbers_past_float(b'{"amount": 1e400, "amounts": [Infinity]}', Loose) == []
