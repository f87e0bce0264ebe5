from __future__ import annotations

from litestar import Controller, Response, get, post, put
from litestar.datastructures import State
from litestar.params import JSONBody

from barter.api.auth import SECURITY, CallerDep
from barter.api.deps import Conn
from barter.api.http import IdempotencyDep, IdPath
from barter.api.openapi import problems
from barter.api.schemas import ListOf
from barter.schemas.keys import KeyCreate, KeyCreated, KeyOut, KeyPhone
from barter.services import keys as service


class KeyController(Controller):
    path = "/v1/keys"
    tags = ["keys"]
    security = SECURITY

    @post(
        "/",
        summary="Create an API key (admins); the key is in this response only",
        description=(
            "A retry with the same Idempotency-Key creates nothing more and answers 409 "
            "`secret_not_replayed` with the key's record but not the key: it is shown once and kept "
            "only as a hash, not even for replays."
        ),
        responses=problems(400, 401, 403, 409, 413, 422),
    )
    async def create(
        self,
        data: JSONBody[KeyCreate],
        conn: Conn,
        caller: CallerDep,
        state: State,
        idempotency: IdempotencyDep,
    ) -> Response[KeyCreated]:
        out = await service.create(conn, caller, state.settings.secret, data)
        return await idempotency.respond(out, 201)

    @get(
        "/",
        summary="List API keys (admins); never the keys themselves",
        responses=problems(400, 401, 403, 422),
    )
    async def list_keys(self, conn: Conn, caller: CallerDep) -> ListOf[KeyOut]:
        return ListOf(await service.list_keys(conn, caller))

    @post(
        "/{key_id:int}/revoke",
        status_code=200,
        summary="Revoke a key at once (admins)",
        responses=problems(400, 401, 403, 404, 422),
    )
    async def revoke(self, conn: Conn, caller: CallerDep, key_id: IdPath) -> KeyOut:
        return await service.revoke(conn, caller, key_id)

    @put(
        "/{key_id:int}/phone",
        summary="Set or remove a coordinator key's phone number (the coordinator itself, or admins)",
        description=(
            '`{"phone": "081-234-5678"}` (a Thai mobile number, kept as 0812345678) or '
            '`{"phone": null}`. A proposal SMS to a community says the number of a coordinator '
            "of its region, for members without a smartphone to call; community and partner keys "
            "never read it. Another coordinator's key answers 404; a key that is not a "
            "coordinator's 422 `not_for_role`; audited."
        ),
        responses=problems(400, 401, 403, 404, 413, 422),
    )
    async def set_phone(
        self, data: JSONBody[KeyPhone], conn: Conn, caller: CallerDep, key_id: IdPath
    ) -> KeyOut:
        return await service.set_phone(conn, caller, key_id, data)

    @put(
        "/me/phone",
        summary="Set or remove your own phone number as a coordinator",
        description="The same as `PUT /v1/keys/{key_id}/phone` on the key making the request.",
        responses=problems(400, 401, 403, 413, 422),
    )
    async def set_my_phone(self, data: JSONBody[KeyPhone], conn: Conn, caller: CallerDep) -> KeyOut:
        return await service.set_phone(conn, caller, caller.key_id, data)
