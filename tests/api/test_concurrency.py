"""Lost updates cannot happen: concurrent edits with one ETag give one winner.

Every test here sends its requests at once to a real server (tests/live.py), on their own
connections; `overlap` holds them in PostgreSQL until all of them wait there."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable

import asyncpg
import httpx

from barter.storage.repos.catalogue import CATALOGUE_NAMES_LOCK
from tests.live import Overlap, client
from tests.polling import poll
from tests.world import ADMIN, COORD, COORD_ELSEWHERE, OWNER, World


async def test_ten_concurrent_patches_with_one_etag(world: World, live: str, overlap: Overlap) -> None:
    """The ten all read version 1 and wait on the offer's row (held elsewhere) before any edits it."""
    offer = await world.offer()
    url = f"/v1/offers/{offer['id']}"
    async with client(live, world.keys[OWNER]) as owner, client(live, world.keys[COORD]) as coord:
        responses = await overlap.on_row(
            "offers",
            offer["id"],
            [
                (owner if n % 2 else coord).patch(
                    url, json={"quantity": 100 + n}, headers={"If-Match": '"v1"'}
                )
                for n in range(10)
            ],
        )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [412] * 9, [r.text for r in responses]
    winner = next(r for r in responses if r.status_code == 200).json()
    stored = await world.db.fetchrow(
        "SELECT quantity::float8 AS q, version FROM offers WHERE id = $1", offer["id"]
    )
    assert stored is not None
    assert (stored["q"], stored["version"]) == (winner["quantity"], 2)
    assert all(r.json()["code"] == "stale_version" for r in responses if r.status_code == 412)


async def test_concurrent_patches_of_a_community(world: World, live: str, overlap: Overlap) -> None:
    url = f"/v1/communities/{world.a['id']}"
    async with client(live, world.keys[OWNER]) as owner:
        responses = await overlap.on_row(
            "communities",
            world.a["id"],
            [owner.patch(url, json={"contact": f"{n}"}, headers={"If-Match": '"v1"'}) for n in range(10)],
        )
    assert sorted(r.status_code for r in responses) == [200] + [412] * 9, [r.text for r in responses]
    assert all(r.json()["code"] == "stale_version" for r in responses if r.status_code == 412)
    assert await world.db.fetchval("SELECT version FROM communities WHERE id = $1", world.a["id"]) == 2


# --- goods the network adds: coordinators at once, on real connections -----------------------------
# One HTTP client per coordinator; the live server is a second app (tests/live.py).

CASSAVA = {
    "name_th": "มันสำปะหลัง",
    "category_id": "vegetables",
    "unit": "kg",
    "reference_value": 5,
    "shelf_life_days": 30,
}


async def _waiting_on_names(db: asyncpg.Connection) -> int:
    waiting: int = await db.fetchval(
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
        " WHERE d.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted"
    )
    return waiting


async def _at_once(world: World, *calls: Awaitable[httpx.Response]) -> list[httpx.Response]:
    """Send the requests together and let none pass the catalogue's names lock before every one of
    them waits on it: all are in flight at once, on their own connections."""
    await world.db.execute("SELECT pg_advisory_lock($1)", CATALOGUE_NAMES_LOCK)
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        await poll(
            lambda: _waiting_on_names(world.db), lambda n: n == len(tasks), timeout=4
        )  # < lock_timeout
    finally:
        await world.db.execute("SELECT pg_advisory_unlock($1)", CATALOGUE_NAMES_LOCK)
    return list(await asyncio.gather(*tasks))


async def test_two_coordinators_adding_one_thai_name_at_once_get_one_item(world: World, live: str) -> None:
    async with client(live, world.keys[COORD]) as south, client(live, world.keys[COORD_ELSEWHERE]) as north:
        responses = await _at_once(
            world,
            south.post("/v1/items", json={**CASSAVA, "name_en": "Cassava"}),
            north.post("/v1/items", json={**CASSAVA, "name_en": "Cassava root"}),
        )
    assert sorted(r.status_code for r in responses) == [201, 422], [r.text for r in responses]
    (loser,) = [r for r in responses if r.status_code == 422]
    assert loser.headers["content-type"].startswith("application/problem+json")
    assert [(e["path"], e["code"]) for e in loser.json()["errors"]] == [("name_th", "name_taken")]
    assert await world.db.fetchval("SELECT count(*) FROM items WHERE name_th = 'มันสำปะหลัง'") == 1
    assert await world.db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'add_item'") == 1


async def test_a_burst_of_adds_of_one_name_is_one_201_and_the_rest_422_never_500(
    world: World, live: str, overlap: Overlap
) -> None:
    personas = [COORD, COORD_ELSEWHERE, ADMIN] * 4
    clients = {p: client(live, world.keys[p]) for p in set(personas)}
    try:
        # all twelve wait on the catalogue's names lock, held elsewhere, before any checks a name
        responses = await overlap.at_once(
            "SELECT pg_advisory_xact_lock($1)",
            CATALOGUE_NAMES_LOCK,
            calls=[
                clients[p].post("/v1/items", json={**CASSAVA, "name_en": f"Cassava {n}"})
                for n, p in enumerate(personas)
            ],
        )
    finally:
        for http in clients.values():
            await http.aclose()
    assert sorted(r.status_code for r in responses) == [201] + [422] * 11, [r.text for r in responses]
    assert {e["code"] for r in responses if r.status_code == 422 for e in r.json()["errors"]} == {
        "name_taken"
    }
    assert await world.db.fetchval("SELECT count(*) FROM items WHERE added_by IS NOT NULL") == 1


async def test_a_name_and_a_synonym_added_at_once_are_not_both_kept(world: World, live: str) -> None:
    """No index guards synonyms: the names lock does."""
    async with client(live, world.keys[COORD]) as south, client(live, world.keys[COORD_ELSEWHERE]) as north:
        responses = await _at_once(
            world,
            south.post("/v1/items", json={**CASSAVA, "name_en": "Cassava"}),
            north.post(
                "/v1/items",
                json={**CASSAVA, "name_th": "มันสำโรง", "name_en": "Tapioca", "synonyms_th": ["มันสำปะหลัง"]},
            ),
        )
    assert sorted(r.status_code for r in responses) == [201, 422], [r.text for r in responses]
    (loser,) = [r for r in responses if r.status_code == 422]
    assert [e["code"] for e in loser.json()["errors"]] == ["name_taken"]


async def test_two_adds_whose_english_names_make_one_id_both_get_an_id(world: World, live: str) -> None:
    async with client(live, world.keys[COORD]) as south, client(live, world.keys[COORD_ELSEWHERE]) as north:
        responses = await _at_once(
            world,
            south.post("/v1/items", json={**CASSAVA, "name_en": "Cassava"}),
            north.post("/v1/items", json={**CASSAVA, "name_th": "มันสำปะหลังหวาน", "name_en": " CASSAVA! "}),
        )
    assert [r.status_code for r in responses] == [201, 201], [r.text for r in responses]
    assert sorted(r.json()["id"] for r in responses) == ["cassava", "cassava-2"]
    for response in responses:
        assert response.headers["location"] == f"/v1/items/{response.json()['id']}"


async def test_two_corrections_of_one_item_with_one_etag_give_one_winner(world: World, live: str) -> None:
    added = await world.post(ADMIN, "/v1/items", {**CASSAVA, "name_en": "Cassava"})
    assert added.status_code == 201, added.text
    async with client(live, world.keys[COORD]) as south, client(live, world.keys[COORD_ELSEWHERE]) as north:
        responses = await _at_once(
            world,
            *(
                http.patch("/v1/items/cassava", json={"shelf_life_days": days}, headers={"If-Match": '"v1"'})
                for http, days in ((south, 20), (north, 40))
            ),
        )
    assert sorted(r.status_code for r in responses) == [200, 412], [r.text for r in responses]
    (winner,) = [r for r in responses if r.status_code == 200]
    stored = await world.db.fetchrow("SELECT shelf_life_days, version FROM items WHERE id = 'cassava'")
    assert stored is not None
    assert (stored["shelf_life_days"], stored["version"]) == (winner.json()["shelf_life_days"], 2)


async def test_a_retried_add_sent_again_at_once_adds_one_item(world: World, live: str) -> None:
    """The same add with one Idempotency-Key, five times at once (a client retrying over a poor
    connection): one item, one audit entry, the same answer to every one."""
    headers = {"Idempotency-Key": "add-cassava-once"}
    async with client(live, world.keys[COORD]) as south:
        responses = await asyncio.gather(
            *(
                south.post("/v1/items", json={**CASSAVA, "name_en": "Cassava"}, headers=headers)
                for _ in range(5)
            )
        )
    assert [r.status_code for r in responses] == [201] * 5, [r.text for r in responses]
    assert len({r.content for r in responses}) == 1
    assert sum(r.headers.get("idempotency-replayed") == "true" for r in responses) == 4
    assert await world.db.fetchval("SELECT count(*) FROM items WHERE added_by IS NOT NULL") == 1
    assert await world.db.fetchval("SELECT count(*) FROM audit_log WHERE action = 'add_item'") == 1
