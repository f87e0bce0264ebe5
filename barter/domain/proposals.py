"""Proposed exchanges: the state machine, who may move it, and what each community is told.

architecture.md, "Proposal states": a proposal is approved once every participant community has
accepted (itself, or its coordinator for it) and a coordinator of every region involved has
approved, in any order; one decline or rejection ends it. Holds expire while it is only proposed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from barter.domain.errors import Conflict

Status = Literal["proposed", "approved", "in_transit", "completed", "rejected", "expired", "cancelled"]
Action = Literal["accept", "decline", "approve", "reject", "dispatch", "complete", "cancel", "expire"]
LIVE: frozenset[str] = frozenset({"proposed", "approved", "in_transit"})
ENDED: frozenset[str] = frozenset({"completed", "rejected", "expired", "cancelled"})

# From which states each action applies.
APPLIES: dict[Action, frozenset[str]] = {
    "accept": frozenset({"proposed"}),
    "decline": frozenset({"proposed"}),
    "approve": frozenset({"proposed"}),
    "reject": frozenset({"proposed"}),
    "dispatch": frozenset({"approved"}),
    "complete": frozenset({"approved", "in_transit"}),
    "cancel": frozenset({"approved"}),
    "expire": frozenset({"proposed"}),
}


class TransitionConflict(Conflict):
    """The action does not apply in the proposal's current state; the answer names that state."""

    code = "invalid_state"

    def __init__(self, action: str, status: str) -> None:
        super().__init__(
            f"Cannot {action} a proposal that is {status}",
            code="invalid_state",
            extra={"state": status},
        )


def require_applies(action: Action, status: str) -> None:
    if status not in APPLIES[action]:
        raise TransitionConflict(action, status)


def approved_when(
    participants: Iterable[int], accepted: Iterable[int], regions: Iterable[str], approved: Iterable[str]
) -> bool:
    """Every participant accepted and every involved region approved."""
    return set(participants) <= set(accepted) and set(regions) <= set(approved)


# --- explanations --------------------------------------------------------------------------------

UNIT_TH = {"kg": "กก.", "litre": "ลิตร", "piece": "ชิ้น", "pack": "แพ็ค"}
UNIT_EN = {"kg": "kg", "litre": "litres", "piece": "pieces", "pack": "packs"}


@dataclass(frozen=True, slots=True)
class Leg:
    """One transfer as the people in it would describe it."""

    giver: int
    receiver: int
    quantity: float
    unit: str
    item_th: str
    item_en: str


def _amount(quantity: float) -> str:
    return f"{quantity:,.0f}" if abs(quantity - round(quantity)) < 1e-9 else f"{quantity:,.2f}".rstrip("0")


def _what_en(leg: Leg) -> str:
    return f"{_amount(leg.quantity)} {UNIT_EN.get(leg.unit, leg.unit)} {leg.item_en.lower()}"


def _give_en(leg: Leg, names: dict[int, tuple[str, str]]) -> str:
    return f"{_what_en(leg)} to {names[leg.receiver][1]}"


def _get_en(leg: Leg, names: dict[int, tuple[str, str]]) -> str:
    return f"{_what_en(leg)} from {names[leg.giver][1]}"


def _give_th(leg: Leg, names: dict[int, tuple[str, str]]) -> str:
    return (
        f"{leg.item_th} {_amount(leg.quantity)} {UNIT_TH.get(leg.unit, leg.unit)} ให้{names[leg.receiver][0]}"
    )


def _get_th(leg: Leg, names: dict[int, tuple[str, str]]) -> str:
    return f"{leg.item_th} {_amount(leg.quantity)} {UNIT_TH.get(leg.unit, leg.unit)} จาก{names[leg.giver][0]}"


def explain(
    community: int, legs: Sequence[Leg], names: dict[int, tuple[str, str]], kind: str
) -> tuple[str, str]:
    """(Thai, English) for one community: what it gives to whom, what it receives from whom.

    `names` maps community ids to (Thai name, English name), either falling back to the other.
    """
    gives = [leg for leg in legs if leg.giver == community]
    gets = [leg for leg in legs if leg.receiver == community]
    en_parts, th_parts = [], []
    if gives:
        en_parts.append("you give " + " and ".join(_give_en(g, names) for g in gives))
        th_parts.append("ชุมชนของคุณให้" + " และ".join(_give_th(g, names) for g in gives))
    if gets:
        en_parts.append("you receive " + " and ".join(_get_en(g, names) for g in gets))
        th_parts.append("ได้รับ" + " และ".join(_get_th(g, names) for g in gets))
    english = ", ".join(en_parts)
    thai = " ".join(th_parts)
    if kind == "chain" and gives and not gets:
        english += " (a gift that starts this chain)"
        thai += " (เป็นของขวัญที่เริ่มต้นห่วงโซ่นี้)"
    elif kind == "chain" and gets and not gives:
        english += " (the end of a gift chain: nothing is asked back)"
        thai += " (ปลายห่วงโซ่ของขวัญ ไม่ต้องให้อะไรตอบแทน)"
    return thai, english[:1].upper() + english[1:]


def display_names(name_th: str | None, name_en: str | None) -> tuple[str, str]:
    th = name_th or name_en or "?"
    en = name_en or name_th or "?"
    return th, en
