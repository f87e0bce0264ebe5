"""Runs across regions with the other regions' consent (a coordinator cannot start one alone).

A coordinator asks for a run naming its own regions and others; its own are answered at once. A
coordinator of each other region consents or declines (with a reason) for the regions it covers;
the answer that completes the consents starts the run in the same transaction (the channel starts
the reserved run after commit, as with `runs.start_run`). One decline ends the request; a request
not fully answered within CONSENT_TTL expires. Admins start such runs directly. Every step is in
the audit log of every region of the request.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import asyncpg
import msgspec

from barter.domain.access import Caller, require_role
from barter.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from barter.matching.model import EngineSettings
from barter.schemas.runs import ConsentAnswer, RegionAnswer, RunConsentOut, RunConsentRequest, RunRequest
from barter.services.runs import Engine, R, StartedRun, queue_run, resolve_settings
from barter.storage.repos import audit
from barter.storage.repos import run_requests as repo

CONSENT_TTL = timedelta(hours=24)


def _out(row: asyncpg.Record, now: datetime) -> RunConsentOut:
    answers = [msgspec.convert(a, RegionAnswer) for a in row["consents"]]
    status = row["status"]
    if status == "pending" and row["expires_at"] <= now:
        status = "expired"
    return RunConsentOut(
        id=row["id"],
        regions=list(row["regions"]),
        requested_by=row["requested_by"],
        requested_by_name=row["requested_by_name"],
        status=status,
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        decided_at=row["decided_at"],
        run_id=row["run_id"],
        settings=dict(row["overrides"]),
        answers=answers,
        waiting_for=[a.region for a in answers if a.answer is None] if status == "pending" else [],
    )


def _sees(caller: Caller, row: asyncpg.Record) -> bool:
    return caller.is_admin or bool(caller.regions & set(row["regions"]))


def _not_found() -> NotFound:
    return NotFound("No run request with that id", detail_th="ไม่พบคำขอจับคู่ข้ามภาคตามรหัสนี้")


async def request_run(
    conn: asyncpg.Connection,
    caller: Caller,
    data: RunConsentRequest,
    defaults: EngineSettings,
    now: datetime,
) -> RunConsentOut:
    """Ask the other regions' coordinators for a run over `data.regions` (coordinators only)."""
    require_role(caller, "coordinator")
    regions: list[str] = sorted(set(data.regions or ()))
    own = [r for r in regions if caller.covers_region(r)]
    others = [r for r in regions if r not in own]
    if not own:
        raise ValidationFailed(
            [FieldError("regions", "name at least one of your own regions", code="no_own_region")]
        )
    if not others:
        raise ValidationFailed(
            [
                FieldError(
                    "regions", "these are all your regions: start the run directly", code="no_other_region"
                )
            ]
        )
    resolve_settings(defaults, data)  # the overrides are checked now, not when the last one consents
    overrides = {k: v for k, v in msgspec.structs.asdict(data).items() if k != "regions" and v is not None}
    request_id = await repo.insert(conn, regions, overrides, caller.key_id, now, now + CONSENT_TTL)
    await repo.answer(conn, request_id, own, "consented", caller.key_id, now, None)
    row = await repo.get(conn, request_id)
    assert row is not None
    out = _out(row, now)
    await audit.record(
        conn,
        caller,
        action="request",
        entity="run_request",
        entity_id=request_id,
        regions=regions,
        after=msgspec.to_builtins(out),
    )
    return out


async def answer(
    conn: asyncpg.Connection,
    caller: Caller,
    request_id: int,
    data: ConsentAnswer,
    engine: Engine[R],
    defaults: EngineSettings,
    now: datetime,
) -> tuple[RunConsentOut, StartedRun[R] | None]:
    """Consent or decline for the caller's regions of the request; the run, when this answer was
    the last consent (start its reservation after commit, release it otherwise)."""
    require_role(caller, "admin", "coordinator")
    if data.answer == "decline" and not data.reason:
        raise ValidationFailed([FieldError("reason", "say why, so the requester knows", code="required")])
    if not await repo.lock(conn, request_id):
        raise _not_found()
    row = await repo.get(conn, request_id)
    if row is None or not _sees(caller, row):
        raise _not_found()
    current = _out(row, now)
    if current.status == "expired":
        raise Conflict(
            "The request expired before every region answered; ask again",
            code="request_expired",
            detail_th="คำขอนี้หมดอายุก่อนทุกภาคจะตอบ โปรดส่งคำขอใหม่",
        )
    if current.status != "pending":
        raise Conflict(
            f"The request is already {current.status}",
            code="request_decided",
            detail_th="คำขอนี้ได้ข้อสรุปไปแล้ว",
        )
    mine = [r for r in current.waiting_for if caller.covers_region(r)]
    if not mine:
        raise Conflict(
            "None of your regions waits to answer this request",
            code="nothing_to_answer",
            detail_th="ไม่มีภาคของคุณที่ต้องตอบคำขอนี้",
        )
    given = "consented" if data.answer == "consent" else "declined"
    await repo.answer(conn, request_id, mine, given, caller.key_id, now, data.reason)
    await audit.record(
        conn,
        caller,
        action="consent" if data.answer == "consent" else "decline",
        entity="run_request",
        entity_id=request_id,
        regions=list(current.regions),
        after={"regions": mine, "answer": given},
        reason=data.reason,
    )
    started: StartedRun[R] | None = None
    if given == "declined":
        await repo.decide(conn, request_id, "declined", now)
    elif set(mine) == set(current.waiting_for):
        request = msgspec.convert({**current.settings, "regions": current.regions}, RunRequest)
        started = await queue_run(
            conn, engine, current.regions, resolve_settings(defaults, request), current.requested_by
        )
        try:
            await repo.decide(conn, request_id, "started", now, started.run.id)
            await audit.record(
                conn,
                caller,
                action="start",
                entity="run_request",
                entity_id=request_id,
                regions=list(current.regions),
                after={"run_id": started.run.id},
            )
        except BaseException:
            await started.reservation.release()
            raise
    updated = await repo.get(conn, request_id)
    assert updated is not None
    return _out(updated, now), started


async def get(conn: asyncpg.Connection, caller: Caller, request_id: int, now: datetime) -> RunConsentOut:
    require_role(caller, "admin", "coordinator")
    row = await repo.get(conn, request_id)
    if row is None or not _sees(caller, row):
        raise _not_found()
    return _out(row, now)


async def list_requests(
    conn: asyncpg.Connection, caller: Caller, now: datetime, limit: int = 50
) -> list[RunConsentOut]:
    """The requests touching the caller's regions, newest first (admins: all)."""
    require_role(caller, "admin", "coordinator")
    return [_out(r, now) for r in await repo.list_for(conn, caller, limit)]


def waiting_on(caller: Caller, request: RunConsentOut) -> list[str]:
    """The caller's regions this request waits for an answer from."""
    return [r for r in request.waiting_for if caller.covers_region(r)]
