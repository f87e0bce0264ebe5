"""The webhook relay: outbox events become deliveries, and deliveries become signed POSTs.

At least once: a delivery is claimed with `FOR UPDATE SKIP LOCKED` inside a transaction that
also records its outcome, so a relay that dies mid-delivery (SIGKILL, power cut) leaves the row
pending and unlocked, and the next relay sends it again with the same `webhook-id`. Any number
of relays may run (in every `barter serve` process and as `barter relay`): fan-out and claims
skip the rows another relay holds, so they share the work without waiting on each other.

Failed attempts are retried with exponential backoff (base x 2^(n-1), capped, with jitter) up to
`max_attempts`, then the delivery is `failed`. Relays wake on NOTIFY from the outbox trigger and
poll every `poll_interval_s` for retries that fall due.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import asyncpg
import msgspec

from barter.domain.grants import subscriber_data
from barter.storage.repos import webhooks as repo
from barter.storage.repos.webhooks import AttemptResult
from barter.webhooks.sender import Sender
from barter.webhooks.signing import message_id, signed_headers, signing_key

log = logging.getLogger("barter.relay")

CHANNEL = "barter_outbox"
Connect = Callable[[], Awaitable[asyncpg.Connection]]


@dataclass(frozen=True, slots=True)
class RelayConfig:
    allow_private: bool = False
    batch_size: int = 50
    concurrency: int = 16
    timeout_s: float = 10.0
    base_delay_s: float = 5.0
    max_delay_s: float = 6 * 3600.0
    max_attempts: int = 16
    jitter: float = 0.1
    poll_interval_s: float = 1.0
    reconnect_delay_s: float = 2.0


def retry_delay(config: RelayConfig, attempts: int, rng: random.Random) -> float:
    """Seconds before attempt `attempts + 1`: 5 s, 10 s, 20 s ... capped at 6 h (with the defaults,
    16 attempts span about a day)."""
    delay = min(config.max_delay_s, config.base_delay_s * 2.0 ** (attempts - 1))
    return delay * (1.0 + config.jitter * rng.random())


_encoder = msgspec.json.Encoder()


def event_body(event_type: str, created_at: datetime, regions: list[str], data: Any) -> bytes:
    """The JSON every subscriber receives, the same bytes on every attempt."""
    return _encoder.encode({"type": event_type, "timestamp": created_at, "regions": regions, "data": data})


class RoundStep(Protocol):
    """More work for each relay round on the relay's connection (the community notices of
    barter/channels/notices.py), so it shares the relay's wake-ups, reconnects and shutdown."""

    async def step(self, conn: asyncpg.Connection) -> int: ...

    async def aclose(self) -> None: ...


class Relay:
    def __init__(
        self,
        connect: Connect,
        server_secret: str,
        config: RelayConfig | None = None,
        notices: RoundStep | None = None,
    ) -> None:
        self.connect = connect
        self.server_secret = server_secret
        self.config = config or RelayConfig()
        self.notices = notices  # community notices (LINE, SMS) from the same outbox, in the same rounds
        self.sender = Sender(allow_private=self.config.allow_private, timeout_s=self.config.timeout_s)
        self._conn: asyncpg.Connection | None = None
        self._wake = asyncio.Event()
        self._rng = random.Random()  # noqa: S311 (retry jitter, not a secret)

    # --- one round ---------------------------------------------------------------------------

    async def step(self) -> int:
        """Fan out pending events, then attempt one batch of due deliveries; returns the work done."""
        conn = await self._connection()
        self._wake.clear()
        events, _ = await repo.fan_out(conn, self.config.batch_size * 4)
        worked = events + await self._deliver_due(conn)
        if self.notices is not None:
            worked += await self.notices.step(conn)
        return worked

    async def drain(self) -> int:
        """Rounds until nothing is left to do now (retries due later stay pending)."""
        total = 0
        while worked := await self.step():
            total += worked
        return total

    async def _deliver_due(self, conn: asyncpg.Connection) -> int:
        async with conn.transaction():
            rows = await repo.claim_due(conn, self.config.batch_size)
            if not rows:
                return 0
            await repo.cancel(conn, [r["id"] for r in rows if not r["active"]])
            slots = asyncio.Semaphore(self.config.concurrency)
            results = await asyncio.gather(*(self._attempt(row, slots) for row in rows if row["active"]))
            await repo.record(conn, results)
        delivered = sum(r.state == "delivered" for r in results)
        log.debug("relay: %d delivered, %d to retry or failed", delivered, len(results) - delivered)
        return len(rows)

    async def _attempt(self, row: asyncpg.Record, slots: asyncio.Semaphore) -> AttemptResult:
        data = subscriber_data(row["payload"], detail=row["detail"])
        body = event_body(row["type"], row["event_created_at"], row["regions"], data)
        key = signing_key(self.server_secret, bytes(row["secret_salt"]))
        async with slots:
            at = datetime.now(UTC)
            headers = signed_headers(key, message_id(row["event_id"]), int(time.time()), body)
            outcome = await self.sender.post(row["url"], headers, body)
        number = row["attempts"] + 1
        if outcome.ok:
            state, retry_in = "delivered", 0.0
        elif number >= self.config.max_attempts:
            state, retry_in = "failed", 0.0
        else:
            state, retry_in = "pending", retry_delay(self.config, number, self._rng)
        if not outcome.ok:
            log.info("webhook delivery %d attempt %d: %s", row["id"], number, outcome.error)
        return AttemptResult(
            delivery_id=row["id"],
            number=number,
            at=at,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
            state=state,
            retry_in_s=retry_in,
        )

    # --- the loop ----------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set; database trouble is logged and retried, never fatal."""
        while not stop.is_set():
            try:
                worked = await self.step()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
                log.warning("relay: database unavailable (%s); retrying", exc)
                await self._disconnect()
                await self._pause(stop, self.config.reconnect_delay_s)
                continue
            except Exception:
                log.exception("relay: unexpected error; retrying")
                await self._disconnect()
                await self._pause(stop, self.config.reconnect_delay_s)
                continue
            if not worked:
                await self._pause(stop, self.config.poll_interval_s)

    async def _pause(self, stop: asyncio.Event, seconds: float) -> None:
        waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(self._wake.wait())]
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _connection(self) -> asyncpg.Connection:
        if self._conn is None or self._conn.is_closed():
            conn = await self.connect()
            await conn.add_listener(CHANNEL, self._notified)
            self._conn = conn
        return self._conn

    def _notified(self, *_: object) -> None:
        self._wake.set()

    async def _disconnect(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.close(), 5.0)

    async def aclose(self) -> None:
        await self._disconnect()
        await self.sender.aclose()
        if self.notices is not None:
            await self.notices.aclose()


class RelayTask:
    """A relay running in the background of the current event loop (the API's lifespan)."""

    def __init__(self, relay: Relay) -> None:
        self.relay = relay
        self._stop = asyncio.Event()
        self._task = asyncio.create_task(relay.run(self._stop), name="barter-relay")

    async def stop(self) -> None:
        """Let the batch in flight finish (bounded by the attempt timeout), then close."""
        self._stop.set()
        _, pending = await asyncio.wait({self._task}, timeout=self.relay.config.timeout_s + 5.0)
        if pending:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.relay.aclose()
