from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute

from barter.api.auth import PUBLIC_ROUTES, SIGNED_ROUTES
from barter.domain.keys import generate_key, well_formed
from tests.world import ADMIN, OWNER, PARTNER, World


async def test_no_key_is_401_with_a_bearer_challenge(world: World) -> None:
    response = await world.client.get("/v1/offers")
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["code"] == "unauthorized"


@pytest.mark.parametrize(
    "header",
    ["Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-key", "Token btr_abc", f"Bearer {generate_key()}"],
    ids=["basic-scheme", "no-key", "not-a-key", "token-scheme", "unknown-key"],
)
async def test_bad_keys_are_401(world: World, header: str) -> None:
    response = await world.client.get("/v1/offers", headers={"Authorization": header})
    assert response.status_code == 401


def test_keys_carry_a_checksum() -> None:
    key = generate_key()
    assert well_formed(key)
    typo = key[:10] + ("A" if key[10] != "A" else "B") + key[11:]
    assert not well_formed(typo)
    assert not well_formed(key[:-1])


async def test_revocation_is_immediate(world: World) -> None:
    key = await world.new_key(role="partner", name="temporary")
    headers = {"Authorization": f"Bearer {key}"}
    assert (await world.client.get("/v1/offers", headers=headers)).status_code == 200
    key_id = await world.db.fetchval("SELECT max(id) FROM api_keys")
    revoked = await world.client.post(f"/v1/keys/{key_id}/revoke", headers=world.headers(ADMIN))
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    assert (await world.client.get("/v1/offers", headers=headers)).status_code == 401


async def test_keys_are_stored_only_as_keyed_hashes(world: World) -> None:
    rows = await world.db.fetch("SELECT prefix, hash FROM api_keys")
    stored = b"".join(bytes(r["hash"]) for r in rows) + "".join(r["prefix"] for r in rows).encode()
    for key in world.keys.values():
        assert key.encode() not in stored
        assert len(key) > 40
    assert all(len(bytes(r["hash"])) == 32 for r in rows)


def test_every_route_needs_a_key_or_is_on_the_public_list(app: Litestar) -> None:
    """Walk the route table: each handler either takes the caller or is explicitly public.
    (The console's pages and files are walked by tests/console/test_pages.py.)"""
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(("/schema", "/console", "/static")):
            continue
        if route.path == "/":
            continue  # the front door: a redirect to the console
        for handler in route.route_handlers:
            if handler.http_methods == {"OPTIONS"}:
                continue  # Litestar's automatic OPTIONS answer says only which methods exist
            takes_caller = "caller" in handler.parsed_fn_signature.parameters
            # a public path is public to read: POST /v1/items (adding goods) takes a key
            public = route.path in PUBLIC_ROUTES and handler.http_methods <= {"GET", "HEAD"}
            keyless = public or route.path in SIGNED_ROUTES
            assert takes_caller != keyless, f"{route.path} {handler.http_methods}"


async def test_public_routes_answer_anonymously(world: World) -> None:
    for path in PUBLIC_ROUTES:
        assert (await world.client.get(path.replace("{item_id:str}", "dried-fish"))).status_code == 200


async def test_keys_api_is_admin_only(world: World) -> None:
    for persona in (OWNER, PARTNER):
        assert (await world.get(persona, "/v1/keys")).status_code == 403
        assert (await world.post(persona, "/v1/keys", {"role": "partner"})).status_code == 403
    listed = (await world.get(ADMIN, "/v1/keys")).json()["data"]
    assert len(listed) == 6
    assert all("key" not in k and k["prefix"].startswith("btr_") for k in listed)


async def test_admin_creates_keys_shown_once(world: World) -> None:
    created = await world.post(
        ADMIN, "/v1/keys", {"role": "coordinator", "regions": ["east", "west"], "name": "ผู้ประสานงาน"}
    )
    assert created.status_code == 201
    body = created.json()
    assert well_formed(body["key"])
    assert body["regions"] == ["east", "west"]
    use = await world.client.get("/v1/offers", headers={"Authorization": f"Bearer {body['key']}"})
    assert use.status_code == 200
    listed = (await world.get(ADMIN, "/v1/keys")).json()["data"]
    assert body["key"] not in str(listed)
    assert body["phone"] is None


async def test_a_coordinator_key_may_be_made_with_its_phone_number(world: World) -> None:
    """The number the SMS to its regions' communities says, given as the key is made (Thai digits
    and dashes as typed), so a new coordinator is not left out of the SMS until they set it."""
    body = {"role": "coordinator", "regions": ["south"], "name": "ผู้ประสานงานสตูล", "phone": "๐๘๑-๒๓๔-๕๖๗๘"}
    created = await world.post(ADMIN, "/v1/keys", body)
    assert created.status_code == 201, created.text
    assert created.json()["phone"] == "0812345678"
    [listed] = [
        k for k in (await world.get(ADMIN, "/v1/keys")).json()["data"] if k["id"] == created.json()["id"]
    ]
    assert listed["phone"] == "0812345678"
    [audited] = (await world.get(ADMIN, "/v1/audit", entity="api_key", entity_id=listed["id"])).json()["data"]
    assert audited["after"]["phone"] == "0812345678"


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"role": "coordinator"}, "regions"),
        ({"role": "community"}, "community_id"),
        ({"role": "community", "community_id": 999999}, "community_id"),
        ({"role": "admin", "regions": ["south"]}, "regions"),
        ({"role": "coordinator", "regions": ["south"], "partner_detail": True}, "partner_detail"),
        ({"role": "emperor"}, "role"),
        ({"role": "coordinator", "regions": ["mars"]}, "regions[0]"),
        ({"role": "partner", "phone": "0812345678"}, "phone"),
        ({"role": "coordinator", "regions": ["south"], "phone": "074-555-010"}, "phone"),  # a landline
    ],
)
async def test_key_rules(world: World, body: dict[str, object], path: str) -> None:
    response = await world.post(ADMIN, "/v1/keys", body)
    assert response.status_code == 422
    assert path in {e["path"] for e in response.json()["errors"]}
    assert await world.db.fetchval("SELECT count(*) FROM api_keys") == len(world.keys)  # none made


async def test_missing_key_is_401_even_with_a_bad_body(world: World) -> None:
    response = await world.client.post("/v1/offers", json={"quantity": "lots", "extra": 1})
    assert response.status_code == 401


def test_every_route_with_a_body_authenticates_first(app: Litestar) -> None:
    """Bodies are validated after the caller is known, so every route that takes one must take the caller."""
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                if "data" in handler.parsed_fn_signature.parameters:
                    assert "caller" in handler.parsed_fn_signature.parameters, route.path


async def test_options_lists_every_method_of_the_path(world: World) -> None:
    response = await world.client.options("/v1/offers/1")
    assert set(response.headers["allow"].split(", ")) == {"GET", "PATCH", "DELETE", "OPTIONS"}
