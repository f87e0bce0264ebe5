"""A small world for API tests: two communities in two regions and a key for every persona."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, NamedTuple

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.storage.repos import communities as communities_repo
from tests.conftest import TEST_SECRET

Client = AsyncTestClient[Litestar]

# The personas of the role matrix (reliability.md): for routes about community A.
OWNER = "owner"  # community A's own key
OTHER = "other_community"  # community B's key
COORD = "coordinator"  # coordinator of A's region (south)
COORD_ELSEWHERE = "coordinator_elsewhere"  # coordinator of the north only
PARTNER = "partner"
ADMIN = "admin"
ANON = "anonymous"
PERSONAS = (OWNER, OTHER, COORD, COORD_ELSEWHERE, PARTNER, ADMIN, ANON)


@dataclass
class World:
    client: Client
    db: asyncpg.Connection
    keys: dict[str, str] = field(default_factory=dict)
    key_ids: dict[str, int] = field(default_factory=dict)
    a: dict[str, Any] = field(default_factory=dict)  # fishing village in Satun (south)
    b: dict[str, Any] = field(default_factory=dict)  # rice farmers in Chiang Rai (north)
    a2: dict[str, Any] = field(default_factory=dict)  # a second southern community, made on demand

    def headers(self, persona: str, **extra: str) -> dict[str, str]:
        headers = dict(extra)
        if persona != ANON:
            headers["Authorization"] = f"Bearer {self.keys[persona]}"
        return headers

    async def new_key(self, **kwargs: Any) -> str:
        created = await keys_service.create(self.db, None, TEST_SECRET, KeyCreate(**kwargs))
        return created.key

    async def post(self, persona: str, url: str, body: Any, **headers: str) -> Any:
        return await self.client.post(url, json=body, headers=self.headers(persona, **headers))

    async def get(self, persona: str, url: str, **params: Any) -> Any:
        return await self.client.get(url, params=params, headers=self.headers(persona))

    async def patch(self, persona: str, url: str, body: Any, etag: str | None = None) -> Any:
        extra = {"If-Match": etag} if etag else {}
        return await self.client.patch(url, json=body, headers=self.headers(persona, **extra))

    async def delete(self, persona: str, url: str, etag: str | None = None) -> Any:
        extra = {"If-Match": etag} if etag else {}
        return await self.client.delete(url, headers=self.headers(persona, **extra))

    async def offer(self, persona: str = OWNER, **overrides: Any) -> dict[str, Any]:
        body = {"community_id": self.a["id"], "item_id": "dried-fish", "quantity": 200, "min_lot": 10}
        response = await self.post(persona, "/v1/offers", {**body, **overrides})
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data

    async def need(self, persona: str = OWNER, **overrides: Any) -> dict[str, Any]:
        body = {"community_id": self.a["id"], "item_id": "rice-jasmine", "quantity": 1500, "min_lot": 50}
        response = await self.post(persona, "/v1/needs", {**body, **overrides})
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data


async def _community(db: asyncpg.Connection, **values: Any) -> dict[str, Any]:
    row = await communities_repo.insert(db, subdistrict_code=None, **values)
    return dict(row)


@pytest.fixture
async def world(client: Client, db: asyncpg.Connection) -> World:
    w = World(client=client, db=db)
    w.a = await _community(
        db,
        name_th="กลุ่มประมงพื้นบ้านบ้านปากบารา",
        name_en="Pak Bara fishing group",
        kind="fishing",
        province_code="91",
        lat=6.86,
        lon=99.72,
        contact="081-234-5678",
    )
    w.b = await _community(
        db,
        name_th="วิสาหกิจชุมชนข้าวหอมมะลิเชียงราย",
        name_en="Chiang Rai jasmine rice enterprise",
        kind="farming",
        province_code="57",
        lat=19.9,
        lon=99.83,
        contact="089-876-5432",
    )
    specs: dict[str, dict[str, Any]] = {
        OWNER: {"role": "community", "community_id": w.a["id"], "name": "Pak Bara"},
        OTHER: {"role": "community", "community_id": w.b["id"], "name": "Chiang Rai"},
        COORD: {"role": "coordinator", "regions": ["south"], "name": "South coordinator"},
        COORD_ELSEWHERE: {"role": "coordinator", "regions": ["north"], "name": "North coordinator"},
        PARTNER: {"role": "partner", "name": "University"},
        ADMIN: {"role": "admin", "name": "Admin"},
    }
    for persona, spec in specs.items():
        created = await keys_service.create(db, None, TEST_SECRET, KeyCreate(**spec))
        w.keys[persona] = created.key
        w.key_ids[persona] = created.id
    return w


async def second_south_community(w: World) -> dict[str, Any]:
    if not w.a2:
        w.a2 = await _community(
            w.db,
            name_th="บ้านทุ่งหว้า",
            name_en="Thung Wa rice group",
            kind="farming",
            province_code="91",
            lat=7.08,
            lon=99.8,
            contact=None,
        )
    return w.a2


class Goods(NamedTuple):
    """What community A gives in a hand-made proposal: the item, its category as the matching
    names it, its reference value and how much."""

    item: str
    category: str
    value: float
    quantity: float


FISH = Goods("dried-fish", "fish-seafood:kg", 260, 20)
EGGS = Goods("eggs-chicken", "eggs:piece", 4, 300)


async def make_proposal(
    w: World, status: str = "proposed", *, gift: bool = False, gives: Goods = FISH
) -> int:
    """A two-way swap inside the south (A's fish for A2's rice), made the way a run makes one,
    then moved by an admin to `status` (proposed, approved or in_transit). `gift`: a chain of one
    transfer instead, A's fish given to A2 (A receives nothing). `gives`: what A gives in place of
    its 20 kg of dried fish (EGGS: 300 eggs).

    Hand-made proposals keep the test's market still: from here on the repair runs that declines
    and rejections queue stay queued (a repair would match the listings the next hand-made
    proposal posts, and that proposal would find them held). Repairs are tested on their own
    (tests/workflow/test_repair.py)."""
    from barter.domain.clock import SystemClock
    from barter.matching.model import Community, Exchange, Instance, Item, Need, Offer, Transfer
    from barter.services.proposals import create_all

    async def no_repairs() -> list[int]:
        return []

    w.client.app.state.runner.start_queued = no_repairs

    a2 = await second_south_community(w)
    fish = await w.offer(ADMIN, item_id=gives.item, quantity=gives.quantity, min_lot=0)
    rice_need = await w.need(ADMIN, quantity=150, min_lot=0)
    rice = await w.post(
        ADMIN, "/v1/offers", {"community_id": a2["id"], "item_id": "rice-jasmine", "quantity": 150}
    )
    fish_need = await w.post(
        ADMIN, "/v1/needs", {"community_id": a2["id"], "item_id": gives.item, "quantity": gives.quantity}
    )
    rice_id, fish_need_id = rice.json()["id"], fish_need.json()["id"]
    instance = Instance(
        communities=[
            Community(id=f"c{w.a['id']}", lat=6.86, lon=99.72),
            Community(id=f"c{a2['id']}", lat=7.08, lon=99.8),
        ],
        items=[
            Item(id=gives.item, category=gives.category, value=gives.value),
            Item(id="rice-jasmine", category="rice:kg", value=35),
        ],
        offers=[
            Offer(id=f"o{fish['id']}", community=f"c{w.a['id']}", item=gives.item, quantity=gives.quantity),
            Offer(id=f"o{rice_id}", community=f"c{a2['id']}", item="rice-jasmine", quantity=150),
        ],
        needs=[
            Need(id=f"n{rice_need['id']}", community=f"c{w.a['id']}", item="rice-jasmine", quantity=150),
            Need(id=f"n{fish_need_id}", community=f"c{a2['id']}", item=gives.item, quantity=gives.quantity),
        ],
    )
    exchange = Exchange(
        kind="cycle",
        transfers=[
            Transfer(offer=f"o{fish['id']}", need=f"n{fish_need_id}", quantity=gives.quantity),
            Transfer(offer=f"o{rice_id}", need=f"n{rice_need['id']}", quantity=148),
        ],
    )
    if gift:
        exchange = Exchange(kind="chain", transfers=exchange.transfers[:1])
    run_id = await w.db.fetchval(
        "INSERT INTO matching_runs (regions, settings, status) VALUES ('{south}', jsonb_build_object('seed', 0), 'succeeded') RETURNING id"
    )
    async with w.db.transaction():
        made = await create_all(
            w.db,
            run_id=run_id,
            instance=instance,
            exchanges=[exchange],
            hold=timedelta(hours=72),
            clock=SystemClock(),
            road_factor=1.3,
        )
    (proposal_id,) = made.proposals
    if status in ("approved", "in_transit"):
        await w.client.post(f"/v1/proposals/{proposal_id}/accept", headers=w.headers(ADMIN))
        await w.client.post(f"/v1/proposals/{proposal_id}/approve", headers=w.headers(ADMIN))
    if status == "in_transit":
        await w.client.post(f"/v1/proposals/{proposal_id}/dispatch", headers=w.headers(ADMIN))
    return proposal_id
