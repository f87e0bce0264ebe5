from __future__ import annotations

from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn
from barter.api.http import Cursor, Limit, id_page, last_id
from barter.api.openapi import problems
from barter.api.schemas import Page
from barter.schemas.audit import AuditEntry
from barter.services import read


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
        community_id: Annotated[int | None, QueryParameter(ge=1, le=2**62)] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[AuditEntry]:
        rows = await read.audit_entries(
            conn,
            caller,
            entity=entity,
            entity_id=entity_id,
            community_id=community_id,
            before_id=last_id(cursor),
            limit=limit + 1,
        )
        return id_page(rows[:limit], more=len(rows) > limit)
