"""Logistics planning off the request path, a bounded number at a time (issue 16, item 13).

A plan is CPU-bound Python (the planner is pure and single-threaded): in a thread it would hold
the interpreter lock and stall every other request of the process. It runs in a pool of spawned
worker processes instead, started at the lowest scheduling priority (nice 19), so the API's reads
keep their share of the CPU while plans are made.

How many run at once is bounded across every server process with transaction-scoped advisory
locks taken in the planning request's own transaction (held until it commits or rolls back):
`plan_concurrency` slots overall and `plan_per_key` per key (Settings). A request that finds no
free slot is refused at once with 429 and Retry-After instead of queueing behind 30-second plans.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import multiprocessing
import os
import threading

import asyncpg

from barter.domain.access import Caller
from barter.domain.errors import FieldError, TooManyRequests
from barter.logistics import Plan, PlanInput, PlanInputError, plan
from barter.processes import follow_parent
from barter.settings import Settings

PLAN_SLOTS = 0x62617274_00000100  # "bart" + 256 + slot: the overall slots
PLAN_KEY_SLOTS = 0x62617274_00010000  # + key_id * 16 + slot: the slots of one key
RETRY_AFTER_S = 10


def key_slot(key_id: int, slot: int) -> int:
    return PLAN_KEY_SLOTS + ((key_id % 2**27) << 4) + slot


async def _first_free(conn: asyncpg.Connection, locks: list[int]) -> bool:
    for lock in locks:
        if await conn.fetchval("SELECT pg_try_advisory_xact_lock($1)", lock):
            return True
    return False


async def take_plan_slot(conn: asyncpg.Connection, caller: Caller, settings: Settings) -> None:
    """A slot for one plan, held until `conn`'s transaction ends; 429 when none is free."""
    if not await _first_free(conn, [key_slot(caller.key_id, i) for i in range(settings.plan_per_key)]):
        raise TooManyRequests(
            f"This key is already making {settings.plan_per_key} plan(s); wait for it to finish, "
            f"then try again (in about {RETRY_AFTER_S} s)",
            retry_after=RETRY_AFTER_S,
            code="planner_busy_for_key",
        )
    if not await _first_free(conn, [PLAN_SLOTS + i for i in range(settings.plan_concurrency)]):
        raise TooManyRequests(
            f"The planner is making {settings.plan_concurrency} plan(s) already; try again in about "
            f"{RETRY_AFTER_S} s",
            retry_after=RETRY_AFTER_S,
            code="planner_busy",
        )


def _start_worker(parent: int) -> None:
    os.nice(19)
    follow_parent(parent)


_executor: concurrent.futures.ProcessPoolExecutor | None = None
_executor_lock = threading.Lock()


def planner_executor(workers: int) -> concurrent.futures.ProcessPoolExecutor:
    """The planning workers of this server process, started on first use."""
    global _executor  # noqa: PLW0603 (one pool per process, by design)
    with _executor_lock:
        if _executor is None:
            _executor = concurrent.futures.ProcessPoolExecutor(
                max_workers=workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
            atexit.register(_executor.shutdown, wait=False, cancel_futures=True)
        return _executor


def _plan_or_problems(problem: PlanInput) -> tuple[Plan | None, list[FieldError]]:
    """In the worker: the plan, or the input's problems (PlanInputError does not survive pickling
    with its `problems`, so they cross the process boundary as a value)."""
    try:
        return plan(problem), []
    except PlanInputError as exc:
        return None, exc.problems


async def run_planner(problem: PlanInput, settings: Settings) -> Plan:
    """The planner's answer, computed in a worker process; PlanInputError as the planner raises it."""
    loop = asyncio.get_running_loop()
    executor = planner_executor(settings.plan_concurrency)
    result, problems = await loop.run_in_executor(executor, _plan_or_problems, problem)
    if result is None:
        raise PlanInputError(problems)
    return result
