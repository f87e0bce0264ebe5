"""The one app factory: everything the service answers is registered here."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import cast

import asyncpg
from litestar import Litestar
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, SwaggerRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme

from barter import __version__
from barter.api.audit.controller import AuditController
from barter.api.auth import provide_caller
from barter.api.catalogue.controller import CatalogueController
from barter.api.communities.controller import CommunityController
from barter.api.deps import (
    provide_connection,
    provide_idempotency,
    provide_public_connection,
    release_abandoned_connections,
)
from barter.api.exports.controller import ExportController
from barter.api.guards import guard_request
from barter.api.health import health
from barter.api.http import Replay, replay_handler
from barter.api.imports.controller import ImportController
from barter.api.keys.controller import KeyController
from barter.api.line.controller import LineController, NoticeController
from barter.api.listings.controller import NeedController, OfferController
from barter.api.logistics.controller import (
    LogisticsPlanController,
    ShipmentController,
    install_geojson_schema,
)
from barter.api.openapi import install_document, install_precise_schemas
from barter.api.options import allow_header_middleware
from barter.api.problems import EXCEPTION_HANDLERS
from barter.api.proposals.controller import TRANSITIONS, ProposalController
from barter.api.reference.controller import ReferenceController
from barter.api.runs.controller import RunConsentController, RunController
from barter.api.stats.controller import StatsController
from barter.api.unknown_goods.controller import UnknownGoodsController
from barter.api.webhooks.controller import WebhookController
from barter.channels.line.client import LineHttpClient
from barter.channels.line.webhook import line_webhook
from barter.channels.notices import notices_from_settings
from barter.console.web import SWAGGER, console_parts
from barter.domain.clock import Clock, SystemClock
from barter.services import catalogue, idempotency, line, ratelimit
from barter.settings import Settings, ensure_secret
from barter.storage.bootstrap import prepare_database
from barter.storage.database import Database
from barter.webhooks.relay import Relay, RelayConfig, RelayTask
from barter.workflow.runner import Runner, sweep_expired

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
# Streamed exports hold a connection for their whole response: a small pool of their own, so
# that they queue among themselves instead of starving the API's pool.
EXPORT_CONNECTIONS = 4


EXPIRY_SWEEP_S = 15.0


async def forget_old_records(app: Litestar) -> None:
    """Forget rate-limit windows, LINE history and idempotency records past their time (each
    sweep; a test calls it directly, on the app's clock)."""
    await _forget(app.state.pool, app.state.clock, app.state.settings)


async def _forget(pool: asyncpg.Pool, clock: Clock, settings: Settings) -> None:
    now = clock.now()
    async with pool.acquire() as pooled:
        conn = cast(asyncpg.Connection, pooled)
        await ratelimit.prune(conn, now, settings)
        await idempotency.prune(conn, now)
        await line.prune(conn, now, timedelta(days=settings.line_history_days))


async def _sweep_expired_holds(pool: asyncpg.Pool, runner: Runner, clock: Clock, settings: Settings) -> None:
    """Periodically release holds that ran out (one sweeper at a time across processes), and
    forget what is kept only for a while. It works with the pool and runner of the start that made
    it, never with what app.state holds later: a second start of the same app (a test's second
    client) puts its own pool there, on another event loop, which this one must not touch."""
    while True:
        try:
            await sweep_expired(pool, clock)
            await runner.keep_listening()  # a lost LISTEN connection comes back
            await runner.start_queued()  # repairs nobody heard of, or that waited
            await _forget(pool, clock, settings)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
            log.exception("the hold expiry sweep failed; it runs again shortly")
        await asyncio.sleep(EXPIRY_SWEEP_S)


def create_app(
    settings: Settings, *, clock: Clock | None = None, run_in_process: bool = True, relay: bool = True
) -> Litestar:
    """Everything the service answers. `clock` is injectable so tests move time instead of waiting;
    `run_in_process=False` runs the engine in a thread instead of a worker process; with `relay`,
    a webhook relay runs in the background of every process."""
    settings = ensure_secret(settings)
    assert settings.secret is not None
    app = registered_app(settings.secret, run_in_process=run_in_process, relay=relay)
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    return app


def registered_app(secret: str, *, run_in_process: bool, relay: bool) -> Litestar:
    """Every route registered, and nothing in the state yet. The settings and the clock are read
    from `app.state` each time the app starts (create_app puts them there), so that nothing but the
    secret (the console's CSRF key) is fixed at registration. Registering takes most of a second
    (about 250 handlers): the tests register once per process and start that app afresh for each
    test, with its own database and clock (tests/apps.py)."""

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        settings: Settings = app.state.settings
        clock: Clock = app.state.clock
        if settings.secret != secret:
            raise ValueError("the app was registered with another secret: make it with create_app")
        database = await Database.open(settings)
        try:
            await prepare_database(database)
            pool = await database.create_pool(
                max_size=settings.database_pool_size,
                server_settings={
                    "lock_timeout": "5s",
                    "statement_timeout": "30s",
                    "idle_in_transaction_session_timeout": "60s",
                },
            )
            export_pool = await database.create_pool(
                min_size=0,
                max_size=EXPORT_CONNECTIONS,
                server_settings={"statement_timeout": "30s", "idle_in_transaction_session_timeout": "300s"},
            )
            app.state.pool = pool
            app.state.export_pool = export_pool
            async with pool.acquire() as first:
                # the goods added before this process started: their counting words (ไก่ย่าง 5
                # ตัว) on every page and message (barter.domain.units.goods_known)
                await catalogue.current(cast(asyncpg.Connection, first))
            app.state.database = database
            runner = Runner(
                database,
                clock,
                timedelta(hours=settings.hold_hours),
                use_process=run_in_process,
                cooldown=timedelta(days=settings.decline_cooldown_days),
                engine_processes=settings.engine_processes,
            )
            app.state.runner = runner
            line = (
                LineHttpClient(settings.line_channel_access_token, base_url=settings.line_api_base)
                if settings.line_enabled and settings.line_channel_access_token
                else None
            )
            app.state.line = line
            await runner.recover()
            await runner.listen()
            sweeper = asyncio.create_task(_sweep_expired_holds(pool, runner, clock, settings))
            relay_config = RelayConfig(allow_private=settings.allow_private_webhooks)
            relay_task = (
                RelayTask(
                    Relay(
                        database.connect,
                        settings.secret,
                        relay_config,
                        notices_from_settings(settings, relay_config),
                    )
                )
                if relay
                else None
            )
            try:
                yield
            finally:
                sweeper.cancel()
                if relay_task is not None:
                    await relay_task.stop()
                await runner.close()
                if line is not None:
                    await line.aclose()
                await export_pool.close()
                await pool.close()
        finally:
            database.close()

    console = console_parts(secret, Provide(provide_public_connection))
    app = Litestar(
        route_handlers=[
            *console.route_handlers,
            health,
            ReferenceController,
            CatalogueController,
            UnknownGoodsController,
            CommunityController,
            OfferController,
            NeedController,
            KeyController,
            AuditController,
            RunController,
            RunConsentController,
            ProposalController,
            *TRANSITIONS,
            StatsController,
            ExportController,
            WebhookController,
            LogisticsPlanController,
            ShipmentController,
            LineController,
            NoticeController,
            ImportController,
            line_webhook,
        ],
        dependencies={
            "conn": Provide(provide_connection),
            "caller": Provide(provide_caller),
            "idempotency": Provide(provide_idempotency, sync_to_thread=False),
        },
        exception_handlers={
            **EXCEPTION_HANDLERS,
            HTTPException: console.unrouted(EXCEPTION_HANDLERS[HTTPException]),
            Replay: replay_handler,
        },
        before_request=guard_request,
        middleware=[release_abandoned_connections, allow_header_middleware],
        lifespan=[lifespan],
        request_max_body_size=MAX_BODY_BYTES,
        template_config=console.template_config,
        after_exception=console.after_exception,
        openapi_config=OpenAPIConfig(
            title="barter",
            version=__version__,
            description="Moneyless trade for community networks: listings, matching, approval and logistics.",
            path="/schema",
            # The explorer's assets are served by the app itself: it works offline.
            render_plugins=[
                SwaggerRenderPlugin(
                    js_url=f"{SWAGGER}/swagger-ui-bundle.js",
                    css_url=f"{SWAGGER}/swagger-ui.css",
                    standalone_preset_js_url=f"{SWAGGER}/swagger-ui-standalone-preset.js",
                    favicon=f"<link rel='icon' type='image/png' href='{SWAGGER}/favicon-32x32.png'>",
                ),
                JsonRenderPlugin(),
            ],
            components=Components(
                security_schemes={
                    "BearerKey": SecurityScheme(
                        type="http", scheme="bearer", description="An API key from `barter keys create`"
                    )
                }
            ),
        ),
        debug=False,
    )
    install_document(app, install_precise_schemas, install_geojson_schema)
    return app


def create_app_from_env() -> Litestar:
    """For `uvicorn --factory` worker processes: each reads the environment once."""
    from barter.settings import load_settings

    return create_app(load_settings())
