"""`barter serve` dies between committing a LINE event's change and replying to it (a failpoint that
ends the process as SIGKILL would): the answer is not lost, the next relay sends it once the dead
request's claim on it has run out."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import httpx

from barter.channels.line.signature import sign
from tests.channels.standins import LinePlatform
from tests.cli.serving import ServerProcess
from tests.cli.test_notice_crash import linked_community
from tests.conftest import TEST_SECRET

CHANNEL_SECRET = "crash-test-channel-secret"


async def test_an_answer_committed_before_a_crash_is_sent_by_the_next_relay(
    db: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    await linked_community(db, ["Cgroup-pakbara"])
    with LinePlatform() as platform:
        line_env = {
            "BARTER_DATABASE_URL": database_url,
            "BARTER_SECRET": TEST_SECRET,
            "BARTER_LINE_CHANNEL_SECRET": CHANNEL_SECRET,
            "BARTER_LINE_CHANNEL_ACCESS_TOKEN": platform.access_token,
            "BARTER_LINE_API_BASE": platform.url,
        }
        server = ServerProcess(
            tmp_path / "data", extra_env={**line_env, "BARTER_FAILPOINT": "line.reply.before_send"}
        )
        server.start()
        server.wait_healthy()
        event = {
            "type": "message",
            "message": {"type": "text", "id": "1", "text": "มีปลาเค็ม 200 กิโล", "quoteToken": "q"},
            "webhookEventId": "01CRASHTESTEVENT000000000001",
            "deliveryContext": {"isRedelivery": False},
            "timestamp": int(time.time() * 1000),
            "source": {"type": "group", "groupId": "Cgroup-pakbara", "userId": "Ufisher1"},
            "replyToken": "reply-token-of-the-crash",
            "mode": "active",
        }
        body = json.dumps({"destination": "U" + "0" * 32, "events": [event]}, ensure_ascii=False).encode()
        headers = {"content-type": "application/json", "x-line-signature": sign(CHANNEL_SECRET, body)}
        async with httpx.AsyncClient(base_url=server.url) as http:
            with contextlib.suppress(httpx.HTTPError):  # the server dies before answering
                await http.post("/line/webhook", content=body, headers=headers, timeout=30)
        assert server.process is not None
        assert await asyncio.to_thread(server.process.wait, 60) == 137  # died at the failpoint
        server.process = None
        # The change and its answer were committed together; nothing reached LINE yet.
        assert await db.fetchval("SELECT count(*) FROM line_drafts") == 1
        assert await db.fetchval("SELECT state FROM line_replies") == "pending"
        assert platform.sent == []
        # The dead request's claim on its answer keeps relays off it for a while (CLAIM_S): a
        # relay now finds nothing due...
        assert await db.fetchval("SELECT next_attempt_at > now() FROM line_replies")
        # ...until the claim runs out (moved here, rather than waited for).
        await db.execute("UPDATE line_replies SET next_attempt_at = now()")

        relay = subprocess.run(  # noqa: ASYNC221 (a short child process the test waits for)
            [sys.executable, "-m", "barter", "relay", "--once"],
            env={**os.environ, **line_env, "BARTER_DATA_DIR": str(tmp_path / "data")},
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert relay.returncode == 0, relay.stderr.decode(errors="replace")
        [sent] = platform.sent
        # By reply while the token lives (a slow machine may pass its 25 s: then by push).
        assert (sent.kind, sent.target) in {("reply", "reply-token-of-the-crash"), ("push", "Cgroup-pakbara")}
        assert "ปลาเค็ม 200 กก." in sent.messages[0]["text"]
        assert await db.fetchval("SELECT state FROM line_replies") == "sent"
