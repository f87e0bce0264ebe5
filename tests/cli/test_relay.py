"""`barter relay` killed with SIGKILL again and again while events are produced: none is lost.

reliability.md, "Relay crash": the relay is a real process; each incarnation is killed at a
random moment shortly after it starts delivering, with its next request held at the receiver (so
kills land mid-batch, with a request in flight and its outcome not yet committed), while 1,000 events are written to the outbox. A
last relay then drains what is left. Every event must reach the receiver, duplicates must carry
the same webhook-id, and every request must verify.
"""

from __future__ import annotations

import asyncio
import collections
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import asyncpg

from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.storage.database import init_connection
from barter.storage.repos import webhooks as webhooks_repo
from barter.storage.repos.outbox import emit
from barter.webhooks.signing import new_salt, secret_text, signing_key
from tests.conftest import TEST_SECRET
from tests.webhooks.receiver import Received, Receiver
from tests.webhooks.standard_webhooks import verify

EVENTS = 1000
MIN_KILLS = 12


def start_relay(database_url: str, tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BARTER_DATABASE_URL": database_url,
        "BARTER_SECRET": TEST_SECRET,
        "BARTER_DATA_DIR": str(tmp_path),
        "BARTER_ALLOW_PRIVATE_WEBHOOKS": "true",
        "BARTER_LOG_LEVEL": "warning",
    }
    log = (tmp_path / "relay.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "barter", "relay", "--poll", "0.05", "--base-delay", "0.1", *args],
        env=env,
        stdout=log,
        stderr=log,
    )


async def produce(database_url: str, done: asyncio.Event) -> list[int]:
    """1,000 events, 20 per transaction, paced so that production spans several relay lives."""
    conn = await asyncpg.connect(database_url)
    await init_connection(conn)
    ids: list[int] = []
    try:
        for batch in range(EVENTS // 20):
            async with conn.transaction():
                for n in range(20):
                    number = batch * 20 + n
                    ids.append(
                        await emit(conn, "proposal.proposed", ["south"], {"n": number, "ชุมชน": "ปากบารา"})
                    )
            await asyncio.sleep(0.05)  # pacing the producer, not waiting for any state
    finally:
        await conn.close()
        done.set()
    return ids


async def test_killing_the_relay_mid_delivery_loses_no_event(
    db: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    slow = threading.Event()
    hold = threading.Event()  # set just before a kill: requests wait there until it has happened
    release = threading.Event()
    held = threading.Event()  # a request is waiting at the receiver

    def respond(_: Received) -> int:
        if hold.is_set():
            held.set()
            release.wait(30)
        else:
            slow.wait(0.005)  # a receiver taking a few milliseconds
        return 200

    rng = random.Random(7)
    with Receiver(respond) as receiver:
        key = await keys_service.create(db, None, TEST_SECRET, KeyCreate(role="partner"))
        salt = new_salt()
        await webhooks_repo.insert(
            db,
            owner_key_id=key.id,
            url=receiver.url,
            events=["proposal.proposed"],
            description=None,
            salt=salt,
        )
        secret = secret_text(signing_key(TEST_SECRET, salt))

        produced = asyncio.Event()
        producer = asyncio.create_task(produce(database_url, produced))
        kills = mid_delivery = 0
        while kills < MIN_KILLS or not produced.is_set():
            seen = len(receiver.received)
            relay = start_relay(database_url, tmp_path)
            try:
                # Once this incarnation delivers, let it work a random moment, then kill it.
                def delivered(r: list[Received], seen: int = seen) -> bool:
                    return len(r) > seen

                await asyncio.to_thread(receiver.wait_for, delivered, 60)
                await asyncio.sleep(rng.uniform(0.0, 0.2))
                # hold the next request at the receiver, so the kill lands with it in flight and
                # its outcome not yet recorded (unless the relay has nothing left to send)
                release.clear()
                held.clear()
                hold.set()
                await asyncio.to_thread(held.wait, 2)
            finally:
                mid_delivery += receiver.in_flight > 0
                relay.send_signal(signal.SIGKILL)
                assert relay.wait(30) == -signal.SIGKILL
                hold.clear()
                release.set()
            kills += 1
        ids = await producer

        last = start_relay(database_url, tmp_path)
        try:
            await asyncio.to_thread(receiver.wait_for, lambda r: len({x.id for x in r}) == EVENTS, 120)
            # Some deliveries reached the receiver from a relay killed before it could record
            # them: the last relay sends those again (at least once). Wait for it to settle.
            deadline = time.monotonic() + 60
            while await db.fetchval("SELECT count(*) FROM webhook_deliveries WHERE state <> 'delivered'"):
                assert time.monotonic() < deadline, "deliveries still pending after 60 s"
                await asyncio.sleep(0.1)  # polling the database, bounded by the deadline
        finally:
            last.send_signal(signal.SIGTERM)
            assert last.wait(30) == 0, (tmp_path / "relay.log").read_text()

    got = list(receiver.received)
    assert {r.id for r in got} == {f"evt_{i}" for i in ids}  # every event, none missing
    bodies: dict[str, set[bytes]] = collections.defaultdict(set)
    for request in got:
        verify(
            secret,
            request.id,
            request.headers["webhook-timestamp"],
            request.headers["webhook-signature"],
            request.body,
        )
        bodies[request.id].add(request.body)
    assert all(len(b) == 1 for b in bodies.values())  # a duplicate is the same message
    duplicates = len(got) - EVENTS
    assert kills >= MIN_KILLS
    assert mid_delivery >= 3, f"only {mid_delivery} of {kills} kills found a request in flight"
    print(f"\n{kills} kills, {mid_delivery} with a request in flight, {duplicates} duplicate deliveries")
    assert await db.fetchval("SELECT count(*) FROM webhook_deliveries") == EVENTS
    assert await db.fetchval("SELECT count(*) FROM outbox_events WHERE dispatched_at IS NULL") == 0
