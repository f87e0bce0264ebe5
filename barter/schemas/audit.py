"""The audit log as it is read back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


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
