"""A plan as a text table for people (the `barter demo` prints it): Thai and English place names,
times in Thai time, goods picked up (+) and dropped (-) at each stop."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec

from barter.domain.units import english_unit
from barter.logistics import THAI_TIME
from barter.schemas.logistics import PlanOut, ShipmentOut, TransferKey, TransferRef


def width(text: str) -> int:
    """Terminal columns: Thai vowel and tone marks (combining) take none, wide characters two."""
    total = 0
    for char in text:
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def _names(th: str | None, en: str | None) -> str:
    if th and en and th != en:
        return f"{th} / {en}"
    return th or en or "?"


def _when(moment: datetime) -> str:
    return moment.astimezone(THAI_TIME).strftime("%a %d %b %H:%M")


def _amount(ref: TransferRef) -> str:
    quantity = f"{ref.quantity:,.4f}".rstrip("0").rstrip(".")
    lot = f" lot {ref.lot}" if ref.lot else ""
    where = f"proposal {ref.proposal_id}#{ref.position}{lot}"
    return (
        f"{quantity} {english_unit(ref.unit, ref.quantity)} {ref.item_name_th} {ref.item_name_en} ({where})"
    )


def _key(ref: TransferRef | TransferKey) -> tuple[int, int, int]:
    return (ref.proposal_id, ref.position, ref.lot)


def _shipment(s: ShipmentOut) -> list[str]:
    goods = {_key(c.transfer): c.transfer for c in s.carries}
    lines = [
        f"Shipment {s.id} ({s.code}) · {s.kind} {s.vehicle} #{s.unit} · {s.capacity_kg:,.0f} kg · "
        f"{s.km:,.0f} km · {s.cost:,.0f} baht · most on board {s.max_load_kg:,.0f} kg · {s.status}"
    ]
    places = [_names(stop.name_th, stop.name_en) for stop in s.stops]
    column = max(width(p) for p in places)
    lines.append(f"  {pad('when', 16)}  {pad('stop', 14)}  {pad('place', column)}  {'load kg':>8}  goods")
    for stop, place in zip(s.stops, places, strict=True):
        moves = [f"+{_amount(goods[_key(k)])}" for k in stop.picked if _key(k) in goods]
        moves += [f"-{_amount(goods[_key(k)])}" for k in stop.dropped if _key(k) in goods]
        kind = stop.kind.replace("_", "+")
        head = f"  {pad(_when(stop.arrival), 16)}  {pad(kind, 14)}  {pad(place, column)}"
        head += f"  {stop.load_kg:>8,.0f}  "
        lines.append((head + (moves[0] if moves else "")).rstrip())
        lines += [" " * width(head) + move for move in moves[1:]]
    return lines


def render_shipments(plan: PlanOut | Mapping[str, Any]) -> str:
    """The plan (a PlanOut, or the JSON the API answered) as text: totals, each shipment's stops,
    the hand-overs and what could not be placed."""
    p = plan if isinstance(plan, PlanOut) else msgspec.convert(plan, PlanOut, strict=False)
    t = p.totals
    kind = "preview over proposed proposals" if p.preview else "approved proposals"
    lines = [
        f"Plan {p.id} ({kind} {', '.join(map(str, p.proposals))}) · regions {', '.join(p.regions)} · "
        f"{p.strategy}, seed {p.seed} · {p.status}",
        f"{t.transfers} transfers: {t.handovers} hand-overs, {t.routed} routed in {t.shipments} shipments "
        f"({t.weight_kg:,.0f} kg), {t.unplaced} unplaced.",
        f"The shipments drive {t.km:,.0f} km for {t.cost:,.0f} baht; sent alone the same transfers "
        f"would take {t.direct_km:,.0f} km and {t.direct_cost:,.0f} baht: saved {t.saved_km:,.0f} km "
        f"({t.saved_km_pct:g}%) and {t.saved_cost:,.0f} baht ({t.saved_cost_pct:g}%).",
    ]
    if p.deferred:
        lines.append(f"{p.deferred} more proposals wait for the next plan.")
    for shipment in p.shipments:
        lines += ["", *_shipment(shipment)]
    if p.handovers:
        lines += ["", "Hand-overs (the two communities arrange these themselves):"]
        lines += [
            f"  {_amount(h.transfer)}: {_names(h.transfer.giver_name_th, h.transfer.giver_name_en)} -> "
            f"{_names(h.transfer.receiver_name_th, h.transfer.receiver_name_en)}, {h.km:,.0f} km"
            for h in p.handovers
        ]
    if p.unplaced:
        lines += ["", "Not placed:"]
        lines += [f"  {_amount(u.transfer)}: {u.reason.replace('_', ' ')}: {u.detail}" for u in p.unplaced]
    return "\n".join(lines) + "\n"
