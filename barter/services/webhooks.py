"""Webhook subscriptions: partners, coordinators and admins subscribe; each sees only its own
(admins see all); another key's webhook answers 404."""

from __future__ import annotations

import asyncpg
import msgspec

from barter.domain.access import Caller
from barter.domain.errors import Conflict, FieldError, NotFound, ValidationFailed
from barter.domain.grants import require_subscriber
from barter.schemas.webhooks import DeliveryOut, WebhookCreate, WebhookCreated, WebhookOut
from barter.settings import Settings
from barter.storage.repos import audit
from barter.storage.repos import webhooks as repo
from barter.webhooks.signing import message_id, new_salt, secret_text, signing_key
from barter.webhooks.targets import TargetRefused, parse_target, vetted_addresses

MAX_WEBHOOKS_PER_KEY = 20


def webhook_out(row: asyncpg.Record) -> WebhookOut:
    return WebhookOut(**dict(row))


async def check_url(url: str, *, allow_private: bool) -> None:
    try:
        target = parse_target(url, allow_private=allow_private)
        await vetted_addresses(target.host, target.port, allow_private=allow_private)
    except TargetRefused as exc:
        # The code says why (not_https, not_public, ...: TargetRefused), the message says it in English.
        raise ValidationFailed([FieldError("url", str(exc), code=exc.code, params=exc.params)]) from None


async def create(
    conn: asyncpg.Connection, caller: Caller, settings: Settings, data: WebhookCreate
) -> WebhookCreated:
    require_subscriber(caller)
    if len(set(data.events)) != len(data.events):
        raise ValidationFailed([FieldError("events", "lists an event twice", code="listed_twice")])
    await check_url(data.url, allow_private=settings.allow_private_webhooks)
    if await repo.count_owned(conn, caller.key_id) >= MAX_WEBHOOKS_PER_KEY:
        raise Conflict(
            f"A key may hold {MAX_WEBHOOKS_PER_KEY} webhooks; delete one first", code="too_many_webhooks"
        )
    assert settings.secret is not None
    salt = new_salt()
    row = await repo.insert(
        conn,
        owner_key_id=caller.key_id,
        url=data.url,
        events=list(data.events),
        description=data.description,
        salt=salt,
    )
    out = webhook_out(row)
    await audit.record(
        conn, caller, action="create", entity="webhook", entity_id=out.id, after=msgspec.to_builtins(out)
    )
    return WebhookCreated(
        **msgspec.structs.asdict(out), secret=secret_text(signing_key(settings.secret, salt))
    )


async def list_webhooks(conn: asyncpg.Connection, caller: Caller) -> list[WebhookOut]:
    require_subscriber(caller)
    return [webhook_out(r) for r in await repo.list_visible(conn, caller)]


async def delete(conn: asyncpg.Connection, caller: Caller, webhook_id: int) -> None:
    require_subscriber(caller)
    row = await repo.delete_visible(conn, caller, webhook_id)
    if row is None:
        raise NotFound("No webhook of yours with that id")
    await audit.record(
        conn,
        caller,
        action="delete",
        entity="webhook",
        entity_id=webhook_id,
        before=msgspec.to_builtins(webhook_out(row)),
    )


async def deliveries(
    conn: asyncpg.Connection,
    caller: Caller,
    webhook_id: int,
    *,
    state: str | None,
    before_id: int | None,
    limit: int,
) -> list[DeliveryOut]:
    require_subscriber(caller)
    if await repo.get_visible(conn, caller, webhook_id) is None:
        raise NotFound("No webhook of yours with that id")
    rows = await repo.list_deliveries(conn, webhook_id, state=state, before_id=before_id, limit=limit)
    return [
        msgspec.convert(
            {
                **dict(row),
                "webhook_id": message_id(row["event_id"]),
                "next_attempt_at": row["next_attempt_at"] if row["state"] == "pending" else None,
            },
            DeliveryOut,
            strict=False,
        )
        for row in rows
    ]
