from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from barter.reference import load_catalogue

Client = AsyncTestClient[Litestar]


async def _data(client: Client, url: str, **params: Any) -> list[dict[str, Any]]:
    response = await client.get(url, params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


async def test_health_checks_the_database(client: Client) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


async def test_77_provinces_in_6_regions_with_centroids_inside_thailand(client: Client) -> None:
    provinces = await _data(client, "/v1/provinces")
    assert len(provinces) == 77
    assert {p["region"] for p in provinces} == {"north", "northeast", "central", "east", "west", "south"}
    for p in provinces:
        assert 5.5 <= p["lat"] <= 20.5, p
        assert 97.3 <= p["lon"] <= 105.7, p
        assert p["name_th"]
        assert p["name_en"]
    by_code = {p["code"]: p for p in provinces}
    assert by_code["10"]["name_en"] == "Bangkok"
    assert by_code["10"]["region"] == "central"
    assert by_code["91"]["name_th"] == "สตูล"
    assert by_code["91"]["region"] == "south"


async def test_regions_count_their_provinces(client: Client) -> None:
    regions = {r["code"]: r["province_count"] for r in await _data(client, "/v1/regions")}
    assert regions == {"north": 9, "northeast": 20, "central": 22, "east": 7, "west": 5, "south": 14}


async def test_provinces_filter_by_region(client: Client) -> None:
    south = await _data(client, "/v1/provinces", region="south")
    assert len(south) == 14
    assert {p["region"] for p in south} == {"south"}
    assert "Satun" in {p["name_en"] for p in south}


async def test_unknown_region_is_a_validation_problem(client: Client) -> None:
    response = await client.get("/v1/provinces", params={"region": "atlantis"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["code"] == "validation_failed"
    assert body["errors"][0]["path"] == "region"


async def test_catalogue_is_large_enough_and_categorised(client: Client) -> None:
    categories = await _data(client, "/v1/categories")
    items = await _data(client, "/v1/items")
    assert len(items) >= 40
    assert {i["category_id"] for i in items} <= {c["id"] for c in categories}
    assert sum(c["item_count"] for c in categories) == len(items)
    for item in items:
        assert item["reference_value"] > 0
        assert item["kg_per_unit"] > 0
        assert item["shelf_life_days"] > 0
        assert item["unit"] in {"kg", "litre", "piece", "pack"}


async def test_reference_values_keep_the_2020_fish_for_rice_ratio(client: Client) -> None:
    """About 2 kg of dried fish were swapped for 15 kg of rice."""
    items = {i["id"]: i for i in await _data(client, "/v1/items")}
    fish = 2 * items["dried-fish"]["reference_value"]
    rice = 15 * items["rice-jasmine"]["reference_value"]
    assert 0.8 <= fish / rice <= 1.25


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("ข้าว", "rice-jasmine"),
        ("rice", "rice-sticky"),
        ("RICE", "rice-white"),
        ("กะปิ", "shrimp-paste"),
        ("ปลาเค็ม", "salted-fish"),
        ("หอมมะลิ", "rice-jasmine"),
        ("squid", "dried-squid"),
    ],
)
async def test_items_search_thai_and_english(client: Client, q: str, expected: str) -> None:
    found = {i["id"] for i in await _data(client, "/v1/items", q=q)}
    assert expected in found


async def test_items_search_matches_only_what_contains_the_text(client: Client) -> None:
    found = await _data(client, "/v1/items", q="ข้าว")
    assert found
    assert all("ข้าว" in i["name_th"] or "ข้าว" in i["name_en"].lower() for i in found)
    assert await _data(client, "/v1/items", q="%") == []


async def test_items_filter_by_category(client: Client) -> None:
    rice = await _data(client, "/v1/items", category_id="rice")
    assert len(rice) >= 4
    assert {i["category_id"] for i in rice} == {"rice"}


async def test_items_say_their_thai_counting_word_from_the_catalogue(client: Client) -> None:
    """A phone walk: a partner's app read the items without the word Thai counts eggs in, and
    could only say "300 ชิ้น". Each piece item with a counting word in the catalogue returns it
    (ไข่ไก่ -> ฟอง), every other item null, and the OpenAPI document says what it is."""
    items = {i["id"]: i for i in await _data(client, "/v1/items")}
    assert items["eggs-chicken"]["counted_th"] == "ฟอง"
    assert items["rice-jasmine"]["counted_th"] is None  # weighed
    catalogue = {item.id: item.counted_th for item in load_catalogue()}
    assert any(word is None for word in catalogue.values())
    assert {i: item["counted_th"] for i, item in items.items()} == {i: catalogue[i] for i in items}
    assert all("counted_th" in item for item in await _data(client, "/v1/items", q="ไข่"))
    doc = (await client.get("/schema/openapi.json")).json()
    field = doc["components"]["schemas"]["ItemOut"]["properties"]["counted_th"]
    assert field["oneOf"] == [{"type": "string"}, {"type": "null"}], field
    assert "ลักษณนาม" in field["description"], field
    assert field["examples"] == ["ฟอง"], field


async def test_openapi_document_and_ui(client: Client) -> None:
    doc = await client.get("/schema/openapi.json")
    assert doc.status_code == 200
    paths = doc.json()["paths"]
    assert {"/health", "/v1/regions", "/v1/provinces", "/v1/categories", "/v1/items"} <= set(paths)
    ui = await client.get("/schema/swagger")
    assert ui.status_code == 200
    assert "swagger" in ui.text.lower()


async def test_unknown_route_is_problem_json(client: Client) -> None:
    response = await client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_found"


async def test_wrong_method_is_problem_json(client: Client) -> None:
    response = await client.delete("/v1/provinces")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
