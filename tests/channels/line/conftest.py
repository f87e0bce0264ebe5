"""A barter server with its LINE channel on, talking to a local stand-in of the LINE platform."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from litestar import Litestar

from barter.channels.line.signature import sign
from barter.channels.notices import notices_from_settings
from barter.domain.clock import ManualClock
from barter.settings import Settings
from barter.storage.database import init_connection
from barter.webhooks.relay import Relay, RelayConfig
from tests.apps import app_for
from tests.channels.standins import LinePlatform, SmsGateway
from tests.conftest import TEST_SECRET
from tests.world import Client, world

__all__ = ["world"]

CHANNEL_SECRET = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
_ids = itertools.count(1)


@pytest.fixture
def line_platform() -> Iterator[LinePlatform]:
    with LinePlatform() as platform:
        yield platform


@pytest.fixture
def sms_gateway() -> Iterator[SmsGateway]:
    with SmsGateway() as gateway:
        yield gateway


@pytest.fixture
def settings(
    database_url: str, tmp_path: Path, line_platform: LinePlatform, sms_gateway: SmsGateway
) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "data",
        secret=TEST_SECRET,
        line_channel_secret=CHANNEL_SECRET,
        line_channel_access_token=line_platform.access_token,
        line_api_base=line_platform.url,
        sms_api_key=sms_gateway.api_key,
        sms_api_secret=sms_gateway.api_secret,
        sms_sender="BARTER",
        sms_api_base=sms_gateway.url,
    )


@pytest.fixture
async def relay(settings: Settings, database_url: str) -> AsyncIterator[Relay]:
    async def connect() -> asyncpg.Connection:
        conn: asyncpg.Connection = await asyncpg.connect(database_url)
        await init_connection(conn)
        return conn

    config = RelayConfig(base_delay_s=0.01, max_attempts=3)
    relay = Relay(connect, TEST_SECRET, config, notices_from_settings(settings, config))
    yield relay
    await relay.aclose()


@pytest.fixture
def app(settings: Settings, clock: ManualClock) -> Litestar:
    """No background relay: the tests run the relay themselves, when they choose."""
    return app_for(settings, clock=clock, relay=False)


def now_ms() -> int:
    """An event's LINE timestamp: now (events older than the history kept are ignored)."""
    return int(time.time() * 1000)


def event_id() -> str:
    return f"01TESTEVENT{next(_ids):015d}"


def source(chat: str, user: str) -> dict[str, str]:
    if chat.startswith("C"):
        return {"type": "group", "groupId": chat, "userId": user}
    return {"type": "user", "userId": chat}


def message(text: str, chat: str = "Cgroup-pakbara", user: str = "Ufisher1", **extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "message": {"type": "text", "id": str(next(_ids)), "text": text, "quoteToken": "q"},
        "webhookEventId": extra.get("event_id") or event_id(),
        "deliveryContext": {"isRedelivery": False},
        "timestamp": now_ms(),
        "source": source(chat, user),
        "replyToken": f"reply-{next(_ids)}",
        "mode": "active",
    }


def postback(data: str, chat: str = "Cgroup-pakbara", user: str = "Ufisher1") -> dict[str, Any]:
    return {
        "type": "postback",
        "postback": {"data": data},
        "webhookEventId": event_id(),
        "deliveryContext": {"isRedelivery": False},
        "timestamp": now_ms(),
        "source": source(chat, user),
        "replyToken": f"reply-{next(_ids)}",
        "mode": "active",
    }


async def deliver(client: Client, *events: dict[str, Any], signature: str | None = "sign") -> Any:
    """POST the events as the LINE platform does: compact JSON, signed with the channel secret."""
    body = json.dumps({"destination": "U" + "0" * 32, "events": list(events)}, ensure_ascii=False).encode()
    headers = {"content-type": "application/json"}
    if signature == "sign":
        headers["x-line-signature"] = sign(CHANNEL_SECRET, body)
    elif signature is not None:
        headers["x-line-signature"] = signature
    return await client.post("/line/webhook", content=body, headers=headers)
