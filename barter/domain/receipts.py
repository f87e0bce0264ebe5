"""Receipts as delivered: what a receiving community says arrived, checked against the plan (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from barter.domain.errors import FieldError, ValidationFailed

TOLERANCE = 1e-4  # quantities are stored with 4 decimals


@dataclass(frozen=True, slots=True)
class Planned:
    """One transfer of the exchange as planned: its position, receiver and quantity."""

    position: int
    receiver: int
    quantity: float
    open: bool  # not yet received


@dataclass(frozen=True, slots=True)
class Stated:
    """A receipt as given: the position, the quantity that arrived, the condition (None: inferred)."""

    position: int
    quantity: float
    condition: str | None
    note: str | None = None
    photo_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Checked:
    position: int
    quantity: float
    condition: str  # good, short or spoiled
    note: str | None
    photo_ref: str | None


def check(plan: Sequence[Planned], receiving: Iterable[int], receipts: Sequence[Stated]) -> list[Checked]:
    """The receipts, each for an open transfer to a community being confirmed, at most the planned
    quantity, its condition consistent with it ("good" is all of it; "short" and "spoiled" less).
    A condition left out is "good" when all arrived and "short" otherwise. Raises ValidationFailed
    naming `receipts[i].<field>`."""
    by_position = {p.position: p for p in plan}
    who = set(receiving)
    errors: list[FieldError] = []
    seen: set[int] = set()
    checked: list[Checked] = []
    for index, r in enumerate(receipts):
        path = f"receipts[{index}]"
        planned = by_position.get(r.position)
        if planned is None or planned.receiver not in who or not planned.open:
            errors.append(
                FieldError(
                    f"{path}.position",
                    "no transfer awaiting your receipt at this position",
                    code="not_awaited",
                )
            )
            continue
        if r.position in seen:
            errors.append(
                FieldError(f"{path}.position", "this transfer is listed twice", code="listed_twice")
            )
            continue
        seen.add(r.position)
        if r.quantity > planned.quantity + TOLERANCE:
            errors.append(
                FieldError(
                    f"{path}.quantity",
                    f"more than the {planned.quantity:g} planned; record what was planned",
                    code="above_planned",
                    params={"planned": planned.quantity},
                )
            )
            continue
        full = r.quantity >= planned.quantity - TOLERANCE
        condition = r.condition or ("good" if full else "short")
        if condition == "good" and not full:
            errors.append(
                FieldError(
                    f"{path}.condition",
                    "less than planned arrived: the condition is short or spoiled",
                    code="condition_needed",
                )
            )
            continue
        if condition != "good" and full:
            errors.append(
                FieldError(
                    f"{path}.quantity",
                    f"a {condition} delivery is less than planned: give the usable quantity",
                    code="usable_quantity",
                )
            )
            continue
        checked.append(
            Checked(r.position, planned.quantity if full else r.quantity, condition, r.note, r.photo_ref)
        )
    if errors:
        raise ValidationFailed(errors)
    return checked
