"""Spreadsheet import of offers and needs (CSV or XLSX, Thai headers), and its template.

`POST /v1/imports?dry_run=true` with the file as the body reports row by row what would be
created and what is wrong; without `dry_run` it creates every row in one transaction, or none.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import QueryParameter

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn, provide_public_connection
from barter.api.http import IdempotencyDep
from barter.api.openapi import PUBLIC, problems
from barter.domain.clock import thai_today
from barter.domain.spreadsheet import detect_format, template_csv
from barter.services import imports as service
from barter.services.imports import ImportReport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportController(Controller):
    path = "/v1/imports"
    tags = ["imports"]

    @post(
        "/",
        summary="Import offers and needs from a CSV or XLSX body (dry_run=true: report only)",
        responses=problems(400, 401, 403, 413, 422),
        security=SECURITY,
    )
    async def import_sheet(
        self,
        request: Request[Any, Any, Any],
        conn: Conn,
        caller: CallerDep,
        idempotency: IdempotencyDep,
        state: State,
        dry_run: Annotated[
            bool,
            QueryParameter(
                description="Report what would happen; create nothing (goods the catalogue lacks that "
                "rows name are noted for coordinators)"
            ),
        ] = False,
        filename: Annotated[str | None, QueryParameter(max_length=200)] = None,
    ) -> Response[ImportReport]:
        body = await request.body()
        content_type = request.headers.get("content-type", "")
        fmt = "xlsx" if XLSX in content_type else detect_format(filename, body)
        report = await service.import_sheet(conn, caller, body, fmt, state.clock, dry_run=dry_run)
        return await idempotency.respond(report, 200 if dry_run or report.replayed else 201)

    @get(
        "/template.csv",
        summary="The import template (CSV, UTF-8 with BOM)",
        responses=PUBLIC,
        media_type="text/csv",
    )
    async def template_csv(self, state: State) -> Response[bytes]:
        return Response(
            template_csv(thai_today(state.clock.now())),
            media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
            headers={"content-disposition": 'attachment; filename="barter-import.csv"'},
        )

    @get(
        "/template.xlsx",
        summary="The import template (XLSX), with a sheet of the catalogue's goods the item column offers",
        responses=PUBLIC,
        media_type=XLSX,
        dependencies={"conn": Provide(provide_public_connection)},
    )
    async def template_xlsx(self, conn: Conn, state: State) -> Response[bytes]:
        return Response(
            await service.template(conn, thai_today(state.clock.now())),
            media_type=XLSX,
            headers={"content-disposition": 'attachment; filename="barter-import.xlsx"'},
        )
