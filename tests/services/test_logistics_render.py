"""The text table `barter demo` prints."""

from __future__ import annotations

from typing import Any

import msgspec

from barter.schemas.logistics import PlanOut
from barter.services.logistics_render import pad, render_shipments, width

REF: dict[str, Any] = {
    "proposal_status": "approved",
    "unit": "kg",
    "giver_id": 1,
    "giver_name_th": "กลุ่มประมงพื้นบ้านบ้านปากบารา",
    "giver_name_en": "Pak Bara fishing group",
    "receiver_id": 2,
    "receiver_name_th": "กลุ่มสมุนไพรสกลนคร",
    "receiver_name_en": "Sakon Nakhon herb group",
}
FISH: dict[str, Any] = {
    **REF,
    "proposal_id": 7,
    "position": 0,
    "lot": 0,
    "item_id": "dried-fish",
    "item_name_th": "ปลาแห้ง",
}
FISH |= {"item_name_en": "Dried fish", "quantity": 100.0, "weight_kg": 100.0}
RICE: dict[str, Any] = {
    **FISH,
    "position": 2,
    "lot": 2,
    "item_id": "rice-jasmine",
    "item_name_th": "ข้าวหอมมะลิ",
}
RICE |= {"item_name_en": "Jasmine rice", "quantity": 10_000.0, "weight_kg": 10_000.0}


def _stop(kind: str, th: str, en: str, hour: int, load: float, **moves: Any) -> dict[str, Any]:
    at = f"2025-03-03T{hour:02d}:00:00+07:00"
    return {
        "kind": kind,
        "name_th": th,
        "name_en": en,
        "community_id": None,
        "lat": 7.0,
        "lon": 100.0,
        "region": "south",
        "hub": None,
        "arrival": at,
        "departure": at,
        "load_kg": load,
        "km_from_previous": 10.0,
        "picked": moves.get("picked", []),
        "dropped": moves.get("dropped", []),
    }


def _plan() -> dict[str, Any]:
    key = {"proposal_id": 7, "position": 0, "lot": 0}
    lot = {"proposal_id": 7, "position": 2, "lot": 2}
    totals = {
        "transfers": 4,
        "handovers": 1,
        "routed": 2,
        "unplaced": 1,
        "shipments": 1,
        "weight_kg": 10_100.0,
    }
    totals |= {"km": 900.0, "cost": 20_000.0, "direct_km": 1500.0, "direct_cost": 32_000.0, "saved_km": 600.0}
    totals |= {"saved_cost": 12_000.0, "saved_km_pct": 40.0, "saved_cost_pct": 37.5}
    stamp = "2025-03-01T10:00:00+00:00"
    shipment = {
        "id": 12,
        "plan_id": 3,
        "code": "S001",
        "status": "planned",
        "preview": False,
        "vehicle": "south-ten-wheel",
        "kind": "ten-wheel",
        "unit": 1,
        "capacity_kg": 15_000.0,
        "regions": ["south"],
        "km": 900.0,
        "cost": 20_000.0,
        "max_load_kg": 10_100.0,
        "departure": "2025-03-03T00:00:00+07:00",
        "arrival": "2025-03-05T00:00:00+07:00",
        "stops": [
            _stop("depot", "คลังรถสงขลา", "Songkhla depot", 0, 0),
            _stop("pickup", FISH["giver_name_th"], FISH["giver_name_en"], 8, 10_100, picked=[key, lot]),
            _stop("dropoff", FISH["receiver_name_th"], FISH["receiver_name_en"], 20, 0, dropped=[key, lot]),
            _stop("depot", "คลังรถสงขลา", "Songkhla depot", 23, 0),
        ],
        "carries": [
            {"transfer": FISH, "leg": 1, "legs": 1, "pickup": stamp, "dropoff": stamp},
            {"transfer": RICE, "leg": 1, "legs": 1, "pickup": stamp, "dropoff": stamp},
        ],
        "created_at": stamp,
        "updated_at": stamp,
        "loading_at": None,
        "departed_at": None,
        "delivered_at": None,
        "cancelled_at": None,
        "version": 1,
    }
    return {
        "id": 3,
        "preview": False,
        "status": "active",
        "scope": ["south"],
        "regions": ["northeast", "south"],
        "proposals": [7, 8],
        "deferred": 2,
        "seed": 0,
        "strategy": "corridors",
        "starts_at": "2025-03-03T00:00:00+07:00",
        "time_limited": 0,
        "totals": totals,
        "requested_by": 1,
        "created_at": stamp,
        "cancelled_at": None,
        "version": 1,
        "shipments": [shipment],
        "handovers": [{"transfer": {**FISH, "proposal_id": 8, "position": 1}, "km": 12.4}],
        "unplaced": [
            {
                "transfer": {**FISH, "proposal_id": 8, "position": 0},
                "reason": "impossible_window",
                "detail": "needed by 2025-03-01 but ready only on 2025-03-03",
            }
        ],
    }


def test_thai_marks_take_no_columns() -> None:
    assert width("กลุ่ม") == 3  # the vowel below and the tone mark sit on their consonant
    assert width("Pak Bara") == 8
    assert width(pad("ข้าว", 6)) == 6


def test_the_table_names_places_in_thai_and_english_and_lists_every_move() -> None:
    text = render_shipments(_plan())
    assert text == render_shipments(msgspec.convert(_plan(), PlanOut, strict=False))
    lines = text.splitlines()
    assert lines[0].startswith("Plan 3 (approved proposals 7, 8)")
    assert "saved 600 km (40%) and 12,000 baht (37.5%)" in text
    assert "2 more proposals wait for the next plan." in text
    assert "Shipment 12 (S001) · ten-wheel south-ten-wheel #1 · 15,000 kg" in text
    pickup = next(line for line in lines if "pickup" in line and "Pak Bara" in line)
    assert "กลุ่มประมงพื้นบ้านบ้านปากบารา / Pak Bara fishing group" in pickup
    assert "Mon 03 Mar 08:00" in pickup
    assert "+100 kg ปลาแห้ง Dried fish (proposal 7#0)" in pickup
    second = lines[lines.index(pickup) + 1]
    assert second.strip() == "+10,000 kg ข้าวหอมมะลิ Jasmine rice (proposal 7#2 lot 2)"
    assert len(second) - len(second.lstrip()) == width(pickup[: pickup.index("+100")]), "moves align"
    # The load column lines up whatever the script of the place name.
    stops = [line for line in lines if " depot " in line or "pickup" in line or "dropoff" in line]
    ends = {width(line.split("  +")[0].split("  -")[0].rstrip()) for line in stops}
    assert len(ends) == 1, stops
    assert "Hand-overs" in text
    assert "Pak Bara fishing group -> กลุ่มสมุนไพรสกลนคร / Sakon Nakhon herb group, 12 km" in text
    assert "impossible window: needed by 2025-03-01" in text
