"""The relay against a real database and a real HTTP receiver: retries, backoff, give-up, refusals,
cancellations, and several relays sharing the work."""

from __future__ import annotations

import asyncio
import collections
import threading
import time
from collections.abc import Sequence

import asyncpg
import pytest

from barter.domain.access import Caller
from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.storage.database import Database
from barter.storage.repos import webhooks as webhooks_repo
from barter.storage.repos.outbox import EVENT_TYPES, emit
from barter.webhooks.relay import Relay, RelayConfig, retry_delay
from barter.webhooks.signing import new_salt, secret_text, signing_key
from tests.conftest import TEST_SECRET
from tests.webhooks.receiver import Received, Receiver
from tests.webhooks.standard_webhooks import verify

FAST = RelayConfig(allow_private=True, base_delay_s=0.05, jitter=0.0, poll_interval_s=0.02, timeout_s=2.0)


async def subscribe(
    db: asyncpg.Connection, url: str, events: Sequence[str] = EVENT_TYPES
) -> tuple[int, str, int]:
    """(webhook id, its whsec_ secret, the owner key's id) for a national partner."""
    key = await keys_service.create(db, None, TEST_SECRET, KeyCreate(role="partner"))
    salt = new_salt()
    row = await webhooks_repo.insert(
        db, owner_key_id=key.id, url=url, events=list(events), description=None, salt=salt
    )
    return row["id"], secret_text(signing_key(TEST_SECRET, salt)), key.id


class Running:
    """Relays working in the background of the test's event loop until the block ends."""

    def __init__(self, relays: list[Relay]) -> None:
        self.relays = relays
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []

    async def __aenter__(self) -> Running:
        self.tasks = [asyncio.create_task(r.run(self.stop)) for r in self.relays]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks)
        for relay in self.relays:
            await relay.aclose()


@pytest.fixture
async def connect(database_url: str) -> Database:
    return Database(url=database_url)


async def test_failed_attempts_are_retried_with_backoff_and_the_same_id(
    db: asyncpg.Connection, connect: Database
) -> None:
    calls: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()

    def flaky(request: Received) -> int:
        with lock:
            calls[request.id] += 1
            return 500 if calls[request.id] <= 2 else 200

    with Receiver(flaky) as receiver:
        _, secret, _ = await subscribe(db, receiver.url)
        events = [await emit(db, "run.succeeded", ["south"], {"run": n}) for n in range(5)]
        async with Running([Relay(connect.connect, TEST_SECRET, FAST)]):
            got = await asyncio.to_thread(receiver.wait_for, lambda r: len(r) == 15)
    by_id: dict[str, list[Received]] = collections.defaultdict(list)
    for request in got:
        by_id[request.id].append(request)
    assert set(by_id) == {f"evt_{e}" for e in events}
    for requests in by_id.values():
        assert len(requests) == 3
        assert len({r.body for r in requests}) == 1  # the same bytes on every attempt
        for r in requests:
            verify(secret, r.id, r.headers["webhook-timestamp"], r.headers["webhook-signature"], r.body)
    rows = await db.fetch(
        "SELECT d.state, d.attempts, array_agg(a.status_code ORDER BY a.number) AS codes, "
        "array_agg(extract(epoch FROM a.at) ORDER BY a.number) AS ats "
        "FROM webhook_deliveries d JOIN webhook_attempts a ON a.delivery_id = d.id GROUP BY d.id"
    )
    assert len(rows) == 5
    for row in rows:
        assert (row["state"], row["attempts"], row["codes"]) == ("delivered", 3, [500, 500, 200])
        first, second, third = (float(x) for x in row["ats"])
        # 0.05 s before the second attempt, then twice that: exponential backoff
        assert second - first >= 0.05 - 0.005
        assert third - second >= 0.10 - 0.005


def test_backoff_doubles_up_to_its_cap() -> None:
    config = RelayConfig(base_delay_s=5, max_delay_s=60, jitter=0.0)
    rng = __import__("random").Random(0)
    assert [retry_delay(config, n, rng) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]
    jittered = RelayConfig(base_delay_s=5, jitter=0.1)
    assert all(5 <= retry_delay(jittered, 1, rng) <= 5.5 for _ in range(50))
    defaults = RelayConfig()
    schedule = sum(retry_delay(RelayConfig(jitter=0.0), n, rng) for n in range(1, defaults.max_attempts))
    assert 20 * 3600 < schedule < 26 * 3600  # the default attempts span about a day


async def test_a_delivery_that_keeps_failing_ends_failed(db: asyncpg.Connection, connect: Database) -> None:
    with Receiver(lambda _: 503) as receiver:
        hook_id, _, _ = await subscribe(db, receiver.url, ["run.failed"])
        await emit(db, "run.failed", [], {"reason": "time limit"})
        config = RelayConfig(
            allow_private=True, base_delay_s=0.02, jitter=0.0, poll_interval_s=0.02, max_attempts=3
        )
        async with Running([Relay(connect.connect, TEST_SECRET, config)]):
            await asyncio.to_thread(receiver.wait_for, lambda r: len(r) == 3)
        row = await db.fetchrow("SELECT * FROM webhook_deliveries WHERE webhook_id = $1", hook_id)
        assert row is not None
        assert (row["state"], row["attempts"], row["last_status"], row["last_error"]) == (
            "failed",
            3,
            503,
            "HTTP 503",
        )
        assert row["finished_at"] is not None
        assert len(receiver.received) == 3  # no fourth attempt


async def test_private_targets_are_refused_at_delivery_time(
    db: asyncpg.Connection, connect: Database
) -> None:
    with Receiver() as receiver:
        url = receiver.url.replace("http://", "https://")
        _hook_id, _, _ = await subscribe(db, url)
        await emit(db, "proposal.proposed", ["south"], {})
        relay = Relay(connect.connect, TEST_SECRET, RelayConfig(allow_private=False))
        try:
            assert await relay.drain() == 2  # one event fanned out, one attempt made
        finally:
            await relay.aclose()
        assert receiver.received == []
    attempt = await db.fetchrow("SELECT * FROM webhook_attempts")
    assert attempt is not None
    assert attempt["status_code"] is None
    assert "loopback" in attempt["error"]
    assert attempt["error"].startswith("refused")
    row = await db.fetchrow("SELECT state, next_attempt_at > now() AS later FROM webhook_deliveries")
    assert row is not None
    assert (row["state"], row["later"]) == ("pending", True)  # retried later, in case the name moves


async def test_slow_receivers_time_out(db: asyncpg.Connection, connect: Database) -> None:
    release = threading.Event()

    def stalls(_: Received) -> int:
        release.wait(10)  # a receiver that hangs until the test lets it go
        return 200

    with Receiver(stalls) as receiver:
        await subscribe(db, receiver.url)
        await emit(db, "run.failed", [], {})
        config = RelayConfig(allow_private=True, timeout_s=0.3)
        relay = Relay(connect.connect, TEST_SECRET, config)
        try:
            started = time.monotonic()
            await relay.drain()
            assert time.monotonic() - started < 5
        finally:
            release.set()
            await relay.aclose()
    attempt = await db.fetchrow("SELECT * FROM webhook_attempts")
    assert attempt is not None
    assert attempt["error"] == "no response within 0.3 s"


async def test_revoked_owners_and_deleted_webhooks_get_nothing(
    db: asyncpg.Connection, connect: Database
) -> None:
    with Receiver() as receiver:
        revoked_hook, _, revoked_key = await subscribe(db, receiver.url)
        deleted_hook, _, deleted_key = await subscribe(db, receiver.url)
        await emit(db, "proposal.completed", ["east"], {})
        assert await webhooks_repo.fan_out(db, 10) == (1, 2)
        await keys_service.revoke(db, None, revoked_key)
        owner = Caller(key_id=deleted_key, role="partner")
        assert await webhooks_repo.delete_visible(db, owner, deleted_hook) is not None
        await emit(db, "proposal.completed", ["east"], {})
        relay = Relay(connect.connect, TEST_SECRET, FAST)
        try:
            await relay.drain()
        finally:
            await relay.aclose()
        assert receiver.received == []
    states = await db.fetch("SELECT webhook_id, state FROM webhook_deliveries ORDER BY webhook_id")
    assert [(r["webhook_id"], r["state"]) for r in states] == [
        (revoked_hook, "cancelled"),
        (deleted_hook, "cancelled"),
    ]
    assert await db.fetchval("SELECT count(*) FROM outbox_events WHERE dispatched_at IS NULL") == 0


async def test_several_relays_share_the_work_without_double_sending(
    db: asyncpg.Connection, connect: Database
) -> None:
    with Receiver() as receiver:
        await subscribe(db, receiver.url)
        await db.executemany(
            "INSERT INTO outbox_events (type, regions, payload) VALUES ('proposal.proposed', '{south}', $1)",
            [({"n": n},) for n in range(300)],
        )
        config = RelayConfig(allow_private=True, batch_size=20, poll_interval_s=0.02)
        relays = [Relay(connect.connect, TEST_SECRET, config) for _ in range(3)]
        async with Running(relays):
            await asyncio.to_thread(receiver.wait_for, lambda r: len({x.id for x in r}) == 300)
    counts = collections.Counter(r.id for r in receiver.received)
    assert len(counts) == 300
    assert max(counts.values()) == 1  # SKIP LOCKED: without a crash, nobody sends twice
    assert await db.fetchval("SELECT count(*) FROM webhook_deliveries WHERE state = 'delivered'") == 300
