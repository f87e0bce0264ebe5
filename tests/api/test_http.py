from __future__ import annotations

import pytest

from tests.world import ADMIN, World

HUGE = "773535762355033079229186048"  # beyond bigint: once a 500 from the database driver


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/offers/{}"),
        ("PATCH", "/v1/offers/{}"),
        ("DELETE", "/v1/needs/{}"),
        ("GET", "/v1/communities/{}"),
        ("POST", "/v1/keys/{}/revoke"),
        ("DELETE", "/v1/webhooks/{}"),
        ("GET", "/v1/webhooks/{}/deliveries"),
    ],
)
async def test_ids_beyond_bigint_are_invalid_not_errors(world: World, method: str, path: str) -> None:
    headers = world.headers(ADMIN, **{"If-Match": '"v1"'})
    body = {"quantity": 1} if method == "PATCH" else None
    response = await world.client.request(method, path.format(HUGE), headers=headers, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["path"].endswith("_id")
