"""The "arriving" notice: scheduled at dispatch from the trip's length, announced by the sweeper on
the service's clock, with the receipt buttons; skipped once the receiver confirmed receipt."""

from __future__ import annotations

from datetime import timedelta

from barter.domain import thaidate
from barter.domain.clock import ManualClock
from barter.services.arrivals import announce_due
from barter.webhooks.relay import Relay
from tests.channels.line.test_notices import linked_with_sms
from tests.channels.standins import LinePlatform, SmsGateway
from tests.world import ADMIN, World, make_proposal


async def dispatch_far(world: World) -> int:
    """An approved swap whose trip is 400 km by road, dispatched now."""
    proposal_id = await make_proposal(world, "approved")
    await world.db.execute(
        "UPDATE proposal_transfers SET distance_km = 400 WHERE proposal_id = $1", proposal_id
    )
    response = await world.client.post(f"/v1/proposals/{proposal_id}/dispatch", headers=world.headers(ADMIN))
    assert response.status_code == 200, response.text
    return proposal_id


async def sweep(world: World, clock: ManualClock) -> list[tuple[int, int]]:
    async with world.db.transaction():
        return await announce_due(world.db, clock)


async def test_receivers_hear_that_goods_are_arriving_before_they_arrive(
    world: World, line_platform: LinePlatform, sms_gateway: SmsGateway, relay: Relay, clock: ManualClock
) -> None:
    await linked_with_sms(world, ADMIN)
    proposal_id = await dispatch_far(world)
    rows = await world.db.fetch(
        "SELECT receiver_id, expected_at, due_at, state FROM arrival_notices WHERE proposal_id = $1"
        " ORDER BY receiver_id",
        proposal_id,
    )
    # Both sides receive in a swap; 400 km at 40 km/h is 10 hours, told 3 hours before.
    assert len(rows) == 2
    for row in rows:
        assert row["expected_at"] == clock.now() + timedelta(hours=10)
        assert row["due_at"] == clock.now() + timedelta(hours=7)
        assert row["state"] == "scheduled"
    assert await sweep(world, clock) == []  # not yet
    clock.advance(hours=6, minutes=59)
    assert await sweep(world, clock) == []
    clock.advance(minutes=1)
    announced = await sweep(world, clock)
    assert sorted(announced) == sorted((proposal_id, r["receiver_id"]) for r in rows)
    assert await sweep(world, clock) == []  # once
    await relay.drain()
    pushes = [s.messages[0] for s in line_platform.sent if s.kind == "push"]
    arriving = pushes[-1]
    expected = clock.now() + timedelta(hours=3)
    assert arriving["text"].startswith(f"ข้อเสนอแลกเปลี่ยน #{proposal_id}: ของใกล้ถึงแล้วค่ะ คาดว่าถึง ")
    assert f"คาดว่าถึง {thaidate.thai_about(expected)} (arriving soon)" in arriving["text"]
    assert [i["action"]["label"] for i in arriving["quickReply"]["items"]] == ["ได้รับครบแล้ว", "ได้ไม่ครบ"]
    # Only community A is linked: it heard each step once, arriving after on the way.
    assert [p["text"].split("\n")[0].split(": ")[-1] for p in pushes[-2:]] == [
        "ของออกเดินทางแล้วค่ะ (on the way)",
        arriving["text"].split("\n")[0].split(": ")[-1],
    ]
    # By SMS too, in Thai only, with the expected day and hour.
    assert sms_gateway.sent[-1].message == arriving["text"].split(" (arriving soon)")[0]
    events = await world.db.fetch("SELECT payload FROM outbox_events WHERE type = 'proposal.arriving'")
    assert len(events) == 2
    assert all(len(e["payload"]["communities"]) == 1 for e in events)


async def test_no_arriving_notice_after_receipt_or_cancellation(
    world: World, clock: ManualClock, line_platform: LinePlatform
) -> None:
    proposal_id = await dispatch_far(world)
    response = await world.client.post(
        f"/v1/proposals/{proposal_id}/complete",
        json={"community_id": world.a["id"]},
        headers=world.headers(ADMIN),
    )
    assert response.status_code == 200, response.text
    clock.advance(hours=7)
    announced = await sweep(world, clock)
    # A confirmed receipt before the notice fell due: only the other receiver hears.
    assert announced == [(proposal_id, world.a2["id"])]
    rows = await world.db.fetch(
        "SELECT receiver_id, state FROM arrival_notices WHERE proposal_id = $1", proposal_id
    )
    states = {r["receiver_id"]: r["state"] for r in rows}
    assert states == {world.a["id"]: "skipped", world.a2["id"]: "announced"}
