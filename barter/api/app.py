"""The one app factory: everything the service answers is registered here."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin

from barter import __version__
from barter.api.deps import provide_connection
from barter.api.health import health
from barter.api.problems import EXCEPTION_HANDLERS
from barter.api.reference.controller import ReferenceController
from barter.api.validation import validate_body
from barter.settings import Settings, ensure_secret
from barter.storage.bootstrap import prepare_database
from barter.storage.database import Database

MAX_BODY_BYTES = 1024 * 1024


def create_app(settings: Settings) -> Litestar:
    settings = ensure_secret(settings)

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        database = await Database.open(settings)
        try:
            await prepare_database(database)
            pool = await database.create_pool()
            app.state.pool = pool
            app.state.database = database
            try:
                yield
            finally:
                await pool.close()
        finally:
            database.close()

    return Litestar(
        route_handlers=[health, ReferenceController],
        dependencies={"conn": Provide(provide_connection)},
        exception_handlers=EXCEPTION_HANDLERS,
        before_request=validate_body,
        lifespan=[lifespan],
        request_max_body_size=MAX_BODY_BYTES,
        openapi_config=OpenAPIConfig(
            title="barter",
            version=__version__,
            description="Moneyless trade for community networks: listings, matching, approval and logistics.",
            path="/schema",
            render_plugins=[SwaggerRenderPlugin(), JsonRenderPlugin()],
        ),
        debug=False,
    )
