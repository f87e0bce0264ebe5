"""`barter serve` dies around its reply to a LINE event (failpoints that end the process as SIGKILL
would): the answer is never lost while it can still be sent, and never shown twice.

- Before it went out (after the commit): the next relay sends it once the dead request's claim
  on it has run out, by push with the answer's retry key.
- After LINE took the reply, before the outcome was recorded: LINE spends a reply token once, so
  the relay tries only that token again, is refused, and does not push: shown once.
- After barter noted that a reply was going out, before it went: the relay's try of the same
  token, still alive, sends it: shown once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from barter.channels.line.signature import sign
from tests.channels.standins import LinePlatform
from tests.cli.serving import ServerProcess
from tests.cli.test_notice_crash import linked_community
from tests.conftest import TEST_SECRET

CHANNEL_SECRET = "crash-test-channel-secret"
TOKEN = "reply-token-of-the-crash"


@dataclass
class Crashed:
    platform: LinePlatform
    env: dict[str, str]
    data_dir: Path

    def relay_once(self) -> None:
        relay = subprocess.run(
            [sys.executable, "-m", "barter", "relay", "--once"],
            env={**os.environ, **self.env, "BARTER_DATA_DIR": str(self.data_dir)},
            capture_output=True,
            timeout=120,
            check=False,
        )
        assert relay.returncode == 0, relay.stderr.decode(errors="replace")


async def _crash_at(
    failpoint: str, db: asyncpg.Connection, database_url: str, tmp_path: Path, platform: LinePlatform
) -> Crashed:
    """A linked group writes a post to a server that dies at `failpoint` while answering it."""
    await linked_community(db, ["Cgroup-pakbara"])
    env = {
        "BARTER_DATABASE_URL": database_url,
        "BARTER_SECRET": TEST_SECRET,
        "BARTER_LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "BARTER_LINE_CHANNEL_ACCESS_TOKEN": platform.access_token,
        "BARTER_LINE_API_BASE": platform.url,
    }
    server = ServerProcess(tmp_path / "data", extra_env={**env, "BARTER_FAILPOINT": failpoint})
    server.start()
    server.wait_healthy()
    event = {
        "type": "message",
        "message": {"type": "text", "id": "1", "text": "มีปลาเค็ม 200 กิโล", "quoteToken": "q"},
        "webhookEventId": "01CRASHTESTEVENT000000000001",
        "deliveryContext": {"isRedelivery": False},
        "timestamp": int(time.time() * 1000),
        "source": {"type": "group", "groupId": "Cgroup-pakbara", "userId": "Ufisher1"},
        "replyToken": TOKEN,
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
    # The change and its answer were committed together.
    assert await db.fetchval("SELECT count(*) FROM line_drafts") == 1
    assert await db.fetchval("SELECT state FROM line_replies") == "pending"
    # The dead request's claim on its answer keeps relays off it for a while (CLAIM_S): a relay now
    # finds nothing due, until the claim runs out (moved here, rather than waited for).
    assert await db.fetchval("SELECT next_attempt_at > now() FROM line_replies")
    await db.execute("UPDATE line_replies SET next_attempt_at = now()")
    return Crashed(platform, env, tmp_path / "data")


def _shown(platform: LinePlatform) -> list[str]:
    """What the group saw, message by message."""
    return [m["text"] for sent in platform.sent for m in sent.messages]


async def test_an_answer_committed_before_a_crash_is_sent_by_the_next_relay(
    db: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    with LinePlatform() as platform:
        crashed = await _crash_at("line.reply.before_send", db, database_url, tmp_path, platform)
        assert platform.requests == []  # nothing reached LINE
        crashed.relay_once()
        [sent] = platform.sent
        # No reply was tried: the relay pushes it, with the answer's own retry key.
        assert (sent.kind, sent.target) == ("push", "Cgroup-pakbara")
        assert sent.retry_key == str(await db.fetchval("SELECT retry_key FROM line_replies"))
        assert "ปลาเค็ม 200 กก." in sent.messages[0]["text"]
        assert tuple(await db.fetchrow("SELECT state, sent_as FROM line_replies") or ()) == ("sent", "push")


async def test_a_reply_line_took_before_a_crash_is_not_sent_again(
    db: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    with LinePlatform() as platform:
        crashed = await _crash_at("line.reply.before_record", db, database_url, tmp_path, platform)
        [reply] = platform.sent  # LINE took the reply; barter died before writing that down
        assert (reply.kind, reply.target) == ("reply", TOKEN)
        shown = _shown(platform)
        crashed.relay_once()
        crashed.relay_once()
        # The relay tried the same token (LINE refused it: spent) and pushed nothing.
        assert _shown(platform) == shown
        assert [r.path for r in platform.requests] == ["/v2/bot/message/reply"] * 2
        row = await db.fetchrow("SELECT state, sent_as, last_status FROM line_replies")
        assert tuple(row or ()) == ("sent", "reply", 400)


async def test_a_reply_noted_but_not_sent_before_a_crash_goes_with_its_token(
    db: asyncpg.Connection, database_url: str, tmp_path: Path
) -> None:
    with LinePlatform() as platform:
        crashed = await _crash_at("line.reply.before_reply", db, database_url, tmp_path, platform)
        assert platform.requests == []  # noted as going out, then died: nothing reached LINE
        crashed.relay_once()
        crashed.relay_once()
        [sent] = platform.sent
        assert (sent.kind, sent.target) == ("reply", TOKEN)  # the token still lived: once, free
        assert "ปลาเค็ม 200 กก." in sent.messages[0]["text"]
        assert tuple(await db.fetchrow("SELECT state, sent_as FROM line_replies") or ()) == ("sent", "reply")
