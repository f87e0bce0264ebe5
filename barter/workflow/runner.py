"""Matching runs, off the event loop, one at a time per region across every server process.

A run holds, on a dedicated connection (never a pooled one), a session advisory lock per region
of its scope, so a second run touching one of those regions is refused at once (409), in this
process or any other; and a lock on its own id, which says "this run is alive". When a process
dies, PostgreSQL drops its locks: the next start finds unfinished runs whose id lock is free and
marks them failed. Proposals are written in one transaction at the end of a run, so a run cut
short holds nothing.

The engine runs in a separate process (a spawned worker): it is CPU-bound Python and C++, and the
API must keep answering while it works.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import logging
import multiprocessing
import os
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import asyncpg
import msgspec

from barter.domain.clock import Clock, thai_today
from barter.domain.errors import Conflict
from barter.domain.model import REGIONS
from barter.failpoints import failpoint
from barter.matching.model import EngineSettings, Instance, Solution
from barter.matching.snapshot import build_instance
from barter.processes import follow_parent
from barter.services import catalogue
from barter.services.proposals import create_all
from barter.settings import DECLINE_COOLDOWN_DAYS
from barter.storage.database import Database
from barter.storage.repos import outbox
from barter.storage.repos import repair as repair_repo
from barter.storage.repos import runs as runs_repo

log = logging.getLogger(__name__)

REGION_LOCKS = 1650553461  # "bart" + 1: one advisory lock per region under this namespace
RUN_ALIVE = 1650553462  # "bart" + 2: a run holds this with its own id while it lives
EXPIRY_LOCK = 0x62617274_00000003


def solve_encoded(instance: bytes, processes: int = 0) -> bytes:
    """The engine in a worker process: JSON in, JSON out (plain bytes cross the boundary).
    `processes`: worker processes for independent sub-markets and pieces (0: the cores it may use)."""
    from barter.matching.engine import solve
    from barter.matching.model import decode_instance, encode

    return encode(solve(decode_instance(instance), processes=processes or None))


_executor: concurrent.futures.ProcessPoolExecutor | None = None
_executor_lock = threading.Lock()


def engine_executor() -> concurrent.futures.ProcessPoolExecutor:
    """One spawned worker process per server process, started on first use."""
    global _executor  # noqa: PLW0603 (one pool per process, by design)
    with _executor_lock:
        if _executor is None:
            _executor = concurrent.futures.ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=follow_parent,
                initargs=(os.getpid(),),
            )
            atexit.register(_executor.shutdown, wait=False, cancel_futures=True)
        return _executor


@dataclass
class Reservation:
    """The regions a run will use, locked on its own connection."""

    conn: asyncpg.Connection
    regions: list[str]
    run_id: int | None = None

    async def mark(self, run_id: int) -> None:
        self.run_id = run_id
        await self.conn.execute("SELECT pg_advisory_lock($1, $2)", RUN_ALIVE, run_id)

    async def release(self) -> None:
        if not self.conn.is_closed():
            await self.conn.close()


@dataclass
class Runner:
    database: Database
    clock: Clock
    hold: timedelta
    use_process: bool = True
    heartbeat_s: float = 1.0
    cooldown: timedelta = timedelta(days=DECLINE_COOLDOWN_DAYS)  # declined arcs left out this long
    engine_processes: int = 0  # worker processes for sub-markets and pieces (0: the cores)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _listener: asyncpg.Connection | None = None
    _closing: bool = False

    async def reserve(self, regions: list[str]) -> Reservation:
        conn = await self.database.connect()
        try:
            for region in sorted(regions):
                if not await conn.fetchval(
                    "SELECT pg_try_advisory_lock($1, $2)", REGION_LOCKS, REGIONS.index(region)
                ):
                    raise Conflict(
                        f"A matching run is already under way for the {region} region; wait for it to finish",
                        code="run_in_progress",
                        extra={"state": "running", "region": region},
                    )
        except BaseException:
            await conn.close()
            raise
        return Reservation(conn, sorted(regions))

    async def start(self, reservation: Reservation) -> None:
        task = asyncio.create_task(self._execute(reservation))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait(self) -> None:
        """Wait for this process's runs to finish (tests, and a graceful stop)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        self._closing = True  # no queued repair starts from here on
        if self._listener is not None and not self._listener.is_closed():
            await self._listener.close()
        while self._tasks:
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # --- repair runs: queued by a decline's transaction, started here when their regions are free ---

    async def listen(self) -> None:
        """Hear each repair queued by a decline as its transaction commits (LISTEN, on a dedicated
        connection), and start those already waiting."""
        await self._connect_listener()
        await self.start_queued()

    async def keep_listening(self) -> bool:
        """LISTEN again if the dedicated connection was lost (the database restarted, failed over,
        or ended the backend); the server's sweeper calls this each round, then starts what was
        queued meanwhile (notices sent while nobody listened are lost). True if it reconnected."""
        if self._closing or self._listener is None or not self._listener.is_closed():
            return False
        await self._connect_listener()
        return True

    async def _connect_listener(self) -> None:
        conn = await self.database.connect()
        await conn.add_listener(repair_repo.NOTIFY_CHANNEL, self._heard)
        self._listener = conn

    def _heard(self, *_: object) -> None:
        task = asyncio.get_running_loop().create_task(self._start_queued_quietly())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _start_queued_quietly(self) -> None:
        try:
            await self.start_queued()
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            log.exception("starting queued repair runs failed; the sweeper tries again")

    async def start_queued(self) -> list[int]:
        """Start every queued repair run whose regions are free, each once across all processes:
        its own id's lock first (whoever holds it has it), then its regions' locks without
        waiting. A repair whose regions another run holds stays queued, and is tried again when a
        run of this process ends, on the next decline's notice, and by the periodic sweeper."""
        if self._closing:
            return []
        conn = await self.database.connect()
        try:
            queued = await repair_repo.queued_repairs(conn)
        finally:
            await conn.close()
        started = []
        for row in queued:
            reservation = await self._pick(row["id"], list(row["regions"]))
            if reservation is not None:
                await self.start(reservation)
                started.append(row["id"])
        return started

    async def _pick(self, run_id: int, regions: list[str]) -> Reservation | None:
        conn = await self.database.connect()
        try:
            if not await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", RUN_ALIVE, run_id):
                await conn.close()
                return None
            for region in sorted(regions):
                if not await conn.fetchval(
                    "SELECT pg_try_advisory_lock($1, $2)", REGION_LOCKS, REGIONS.index(region)
                ):
                    await conn.close()  # drops every lock it took: the repair stays queued
                    return None
        except BaseException:
            await conn.close()
            raise
        return Reservation(conn, sorted(regions), run_id)

    async def recover(self) -> list[int]:
        """Mark failed the unfinished runs whose process is gone (their id lock is free)."""
        failed = []
        conn = await self.database.connect()
        try:
            for row in await runs_repo.unfinished(conn):
                if await conn.fetchval("SELECT pg_try_advisory_lock($1, $2)", RUN_ALIVE, row["id"]):
                    async with conn.transaction():
                        done = await runs_repo.failed(
                            conn,
                            row["id"],
                            "interrupted: the server stopped before the run finished",
                            self.clock.now(),
                        )
                        if done is not None:
                            await outbox.emit(conn, "run.failed", row["regions"], _run_event(done))
                            failed.append(row["id"])
                    await conn.execute("SELECT pg_advisory_unlock($1, $2)", RUN_ALIVE, row["id"])
        finally:
            await conn.close()
        return failed

    async def _execute(self, reservation: Reservation) -> None:
        conn, run_id = reservation.conn, reservation.run_id
        assert run_id is not None
        try:
            await self._run(conn, run_id, reservation.regions)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await asyncio.shield(self._fail(conn, run_id, "interrupted: the server is stopping"))
            raise
        except Exception as exc:
            log.exception("matching run %d failed", run_id)
            with contextlib.suppress(Exception):
                await self._fail(conn, run_id, f"{type(exc).__name__}: {exc}")
        finally:
            await reservation.release()
        # its regions are free again: a repair that waited for them starts now
        await self._start_queued_quietly()

    async def _fail(self, conn: asyncpg.Connection, run_id: int, error: str) -> None:
        async with conn.transaction():
            row = await runs_repo.failed(conn, run_id, error, self.clock.now())
            if row is not None:
                await outbox.emit(conn, "run.failed", row["regions"], _run_event(row))

    async def _run(self, conn: asyncpg.Connection, run_id: int, regions: list[str]) -> None:
        if not await runs_repo.start(conn, run_id, self.clock.now()):
            return  # not queued any more (failed by a recovery, or never committed)
        row = await runs_repo.get(conn, run_id)
        assert row is not None
        settings = msgspec.convert({**row["settings"], "seed": row["seed"]}, EngineSettings)
        today = thai_today(self.clock.now())  # the communities' day, as the planner's
        communities, items, offers, needs = await runs_repo.snapshot(conn, regions, today)
        cooling = await repair_repo.cooling_arcs(
            conn, self.clock.now() - self.cooldown, [o.id for o in offers], [n.id for n in needs]
        )
        instance = build_instance(settings, communities, items, offers, needs, today, excluded=cooling)
        await runs_repo.progress(
            conn,
            run_id,
            0.1,
            f"solving {len(instance.offers)} offers and {len(instance.needs)} needs",
            self.clock.now(),
        )
        started = time.monotonic()
        solution = await self._solve(conn, run_id, instance)
        counts: dict[str, Any] = {
            "communities": len(instance.communities),
            "offers": len(instance.offers),
            "needs": len(instance.needs),
            "excluded_arcs": len(instance.excluded),
            "exchanges": len(solution.exchanges),
            "solve_seconds": round(solution.solve_seconds, 3),
            "wall_seconds": round(time.monotonic() - started, 3),
        }
        gap = (
            (solution.upper_bound - solution.objective) / max(1.0, abs(solution.upper_bound))
            if solution.status != "infeasible_input"
            else None
        )
        await runs_repo.solved(
            conn,
            run_id,
            engine_status=solution.status,
            objective=solution.objective,
            upper_bound=solution.upper_bound,
            gap=gap,
            counts=counts,
            now=self.clock.now(),
        )
        async with conn.transaction():
            # the explanations written next say goods added since this process started (another
            # process's too) in their counting words: ไก่ย่าง 9 ตัว (barter.domain.units.goods_known)
            await catalogue.current(conn)
            made = await create_all(
                conn,
                run_id=run_id,
                instance=instance,
                exchanges=solution.exchanges,
                hold=self.hold,
                clock=self.clock,
                road_factor=settings.road_factor,
            )
            counts |= {"proposals": len(made.proposals), "dropped": made.dropped}
            failpoint("run.before_commit")
            message = f"{len(made.proposals)} proposals"
            if made.dropped:
                message += f", {made.dropped} dropped (the market moved since the snapshot)"
            if made.unstorable:
                counts["unstorable"] = made.unstorable
                message += f", {made.unstorable} left out (a quantity below 0.0001)"
            done = await runs_repo.succeeded(conn, run_id, counts, self.clock.now(), message)
            await outbox.emit(conn, "run.succeeded", regions, _run_event(done))

    async def _solve(self, conn: asyncpg.Connection, run_id: int, instance: Instance) -> Solution:
        from barter.matching.model import decode_solution, encode

        loop = asyncio.get_running_loop()
        payload = encode(instance)
        if self.use_process:
            future = loop.run_in_executor(engine_executor(), solve_encoded, payload, self.engine_processes)
        else:
            future = loop.run_in_executor(None, solve_encoded, payload, self.engine_processes)
        limit = instance.settings.time_limit_s
        started = time.monotonic()
        while True:
            done, _ = await asyncio.wait({future}, timeout=self.heartbeat_s)
            if done:
                return decode_solution(future.result())
            elapsed = time.monotonic() - started
            await runs_repo.progress(
                conn,
                run_id,
                0.1 + 0.75 * min(1.0, elapsed / limit),
                f"solving: {elapsed:.0f} s of at most {limit:.0f} s",
                self.clock.now(),
            )


def _run_event(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "run_id": row["id"],
        "status": row["status"],
        "regions": list(row["regions"]),
        "objective": row["objective"],
        "upper_bound": row["upper_bound"],
        "counts": row["counts"],
        "error": row["error"],
        "kind": row["kind"],
        "repair_of": row["repair_of"],
    }


async def sweep_expired(pool: asyncpg.Pool, clock: Clock) -> list[int]:
    """Release the holds that ran out, open recurring offers' next quantities and announce the
    arrivals that fell due: one sweeper at a time, across processes (a second one waits for the
    first, then finds what is left; skipping instead left a caller's sweep undone whenever the
    server's periodic one happened to be running). Returns the proposals expired."""
    from barter.services.arrivals import announce_due
    from barter.services.listings import open_recurring
    from barter.services.proposals import expire_due

    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", EXPIRY_LOCK)
        await open_recurring(conn, clock)  # type: ignore[arg-type]
        await announce_due(conn, clock)  # type: ignore[arg-type]
        return await expire_due(conn, clock)  # type: ignore[arg-type]
