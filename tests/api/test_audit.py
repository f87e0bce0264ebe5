from __future__ import annotations

from tests.world import ADMIN, COORD, COORD_ELSEWHERE, OTHER, OWNER, World


async def test_every_write_is_in_the_audit_log(world: World) -> None:
    offer = await world.offer(OWNER)
    await world.patch(COORD, f"/v1/offers/{offer['id']}", {"quantity": 150}, '"v1"')
    await world.delete(OWNER, f"/v1/offers/{offer['id']}", '"v2"')
    entries = (await world.get(ADMIN, "/v1/audit", entity="offer", entity_id=str(offer["id"]))).json()["data"]
    assert [e["action"] for e in entries] == ["withdraw", "update", "create"]
    assert [e["actor_key_id"] for e in entries] == [
        world.key_ids[OWNER],
        world.key_ids[COORD],
        world.key_ids[OWNER],
    ]
    assert {e["community_id"] for e in entries} == {world.a["id"]}
    update = entries[1]
    assert (update["before"]["quantity"], update["after"]["quantity"]) == (200, 150)


async def test_coordinators_see_their_regions_only(world: World) -> None:
    await world.offer(OWNER)
    await world.post(
        OTHER, "/v1/offers", {"community_id": world.b["id"], "item_id": "rice-white", "quantity": 5}
    )
    south = (await world.get(COORD, "/v1/audit", entity="offer")).json()["data"]
    north = (await world.get(COORD_ELSEWHERE, "/v1/audit", entity="offer")).json()["data"]
    assert {e["region"] for e in south} == {"south"}
    assert {e["region"] for e in north} == {"north"}
    assert len((await world.get(ADMIN, "/v1/audit", entity="offer")).json()["data"]) == 2


async def test_audit_pages(world: World) -> None:
    for n in range(5):
        await world.offer(OWNER, quantity=10 + n)
    ids = []
    cursor = None
    while True:
        page = (await world.get(ADMIN, "/v1/audit", limit=2, **({"cursor": cursor} if cursor else {}))).json()
        ids += [e["id"] for e in page["data"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert ids == sorted(ids, reverse=True)
    assert len(ids) == len(set(ids)) >= 5
