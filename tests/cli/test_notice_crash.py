"""`barter relay` killed with SIGKILL again and again while it pushes LINE notices: none is lost,
and none is shown twice (each push carries its notice's X-Line-Retry-Key, which LINE answers 409
once it was accepted).

Each incarnation is killed shortly after it starts pushing, with its next push held at the
stand-in of the LINE platform, so kills land with a push in flight and its outcome unrecorded.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from barter.domain.access import Caller
from barter.schemas.keys import KeyCreate
from barter.services import keys as keys_service
from barter.services import line as line_service
from barter.storage.database import init_connection
from barter.storage.repos import communities as communities_repo
from barter.storage.repos.outbox import emit
from tests.channels.standins import LinePlatform, Request
from tests.conftest import TEST_SECRET

EVENTS = 300
CHATS = 2
MIN_KILLS = 8


def start_relay(database_url: str, tmp_path: Path, platform: LinePlatform) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "BARTER_DATABASE_URL": database_url,
        "BARTER_SECRET": TEST_SECRET,
        "BARTER_DATA_DIR": str(tmp_path),
        "BARTER_LOG_LEVEL": "warning",
        "BARTER_LINE_CHANNEL_SECRET": "channel-secret",
        "BARTER_LINE_CHANNEL_ACCESS_TOKEN": platform.access_token,
        "BARTER_LINE_API_BASE": platform.url,
    }
    log = (tmp_path / "relay.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "barter", "relay", "--poll", "0.05", "--base-delay", "0.1", "--timeout", "3"],
        env=env,
        stdout=log,
        stderr=log,
    )


async def produce(database_url: str, community_id: int, done: asyncio.Event) -> None:
    conn = await asyncpg.connect(database_url)
    await init_connection(conn)
    try:
        for batch in range(EVENTS // 10):
            async with conn.transaction():
                for n in range(10):
                    payload = {"proposal_id": batch * 10 + n, "communities": [community_id], "reason": None}
                    await emit(conn, "proposal.approved", ["south"], payload)
            await asyncio.sleep(0.05)  # pacing the producer, not waiting for any state
    finally:
        await conn.close()
        done.set()


async def test_killing_the_relay_mid_push_loses_no_notice_and_shows_none_twice(
    db: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    community = await communities_repo.insert(
        db, subdistrict_code=None, name_th="บ้านปากบารา", name_en=None, kind="fishing",
        province_code="91", lat=6.86, lon=99.72, contact=None,
    )  # fmt: skip
    admin = await keys_service.create(db, None, TEST_SECRET, KeyCreate(role="admin"))
    caller = Caller(key_id=admin.id, role="admin")
    for chat in range(CHATS):
        code = await line_service.issue_code(db, caller, TEST_SECRET, community["id"], datetime.now(UTC))
        await line_service.redeem_code(
            db, TEST_SECRET, code.code, chat_id=f"Cchat{chat}", chat_type="group", user_id=None,
            now=datetime.now(UTC),
        )  # fmt: skip

    hold = threading.Event()
    held = threading.Event()
    release = threading.Event()

    def gate(_: Request) -> None:
        if hold.is_set():
            held.set()
            release.wait(30)

    rng = random.Random(11)
    with LinePlatform() as platform:
        platform.gate = gate

        def accepted() -> int:
            return len(platform.sent)

        produced = asyncio.Event()
        producer = asyncio.create_task(produce(database_url, community["id"], produced))
        kills = mid_push = 0
        while kills < MIN_KILLS or not produced.is_set():
            seen = len(platform.requests)
            relay = start_relay(database_url, tmp_path, platform)
            try:
                deadline = time.monotonic() + 60
                while len(platform.requests) <= seen and not (
                    produced.is_set() and accepted() == EVENTS * CHATS
                ):
                    assert time.monotonic() < deadline, (tmp_path / "relay.log").read_text()
                    await asyncio.sleep(0.01)  # polling the stand-in, bounded
                await asyncio.sleep(rng.uniform(0.0, 0.15))
                release.clear()
                held.clear()
                hold.set()
                await asyncio.to_thread(held.wait, 2)
            finally:
                mid_push += held.is_set()
                relay.send_signal(signal.SIGKILL)
                assert relay.wait(30) == -signal.SIGKILL
                hold.clear()
                release.set()
            kills += 1
        await producer

        last = start_relay(database_url, tmp_path, platform)
        try:
            deadline = time.monotonic() + 120
            while await db.fetchval("SELECT count(*) FROM notifications WHERE state <> 'sent'") or (
                await db.fetchval("SELECT count(*) FROM outbox_events WHERE notified_at IS NULL")
            ):
                assert time.monotonic() < deadline, "notices still pending after 120 s"
                await asyncio.sleep(0.1)  # polling the database, bounded by the deadline
        finally:
            last.send_signal(signal.SIGTERM)
            assert last.wait(30) == 0, (tmp_path / "relay.log").read_text()

    rows = await db.fetch("SELECT retry_key::text AS key, target FROM notifications")
    assert len(rows) == EVENTS * CHATS  # every event reached every linked chat
    shown = [s.retry_key or "" for s in platform.sent]  # pushes LINE accepted (and would show)
    assert sorted(shown) == sorted(r["key"] for r in rows)  # each notice shown exactly once
    pushes = [r for r in platform.requests if r.path == "/v2/bot/message/push"]
    resent = len(pushes) - len(shown)
    assert kills >= MIN_KILLS
    assert mid_push >= 3, f"only {mid_push} of {kills} kills found a push in flight"
    assert resent >= 1, "no kill left a push to be resent: the test did not test the retry key"
    print(f"\n{kills} kills, {mid_push} with a push in flight, {resent} pushes resent and answered 409")
