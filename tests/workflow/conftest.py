"""A three-way swap across two regions, as in 2020: fish from the south, rice and herbs from the northeast.

A  Pak Bara fishing group (Satun, south): has dried fish, needs jasmine rice
B  Yasothon rice farmers (northeast): has jasmine rice, needs turmeric
C  Sakon Nakhon herb group (northeast): has turmeric, needs dried fish
The only trade is the cycle A -> C -> B -> A (fish to C, turmeric to B, rice to A).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from barter.storage.repos import communities as communities_repo
from tests.live import live, overlap
from tests.polling import poll
from tests.world import World, world

__all__ = ["cycle", "live", "overlap", "world"]

NE_COORD = "coordinator_northeast"
BOTH_COORD = "coordinator_south_northeast"
B_KEY = "owner_b"
C_KEY = "owner_c"


@dataclass
class Cycle:
    world: World
    b: dict[str, Any] = field(default_factory=dict)
    c: dict[str, Any] = field(default_factory=dict)
    listings: dict[str, dict[str, Any]] = field(default_factory=dict)

    async def run(self, persona: str = BOTH_COORD, **settings: Any) -> dict[str, Any]:
        """Start a run, wait for this process's runner, and return the finished run."""
        response = await self.world.post(persona, "/v1/matching/runs", {"time_limit_s": 10, **settings})
        assert response.status_code == 202, response.text
        run = await self.finished(response.json()["id"], persona)
        assert run["status"] == "succeeded", run
        return run

    async def finished(self, run_id: int, persona: str = BOTH_COORD) -> dict[str, Any]:
        async def read() -> dict[str, Any]:
            body: dict[str, Any] = (await self.world.get(persona, f"/v1/matching/runs/{run_id}")).json()
            return body

        return await poll(read, lambda run: run["status"] in ("succeeded", "failed"))

    async def proposals(self, run_id: int, persona: str = BOTH_COORD) -> list[dict[str, Any]]:
        page = (await self.world.get(persona, "/v1/proposals", run_id=run_id)).json()
        data: list[dict[str, Any]] = page["data"]
        return data

    async def act(self, persona: str, proposal_id: int, action: str, **body: Any) -> Any:
        return await self.world.post(persona, f"/v1/proposals/{proposal_id}/{action}", body or None)


async def yasothon(world: World) -> dict[str, Any]:
    """B, the Yasothon rice farmers (northeast)."""
    return dict(
        await communities_repo.insert(
            world.db,
            name_th="กลุ่มเกษตรกรนาข้าวยโสธร",
            name_en="Yasothon rice farmers",
            kind="farming",
            province_code="35",
            lat=15.79,
            lon=104.14,
            subdistrict_code=None,
            contact="08-1111-2222",
        )
    )


@pytest.fixture
async def cycle(world: World) -> Cycle:
    db = world.db
    cy = Cycle(world)
    cy.b = await yasothon(world)
    cy.c = dict(
        await communities_repo.insert(
            db,
            name_th="กลุ่มสมุนไพรสกลนคร",
            name_en="Sakon Nakhon herb group",
            kind="farming",
            province_code="47",
            lat=17.16,
            lon=104.15,
            subdistrict_code=None,
            contact=None,
        )
    )
    world.keys[B_KEY] = await world.new_key(role="community", community_id=cy.b["id"])
    world.keys[C_KEY] = await world.new_key(role="community", community_id=cy.c["id"])
    world.keys[NE_COORD] = await world.new_key(role="coordinator", regions=["northeast"])
    world.keys[BOTH_COORD] = await world.new_key(role="coordinator", regions=["south", "northeast"])
    a = world.a["id"]
    posts = {
        "fish": ("offers", "owner", {"community_id": a, "item_id": "dried-fish", "quantity": 100}),
        "rice_need": ("needs", "owner", {"community_id": a, "item_id": "rice-jasmine", "quantity": 750}),
        "rice": ("offers", B_KEY, {"community_id": cy.b["id"], "item_id": "rice-jasmine", "quantity": 750}),
        "turmeric_need": (
            "needs",
            B_KEY,
            {"community_id": cy.b["id"], "item_id": "turmeric", "quantity": 650},
        ),
        "turmeric": (
            "offers",
            NE_COORD,
            {"community_id": cy.c["id"], "item_id": "turmeric", "quantity": 650},
        ),
        "fish_need": (
            "needs",
            NE_COORD,
            {"community_id": cy.c["id"], "item_id": "dried-fish", "quantity": 100},
        ),
    }
    for name, (kind, persona, body) in posts.items():
        response = await world.post(persona, f"/v1/{kind}", body)
        assert response.status_code == 201, response.text
        cy.listings[name] = response.json()
    return cy
