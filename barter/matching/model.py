"""The engine's file formats, `barter-instance/1` and `barter-solution/1` (docs: formats.md).

Decoding is strict: a wrong type, a missing field, an unknown field or a value out of range
raises `InstanceError` with one line naming the field (`$.needs[3].quantity`). `problems()`
then checks what a schema cannot: unique ids, references, exactly one of item/category/
accept_offers per need.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date
from typing import Annotated, Literal

import msgspec

from barter.domain import field_types
from barter.domain.errors import FieldError

INSTANCE_FORMAT = "barter-instance/1"
SOLUTION_FORMAT = "barter-solution/1"

NonNegative = Annotated[float, msgspec.Meta(ge=0)]
Positive = Annotated[float, msgspec.Meta(gt=0)]
Id = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class InstanceError(ValueError):
    """A malformed instance or solution file; the message is one line naming the field."""


# The bounds of every engine setting, declared once: EngineSettings uses them, and so does each
# channel's overrides struct (barter.schemas.runs.RunRequest).
TIME_LIMIT_MAX_S = 3600.0
CycleLength = Annotated[int, msgspec.Meta(ge=0, le=8, description="2 to 8, or 0 for no limit")]
ChainLength = Annotated[int, msgspec.Meta(ge=0, le=16, description="transfers in a gift chain; 0: none")]
Tolerance = Annotated[float, msgspec.Meta(ge=0, lt=1)]
CostPerKgKm = Annotated[float, msgspec.Meta(ge=0, le=100)]
FixedCost = Annotated[float, msgspec.Meta(ge=0, le=1e9)]
TimeLimit = Annotated[float, msgspec.Meta(gt=0, le=TIME_LIMIT_MAX_S)]
Seed = Annotated[int, msgspec.Meta(ge=0, lt=2**31)]
MinExchangeValue = Annotated[
    float, msgspec.Meta(ge=0, le=1e7, description="the least value each transfer of an exchange moves")
]
SpeedKmh = Annotated[float, msgspec.Meta(gt=0, le=200)]
HoursPerDay = Annotated[float, msgspec.Meta(gt=0, le=24)]
LeadDays = Annotated[float, msgspec.Meta(ge=0, le=365)]
Share = Annotated[float, msgspec.Meta(gt=0, le=1)]


class SettingsError(ValueError):
    """Settings out of their bounds: `error` names the setting, says in English what is allowed and
    names the problem by its code (barter.domain.refusals words it)."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(f"{error.path}: {error.message}")
        self.error = error


class EngineSettings(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """The engine's settings, the one definition used by files, the CLI, the API, the demo and the
    stored run (whose row keeps all of them, the seed included). Defaults are formats.md's."""

    max_cycle_length: CycleLength = 3
    max_chain_length: ChainLength = 3
    balance_tolerance: Tolerance = 0.1
    transport_cost_per_kg_km: CostPerKgKm = 0.0
    exchange_fixed_cost: FixedCost = 0.0
    road_factor: Positive = 1.0
    # An exchange is proposed only when each of its transfers moves at least this value (in the
    # items' value unit; the service's runs use baht and a village's default, see
    # barter.services.runs.RUN_MIN_EXCHANGE_VALUE). 0 here: a file's values may be in any unit.
    min_exchange_value: MinExchangeValue = 0.0
    time_limit_s: TimeLimit = 30.0
    seed: Seed = 0
    # Time (used where the instance has dates or shelf lives; see market.py `Acceptable`):
    # goods travel at `speed_kmh`, `working_hours_per_day` hours a day (barter.domain.transit, as
    # the logistics planner counts); they leave `lead_days` after the instance's `today` at the
    # earliest (acceptance and approval); their transit may use at most `shelf_life_share` of
    # their item's shelf life (the rest is the receiver's, to hand out and use them).
    speed_kmh: SpeedKmh = 50.0
    working_hours_per_day: HoursPerDay = 10.0
    lead_days: LeadDays = 3.0
    shelf_life_share: Share = 0.5
    # Transport worth paying: no transfer whose transport costs more than this share of the value
    # it moves, no exchange whose transport and fixed cost exceed this share of the value it moves.
    max_transport_share: Share = 0.5

    def overridden(self, overrides: Mapping[str, object]) -> EngineSettings:
        """These settings with `overrides` applied (None means "keep"), checked against the bounds."""
        merged = msgspec.structs.asdict(self) | {k: v for k, v in overrides.items() if v is not None}
        try:
            settings = msgspec.convert(merged, EngineSettings)
        except msgspec.ValidationError as exc:
            error = field_types.refused(exc, merged, EngineSettings)
            raise SettingsError(error if error.path else replace(error, path="settings")) from None
        if settings.max_cycle_length == 1:
            raise SettingsError(
                FieldError("max_cycle_length", "2 to 8, or 0 for no limit", code="cycle_length")
            )
        return settings


Settings = EngineSettings  # the name the engine's modules have always used


class Community(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: Id
    lat: Annotated[float, msgspec.Meta(ge=-90, le=90)] = 0.0
    lon: Annotated[float, msgspec.Meta(ge=-180, le=180)] = 0.0
    region: str | None = None


class Item(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: Id
    category: Id
    unit: str = "unit"
    value: Positive
    kg_per_unit: NonNegative = 1.0
    # transfers of this item are whole multiples of it (1: it comes whole); None: any amount
    step: Positive | None = None
    shelf_life_days: Positive | None = None  # None: it keeps


class MinRatio(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An offer's term: at least `ratio` units of `item` for each unit given."""

    item: Id
    ratio: Positive


class Offer(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: Id
    community: Id
    item: Id
    quantity: NonNegative
    min_lot: NonNegative = 0.0
    gift: bool = False
    # the community's own terms (terms.py): its own value per unit, or at least `ratio` units of
    # another item per unit (read as ratio * that item's value); balance then uses them
    own_value: Positive | None = None
    min_ratio: MinRatio | None = None
    available_from: date | None = None  # the goods can leave from this day (None: now)
    available_until: date | None = None  # ... and until this day, included (None: any time)


class Need(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    id: Id
    community: Id
    item: Id | None = None
    category: Id | None = None
    accept_offers: list[Id] | None = None
    quantity: NonNegative
    min_lot: NonNegative = 0.0
    priority: NonNegative = 1.0
    max_distance_km: NonNegative | None = None
    own_value: Positive | None = None  # its own value of one unit received (terms.py)
    needed_by: date | None = None  # the goods must arrive by the end of this day (None: any time)


class Excluded(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An arc (offer -> need) no exchange may use: one a decliner was proposed and refused, while
    it cools down. The engine leaves it out of the whole market, so bounds hold without it."""

    offer: Id
    need: Id


class Instance(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    format: Literal["barter-instance/1"] = "barter-instance/1"
    today: date | None = None  # the day the market is solved (dates are days; None: lead time unknown)
    settings: EngineSettings = EngineSettings()
    communities: list[Community] = msgspec.field(default_factory=list)
    items: list[Item] = msgspec.field(default_factory=list)
    offers: list[Offer] = msgspec.field(default_factory=list)
    needs: list[Need] = msgspec.field(default_factory=list)
    excluded: list[Excluded] = msgspec.field(default_factory=list)


class Transfer(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    offer: Id
    need: Id
    quantity: Positive


class Exchange(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    kind: Literal["cycle", "chain"]
    transfers: list[Transfer]


Status = Literal["optimal", "feasible", "infeasible_input"]


class Solution(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    format: Literal["barter-solution/1"] = "barter-solution/1"
    status: Status
    objective: float
    upper_bound: float
    solve_seconds: NonNegative
    exchanges: list[Exchange] = msgspec.field(default_factory=list)


_instance_decoder = msgspec.json.Decoder(Instance)
_solution_decoder = msgspec.json.Decoder(Solution)
_encoder = msgspec.json.Encoder()


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def decode_instance(data: bytes | str) -> Instance:
    """Decode a `barter-instance/1` JSON document; raise InstanceError on any problem."""
    try:
        instance = _instance_decoder.decode(data)
    except msgspec.DecodeError as exc:
        raise InstanceError(_one_line(exc)) from None
    found = problems(instance)
    if found:
        more = f" (and {len(found) - 1} more problem(s))" if len(found) > 1 else ""
        raise InstanceError(found[0] + more)
    return instance


def decode_solution(data: bytes | str) -> Solution:
    try:
        return _solution_decoder.decode(data)
    except msgspec.DecodeError as exc:
        raise InstanceError(_one_line(exc)) from None


def encode(document: Instance | Solution) -> bytes:
    return _encoder.encode(document)


def _duplicates(kind: str, ids: list[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for index, ident in enumerate(ids):
        if ident in seen:
            out.append(f"$.{kind}[{index}].id: duplicate id {ident!r}")
        seen.add(ident)
    return out


def problems(instance: Instance) -> list[str]:
    """What is wrong with an instance beyond its schema, one line each (empty when sound)."""
    out: list[str] = []
    settings = instance.settings
    if settings.max_cycle_length == 1:
        out.append("$.settings.max_cycle_length: must be 0 (no limit) or 2 to 8, got 1")
    out += _duplicates("communities", [c.id for c in instance.communities])
    out += _duplicates("items", [i.id for i in instance.items])
    out += _duplicates("offers", [o.id for o in instance.offers])
    out += _duplicates("needs", [n.id for n in instance.needs])
    communities = {c.id for c in instance.communities}
    items = {i.id for i in instance.items}
    offers = {o.id for o in instance.offers}
    for index, offer in enumerate(instance.offers):
        where = f"$.offers[{index}]"
        if offer.community not in communities:
            out.append(f"{where}.community: unknown community {offer.community!r}")
        if offer.item not in items:
            out.append(f"{where}.item: unknown item {offer.item!r}")
        if offer.min_ratio is not None and offer.min_ratio.item not in items:
            out.append(f"{where}.min_ratio.item: unknown item {offer.min_ratio.item!r}")
        if offer.available_from and offer.available_until and offer.available_until < offer.available_from:
            out.append(f"{where}.available_until: before available_from")
    for index, need in enumerate(instance.needs):
        where = f"$.needs[{index}]"
        if need.community not in communities:
            out.append(f"{where}.community: unknown community {need.community!r}")
        given = [name for name in ("accept_offers", "item", "category") if getattr(need, name) is not None]
        if len(given) != 1:
            out.append(
                f"{where}: exactly one of accept_offers, item, category must be given, got "
                + (", ".join(given) or "none")
            )
        if need.item is not None and need.item not in items:
            out.append(f"{where}.item: unknown item {need.item!r}")
        for position, ident in enumerate(need.accept_offers or ()):
            if ident not in offers:
                out.append(f"{where}.accept_offers[{position}]: unknown offer {ident!r}")
    needs = {n.id for n in instance.needs}
    for index, arc in enumerate(instance.excluded):
        if arc.offer not in offers:
            out.append(f"$.excluded[{index}].offer: unknown offer {arc.offer!r}")
        if arc.need not in needs:
            out.append(f"$.excluded[{index}].need: unknown need {arc.need!r}")
    return out
