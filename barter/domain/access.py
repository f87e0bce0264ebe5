"""Who may do what: roles, the caller, and the rules that decide (architecture.md, "Roles").

Objects of another tenant answer 404, not 403: a caller learns nothing about what it may not
touch. 403 is for a role that never has the right (a partner writing, a community creating
communities).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from barter.domain.errors import Forbidden, NotFound

Role = Literal["admin", "coordinator", "community", "partner"]
# The channel a write came through; the audit log records it ("via LINE").
Via = Literal["api", "console", "line", "import"]
ROLES: tuple[Role, ...] = ("admin", "coordinator", "community", "partner")
# Thai words for error details (Accept-Language: th).
_THAI_ROLES: dict[Role, str] = {
    "admin": "ผู้ดูแลระบบ",
    "coordinator": "ผู้ประสานงาน",
    "community": "ชุมชน",
    "partner": "หน่วยงานภาคี",
}
THAI_REGIONS = {
    "north": "ภาคเหนือ",
    "northeast": "ภาคตะวันออกเฉียงเหนือ",
    "central": "ภาคกลาง",
    "east": "ภาคตะวันออก",
    "west": "ภาคตะวันตก",
    "south": "ภาคใต้",
}
ENGLISH_REGIONS = {
    "north": "North",
    "northeast": "Northeast",
    "central": "Central",
    "east": "East",
    "west": "West",
    "south": "South",
}
THAI_THINGS = {"community": "ชุมชน", "offer": "รายการของที่มี", "need": "รายการของที่ต้องการ"}


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated key behind a request."""

    key_id: int
    role: Role
    regions: frozenset[str] = field(default_factory=frozenset)
    community_id: int | None = None
    partner_detail: bool = False
    via: Via = "api"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def covers_region(self, region: str) -> bool:
        """An admin, or a coordinator of that region."""
        return self.role == "admin" or (self.role == "coordinator" and region in self.regions)

    def acts_for(self, community_id: int, region: str) -> bool:
        """May manage this community's listings and answer for it."""
        if self.role == "community":
            return self.community_id == community_id
        return self.covers_region(region)

    def sees_contact(self, community_id: int, region: str) -> bool:
        """May read the community's contact: those who act for it, the community itself included
        (its edit form showed the field empty, as if there were none)."""
        return self.acts_for(community_id, region)

    def sees_point(self, community_id: int, region: str) -> bool:
        """May know where the community is, to the point (`point_scope`). Anyone else is told its
        province (a map places it at the province's centre, a distance is measured from there)."""
        return self.point_scope().covers(community_id, region)

    def point_scope(self) -> PointScope:
        """Whose points this caller may know: those it acts for (its own key, a coordinator's
        regions, an admin's every one), and a partner's whose detail grant covers their region (no
        regions: national), who reads the points in the row-level exports anyway."""
        if self.role == "admin":
            return PointScope(every=True)
        if self.role == "coordinator":
            return PointScope(regions=self.regions)
        if self.role == "community":
            return PointScope(community_id=self.community_id)
        if self.partner_detail:
            return PointScope(every=not self.regions, regions=self.regions)
        return PointScope()


@dataclass(frozen=True, slots=True)
class PointScope:
    """The communities whose own point a caller may know, in a form a query takes too: every one,
    those of some regions, or its own."""

    every: bool = False
    regions: frozenset[str] = field(default_factory=frozenset)
    community_id: int | None = None

    def covers(self, community_id: int, region: str) -> bool:
        return self.every or region in self.regions or community_id == self.community_id


@dataclass(frozen=True, slots=True)
class CommunityRef:
    id: int
    region: str


def require_writer(caller: Caller) -> None:
    """Partners read; they never write."""
    if caller.role == "partner":
        raise Forbidden("Partner keys are read-only", detail_th="รหัสของหน่วยงานภาคีใช้อ่านได้อย่างเดียว")


def require_acts_for(caller: Caller, community: CommunityRef | None, what: str = "community") -> CommunityRef:
    """The community exists and the caller may act for it; otherwise it does not exist for them."""
    require_writer(caller)
    if community is None or not caller.acts_for(community.id, community.region):
        raise NotFound(
            f"No {what} you can act for with that id",
            detail_th=f"ไม่พบ{THAI_THINGS.get(what, what)}ที่คุณดูแลตามรหัสนี้",
        )
    return community


def require_role(caller: Caller, *roles: Role) -> None:
    if caller.role not in roles:
        raise Forbidden(
            f"This needs one of these roles: {', '.join(roles)}",
            detail_th=f"ต้องเป็นบทบาทใดบทบาทหนึ่งต่อไปนี้: {', '.join(_THAI_ROLES[r] for r in roles)}",
        )


def require_region(caller: Caller, region: str) -> None:
    """Admins anywhere; coordinators only in their regions."""
    if not caller.covers_region(region):
        raise Forbidden(
            f"Your key does not cover the {region} region",
            detail_th=f"รหัสของคุณไม่ครอบคลุม{THAI_REGIONS.get(region, 'ภาค ' + region)}",
        )


def require_row_level(caller: Caller) -> None:
    """Row-level exchanges (who traded with whom) are for partners with a detail grant only;
    partners with aggregates only read the statistics."""
    if caller.role == "partner" and not caller.partner_detail:
        raise Forbidden(
            "Your partner key reads aggregates only (GET /v1/stats/exchanges)",
            detail_th="รหัสของหน่วยงานภาคีนี้อ่านได้เฉพาะสถิติรวม",
        )
