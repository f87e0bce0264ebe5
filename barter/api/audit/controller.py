from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get
from litestar.params import QueryParameter

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn
from barter.api.http import Cursor, Limit, id_page, last_id
from barter.api.openapi import problems
from barter.api.schemas import Page
from barter.domain.access import require_role
from barter.storage.repos import audit as repo


class AuditEntry(msgspec.Struct):
    id: int
    at: datetime
    actor_key_id: int | None
    actor_role: str
    via: str  # api, console, line, import or system
    action: str
    entity: str
    entity_id: str
    community_id: int | None
    region: str | None
    before: Any
    after: Any
    reason: str | None


class AuditController(Controller):
    path = "/v1/audit"
    tags = ["audit"]
    security = SECURITY

    @get(
        "/",
        summary="The audit log, newest first (admins; coordinators see their regions)",
        responses=problems(400, 401, 403, 422),
    )
    async def list_entries(
        self,
        conn: Conn,
        caller: CallerDep,
        entity: Annotated[str | None, QueryParameter(max_length=40)] = None,
        entity_id: Annotated[str | None, QueryParameter(max_length=40)] = None,
        community_id: Annotated[int | None, QueryParameter(ge=1)] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[AuditEntry]:
        require_role(caller, "admin", "coordinator")
        rows = await repo.list_entries(
            conn,
            caller,
            entity=entity,
            entity_id=entity_id,
            community_id=community_id,
            before_id=last_id(cursor),
            limit=limit + 1,
        )
        return id_page([AuditEntry(**dict(r)) for r in rows[:limit]], more=len(rows) > limit)
