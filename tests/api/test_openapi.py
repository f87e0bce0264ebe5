"""The OpenAPI document: finished once a process (openapi.install_document), the same for every app."""

from __future__ import annotations

from pathlib import Path

from litestar import Litestar
from litestar.testing import AsyncTestClient

from barter.api.app import create_app
from barter.api.logistics.controller import GEOJSON
from barter.api.openapi import openapi_document
from barter.settings import Settings
from tests.conftest import TEST_SECRET


def _app() -> Litestar:
    return create_app(
        Settings(database_url="postgresql://unused/", data_dir=Path("/nonexistent"), secret=TEST_SECRET)
    )


def test_every_app_serves_the_finished_document_and_none_shares_it() -> None:
    first, second = openapi_document(_app()), openapi_document(_app())
    assert first == second
    assert first is not second
    # finished: the precise body schemas, the map's GeoJSON answer and the problems any route gives
    assert "OfferCreate" in second["components"]["schemas"]
    plan = second["paths"]["/v1/logistics/plans/{plan}"]["get"]["responses"]["200"]["content"]
    assert GEOJSON in plan
    assert "429" in second["paths"]["/v1/offers"]["get"]["responses"]
    # what one app's reader does to its document is not the next app's
    second["paths"].clear()
    assert openapi_document(_app()) == first


async def test_the_served_document_is_the_finished_one(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert response.json() == openapi_document(_app())
