from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Response, delete, get, post
from litestar.datastructures import State
from litestar.params import JSONBody, QueryParameter

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn
from barter.api.http import (
    Cursor,
    IdempotencyDep,
    IdPath,
    Limit,
    id_page,
    last_id,
)
from barter.api.openapi import problems
from barter.api.schemas import ListOf, Page
from barter.schemas.webhooks import DeliveryOut, WebhookCreate, WebhookCreated, WebhookOut
from barter.services import webhooks as service

DeliveryState = Literal["pending", "delivered", "failed", "cancelled"]


class WebhookController(Controller):
    path = "/v1/webhooks"
    tags = ["webhooks"]
    security = SECURITY

    @post(
        "/",
        summary="Subscribe a URL to events; the signing secret is in this response only",
        description=(
            "Partners, coordinators and admins. Deliveries are signed the Standard Webhooks way "
            "(webhook-id, webhook-timestamp, webhook-signature: v1,<base64 HMAC-SHA256 of "
            "'id.timestamp.body'> keyed by the bytes of the whsec_ secret) and sent at least once: "
            "drop duplicates by webhook-id. A partner receives events whose regions its grant covers "
            "entirely, a coordinator events touching its regions, an admin every event. A partner with "
            "aggregates only receives the event's data without `communities` (their ids) and `reason` "
            "(free text): the proposal, its run, state, kind, regions and value. A retry with the same "
            "Idempotency-Key subscribes nothing more and answers 409 `secret_not_replayed` with the "
            "subscription but not its secret, which is shown once and never stored."
        ),
        responses=problems(400, 401, 403, 409, 413, 422),
    )
    async def create(
        self,
        data: JSONBody[WebhookCreate],
        conn: Conn,
        caller: CallerDep,
        state: State,
        idempotency: IdempotencyDep,
    ) -> Response[WebhookCreated]:
        out = await service.create(conn, caller, state.settings, data)
        return await idempotency.respond(out, 201, {"Location": f"/v1/webhooks/{out.id}"})

    @get(
        "/",
        summary="Your webhooks (admins: all); never their secrets",
        responses=problems(400, 401, 403, 422),
    )
    async def list_webhooks(self, conn: Conn, caller: CallerDep) -> ListOf[WebhookOut]:
        return ListOf(await service.list_webhooks(conn, caller))

    @delete(
        "/{webhook_id:int}",
        summary="Unsubscribe (pending deliveries are cancelled)",
        responses=problems(400, 401, 403, 404, 422),
    )
    async def remove(self, conn: Conn, caller: CallerDep, webhook_id: IdPath) -> None:
        await service.delete(conn, caller, webhook_id)

    @get(
        "/{webhook_id:int}/deliveries",
        summary="Deliveries to this webhook, newest first, with every attempt",
        responses=problems(400, 401, 403, 404, 422),
    )
    async def list_deliveries(
        self,
        conn: Conn,
        caller: CallerDep,
        webhook_id: IdPath,
        delivery_state: Annotated[
            DeliveryState | None, QueryParameter(name="state", description="Only deliveries in this state")
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[DeliveryOut]:
        rows = await service.deliveries(
            conn, caller, webhook_id, state=delivery_state, before_id=last_id(cursor), limit=limit + 1
        )
        return id_page(rows[:limit], more=len(rows) > limit)
