"""Exchanges among any communities, made the way a run makes them, for the partner API's tests.

`Market.exchange([(giver, item, quantity), ...])`: giver i gives to giver i+1 (the last to the
first, in a cycle; in a chain the last entry only receives). Listings are posted through the API,
the proposal is written by the workflow's own `create_all`, and `move` drives it with an admin.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from barter.domain.clock import SystemClock
from barter.matching.model import Community, Exchange, Instance, Item, Need, Offer, Transfer
from barter.services.proposals import create_all
from barter.storage.repos import communities as communities_repo
from tests.world import ADMIN, World

Leg = tuple[dict[str, Any], str, float]  # (giving community, item id, quantity)


@dataclass
class Market:
    w: World
    run_ids: list[int] = field(default_factory=list)

    async def community(self, name_th: str, province_code: str, lat: float, lon: float) -> dict[str, Any]:
        row = await communities_repo.insert(
            self.w.db,
            name_th=name_th,
            name_en=None,
            kind="farming",
            province_code=province_code,
            lat=lat,
            lon=lon,
            subdistrict_code=None,
            contact=None,
        )
        return dict(row)

    async def run(self, regions: list[str]) -> int:
        run_id: int = await self.w.db.fetchval(
            "INSERT INTO matching_runs (regions, settings, status) "
            "VALUES ($1, jsonb_build_object('seed', 0), 'succeeded') RETURNING id",
            regions,
        )
        self.run_ids.append(run_id)
        return run_id

    async def exchange(
        self, legs: list[Leg], *, kind: Literal["cycle", "chain"] = "cycle", run_id: int | None = None
    ) -> int:
        """One proposal; in a chain the last leg's community receives and gives nothing."""
        givers = legs if kind == "cycle" else legs[:-1]
        receivers = [legs[(i + 1) % len(legs)][0] for i in range(len(givers))]
        values = {
            r["id"]: r["reference_value"]
            for r in await self.w.db.fetch(
                "SELECT id, reference_value::float8 FROM items WHERE id = ANY($1::text[])",
                [item for _, item, _ in givers],
            )
        }
        offers, needs, transfers = [], [], []
        for (giver, item, quantity), receiver in zip(givers, receivers, strict=True):
            offer = await self.w.post(
                ADMIN,
                "/v1/offers",
                {"community_id": giver["id"], "item_id": item, "quantity": quantity, "min_lot": 0},
            )
            need = await self.w.post(
                ADMIN,
                "/v1/needs",
                {"community_id": receiver["id"], "item_id": item, "quantity": quantity, "min_lot": 0},
            )
            assert offer.status_code == need.status_code == 201, (offer.text, need.text)
            o, n = f"o{offer.json()['id']}", f"n{need.json()['id']}"
            offers.append(Offer(id=o, community=f"c{giver['id']}", item=item, quantity=quantity))
            needs.append(Need(id=n, community=f"c{receiver['id']}", item=item, quantity=quantity))
            transfers.append(Transfer(offer=o, need=n, quantity=quantity))
        members = {c["id"]: c for c, _, _ in legs}
        instance = Instance(
            communities=[Community(id=f"c{c['id']}", lat=c["lat"], lon=c["lon"]) for c in members.values()],
            items=[Item(id=i, category="any:kg", value=v) for i, v in values.items()],
            offers=offers,
            needs=needs,
        )
        if run_id is None:
            regions = await self.w.db.fetchval(
                "SELECT array_agg(DISTINCT p.region) FROM communities c "
                "JOIN provinces p ON p.code = c.province_code WHERE c.id = ANY($1::bigint[])",
                list(members),
            )
            run_id = await self.run(regions)
        async with self.w.db.transaction():
            made = await create_all(
                self.w.db,
                run_id=run_id,
                instance=instance,
                exchanges=[Exchange(kind=kind, transfers=transfers)],
                hold=timedelta(hours=72),
                clock=SystemClock(),
                road_factor=1.0,
            )
        (proposal_id,) = made.proposals
        return proposal_id

    async def move(self, proposal_id: int, *actions: str, reason: str | None = None) -> dict[str, Any]:
        """Apply actions as an admin (who acts for every community and region)."""
        body: dict[str, Any] = {}
        for action in actions:
            payload = {"reason": reason} if action in ("decline", "reject", "cancel") and reason else None
            response = await self.w.post(ADMIN, f"/v1/proposals/{proposal_id}/{action}", payload)
            assert response.status_code == 200, response.text
            body = response.json()
        return body

    async def complete(self, proposal_id: int) -> dict[str, Any]:
        return await self.move(proposal_id, "accept", "approve", "dispatch", "complete")

    async def dated(self, proposal_id: int, created: datetime, approved: datetime | None = None) -> None:
        """Move a proposal's creation (and approval) as if it had happened then (ledger entries are final)."""
        await self.w.db.execute(
            "UPDATE proposals SET created_at = $2, approved_at = coalesce($3, approved_at) WHERE id = $1",
            proposal_id,
            created,
            approved,
        )
