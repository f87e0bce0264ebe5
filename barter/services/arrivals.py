"""The "arriving" notice of a dispatched exchange (see barter/domain/arrivals.py for when).

`schedule` runs in the dispatch's transaction; `announce_due` in the sweeper's, on its clock: a
due notice becomes a `proposal.arriving` event in the outbox (so LINE, SMS and webhooks hear of
it the way they hear of every proposal event), or is skipped when the receiver already confirmed
receipt or the exchange ended.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import asyncpg

from barter.domain.arrivals import Leg, expected_at, notice_due
from barter.domain.clock import Clock
from barter.storage.repos import arrivals as repo
from barter.storage.repos import outbox
from barter.storage.repos import proposals as proposals_repo


async def schedule(conn: asyncpg.Connection, proposal_id: int, dispatched_at: datetime) -> None:
    by_receiver: dict[int, list[Leg]] = defaultdict(list)
    for row in await repo.legs(conn, proposal_id):
        planned = (
            (row["first_pickup"], row["last_dropoff"])
            if row["first_pickup"] is not None and row["last_dropoff"] is not None
            else None
        )
        by_receiver[row["receiver_id"]].append(Leg(float(row["distance_km"] or 0.0), planned))
    for receiver, legs in sorted(by_receiver.items()):
        expected = expected_at(dispatched_at, legs)
        await repo.schedule(conn, proposal_id, receiver, expected, notice_due(dispatched_at, expected))


async def announce_due(conn: asyncpg.Connection, clock: Clock, limit: int = 200) -> list[tuple[int, int]]:
    """Announce the arrival notices that fell due (in the caller's transaction); returns the
    (proposal, receiver) pairs announced."""
    now = clock.now()
    announced = []
    for row in await repo.due(conn, now, limit):
        proposal_id, receiver = row["proposal_id"], row["receiver_id"]
        if not row["applies"]:
            await repo.finish(conn, proposal_id, receiver, "skipped", now)
            continue
        proposal = await proposals_repo.get(conn, proposal_id)
        assert proposal is not None
        await outbox.emit(
            conn,
            "proposal.arriving",
            proposal["regions"],
            {
                "proposal_id": proposal_id,
                "run_id": proposal["run_id"],
                "status": proposal["status"],
                "kind": proposal["kind"],
                "regions": list(proposal["regions"]),
                "communities": [receiver],
                "expected_at": row["expected_at"].isoformat(),
            },
        )
        await repo.finish(conn, proposal_id, receiver, "announced", now)
        announced.append((proposal_id, receiver))
    return announced
