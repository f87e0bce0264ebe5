from __future__ import annotations

from datetime import datetime
from typing import Annotated, ClassVar

import msgspec
from msgspec import Meta

from barter.domain.events import EventType
from barter.schemas.base import Input


class WebhookCreate(Input):
    url: Annotated[
        str,
        Meta(
            min_length=8,
            max_length=2000,
            # No pattern: what a webhook URL may be is barter.webhooks.targets's one rule, whose
            # refusals carry codes of their own (not_https, not_a_url, not_public, ...).
            description="An https:// URL on a public address (checked after DNS resolution); a URL "
            "refused is 422 at `url` with its reason's code: not_a_url, not_https, url_credentials, "
            "url_fragment, host_not_found, not_public, too_long",
        ),
    ]
    events: Annotated[list[EventType], Meta(min_length=1, max_length=20)]
    description: Annotated[str, Meta(max_length=200)] | None = None


class WebhookOut(msgspec.Struct):
    id: int
    owner_key_id: int
    url: str
    events: list[str]
    description: str | None
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = ""
    """`whsec_` + base64 signing key, for verifying `webhook-signature`: shown in this response only."""

    shown_once: ClassVar[tuple[str, ...]] = ("secret",)  # derived from the server secret, never stored


class AttemptOut(msgspec.Struct):
    number: int
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryOut(msgspec.Struct):
    id: int
    event_id: int
    webhook_id: str
    """The `webhook-id` header of every attempt (the same on retries)."""
    event_type: str
    state: str
    """pending (more attempts to come), delivered, failed (attempts exhausted) or cancelled."""
    attempts: int
    next_attempt_at: datetime | None
    last_status: int | None
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None
    attempt_log: list[AttemptOut]
